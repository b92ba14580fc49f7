//! Every kind of mistake the checker reports: how many errors, their
//! headline, and the exact tokens they underline.

mod common;
use common::*;

/// Checks `layers` inside a `<3, 32, 32>` model and returns the report.
fn layers(layers: &str) -> (String, Report) {
    let src = format!("struct Net<3, 32, 32> {{ {layers} }}");
    let report = check(&src);
    (src, report)
}

/// Asserts exactly one error, with this headline, underlining this text.
#[track_caller]
fn one_error(src_layers: &str, headline: &str, under: &str) -> Report {
    let (src, r) = layers(src_layers);
    let e = r.error();
    assert_eq!(e.message, headline);
    assert_eq!(underlined(&src, e), under);
    r
}

// ---- the shape of the tensor that arrives ----

#[test]
fn linear_in_features_after_flatten() {
    let r = one_error(
        "conv: Conv2d(3, 8, 3, stride = 2), flatten: Flatten, fc: Linear(2048, 10)",
        "`fc` expects 2048 input features, but receives 1800 (= 8 x 15 x 15 from `conv`)",
        "2048",
    );
    let e = r.error();
    assert_eq!(
        e.notes,
        ["shapes: [3, 32, 32] -conv-> [8, 15, 15] -flatten-> [1800]"]
    );
    assert_eq!(
        e.help.as_deref(),
        Some("write `Linear(1800, 10)`, or `Linear(_, 10)` to infer it")
    );
    assert_eq!(fix_text(e), Some("1800"));
}

#[test]
fn linear_after_linear() {
    one_error(
        "flatten: Flatten, fc1: Linear(3072, 10), fc2: Linear(100, 5)",
        "`fc2` expects 100 input features, but receives 10 (from `fc1`)",
        "100",
    );
}

#[test]
fn linear_on_an_image_without_flatten() {
    let r = one_error(
        "conv: Conv2d(3, 8, 3), fc: Linear(7200, 10)",
        "`fc` expects 7200 input features, but receives a [8, 30, 30] tensor, and Linear acts on its last dimension (30)",
        "7200",
    );
    assert_eq!(
        r.error().help.as_deref(),
        Some("add `Flatten` before `fc`, so it receives all 7200 values")
    );
}

#[test]
fn linear_on_the_last_dimension_is_legal() {
    let r = check("struct Net<3, 32, 32> { fc: Linear(32, 4) }");
    assert!(r.errors().is_empty());
    assert_eq!(r.model().output.to_string(), "[3, 32, 4]");
}

#[test]
fn conv_in_channels() {
    let r = one_error(
        "conv1: Conv2d(3, 16, 3), pool: MaxPool2d(2), conv2: Conv2d(32, 16, 3)",
        "`conv2` expects 32 input channels, but receives 16 (from `pool`)",
        "32",
    );
    assert_eq!(
        r.error().help.as_deref(),
        Some("write `Conv2d(16, 16, 3)`, or `Conv2d(_, 16, 3)` to infer it")
    );
}

#[test]
fn batchnorm_channels() {
    one_error(
        "conv1: Conv2d(3, 16, 3), bn: BatchNorm2d(32)",
        "`bn` expects 32 channels (`num_features`), but receives 16 (from `conv1`)",
        "32",
    );
}

#[test]
fn conv_after_flatten() {
    let r = one_error(
        "flatten: Flatten, conv: Conv2d(3, 16, 3)",
        "`conv` is a Conv2d and needs a [C, H, W] image, but receives [3072] (flattened by `flatten`)",
        "Conv2d",
    );
    assert_eq!(
        r.error().help.as_deref(),
        Some("move `flatten` after the last layer that works on images")
    );
}

#[test]
fn image_layer_on_a_flat_input() {
    let r = check("struct Net<784> { pool: MaxPool2d(2) }");
    assert_eq!(
        r.error().message,
        "`pool` is a MaxPool2d and needs a [C, H, W] image, but receives [784] (the model's input)"
    );
}

#[test]
fn kernel_larger_than_input() {
    let src = "struct Net<3, 8, 8> { conv1: Conv2d(3, 16, 5), conv2: Conv2d(16, 16, 5) }";
    let r = check(src);
    let e = r.error();
    assert_eq!(e.message, "`conv2`: kernel 5x5 does not fit the 4x4 input");
    assert_eq!(underlined(src, e), "5");
    assert_eq!(position(e), (1, 70));
    assert!(e.help.as_deref().unwrap().contains("`padding = 1`"), "{e}");
}

#[test]
fn pooling_window_larger_than_input() {
    let src = "struct Net<3, 3, 3> { pool: MaxPool2d(4) }";
    let r = check(src);
    assert_eq!(
        r.error().message,
        "`pool`: the 4x4 pooling window does not fit the 3x3 input"
    );
}

#[test]
fn dilated_kernel_too_large() {
    let src = "struct Net<1, 5, 5> { conv: Conv2d(1, 1, 3, dilation = 3) }";
    let r = check(src);
    assert_eq!(
        r.error().message,
        "`conv`: kernel 3x3 (dilated, it spans 7x7) does not fit the 5x5 input"
    );
}

#[test]
fn reflection_padding_larger_than_image() {
    let src =
        r#"struct Net<1, 2, 8> { conv: Conv2d(1, 1, 5, padding = 2, padding_mode = "reflect") }"#;
    let r = check(src);
    assert_eq!(
        r.error().message,
        "`conv`: padding 2 is too large for the input's height of 2 with `padding_mode = \"reflect\"`"
    );
}

// ---- PyTorch's own argument rules ----

#[test]
fn pool_padding_more_than_half_the_kernel() {
    let r = one_error(
        "pool: MaxPool2d(3, padding = 2)",
        "`padding` = 2 is more than half of `kernel_size` = 3",
        "2",
    );
    assert_eq!(
        r.error().notes,
        ["PyTorch requires padding <= kernel_size / 2 for pooling"]
    );
}

#[test]
fn groups_must_divide_channels() {
    let src = "struct Net<4, 8, 8> { conv: Conv2d(4, 6, 3, groups = 4) }";
    let r = check(src);
    assert_eq!(
        r.error().message,
        "`groups` = 4 must divide `out_channels` = 6"
    );
    assert_eq!(r.error().help.as_deref(), Some("`groups` can be 1, 2"));
    one_error(
        "conv: Conv2d(3, 16, 3, groups = 2)",
        "`groups` = 2 must divide `in_channels` = 3",
        "2",
    );
}

#[test]
fn groups_must_divide_inferred_channels() {
    one_error(
        "conv: Conv2d(_, 4, 3, groups = 2)",
        "`groups` = 2 must divide the 3 inferred input channels",
        "2",
    );
}

#[test]
fn same_padding_needs_stride_one() {
    one_error(
        r#"conv: Conv2d(3, 16, 3, stride = 2, padding = "same")"#,
        "`padding = \"same\"` needs stride 1, as in PyTorch, but `stride` is not 1",
        "\"same\"",
    );
}

#[test]
fn sizes_must_be_positive() {
    one_error(
        "conv: Conv2d(3, 16, 3, stride = 0)",
        "`stride` must be at least 1, but is 0",
        "0",
    );
    one_error(
        "conv: Conv2d(3, 0, 3)",
        "`out_channels` must be at least 1, but is 0",
        "0",
    );
    one_error(
        "conv: Conv2d(3, 16, 3, padding = -1)",
        "`padding` cannot be negative, but is -1",
        "-1",
    );
    one_error(
        "conv: Conv2d(3, 16, (3, 0))",
        "`kernel_size` must be at least 1, but is 0",
        "0",
    );
}

#[test]
fn dropout_probability() {
    one_error(
        "drop: Dropout(1.5)",
        "the dropout probability `p` must be between 0 and 1, but is 1.5",
        "1.5",
    );
}

#[test]
fn dims_out_of_range_or_the_batch() {
    one_error(
        "sm: Softmax(dim = 4)",
        "`dim` = 4 is out of range for a [3, 32, 32] tensor (dimension 0 is the batch)",
        "4",
    );
    one_error(
        "flatten: Flatten(0)",
        "`start_dim` = 0 is the batch dimension; layers act on each image alone",
        "0",
    );
}

#[test]
fn unsupported_arguments() {
    one_error(
        r#"conv: Conv2d(3, 16, 3, device = "cuda")"#,
        "`device` is not supported: cnn models run on the CPU",
        "\"cuda\"",
    );
    one_error(
        "pool: MaxPool2d(2, return_indices = true)",
        "`return_indices` is not supported: it makes the layer return a (values, indices) pair, which no following layer takes",
        "true",
    );
    let (_, r) = layers("conv: Conv2d(3, 16, 3, device = None, dtype = None)");
    assert!(r.errors().is_empty());
}

// ---- names and arguments ----

#[test]
fn unknown_layer_with_suggestion() {
    let r = one_error("conv: Conv2D(3, 16, 3)", "unknown layer `Conv2D`", "Conv2D");
    assert_eq!(r.error().help.as_deref(), Some("did you mean `Conv2d`?"));
    one_error(
        "flatten: Flatten, fc: Lineer(3072, 4)",
        "unknown layer `Lineer`",
        "Lineer",
    );
    let r = one_error("fc: Dense(10)", "unknown layer `Dense`", "Dense");
    assert_eq!(
        r.error().help.as_deref(),
        Some("PyTorch calls this `Linear`")
    );
    one_error(
        "c: Conv1d(3, 4, 3)",
        "`Conv1d` works on 1-d data; cnn models are 2-d image networks",
        "Conv1d",
    );
    one_error(
        "up: Upsample(2)",
        "`Upsample` is a PyTorch layer that cnn does not support",
        "Upsample",
    );
}

#[test]
fn a_layer_spelled_in_the_wrong_case_is_still_checked() {
    // `Conv2D` counts as `Conv2d`, so the wrong Linear after it is found too.
    let (_, r) = layers("conv: Conv2D(3, 8, 3), flatten: Flatten, fc: Linear(100, 10)");
    assert_eq!(r.errors().len(), 2, "{:?}", r.messages());
    assert!(r.messages()[1].starts_with("`fc` expects 100 input features, but receives 7200"));
}

#[test]
fn unknown_argument_with_suggestion() {
    let r = one_error(
        "conv: Conv2d(3, 16, kernal_size = 3)",
        "`Conv2d` has no argument `kernal_size`",
        "kernal_size",
    );
    assert_eq!(
        r.error().help.as_deref(),
        Some("did you mean `kernel_size`?")
    );
    // the misspelt argument still counts, so the model is checked on.
    assert_eq!(r.model().output.to_string(), "[16, 30, 30]");
}

#[test]
fn missing_argument() {
    let r = one_error(
        "conv: Conv2d(3, 16)",
        "`Conv2d` is missing its required argument `kernel_size`",
        "Conv2d(3, 16)",
    );
    assert_eq!(
        r.error().help.as_deref(),
        Some("write `Conv2d(3, 16, kernel_size = ...)`")
    );
    one_error(
        "fc: Linear",
        "`Linear` is missing its required arguments `in_features` and `out_features`",
        "Linear",
    );
}

#[test]
fn argument_given_twice() {
    one_error(
        "conv: Conv2d(3, 16, 3, stride = 2, stride = 1)",
        "`Conv2d` got two values for `stride`: `stride = 2` and `stride = 1`",
        "stride = 1",
    );
    one_error(
        "conv: Conv2d(3, 16, 3, 2, stride = 1)",
        "`Conv2d` got two values for `stride`: `2` and `stride = 1`",
        "stride = 1",
    );
}

#[test]
fn too_many_positional_arguments() {
    one_error(
        "flatten: Flatten, fc: Linear(3072, 4, true, None, None, 7)",
        "`Linear` takes at most 5 positional arguments, but 6 were given",
        "7",
    );
    one_error(
        "id: Sigmoid(1)",
        "`Sigmoid` takes no arguments, but 1 was given",
        "1",
    );
}

#[test]
fn positional_after_keyword() {
    let r = one_error(
        "conv: Conv2d(3, 16, stride = 2, 3)",
        "positional argument after a keyword argument",
        "3",
    );
    assert_eq!(
        r.error().help.as_deref(),
        Some("write it as `kernel_size = 3`, or move it before the keyword arguments")
    );
}

#[test]
fn wrongly_typed_arguments() {
    let r = one_error(
        "conv: Conv2d(3, 16, 3.0)",
        "`kernel_size` must be a whole number, not the float `3.0`",
        "3.0",
    );
    assert_eq!(r.error().help.as_deref(), Some("write `3`"));
    one_error(
        "conv: Conv2d(3, 16, 3, bias = 1)",
        "`bias` must be `true` or `false`, not the integer `1`",
        "1",
    );
    one_error(
        r#"conv: Conv2d(3, 16, "3")"#,
        "`kernel_size` must be a number or a pair like `(3, 5)`, not the string \"3\"",
        "\"3\"",
    );
    one_error(
        "conv: Conv2d(3, 16, (3, 3, 3))",
        "`kernel_size` takes one number or a pair `(h, w)`, not 3 values",
        "(3, 3, 3)",
    );
    let r = one_error(
        r#"conv: Conv2d(3, 16, 3, padding = "smae")"#,
        "`padding` must be a number, a pair, \"same\" or \"valid\", not \"smae\"",
        "\"smae\"",
    );
    assert_eq!(r.error().help.as_deref(), Some("did you mean \"same\"?"));
    one_error(
        "lrelu: LeakyReLU(true)",
        "`negative_slope` must be a number, not `true`",
        "true",
    );
}

#[test]
fn infer_only_input_sizes() {
    one_error(
        "conv: Conv2d(3, 16, 3, stride = _)",
        "`stride` cannot be inferred",
        "_",
    );
}

#[test]
fn arithmetic_in_arguments() {
    let (_, r) = layers("flatten: Flatten, fc: Linear(3 * 32 * 32, 100 / 10 - 2 + 4)");
    assert!(r.errors().is_empty(), "{:?}", r.messages());
    assert_eq!(r.model().output.to_string(), "[12]");
    one_error(
        "conv: Conv2d(3, 16, 7 / 2)",
        "`7 / 2` is not a whole number; sizes are integers",
        "7 / 2",
    );
    one_error("conv: Conv2d(3, 16, 3 / 0)", "division by zero", "0");
    one_error("conv: Conv2d(3, 16, foo)", "unknown name `foo`", "foo");
}

#[test]
fn absurd_sizes() {
    one_error(
        "conv: Conv2d(3, 99999999999999, 3)",
        "`out_channels` = 99999999999999 is too large: sizes are at most 2147483648",
        "99999999999999",
    );
    let r = check("struct Net<2147483648, 2147483648, 2147483648> { relu: ReLU }");
    assert!(
        r.error()
            .message
            .ends_with("more than the 68,719,476,736 values per image cnn can hold"),
        "{:?}",
        r.messages()
    );
    let r = check("struct Net<100000> { fc: Linear(100000, 2147483648) }");
    assert_eq!(
        r.error().message,
        "`fc` would hold a tensor of 214,748,364,800,000 values, more than the 68,719,476,736 cnn can hold"
    );
    assert_eq!(
        underlined(
            "struct Net<100000> { fc: Linear(100000, 2147483648) }",
            r.error()
        ),
        "2147483648"
    );
    one_error(
        "conv: Conv2d(3, 16, 99999999999999999999999999999999999999999)",
        "the number `99999999999999999999999999999999999999999` is too large",
        "99999999999999999999999999999999999999999",
    );
}

#[test]
fn duplicate_layer_names() {
    let r = one_error(
        "conv1: Conv2d(3, 16, 3), conv1: Conv2d(16, 16, 3)",
        "the layer name `conv1` is used twice in `Net`",
        "conv1",
    );
    assert_eq!(position(r.error()), (1, 50));
}

#[test]
fn reserved_field_names() {
    one_error("_1: ReLU", "the layer name `_1` is reserved", "_1");
}

// ---- syntax ----

#[test]
fn a_missing_comma_is_reported_and_the_model_read_on() {
    let src = "struct Net<3, 32, 32> { conv: Conv2d(3, 16, 3) relu: ReLU, flatten: Flatten, fc: Linear(10, 2) }";
    let r = check(src);
    let msgs = r.messages();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert_eq!(msgs[0], "expected `,` between layers");
    assert_eq!(underlined(src, &r.diagnostics[0]), "relu");
    assert!(msgs[1].starts_with("`fc` expects 10 input features, but receives 14400"));
}

#[test]
fn syntax_errors_cost_only_their_entry() {
    let src =
        "struct Net<3, 32, 32> { conv: Conv2d(3, 16, 3) + 1, flatten: Flatten, fc: Linear(10, 2) }";
    let r = check(src);
    let msgs = r.messages();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(msgs[0], "expected `,` between layers");
    assert_eq!(underlined(src, &r.diagnostics[0]), "+");
}

#[test]
fn missing_input_size() {
    let r = check("struct Net { conv: Conv2d(3, 16, 3) }");
    assert_eq!(
        r.error().message,
        "`Net` needs its input size in angle brackets"
    );
    let r = check("struct Net<3, 32, 32, 1> { }");
    assert_eq!(
        r.error().message,
        "the input size must have 1 to 3 dimensions, but `Net` declares 4"
    );
}

#[test]
fn numeric_layer_names() {
    one_error(
        "0: Conv2d(3, 16, 3)",
        "a layer name must be an identifier, not the number `0`",
        "0",
    );
}

#[test]
fn stray_commas() {
    one_error(
        "conv: Conv2d(3, 16, 3),, relu: ReLU",
        "unexpected `,`: there is no layer before it",
        ",",
    );
    one_error(
        "conv: Conv2d(3, 16,, 3)",
        "unexpected `,`: there is no argument before it",
        ",",
    );
}

// ---- several mistakes at once ----

#[test]
fn three_independent_mistakes_in_one_pass() {
    let src = "struct Net<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu1: Relu,
        conv2: Conv2d(8, 32, 5, stride = 2, padding = 1),
        flatten: Flatten,
        fc: Linear(2048, 10),
    }";
    let r = check(src);
    let errors = r.errors();
    assert_eq!(errors.len(), 3, "{:?}", r.messages());
    assert_eq!(errors[0].message, "unknown layer `Relu`");
    assert_eq!(position(errors[0]), (3, 16));
    assert_eq!(
        errors[1].message,
        "`conv2` expects 8 input channels, but receives 16 (from `conv1`)"
    );
    assert_eq!(position(errors[1]), (4, 23));
    // checking went on from conv2's declared 32 output channels
    assert_eq!(
        errors[2].message,
        "`fc` expects 2048 input features, but receives 1568 (= 32 x 7 x 7 from `conv2`)"
    );
    assert_eq!(position(errors[2]), (6, 20));
}

#[test]
fn every_model_of_an_invocation_is_checked() {
    let r = check(
        "struct A<3, 32, 32> { conv: Conv2d(4, 8, 3) }
         struct B<1, 28, 28> { flatten: Flatten, fc: Linear(10, 10) }",
    );
    assert_eq!(r.errors().len(), 2);
    assert!(r.models[0].has_errors && r.models[1].has_errors);
}
