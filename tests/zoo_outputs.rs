//! torchvision's models at small widths (`tests/fixtures/zoo/`), written
//! with `cnn!`, loaded strictly from the file torchvision's own classes
//! saved, give PyTorch's output within the fixture tolerance.

mod zoo;

use cnn::{AnyBatch, Model, StateDict};
use safetensors::SafeTensors;
use safetensors::tensor::Dtype;
use zoo::*;

/// Runs `M` on zoo fixture `name`: strict loading, then `1e-4 * max(1,
/// max |e|)` against PyTorch's fp32 output and `1e-5 * max(1, max |e64|)`
/// against its float64 run.
fn check<M: Model>(name: &str) {
    let path = format!(
        "{}/tests/fixtures/zoo/{name}.safetensors",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut weights = StateDict::from_safetensors(&bytes).unwrap();
    let input = weights.remove("input").unwrap();
    let expected = weights.remove("expected_output").unwrap();
    weights.remove("expected_output_f64").unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let view = file.tensor("expected_output_f64").unwrap();
    assert_eq!(view.dtype(), Dtype::F64);
    let expected_f64: Vec<f64> = view
        .data()
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
        .collect();

    let mut model = M::init(0);
    cnn::Module::load_state_dict(&mut model, &weights).unwrap();
    assert_eq!(input.shape[1..], M::Input::image_shape()[..]);
    let x = M::Input::from_vec(input.shape[0], input.data).unwrap();
    let y = model.forward(&x);
    let y = y.as_slice();
    assert_eq!(y.len(), expected.data.len());
    let diff = |e: &mut dyn Iterator<Item = f64>| {
        y.iter()
            .zip(e)
            .map(|(&y, e)| (y as f64 - e).abs())
            .fold(0.0, f64::max)
    };
    let scale = expected
        .data
        .iter()
        .fold(1.0f64, |m, v| m.max(v.abs() as f64));
    let err = diff(&mut expected.data.iter().map(|&v| v as f64));
    assert!(err <= 1e-4 * scale, "{name}: max |y - e| = {err:.3e}");
    let scale64 = expected_f64.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let err64 = diff(&mut expected_f64.iter().copied());
    assert!(
        err64 <= 1e-5 * scale64,
        "{name}: max |y - e64| = {err64:.3e}"
    );
    println!("{name}: max |y - e| = {err:.2e}, max |y - e64| = {err64:.2e}");
}

#[test]
fn mobilenet_v3_small() {
    check::<MobileNetV3SmallTiny>("mobilenet_v3_small_tiny");
}

#[test]
fn efficientnet_b0() {
    check::<EfficientNetB0Tiny>("efficientnet_b0_tiny");
}

#[test]
fn regnet_y() {
    check::<RegNetYTiny>("regnet_y_tiny");
}

#[test]
fn regnet_x() {
    check::<RegNetXTiny>("regnet_x_tiny");
}

#[test]
fn shufflenet_v2() {
    check::<ShuffleNetV2Tiny>("shufflenet_v2_tiny");
}

#[test]
fn convnext() {
    check::<ConvNeXtTiny>("convnext_tiny_tiny");
}

#[test]
fn mobilenet_v2() {
    check::<MobileNetV2Tiny>("mobilenet_v2_tiny");
}

#[test]
fn densenet() {
    check::<DenseNetTiny>("densenet_tiny");
}
