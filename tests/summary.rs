//! `Name::summary()` counts as torchinfo does, and reads like it.

mod models;

use cnn::{Model, Summary};
use models::*;
use serde_json::Value;

fn sidecar(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Per-layer mult-adds times the fixture's batch equal torchinfo's.
fn check<M: Model>(fixture: &str) {
    let json = sidecar(fixture);
    let batch = json["batch"].as_u64().unwrap() as usize;
    let rows: Vec<&Value> = json["torchinfo_rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["depth"] == 1)
        .collect();
    for (layer, row) in M::LAYERS.iter().zip(rows) {
        assert_eq!(
            (Summary::mult_adds(layer) * batch) as u64,
            row["torchinfo_macs"].as_u64().unwrap(),
            "{fixture}: mult-adds of {}",
            layer.name
        );
    }
    let summary = M::summary();
    assert_eq!(
        (summary.total_mult_adds() * batch) as u64,
        json["torchinfo_total_mult_adds_for_batch"]
            .as_u64()
            .unwrap()
    );
    assert_eq!(summary.total_params(), M::PARAMS);
}

#[test]
fn mult_adds_match_torchinfo() {
    check::<SeedA>("seed_a");
    check::<SeedB>("seed_b");
    check::<Quiz>("quiz");
    check::<Gray200>("gray200");
    check::<LeNet5>("lenet5");
    check::<VggSmall>("vgg_small");
    check::<FeaturesExt>("features_ext");
}

#[test]
fn the_table_reads_like_torchinfo() {
    let text = VggSmall::summary().to_string();
    println!("{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1].starts_with("Layer") && lines[1].ends_with("Mult-Adds"),
        "{}",
        lines[1]
    );
    assert!(lines[3].starts_with("VggSmall (input)") && lines[3].ends_with("[N, 3, 32, 32]"));
    let conv1: Vec<&str> = lines[4].split_whitespace().collect();
    assert_eq!(
        conv1,
        [
            "├─conv1",
            "Conv2d",
            "[N,",
            "32,",
            "32,",
            "32]",
            "896",
            "917,504"
        ]
    );
    assert!(lines.iter().any(|l| l.starts_with("└─fc2")));
    assert!(text.contains("Total params: 667,178\n"));
    assert!(text.contains("Buffers (running statistics): 640\n"));
    assert!(text.contains("Total mult-adds (M): 29.83\n"));
}
