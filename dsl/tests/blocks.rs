//! Blocks, Sequentials, repeats, residual adds and concatenations: names,
//! shapes, and the errors they raise.

mod common;
use cnn_dsl::model::Op;
use common::*;

const BASIC: &str = "
block BasicBlock(inplanes, planes, stride = 1) {
    residual {
        conv1: Conv2d(inplanes, planes, 3, stride = stride, padding = 1, bias = false),
        bn1: BatchNorm2d(planes),
        relu: ReLU,
        conv2: Conv2d(planes, planes, 3, padding = 1, bias = false),
        bn2: BatchNorm2d(planes),
    } + downsample: [
        Conv2d(inplanes, planes, 1, stride = stride, bias = false),
        BatchNorm2d(planes),
    ] if stride != 1 || inplanes != planes,
    relu: ReLU,
}
";

#[test]
fn torchvision_names_through_blocks_and_sequentials() {
    let src = format!(
        "{BASIC} struct Net<64, 56, 56> {{ layer1: [BasicBlock(64, 64); 2], layer2: [BasicBlock(64, 128, stride = 2), BasicBlock(128, 128)] }}"
    );
    let r = check(&src);
    assert!(r.diagnostics.is_empty(), "{:?}", r.messages());
    let names: Vec<String> = r.model().tensors().into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"layer1.1.bn2.running_var".to_string()));
    assert!(names.contains(&"layer2.0.downsample.0.weight".to_string()));
    assert!(names.contains(&"layer2.0.downsample.1.running_mean".to_string()));
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("layer1.0.downsample") || n.starts_with("layer2.1.downsample"))
    );
    assert_eq!(r.model().output.to_string(), "[128, 28, 28]");
    // the shared `relu` is one layer, run twice
    let relus = r
        .model()
        .layers
        .iter()
        .filter(|l| l.name == "layer1.0.relu")
        .count();
    assert_eq!(relus, 1);
    let runs = r
        .model()
        .rows
        .iter()
        .filter(|row| row.name == "layer1.0.relu")
        .count();
    assert_eq!(runs, 2);
    assert!(matches!(r.model().program[0], Op::Residual { .. }));
}

#[test]
fn rows_nest_like_torchinfo() {
    let src =
        format!("{BASIC} struct Net<64, 8, 8> {{ layer2: [BasicBlock(64, 128, stride = 2)] }}");
    let r = check(&src);
    let rows: Vec<(String, String, usize)> = r
        .model()
        .rows
        .iter()
        .map(|row| (row.name.clone(), row.kind.clone(), row.depth))
        .collect();
    let expected = [
        ("layer2", "Sequential", 1),
        ("layer2.0", "BasicBlock", 2),
        ("layer2.0.conv1", "Conv2d", 3),
        ("layer2.0.bn1", "BatchNorm2d", 3),
        ("layer2.0.relu", "ReLU", 3),
        ("layer2.0.conv2", "Conv2d", 3),
        ("layer2.0.bn2", "BatchNorm2d", 3),
        ("layer2.0.downsample", "Sequential", 3),
        ("layer2.0.downsample.0", "Conv2d", 4),
        ("layer2.0.downsample.1", "BatchNorm2d", 4),
        ("layer2.0.relu", "ReLU", 3),
    ];
    let expected: Vec<(String, String, usize)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
        .collect();
    assert_eq!(rows, expected);
    let block = &r.model().rows[1];
    assert_eq!(block.text, "BasicBlock(64, 128, stride = 2)");
    assert_eq!(
        block.params,
        Some(64 * 128 * 9 + 128 * 128 * 9 + 64 * 128 + 3 * 2 * 128)
    );
}

#[test]
fn the_classic_stride_two_mistake() {
    let src = "struct Net<64, 56, 56> { residual { conv: Conv2d(64, 64, 3, stride = 2, padding = 1) }, relu: ReLU }";
    let r = check(src);
    let e = r.error();
    assert!(
        e.message
            .starts_with("this residual add cannot sum its paths"),
        "{}",
        e.message
    );
    assert_eq!(underlined(src, e), "residual");
    assert_eq!(
        e.help.as_deref(),
        Some(
            "add a projection shortcut after the braces: `+ downsample: [Conv2d(64, 64, 1, stride = 2, bias = false), BatchNorm2d(64)]`"
        )
    );
    // checking goes on from the main path's output
    assert_eq!(r.model().output.to_string(), "[64, 28, 28]");
}

#[test]
fn an_error_in_one_use_of_three_names_that_use() {
    let src = "
        block Unit(c_in, c_out) { conv: Conv2d(c_in, c_out, 3, padding = 1), relu: ReLU }
        struct Net<3, 8, 8> { a: Unit(3, 8), b: Unit(8, 8), c: Unit(4, 8) }";
    let r = check(src);
    let errors = r.errors();
    assert_eq!(errors.len(), 2, "{:?}", r.messages());
    assert_eq!(
        errors[0].message,
        "`c.conv` expects 4 input channels, but receives 8 (from `a`)"
    );
    assert_eq!(underlined(src, errors[0]), "c_in");
    assert!(
        errors[0]
            .notes
            .contains(&"in `c`, which is `Unit(4, 8)`".to_string())
    );
    assert_eq!(
        errors[1].message,
        "error in this use of `Unit(4, 8)`, at `c`"
    );
    assert_eq!(underlined(src, errors[1]), "Unit(4, 8)");
}

#[test]
fn the_same_mistake_in_every_use_is_reported_once() {
    let src = "
        block Unit(c) { conv: Conv2d(c, c, 3, padding = 1), act: Relu }
        struct Net<8, 8, 8> { a: Unit(8), b: Unit(8), c: Unit(8) }";
    let r = check(src);
    let unknown: Vec<_> = r
        .errors()
        .into_iter()
        .filter(|d| d.message == "unknown layer `Relu`")
        .collect();
    assert_eq!(unknown.len(), 1, "{:?}", r.messages());
    assert!(
        unknown[0]
            .notes
            .contains(&"also in `b`, which is `Unit(8)`".to_string()),
        "{:?}",
        unknown[0].notes
    );
    let uses = r
        .errors()
        .into_iter()
        .filter(|d| d.message.starts_with("error in this use"))
        .count();
    assert_eq!(uses, 3);
}

#[test]
fn concat_adds_channels_and_checks_sizes() {
    let r = check(
        "struct Net<8, 10, 10> { concat { Conv2d(8, 4, 1), { MaxPool2d(3, stride = 1, padding = 1), Conv2d(8, 2, 1) }, Identity } }",
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.messages());
    assert_eq!(r.model().output.to_string(), "[14, 10, 10]");
    let src = "struct Net<8, 10, 10> { concat { Conv2d(8, 4, 1), Conv2d(8, 4, 3) } }";
    let r = check(src);
    let e = r.error();
    assert!(
        e.message
            .contains("branch 2 gives [4, 8, 8] and branch 1 gives [4, 10, 10]"),
        "{}",
        e.message
    );
    assert_eq!(underlined(src, e), "Conv2d(8, 4, 3)");
    let r = check("struct Net<8, 10, 10> { concat { Flatten, Identity } }");
    assert!(
        r.error()
            .message
            .starts_with("concat joins images along channels, but branch 1 gives [800]")
    );
}

#[test]
fn block_definitions_and_uses() {
    let r = check("block B(c) { x: Conv2d(c, c, 1) } block B(d) { } struct Net<3> { }");
    assert_eq!(r.error().message, "the block `B` is defined twice");
    let r = check("block B(c) { x: B(c) } struct Net<3, 4, 4> { b: B(3) }");
    assert_eq!(r.errors()[0].message, "the block `B` uses itself");
    let r = check("block B(c, c) { } struct Net<3> { }");
    assert_eq!(
        r.error().message,
        "the parameter `c` of `B` is declared twice"
    );
    let r = check("block B(c) { x: Conv2d(c, c, 1) } struct Net<3, 4, 4> { b: B() }");
    assert_eq!(
        r.errors()[0].message,
        "`B` is missing its required argument `c`"
    );
    assert_eq!(
        r.errors().len(),
        1,
        "a missing argument is not reported again inside: {:?}",
        r.messages()
    );
    let r = check("struct Net<3, 4, 4> { l: [ReLU; 2000] }");
    assert!(
        r.error()
            .message
            .starts_with("the number of copies must be a whole number from 0 to 1024")
    );
}

#[test]
fn conditions() {
    let r = check(
        "block B(s = 1) { pool: MaxPool2d(2) if s > 1 && !(s == 3) } struct Net<3, 8, 8> { a: B(), b: B(s = 2), c: B(3) }",
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.messages());
    assert_eq!(r.model().output.to_string(), "[3, 4, 4]");
    let r = check("struct Net<3, 8, 8> { pool: MaxPool2d(2) if 1 }");
    assert_eq!(
        r.error().message,
        "an `if` condition must be `true` or `false`, not the integer `1`"
    );
}
