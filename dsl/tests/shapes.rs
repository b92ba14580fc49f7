//! What the checker infers for models that are right.

mod common;
use cnn_dsl::spec::LayerSpec;
use common::*;

fn ok(src: &str) -> Report {
    // Lints may warn about these models; only errors fail them.
    let r = check(src);
    assert!(r.errors().is_empty(), "{:?}", r.messages());
    r
}

fn shapes(r: &Report) -> Vec<String> {
    r.model()
        .layers
        .iter()
        .map(|l| l.output.to_string())
        .collect()
}

#[test]
fn the_tutorial_quiz_stack() {
    let r = ok("struct Quiz<3, 130, 130> {
        conv1: Conv2d(3, 10, 3), pool1: MaxPool2d(4, 4),
        conv2: Conv2d(10, 20, 5, padding = 2), pool2: MaxPool2d(2, 2), relu: ReLU,
    }");
    assert_eq!(
        shapes(&r),
        [
            "[10, 128, 128]",
            "[10, 32, 32]",
            "[20, 32, 32]",
            "[20, 16, 16]",
            "[20, 16, 16]"
        ]
    );
}

#[test]
fn inferred_sizes_are_filled_in() {
    let r = ok("struct Net<3, 32, 32> {
        conv: Conv2d(_, 16, 5, stride = 2, padding = 1), bn: BatchNorm2d(_),
        flatten: Flatten, fc: Linear(_, 10),
    }");
    let texts: Vec<&str> = r.model().layers.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Conv2d(3, 16, 5, stride = 2, padding = 1)",
            "BatchNorm2d(16)",
            "Flatten",
            "Linear(3600, 10)"
        ]
    );
    assert_eq!(
        r.model().params,
        Some(3 * 16 * 25 + 16 + 32 + 3600 * 10 + 10)
    );
}

#[test]
fn pytorch_spellings_are_accepted() {
    let r = ok("struct Net<1, 28, 28> {
        conv: nn.Conv2d(1, 4, kernel_size = 3, bias = False),
        act: nn.ReLU(inplace = True),
        pool: nn.MaxPool2d(kernel_size = 2, stride = None),
        flatten: nn.Flatten(start_dim = 1, end_dim = -1),
        fc: nn.Linear(in_features = 4 * 13 * 13, out_features = 10, bias = True),
        sm: nn.LogSoftmax(dim = -1),
    }");
    assert_eq!(r.model().output.to_string(), "[10]");
    let LayerSpec::Conv2d(c) = r.model().layers[0].spec.clone().unwrap() else {
        panic!()
    };
    assert!(!c.bias);
}

#[test]
fn unnamed_layers_are_numbered_like_sequential() {
    let r = ok("struct Gray<1, 200, 200> {
        Conv2d(1, 16, 2, stride = 2), MaxPool2d(2), ReLU,
        Conv2d(16, 32, 3, padding = 1), MaxPool2d(2), ReLU,
        Flatten, Linear(32 * 25 * 25, 10),
    }");
    let names: Vec<String> = r.model().tensors().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"
        ]
    );
    assert_eq!(r.model().layers[4].field.to_string(), "_4");
}

#[test]
fn same_padding_with_an_even_kernel_pads_more_at_the_end() {
    let r = ok(
        r#"struct Net<1, 9, 10> { conv: Conv2d(1, 2, (4, 3), padding = "same", dilation = (1, 2)) }"#,
    );
    assert_eq!(r.model().output.to_string(), "[2, 9, 10]");
    let LayerSpec::Conv2d(c) = r.model().layers[0].spec.clone().unwrap() else {
        panic!()
    };
    assert_eq!((c.pad_begin, c.pad_end), ([1, 2], [2, 2]));
    let r = ok(r#"struct Net<1, 9, 10> { conv: Conv2d(1, 2, 3, padding = "valid") }"#);
    assert_eq!(r.model().output.to_string(), "[2, 7, 8]");
}

#[test]
fn pooling_ceil_mode_and_defaults() {
    let r = ok("struct Net<3, 37, 37> {
        a: MaxPool2d(2), b: MaxPool2d(2, ceil_mode = true),
    }");
    assert_eq!(shapes(&r), ["[3, 18, 18]", "[3, 9, 9]"]);
    let r = ok(
        "struct Net<3, 37, 37> { a: AvgPool2d(3, stride = 2, padding = 1, ceil_mode = true, count_include_pad = false, divisor_override = 4) }",
    );
    assert_eq!(shapes(&r), ["[3, 19, 19]"]);
}

#[test]
fn adaptive_pooling_keeps_none_axes() {
    let r =
        ok("struct Net<8, 13, 7> { a: AdaptiveAvgPool2d((None, 3)), b: AdaptiveMaxPool2d(20) }");
    assert_eq!(shapes(&r), ["[8, 13, 3]", "[8, 20, 20]"]);
}

#[test]
fn flatten_ranges_and_linear_on_the_last_dimension() {
    let r = ok("struct Net<4, 5, 6> { f: Flatten(2), fc: Linear(30, 7) }");
    assert_eq!(shapes(&r), ["[4, 30]", "[4, 7]"]);
    assert_eq!(r.model().macs, Some(4 * 30 * 7));
    let r = ok("struct Net<4, 5, 6> { f: Flatten(1, 2) }");
    assert_eq!(shapes(&r), ["[20, 6]"]);
}

#[test]
fn every_activation_and_identity() {
    let r = ok(r#"struct Net<16> {
        ReLU, ReLU6(), LeakyReLU(negative_slope = 0.2), ELU(alpha = 0.5), GELU(approximate = "tanh"),
        SiLU, Sigmoid, Tanh, Softmax(1), LogSoftmax(dim = 1), Dropout(), Dropout2d(p = 0.1),
        Identity(54, unused_argument1 = 0.1),
    }"#);
    assert_eq!(r.model().output.to_string(), "[16]");
    assert_eq!(r.model().params, Some(0));
}

#[test]
fn depthwise_and_grouped_counts() {
    let r = ok(
        "struct Net<32, 16, 16> { dw: Conv2d(32, 32, 3, padding = 1, groups = 32), g: Conv2d(32, 64, 1, groups = 4, bias = false) }",
    );
    assert_eq!(r.model().layers[0].params, Some(32 * 9 + 32));
    assert_eq!(r.model().layers[1].params, Some(64 * 8));
    assert_eq!(r.model().macs, Some(32 * 256 * 9 + 64 * 256 * 8));
    let names: Vec<(String, Vec<usize>)> = r.model().tensors();
    assert_eq!(names[2], ("g.weight".to_string(), vec![64, 8, 1, 1]));
}

#[test]
fn batchnorm_counts_parameters_not_buffers() {
    let r = ok(
        "struct Net<8, 4, 4> { bn: BatchNorm2d(8), bn2: BatchNorm2d(8, affine = false, eps = 1e-3, momentum = None) }",
    );
    assert_eq!(r.model().layers[0].params, Some(16));
    assert_eq!(r.model().layers[1].params, Some(0));
    let names: Vec<String> = r.model().tensors().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "bn.weight",
            "bn.bias",
            "bn.running_mean",
            "bn.running_var",
            "bn2.running_mean",
            "bn2.running_var"
        ]
    );
}

#[test]
fn a_model_without_layers_is_the_identity() {
    let r = ok("struct Net<3, 2, 2> {}");
    assert_eq!(r.model().output.to_string(), "[3, 2, 2]");
}

#[test]
fn raw_identifiers_name_layers() {
    let r = ok("struct Net<3> { r#type: ReLU }");
    assert_eq!(r.model().layers[0].name, "type");
}
