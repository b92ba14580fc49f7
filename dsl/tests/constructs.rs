//! The constructs torchvision's models need: numbering inside lists,
//! spread repeats, quoted names, floor division, gates and
//! squeeze-excitation, Hardswish and Hardsigmoid.

mod common;
use common::*;

fn ok(src: &str) -> Report {
    let r = check(src);
    assert!(r.errors().is_empty(), "{:?}", r.messages());
    r
}

fn names(r: &Report) -> Vec<String> {
    r.model().tensors().into_iter().map(|(n, _)| n).collect()
}

#[test]
fn an_unnamed_path_takes_no_index_its_layers_number_on() {
    let r = ok("struct N<3, 8, 8> {
        seq: [{ Conv2d(3, 4, 3, padding = 1), ReLU }, Conv2d(4, 4, 3, padding = 1)],
    }");
    assert_eq!(
        names(&r),
        ["seq.0.weight", "seq.0.bias", "seq.2.weight", "seq.2.bias"]
    );
}

#[test]
fn a_spread_repeat_numbers_on_in_the_enclosing_list() {
    // torchvision's `_make_layer`: the first block, then n - 1 more, in one
    // flat Sequential.
    let r = ok("struct N<4, 8, 8> {
        layer: [Conv2d(4, 8, 1), ..[Conv2d(8, 8, 1); 2], BatchNorm2d(8)],
    }");
    let n = names(&r);
    assert_eq!(
        &n[..6],
        [
            "layer.0.weight",
            "layer.0.bias",
            "layer.1.weight",
            "layer.1.bias",
            "layer.2.weight",
            "layer.2.bias"
        ]
    );
    assert!(n.contains(&"layer.3.running_mean".to_string()), "{n:?}");
}

#[test]
fn a_nested_repeat_is_one_module() {
    let r = ok("struct N<4, 8, 8> {
        layer: [Conv2d(4, 8, 1), [Conv2d(8, 8, 1); 2]],
    }");
    assert_eq!(names(&r)[2], "layer.1.0.weight");
}

#[test]
fn quoted_names_keep_pytorchs_spelling() {
    let r = ok(r#"struct N<3, 8, 8> {
        "block1-0": Conv2d(3, 4, 1),
        "0": ReLU,
    }"#);
    assert_eq!(names(&r), ["block1-0.weight", "block1-0.bias"]);
    assert_eq!(r.model().layers[0].field.to_string(), "block1_0");
}

#[test]
fn a_quoted_name_with_a_dot_is_an_error_with_a_fix() {
    let src = r#"struct N<3, 8, 8> { "a.b": Conv2d(3, 4, 1) }"#;
    let r = check(src);
    let e = r.error();
    assert_eq!(underlined(src, e), r#""a.b""#);
    assert!(
        e.message.contains("cannot be a layer name"),
        "{}",
        e.message
    );
    assert!(
        e.help.as_deref().unwrap_or_default().contains("\"a_b\""),
        "{:?}",
        e.help
    );
}

#[test]
fn floor_and_ceil_round_divisions() {
    let r = ok("struct N<3, 9, 9> {
        conv: Conv2d(3, 4, 5, padding = floor(5 / 2)),
        pool: MaxPool2d(2, ceil_mode = true),
        fc: Conv2d(4, ceil(7 / 2), 1),
    }");
    assert_eq!(r.model().layers[0].output.to_string(), "[4, 9, 9]");
    assert_eq!(r.model().layers[2].output.to_string(), "[4, 5, 5]");
    let r = ok("struct N<3, 9, 9> { conv: Conv2d(3, 4, 1, padding = floor(-7 / 2) + 4) }");
    // Python: -7 // 2 == -4.
    assert_eq!(r.model().layers[0].output.to_string(), "[4, 9, 9]");
}

#[test]
fn an_inexact_division_suggests_floor() {
    let r = check("struct N<3, 9, 9> { conv: Conv2d(3, 4, 5, padding = 5 / 2) }");
    let e = r.error();
    assert!(
        e.help
            .as_deref()
            .unwrap_or_default()
            .contains("floor(5 / 2)"),
        "{:?}",
        e.help
    );
}

#[test]
fn squeeze_excitation_has_torchvisions_names_and_keeps_the_shape() {
    let r = ok("struct N<16, 8, 8> {
        se: SqueezeExcitation(16, 4, scale_activation = Hardsigmoid),
        act: Hardswish,
    }");
    assert_eq!(
        names(&r),
        [
            "se.fc1.weight",
            "se.fc1.bias",
            "se.fc2.weight",
            "se.fc2.bias"
        ]
    );
    let m = r.model();
    assert_eq!(m.output.to_string(), "[16, 8, 8]");
    let kinds: Vec<&str> = m.layers.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            "AdaptiveAvgPool2d",
            "Conv2d",
            "ReLU",
            "Conv2d",
            "Hardsigmoid",
            "Hardswish"
        ]
    );
    let se = m.rows.iter().find(|r| r.name == "se").unwrap();
    assert_eq!(
        (se.kind.as_str(), se.params),
        ("SqueezeExcitation", Some(16 * 4 + 4 + 4 * 16 + 16))
    );
}

#[test]
fn a_squeeze_of_the_wrong_channels_is_reported_at_its_argument() {
    let src = "struct N<16, 8, 8> { se: SqueezeExcitation(12, 4) }";
    let r = check(src);
    let errors = r.errors();
    assert!(!errors.is_empty());
    assert_eq!(underlined(src, errors[0]), "12");
}

#[test]
fn a_gate_of_the_wrong_channels_is_an_error_at_the_layer_that_made_them() {
    let src = "struct N<16, 8, 8> {
        gate { AdaptiveAvgPool2d(1), Conv2d(16, 8, 1), Sigmoid },
    }";
    let r = check(src);
    let e = r.error();
    assert!(
        e.message
            .contains("the input is [16, 8, 8], but the gate gives [8, 1, 1]"),
        "{}",
        e.message
    );
    assert_eq!(underlined(src, e), "Conv2d(16, 8, 1)");
    assert!(
        e.help
            .as_deref()
            .unwrap_or_default()
            .contains("write `Conv2d(16, 16, 1)`"),
        "{:?}",
        e.help
    );
}

#[test]
fn a_full_size_gate_multiplies_element_by_element() {
    let r = ok("struct N<4, 8, 8> { gate { Conv2d(4, 4, 3, padding = 1), Sigmoid } }");
    assert_eq!(r.model().output.to_string(), "[4, 8, 8]");
}

#[test]
fn stochastic_depth_is_identity_and_checks_its_arguments() {
    let r = ok(r#"struct N<4, 8, 8> { sd: StochasticDepth(0.2, "row") }"#);
    assert_eq!(r.model().layers[0].kind, "StochasticDepth");
    let src = r#"struct N<4, 8, 8> { sd: StochasticDepth(1.5, "row") }"#;
    let r = check(src);
    assert_eq!(underlined(src, r.error()), "1.5");
    let src = r#"struct N<4, 8, 8> { sd: StochasticDepth(0.1, "rows") }"#;
    let r = check(src);
    assert_eq!(underlined(src, r.error()), r#""rows""#);
}

#[test]
fn a_shuffle_whose_groups_do_not_divide_the_channels_is_an_error() {
    let src = "struct N<6, 8, 8> { shuffle: ChannelShuffle(4) }";
    let r = check(src);
    let e = r.error();
    assert_eq!(underlined(src, e), "4");
    assert!(
        e.message.contains("6 channels in 4 groups"),
        "{}",
        e.message
    );
    assert!(
        e.help.as_deref().unwrap_or_default().contains("1, 2, 3, 6"),
        "{:?}",
        e.help
    );
    ok("struct N<6, 8, 8> { shuffle: ChannelShuffle(3) }");
}

#[test]
fn a_split_feeds_each_branch_its_part_of_the_channels() {
    let r = ok("struct N<8, 4, 4> {
        split { {}, branch2: [Conv2d(4, 4, 1), ReLU] },
    }");
    assert_eq!(r.model().output.to_string(), "[8, 4, 4]");
    assert_eq!(names(&r), ["branch2.0.weight", "branch2.0.bias"]);
}

#[test]
fn a_split_of_an_odd_channel_count_is_an_error_with_a_fix() {
    let src = "struct N<3, 4, 4> { conv: Conv2d(3, 7, 1), split { {}, {} } }";
    let r = check(src);
    let e = r.error();
    assert_eq!(underlined(src, e), "split");
    assert!(
        e.message.contains("7 channels into 2 equal parts"),
        "{}",
        e.message
    );
    assert!(
        e.help.as_deref().unwrap_or_default().contains("6 or 8"),
        "{:?}",
        e.help
    );
}

#[test]
fn a_layer_norm_of_the_wrong_shape_is_an_error_with_the_shape_that_arrives() {
    let src = "struct N<16, 4, 4> { p: Permute([0, 2, 3, 1]), norm: LayerNorm(8) }";
    let r = check(src);
    let e = r.error();
    assert_eq!(underlined(src, e), "8");
    assert!(e.message.contains("receives [4, 4, 16]"), "{}", e.message);
    assert_eq!(fix_text(e), Some("16"));
    let src = "struct N<16, 4, 4> { norm: LayerNorm2d(12) }";
    assert_eq!(underlined(src, check(src).error()), "12");
}

#[test]
fn layer_scale_is_named_by_its_entry_and_permute_reorders_axes() {
    let r = ok("struct N<8, 4, 2> {
        p: Permute([0, 2, 3, 1]),
        norm: LayerNorm(8, eps = 1e-6),
        fc: Linear(8, 8),
        back: Permute([0, 3, 1, 2]),
        layer_scale: LayerScale(8),
    }");
    let m = r.model();
    assert_eq!(m.layers[0].output.to_string(), "[4, 2, 8]");
    assert_eq!(m.output.to_string(), "[8, 4, 2]");
    assert_eq!(
        m.tensors(),
        [
            ("norm.weight".to_string(), vec![8]),
            ("norm.bias".to_string(), vec![8]),
            ("fc.weight".to_string(), vec![8, 8]),
            ("fc.bias".to_string(), vec![8]),
            ("layer_scale".to_string(), vec![8, 1, 1]),
        ]
    );
    // A Linear after a Permute is the channels-last MLP it looks like.
    assert!(r.diagnostics.is_empty(), "{:?}", r.messages());
}

#[test]
fn an_activation_class_may_be_written_as_torchvision_passes_it() {
    let r = ok("struct N<16, 4, 4> { se: SqueezeExcitation(16, 4, activation = nn.SiLU) }");
    assert_eq!(r.model().layers[2].kind, "SiLU");
}

#[test]
fn a_split_without_branches_says_so() {
    let src = "struct N<8, 4, 4> { split {} }";
    let r = check(src);
    assert_eq!(r.error().message, "`split` needs at least one branch");
}
