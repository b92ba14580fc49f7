//! `cargo cnn summary`: the torchinfo table from the source, with receptive
//! field and output stride, as text, markdown and JSON.

mod common;
use common::*;

#[test]
fn text_table_with_receptive_field_and_stride() {
    let r = run(
        &fixture_crate(),
        &["summary", "src/lib.rs", "--model", "Small"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn every_model_of_a_file_without_model() {
    let r = run(&fixture_crate(), &["summary", "src/lib.rs"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.matches(" (input)").count(), 2);
    assert!(r.stdout.contains("Small (input)") && r.stdout.contains("Normed (input)"));
}

#[test]
fn the_rows_are_torchinfo_s() {
    // Each fixture model's rows against torchinfo's, recorded by PyTorch
    // beside the fixture's weights.
    let fixtures = [
        ("SeedA", "seed_a"),
        ("SeedB", "seed_b"),
        ("Quiz", "quiz"),
        ("Gray200", "gray200"),
        ("LeNet5", "lenet5"),
        ("VggSmall", "vgg_small"),
        ("FeaturesExt", "features_ext"),
    ];
    let r = run(
        &repo(),
        &["summary", "tests/models/mod.rs", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ours: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    for (model, fixture) in fixtures {
        let path = repo().join(format!("tests/fixtures/{fixture}.json"));
        let torch: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let batch = torch["batch"].as_u64().unwrap();
        let ours = ours["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == model)
            .unwrap();
        assert_eq!(ours["total_params"], torch["total_params"], "{model}");
        let theirs: Vec<&serde_json::Value> = torch["torchinfo_rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["depth"].as_u64() > Some(0))
            .collect();
        let rows = ours["layers"].as_array().unwrap();
        assert_eq!(rows.len(), theirs.len(), "{model}");
        for (row, t) in rows.iter().zip(theirs) {
            assert_eq!(row["name"], t["name"], "{model}");
            assert_eq!(row["kind"], t["class"], "{model}");
            assert_eq!(row["params"], t["params"], "{model} {}", t["name"]);
            let shape: Vec<u64> = t["output_shape"].as_array().unwrap()[1..]
                .iter()
                .map(|d| d.as_u64().unwrap())
                .collect();
            assert_eq!(
                row["output_shape"],
                serde_json::json!(shape),
                "{model} {}",
                t["name"]
            );
            if let Some(macs) = row["mult_adds"].as_u64() {
                assert_eq!(
                    macs * batch,
                    t["torchinfo_macs"].as_u64().unwrap(),
                    "{model} {}",
                    t["name"]
                );
            }
        }
    }
}

#[test]
fn markdown() {
    let r = run(
        &repo(),
        &[
            "summary",
            "tests/models",
            "--model",
            "LeNet5",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn json_of_resnet18() {
    let r = run(
        &repo(),
        &["summary", "tests/models/resnet18.rs", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let model = &v["models"][0];
    assert_eq!(model["name"], "ResNet18");
    assert_eq!(model["total_params"], 11_689_512);
    assert_eq!(model["total_mult_adds"], 1_814_083_944u64);
    let layer = |name: &str| {
        model["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    // ResNet-18's well-known figures: the last convolution sees 435x435
    // pixels and steps 32 at a time.
    let last = layer("layer4.1.conv2");
    assert_eq!(last["receptive_field"], serde_json::json!([435, 435]));
    assert_eq!(last["output_stride"], serde_json::json!([32, 32]));
    assert_eq!(last["output_shape"], serde_json::json!([512, 7, 7]));
    assert_eq!(
        layer("maxpool")["receptive_field"],
        serde_json::json!([11, 11])
    );
    assert_eq!(layer("fc")["receptive_field"], "all");
    // Modules holding layers have no field of their own.
    assert_eq!(layer("layer1")["receptive_field"], serde_json::Value::Null);
    assert_eq!(
        layer("layer2.0.downsample.0")["output_stride"],
        serde_json::json!([8, 8])
    );
}

#[test]
fn unknown_and_broken_models() {
    let r = run(
        &fixture_crate(),
        &["summary", "src/lib.rs", "--model", "Smal"],
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: no cnn! model named `Smal`; did you mean `Small`?\n"
    );
    let r = run(
        &fixture_crate(),
        &["summary", "src/nets", "--model", "Inner"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: `Inner` has errors; `cargo cnn check` shows them\n"
    );
}

#[test]
fn strides_whose_product_overflows_are_summarized() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.rs");
    std::fs::write(
        &file,
        "cnn::cnn! { struct Far<1, 1, 1> {
            a: Conv2d(1, 1, 1, stride = 2147483647),
            b: Conv2d(1, 1, 1, stride = 2147483647),
            c: Conv2d(1, 1, 1, stride = 2147483647),
        } }",
    )
    .unwrap();
    let r = run(dir.path(), &["summary", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The output stride stops at the largest count rather than wrapping.
    assert!(r.stdout.contains("18446744073709551615"), "{}", r.stdout);
    let r = run(dir.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}
