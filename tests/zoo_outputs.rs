//! torchvision's models at small widths (`tests/fixtures/zoo/`), written
//! with `cnn!`, loaded strictly from the file torchvision's own classes
//! saved, give PyTorch's output within the fixture tolerance.

mod fixture;
mod zoo;

use cnn::Model;
use fixture::{assert_matches, fixture};
use zoo::*;

/// Runs `M` on zoo fixture `name`, loaded strictly; the fixture tolerances
/// (`fixture::assert_matches`).
fn check<M: Model>(name: &str) {
    let f = fixture(&format!("zoo/{name}"));
    let mut model = M::init(0);
    cnn::Module::load_state_dict(&mut model, &f.weights).unwrap();
    assert_matches(name, &model, f);
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
