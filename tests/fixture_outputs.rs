//! Each fixture model, built with `cnn!`, loaded strictly from the PyTorch
//! file, gives PyTorch's output.
//! (`fixture::assert_matches` holds the tolerance.)

mod fixture;
mod models;

use cnn::Model;
use fixture::{assert_matches, fixture};
use models::*;

/// Runs `M` on fixture `name`, loaded strictly from the PyTorch file.
fn check<M: Model>(name: &str) {
    let f = fixture(name);
    let mut model = M::init(0);
    cnn::Module::load_state_dict(&mut model, &f.weights).unwrap();
    assert_matches(name, &model, f);
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
