//! The checker never panics, whatever tokens it is given: random token
//! soups, and real models with random numbers and names swapped in.

use proptest::prelude::*;

const WORDS: &[&str] = &[
    "struct",
    "pub",
    "Conv2d",
    "Linear",
    "MaxPool2d",
    "AvgPool2d",
    "AdaptiveAvgPool2d",
    "BatchNorm2d",
    "Flatten",
    "ReLU",
    "Softmax",
    "Dropout",
    "Identity",
    "nn",
    "stride",
    "padding",
    "dilation",
    "groups",
    "bias",
    "kernel_size",
    "dim",
    "start_dim",
    "end_dim",
    "output_size",
    "p",
    "None",
    "True",
    "false",
    "_",
    "conv1",
    "fc",
    "Net",
    "\"same\"",
    "\"valid\"",
    "\"reflect\"",
    "padding_mode",
    "ceil_mode",
    "0",
    "1",
    "2",
    "3",
    "5",
    "7",
    "32",
    "1568",
    "2048",
    "99999999999999999999",
    "18446744073709551615",
    "2147483648",
    "0.5",
    "1e-5",
    "1e400",
    "-",
    "+",
    "*",
    "/",
    "=",
    ":",
    ",",
    ".",
    "<",
    ">",
    "#",
    "!",
    "'a'",
    "b\"x\"",
    "3usize",
    "2.0f32",
    "::",
    "->",
    "==",
];

fn soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(WORDS).prop_map(str::to_string);
    let leaf = prop::collection::vec(token, 0..12).prop_map(|t| t.join(" "));
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop::collection::vec(
            prop_oneof![
                inner.clone().prop_map(|s| format!("({s})")),
                inner.clone().prop_map(|s| format!("{{{s}}}")),
                inner.clone().prop_map(|s| format!("[{s}]")),
                inner,
            ],
            1..6,
        )
        .prop_map(|parts| parts.join(" "))
    })
}

fn analyze(src: &str) {
    if let Ok(tokens) = src.parse::<proc_macro2::TokenStream>() {
        let analysis = cnn_dsl::analyze(tokens);
        for d in analysis.diagnostics.iter() {
            let _ = d.to_syn_error();
        }
    }
}

const TEMPLATE: &str = "pub struct Net<$A, $B, $C> {
    conv1: Conv2d($A, $B, $C, stride = $A, padding = $B, dilation = $C, groups = $A),
    bn: BatchNorm2d($B),
    pool: MaxPool2d($C, stride = $A, padding = $B, dilation = $C, ceil_mode = true),
    avg: AvgPool2d($A, $B, $C),
    ad: AdaptiveAvgPool2d(($A, None)),
    conv2: Conv2d(_, $A, ($B, $C), padding = \"same\", padding_mode = \"circular\"),
    flatten: Flatten($A, $C),
    fc: Linear(_, $B),
    sm: Softmax(dim = $C),
}";

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..40).prop_map(|n| n.to_string()),
        prop::sample::select(
            &[
                "0",
                "-1",
                "-3",
                "2147483647",
                "2147483648",
                "4294967296",
                "99999999999999999999999",
                "1.5",
                "_",
                "None",
                "(0, 0)",
                "(1, 2, 3)",
                "\"x\""
            ][..]
        )
        .prop_map(str::to_string),
    ]
}

const BLOCK_TEMPLATE: &str = "block B(a, b = $B, s = 1) {
    residual { c: Conv2d(a, b, 3, stride = s, padding = $C), n: BatchNorm2d(_) }
        + d: [Conv2d(a, b, 1, stride = s)] if s != 1 || a != b,
    concat { Identity, { p: MaxPool2d($C, stride = 1, padding = $A), q: Conv2d(_, $A, 1) } },
}
struct Net<$A, $B, $C> { l: [B($A, $B, s = $C); $A], m: B($B, a = $C), f: Flatten, fc: Linear(_, $A) }";

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_token_soups(src in soup()) {
        analyze(&src);
        analyze(&format!("struct Net<3, 32, 32> {{ {src} }}"));
        analyze(&format!("struct Net<3, 32, 32> {{ l: Conv2d({src}) }}"));
    }

    #[test]
    fn real_models_with_random_numbers(a in number(), b in number(), c in number()) {
        let src = TEMPLATE.replace("$A", &a).replace("$B", &b).replace("$C", &c);
        analyze(&src);
        let src = BLOCK_TEMPLATE.replace("$A", &a).replace("$B", &b).replace("$C", &c);
        analyze(&src);
    }
}
