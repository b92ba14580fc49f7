//! Models written to break the checker: numbers at the edge of `i128` and
//! `usize`, sizes whose products overflow, searches over huge sizes,
//! repeats that multiply, brackets nested without end. Each is a clear
//! error at its tokens, quickly, in debug and release alike.

mod common;
use common::*;

use std::time::{Duration, Instant};

/// The errors of `src`, which must take under a second to check.
fn errors_of(src: &str) -> Vec<String> {
    let start = Instant::now();
    let r = check(src);
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?} to check {src}",
        start.elapsed()
    );
    r.errors().iter().map(|d| d.message.clone()).collect()
}

#[test]
fn arithmetic_at_the_edge_of_i128_is_an_overflow_error() {
    for arg in [
        "-(-170141183460469231731687303715884105727 - 1)",
        "(-170141183460469231731687303715884105727 - 1) / -1",
        "170141183460469231731687303715884105727 + 1",
        "170141183460469231731687303715884105727 * 2",
        "floor((-170141183460469231731687303715884105727 - 1) / -1)",
    ] {
        let src = format!("struct N<10> {{ fc: Linear({arg}, 10) }}");
        let errors = errors_of(&src);
        assert_eq!(errors, ["this arithmetic overflows"], "{arg}");
    }
}

#[test]
fn an_input_too_large_to_count_is_an_error_at_the_input() {
    let src = "struct N<2147483647, 2147483647, 2147483647> { f: Flatten }";
    let r = check(src);
    assert!(
        r.error()
            .message
            .starts_with("`N`'s input [2147483647, 2147483647, 2147483647] is more than"),
        "{:?}",
        r.messages()
    );
    assert_eq!(
        underlined(src, r.error()),
        "<2147483647, 2147483647, 2147483647>"
    );
}

#[test]
fn a_residual_over_a_huge_image_is_checked_at_once() {
    let errors =
        errors_of("struct N<1, 2147483647, 1> { residual { MaxPool2d((2, 1), stride = 1) } }");
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn strides_that_multiply_past_usize_are_fine() {
    let src = "struct N<1, 1, 1> {
        a: Conv2d(1, 1, 1, stride = 2147483647),
        b: Conv2d(1, 1, 1, stride = 2147483647),
        c: Conv2d(1, 1, 1, stride = 2147483647),
    }";
    assert!(errors_of(src).is_empty());
}

#[test]
fn nested_repeats_stop_at_the_layer_limit() {
    for src in [
        "struct N<4> { x: [[ReLU; 1024]; 1024] }",
        "struct N<4> { x: [[[ReLU; 1024]; 1024]; 1024] }",
        "struct N<4> { x: [..[ReLU; 1024]; 64] }",
    ] {
        let r = check(src);
        let e = r.error();
        assert!(
            e.message.starts_with("the model grows past 10,000 layers"),
            "{:?}",
            r.messages()
        );
        // At the outermost repeat's count.
        assert!(
            ["1024", "64"].contains(&underlined(src, e).as_str()),
            "{src}"
        );
    }
    // Blocks used twice at each of 16 levels: 65,536 layers.
    let mut src = String::from("block B0(c) { a: ReLU, b: ReLU }\n");
    for i in 1..=16 {
        src += &format!("block B{i}(c) {{ a: B{}(c), b: B{}(c) }}\n", i - 1, i - 1);
    }
    src += "struct N<4> { x: B16(4) }";
    let errors = errors_of(&src);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("the model grows past 10,000 layers"));
    // Under the limit, a model is read whole.
    assert!(errors_of("struct N<4> { x: [[ReLU; 99]; 99] }").is_empty());
}

#[test]
fn brackets_nested_without_end_are_refused_before_parsing() {
    for depth in [65, 1000, 100_000] {
        let src = format!(
            "struct N<4> {{ x: {}ReLU{} }}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let errors = errors_of(&src);
        assert_eq!(errors, ["brackets nested more than 64 deep"], "{depth}");
    }
    assert!(
        errors_of(&format!(
            "struct N<4> {{ x: {}ReLU{} }}",
            "[".repeat(60),
            "]".repeat(60)
        ))
        .is_empty()
    );
}

#[test]
fn raw_identifiers_and_quoted_keywords_name_layers() {
    let r = check("struct N<4> { r#struct: ReLU, \"fn\": Linear(4, 2) }");
    assert!(r.errors().is_empty(), "{:?}", r.messages());
    let layers = &r.model().layers;
    assert_eq!(
        (
            layers[0].name.as_str(),
            layers[0].field.to_string().as_str()
        ),
        ("struct", "struct_")
    );
    assert_eq!(
        (
            layers[1].name.as_str(),
            layers[1].field.to_string().as_str()
        ),
        ("fn", "fn_")
    );
}
