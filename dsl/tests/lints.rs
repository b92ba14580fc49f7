//! Lints: each fires where its mistake is, stays quiet where there is none,
//! and `#[allow]` silences it. The last tests run torchvision's CNNs through
//! every lint: they must raise only the warnings that are true.

mod common;
use cnn_dsl::lint::Level;
use common::*;

/// Checks `src` with every lint on, pedantic ones too.
fn check_all(src: &str) -> Report {
    check_at(src, &[Level::warn("pedantic")])
}

/// Checks `src` with the lint levels `levels` before its attributes.
fn check_at(src: &str, levels: &[Level]) -> Report {
    let analysis = cnn_dsl::analyze_with(src.parse().unwrap(), levels);
    Report {
        models: analysis.models,
        diagnostics: analysis.diagnostics.into_vec(),
    }
}

/// `(lint, headline)` of every warning, pedantic lints on; fails on errors.
fn warnings(src: &str) -> Vec<(&'static str, String)> {
    let r = check_all(src);
    assert!(r.errors().is_empty(), "{:?}", r.messages());
    r.diagnostics
        .iter()
        .map(|d| (d.lint.expect("warnings name their lint"), d.message.clone()))
        .collect()
}

fn lints(src: &str) -> Vec<&'static str> {
    warnings(src).into_iter().map(|(lint, _)| lint).collect()
}

/// The only warning, in full: headline, notes, help, and the fix's text.
fn only(src: &str) -> (cnn_dsl::diagnostic::Diagnostic, String) {
    let r = check_all(src);
    assert_eq!(r.diagnostics.len(), 1, "{:#?}", r.messages());
    let d = r.diagnostics[0].clone();
    let under = underlined(src, &d);
    (d, under)
}

#[test]
fn unused_pixels_counts_them_and_finds_the_padding() {
    let src = "struct Net<3, 32, 32> { conv: Conv2d(3, 8, 5, stride = 2), relu: ReLU }";
    let (d, under) = only(src);
    assert_eq!(d.lint, Some("unused_pixels"));
    assert_eq!(under, "Conv2d(3, 8, 5, stride = 2)");
    assert_eq!(
        d.message,
        "`conv` reads only 31 of the 32 rows and 31 of the 32 columns of its 3x32x32 input"
    );
    assert_eq!(
        d.notes[0],
        "its windows (5 wide, every 2) stop 1 row short of the bottom and 1 column short of the right edge: (32 + 2x0 - 5) / 2 rounds down to 13 steps"
    );
    assert_eq!(
        fix_text(&d),
        Some("Conv2d(3, 8, 5, stride = 2, padding = 1)")
    );
    // The fix really reads every pixel.
    assert!(
        lints("struct Net<3, 32, 32> { conv: Conv2d(3, 8, 5, stride = 2, padding = 1) }")
            .is_empty()
    );
}

#[test]
fn unused_pixels_on_one_axis_and_on_pools() {
    let w = warnings("struct Net<1, 28, 29> { pool: MaxPool2d(2) }");
    assert_eq!(
        w,
        [(
            "unused_pixels",
            "`pool` reads only 28 of the 29 columns of its 1x28x29 input".to_string()
        )]
    );
    // ceil_mode reads them, and so does a window that fits exactly.
    assert!(lints("struct Net<1, 28, 29> { pool: MaxPool2d(2, ceil_mode = true) }").is_empty());
    assert!(lints("struct Net<1, 28, 28> { pool: MaxPool2d(2) }").is_empty());
    // A strided 1x1 projection skips pixels by design.
    assert!(lints("struct Net<8, 7, 7> { down: Conv2d(8, 16, 1, stride = 2) }").is_empty());
}

#[test]
fn bias_before_batchnorm_fires_only_with_a_bias() {
    let src = "struct Net<3, 8, 8> { conv: Conv2d(3, 4, 3), bn: BatchNorm2d(4) }";
    let (d, under) = only(src);
    assert_eq!(d.lint, Some("bias_before_batchnorm"));
    assert_eq!(under, "Conv2d(3, 4, 3)");
    assert_eq!(fix_text(&d), Some("Conv2d(3, 4, 3, bias = false)"));
    assert!(
        lints("struct Net<3, 8, 8> { conv: Conv2d(3, 4, 3, bias = false), bn: BatchNorm2d(4) }")
            .is_empty()
    );
    // Not directly followed: the ReLU between keeps the bias meaningful.
    assert!(
        lints("struct Net<3, 8, 8> { conv: Conv2d(3, 4, 3), relu: ReLU, bn: BatchNorm2d(4) }")
            .is_empty()
    );
}

#[test]
fn linear_on_spatial_suggests_flatten() {
    let src = "struct Net<3, 8, 8> { conv: Conv2d(3, 4, 3, padding = 1), fc: Linear(8, 10) }";
    let (d, under) = only(src);
    assert_eq!(d.lint, Some("linear_on_spatial"));
    assert_eq!(under, "Linear(8, 10)");
    assert_eq!(fix_text(&d), Some("Flatten, fc: Linear(256, 10)"));
    assert!(lints("struct Net<3, 8, 8> { conv: Conv2d(3, 4, 3, padding = 1), flatten: Flatten, fc: Linear(256, 10) }").is_empty());
}

#[test]
fn double_activation_and_its_reason() {
    let src = "struct Net<3, 8, 8> { conv: Conv2d(3, 4, 3), a: ReLU, b: ReLU }";
    let (d, under) = only(src);
    assert_eq!(d.lint, Some("double_activation"));
    assert_eq!(under, "ReLU");
    assert_eq!(d.notes[0], "a ReLU of a ReLU changes nothing");
    let w = warnings("struct Net<3, 8, 8> { conv: Conv2d(3, 4, 3), a: ReLU, b: Sigmoid }");
    assert_eq!(w[0].1, "`b` directly follows the activation `a`");
    // An add between them is a layer of its own.
    assert!(lints("block B(c) { residual { conv: Conv2d(c, c, 3, padding = 1, bias = false), relu: ReLU }, relu: ReLU }
        struct Net<4, 8, 8> { b: B(4) }").is_empty());
}

#[test]
fn pool_stride_gaps_suggests_stride_equal_to_kernel() {
    let src = "struct Net<3, 30, 30> { pool: MaxPool2d(2, stride = 3) }";
    let (d, _) = only(src);
    assert_eq!(d.lint, Some("pool_stride_gaps"));
    assert_eq!(fix_text(&d), Some("MaxPool2d(2, stride = 2)"));
    assert!(
        lints("struct Net<3, 30, 30> { pool: MaxPool2d(3, stride = 2, padding = 1) }").is_empty()
    );
}

#[test]
fn softmax_not_last_looks_past_dropout_and_flatten() {
    let src = "struct Net<10> { fc1: Linear(10, 10), soft: Softmax(dim = 1), fc2: Linear(10, 2) }";
    let (d, under) = only(src);
    assert_eq!(d.lint, Some("softmax_not_last"));
    assert_eq!(under, "Softmax(dim = 1)");
    assert!(lints("struct Net<10> { fc: Linear(10, 2), soft: Softmax(dim = 1), drop: Dropout(0.5), id: Identity }").is_empty());
}

#[test]
fn huge_linear_counts_the_parameters() {
    let w = warnings(
        "struct Net<64, 28, 28> { flatten: Flatten, fc: Linear(_, 4096), fc2: Linear(4096, 10) }",
    );
    assert_eq!(
        w,
        [(
            "huge_linear",
            "`fc` holds 205,524,992 of the model's 205,565,962 parameters (99%)".to_string()
        )]
    );
    // Most of a small model is not huge: under a million parameters.
    assert!(lints("struct Net<784> { fc: Linear(784, 10) }").is_empty());
}

#[test]
fn allow_on_an_entry_a_block_or_the_model_silences() {
    let noisy = "struct Net<3, 32, 32> { conv: Conv2d(3, 8, 5, stride = 2), bn: BatchNorm2d(8), a: ReLU, b: ReLU }";
    assert_eq!(
        lints(noisy),
        [
            "unused_pixels",
            "bias_before_batchnorm",
            "double_activation"
        ]
    );
    let on_entries = "struct Net<3, 32, 32> {
        #[allow(unused_pixels, bias_before_batchnorm)] conv: Conv2d(3, 8, 5, stride = 2),
        bn: BatchNorm2d(8), a: ReLU, #[allow(double_activation)] b: ReLU }";
    assert!(lints(on_entries).is_empty());
    let on_model = "#[allow(unused_pixels)] #[allow(bias_before_batchnorm, double_activation)]
        struct Net<3, 32, 32> { conv: Conv2d(3, 8, 5, stride = 2), bn: BatchNorm2d(8), a: ReLU, b: ReLU }";
    assert!(lints(on_model).is_empty());
    let on_block = "#[allow(double_activation)] block Act() { a: ReLU, b: ReLU }
        struct Net<3, 8, 8> { conv: Conv2d(3, 8, 3), act: Act() }";
    assert!(lints(on_block).is_empty());
    // An allow on one entry does not reach the next.
    let elsewhere = "struct Net<3, 8, 8> { #[allow(double_activation)] a: ReLU, b: ReLU }";
    assert_eq!(lints(elsewhere), ["double_activation"]);
}

#[test]
fn a_warning_in_a_block_used_twice_is_raised_once() {
    let src = "block B(c) { conv: Conv2d(c, c, 3, padding = 1), bn: BatchNorm2d(c) }
        struct Net<4, 8, 8> { stage: [B(4); 3] }";
    assert_eq!(lints(src), ["bias_before_batchnorm"]);
}

#[test]
fn a_misspelt_lint_is_an_error_and_other_allows_pass_through() {
    let r =
        check("struct Net<3, 32, 32> { #[allow(unused_pixel)] conv: Conv2d(3, 8, 5, stride = 2) }");
    assert_eq!(r.error().message, "unknown cnn lint `unused_pixel`");
    assert_eq!(
        r.error().help.as_deref(),
        Some("did you mean `unused_pixels`?")
    );
    let r = check("#[allow(dead_code)] struct Net<3, 8, 8> { conv: Conv2d(3, 8, 3) }");
    assert!(r.diagnostics.is_empty(), "{:?}", r.messages());
}

#[test]
fn models_with_errors_are_not_linted() {
    let r = check("struct Net<3, 32, 32> { conv: Conv2d(4, 8, 5, stride = 2), a: ReLU, b: ReLU }");
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.messages());
    assert!(r.diagnostics[0].is_error());
}

#[test]
fn pedantic_lints_are_off_by_default_and_asked_for_by_group_or_name() {
    let src = "struct Net<3, 32, 32> { conv: Conv2d(3, 8, 3, padding = 1), bn: BatchNorm2d(8) }";
    let names =
        |r: Report| -> Vec<&'static str> { r.diagnostics.iter().filter_map(|d| d.lint).collect() };
    assert!(names(check(src)).is_empty());
    assert_eq!(names(check_all(src)), ["bias_before_batchnorm"]);
    for attr in [
        "#[warn(pedantic)]",
        "#[warn(cnn::pedantic)]",
        "#[warn(bias_before_batchnorm)]",
    ] {
        assert_eq!(
            names(check(&format!("{attr} {src}"))),
            ["bias_before_batchnorm"],
            "{attr}"
        );
    }
    // The innermost attribute decides; a lint's own name beats its group.
    let inner = "#[warn(pedantic)] struct Net<3, 32, 32> {
        #[allow(pedantic)] conv: Conv2d(3, 8, 3, padding = 1), bn: BatchNorm2d(8) }";
    assert!(names(check(inner)).is_empty());
    let by_name = "#[allow(pedantic)] #[warn(bias_before_batchnorm)] struct Net<3, 32, 32> {
        conv: Conv2d(3, 8, 3, padding = 1), bn: BatchNorm2d(8) }";
    assert_eq!(names(check(by_name)), ["bias_before_batchnorm"]);
    // The levels given before the source (`cargo cnn check --pedantic`)
    // yield to its attributes.
    let allowed = format!("#[allow(bias_before_batchnorm)] {src}");
    assert!(names(check_at(&allowed, &[Level::warn("pedantic")])).is_empty());
}

#[test]
fn a_group_allow_silences_its_lints_only() {
    let src = "struct Net<3, 8, 8> { a: ReLU, b: ReLU, flatten: Flatten, fc: Linear(192, 10), s: Softmax(1), fc2: Linear(10, 2) }";
    let names =
        |r: Report| -> Vec<&'static str> { r.diagnostics.iter().filter_map(|d| d.lint).collect() };
    assert_eq!(names(check(src)), ["double_activation", "softmax_not_last"]);
    assert_eq!(
        names(check(&format!("#[allow(suspicious)] {src}"))),
        ["softmax_not_last"]
    );
    assert_eq!(
        names(check(&format!("#[allow(correctness)] {src}"))),
        ["double_activation"]
    );
}

#[test]
fn every_lint_has_a_group_and_the_default_levels_are_the_groups() {
    use cnn_dsl::lint::{Group, LINTS};
    for lint in LINTS {
        let expect = lint.group != Group::Pedantic;
        assert_eq!(
            cnn_dsl::lint::warns(lint.name, lint.group, &[]),
            expect,
            "{}",
            lint.name
        );
    }
    let pedantic: Vec<&str> = LINTS
        .iter()
        .filter(|l| l.group == Group::Pedantic)
        .map(|l| l.name)
        .collect();
    assert_eq!(pedantic, ["bias_before_batchnorm", "huge_linear"]);
}
