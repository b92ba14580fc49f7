//! ResNet-18 written with `cnn!`: torchvision's layer tree, parameter count
//! and names (checked against the fixture's torchinfo rows), and its output
//! on PyTorch's weights.
//!
//! The weights (47 MB) are read from `../shared/fixtures/resnet18.safetensors`
//! or `$CNN_RESNET18`, by a test marked `#[ignore]` that `.ci/run` runs with
//! `--ignored` (and that fails when the file is absent).

#[path = "models/resnet18.rs"]
mod resnet18;

use cnn::{Batch, Model, StateDict};
use resnet18::ResNet18;
use serde_json::Value;

#[test]
fn the_layer_tree_is_torchvisions() {
    let path = format!(
        "{}/tests/fixtures/resnet18.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(ResNet18::PARAMS, 11_689_512);
    assert_eq!(
        ResNet18::PARAMS as u64,
        json["total_params"].as_u64().unwrap()
    );
    assert_eq!(
        ResNet18::MACS as u64,
        json["macs_per_image_conv_linear"].as_u64().unwrap()
    );
    // torchvision flattens with a function call, not a module: no row.
    let ours: Vec<_> = ResNet18::LAYERS
        .iter()
        .filter(|l| l.kind != "Flatten")
        .collect();
    let rows: Vec<&Value> = json["torchinfo_rows"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .collect();
    assert_eq!(ours.len(), rows.len());
    for (layer, row) in ours.iter().zip(&rows) {
        assert_eq!(layer.name, row["name"]);
        assert_eq!(layer.kind, row["class"], "{}", layer.name);
        assert_eq!(
            layer.depth as u64,
            row["depth"].as_u64().unwrap(),
            "{}",
            layer.name
        );
        let shape: Vec<usize> = row["output_shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(layer.output_shape, &shape[1..], "{}", layer.name);
        assert_eq!(
            layer.params as u64,
            row["params"].as_u64().unwrap(),
            "{}",
            layer.name
        );
    }
    // state_dict names and shapes, as the fixture lists them
    let net = ResNet18::new(0);
    let ours = net.state_dict();
    let tensors = json["tensors"].as_object().unwrap();
    let expected: Vec<&String> = tensors
        .keys()
        .filter(|k| !k.starts_with("input") && !k.starts_with("expected"))
        .collect();
    assert_eq!(ours.len(), expected.len());
    for name in expected {
        let shape: Vec<usize> = tensors[name]["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(ours.get(name).map(|t| &t.shape), Some(&shape), "{name}");
    }
}

fn weights_path() -> Option<std::path::PathBuf> {
    let candidates = [
        std::env::var("CNN_RESNET18").ok().map(Into::into),
        Some(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/fixtures/resnet18.safetensors"),
        ),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p: &std::path::PathBuf| p.exists())
}

#[test]
#[ignore = "reads resnet18.safetensors (47 MB) from ../shared/fixtures/ or $CNN_RESNET18; \
            .ci/run runs it with --ignored"]
fn matches_pytorch_on_its_weights() {
    let path = weights_path()
        .expect("resnet18.safetensors is neither at ../shared/fixtures/ nor at $CNN_RESNET18");
    let mut file = StateDict::read(&path).unwrap();
    let input = file.remove("input").unwrap();
    let expected = file.remove("expected_output").unwrap();
    file.remove("expected_output_f64");
    let mut net = ResNet18::new(0);
    net.load_state_dict(&file).unwrap(); // strict: torchvision's names, no renaming

    let x = Batch::<3, 224, 224>::from_vec(input.shape[0], input.data).unwrap();
    let y = net.forward(&x);
    // The fixture README's tolerance: 1e-4 * max(1, max |e|).
    let scale = expected.data.iter().fold(1.0f32, |m, v| m.max(v.abs()));
    let err = y
        .as_slice()
        .iter()
        .zip(&expected.data)
        .map(|(a, b)| (a - b).abs())
        // NaN wins, so that a NaN fails.
        .fold(0.0, |m, d| if d > m || d.is_nan() { d } else { m });
    println!("resnet18: max |y - e| = {err:.2e} (scale {scale:.2})");
    assert!(err <= 1e-4 * scale, "max |y - e| = {err:.3e}");
    assert_eq!(
        y.argmax(),
        Batch::<1000>::from_vec(1, expected.data).unwrap().argmax()
    );
    let _ = <ResNet18 as Model>::summary();
}
