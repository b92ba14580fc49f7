//! Every fixture model's per-layer output shapes, parameter counts and
//! multiply-accumulates equal what PyTorch (torchinfo) recorded in the
//! fixture's JSON sidecar.

mod models;

use cnn::{LayerInfo, Model};
use models::*;
use serde_json::Value;

fn sidecar(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect()
}

/// Compares `M`'s layer table with the sidecar's torchinfo rows.
fn check<M: Model>(fixture: &str) {
    let json = sidecar(fixture);
    let rows: Vec<&Value> = json["torchinfo_rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["depth"] == 1)
        .collect();
    let layers: &[LayerInfo] = M::LAYERS;
    assert_eq!(layers.len(), rows.len(), "{fixture}: number of layers");
    for (layer, row) in layers.iter().zip(rows) {
        assert_eq!(layer.name, row["name"], "{fixture}: layer name");
        assert_eq!(
            layer.kind, row["class"],
            "{fixture}: kind of {}",
            layer.name
        );
        let shape = usizes(&row["output_shape"]);
        assert_eq!(
            layer.output_shape,
            &shape[1..],
            "{fixture}: output shape of {}",
            layer.name
        );
        assert_eq!(
            layer.params as u64,
            row["params"].as_u64().unwrap(),
            "{fixture}: params of {}",
            layer.name
        );
    }
    assert_eq!(
        M::PARAMS as u64,
        json["total_params"].as_u64().unwrap(),
        "{fixture}: total params"
    );
    assert_eq!(
        M::MACS as u64,
        json["macs_per_image_conv_linear"].as_u64().unwrap(),
        "{fixture}: MACs per image"
    );
    for entry in json["per_layer_macs_per_image"].as_array().unwrap() {
        let layer = layers.iter().find(|l| l.name == entry["name"]).unwrap();
        assert_eq!(
            layer.macs as u64,
            entry["macs"].as_u64().unwrap(),
            "{fixture}: MACs of {}",
            layer.name
        );
    }
    let input = usizes(&json["input_shape"]);
    assert_eq!(M::INPUT_SHAPE, &input[1..]);
    let output = usizes(&json["output_shape"]);
    assert_eq!(M::OUTPUT_SHAPE, &output[1..]);
}

#[test]
fn seed_a() {
    check::<SeedA>("seed_a");
}

#[test]
fn seed_b() {
    check::<SeedB>("seed_b");
}

#[test]
fn quiz() {
    check::<Quiz>("quiz");
}

#[test]
fn gray200() {
    check::<Gray200>("gray200");
}

#[test]
fn lenet5() {
    check::<LeNet5>("lenet5");
}

#[test]
fn vgg_small() {
    check::<VggSmall>("vgg_small");
}

#[test]
fn features_ext() {
    check::<FeaturesExt>("features_ext");
}
