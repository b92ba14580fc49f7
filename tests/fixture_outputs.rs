//! Each fixture model, built with `cnn!`, loaded strictly from the PyTorch
//! file, gives PyTorch's output.
//! (`fixture::assert_matches` holds the tolerance.)

mod fixture;
mod models;

use cnn::Model;
use fixture::{Fixture, assert_matches, fixture};
use models::*;

/// `M` with fixture `f`'s weights, loaded strictly.
fn loaded<M: Model>(f: &Fixture) -> M {
    let mut model = M::init(0);
    cnn::Module::load_state_dict(&mut model, &f.weights).unwrap();
    model
}

/// Runs `M` on fixture `name`, loaded strictly from the PyTorch file.
fn check<M: Model>(name: &str) {
    let f = fixture(name);
    assert_matches(name, &loaded::<M>(&f), f);
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

/// Batches large enough to run a slice of images at a time (and, where
/// the classifier is large, as VGG-small's and its 524K weights, the
/// classifier then on the whole batch at once): every image still gets
/// PyTorch's output (the fixture's images, repeated).
#[test]
fn sliced_batches_give_every_image_its_output() {
    fn sliced<M: Model>(name: &str) {
        let mut f = fixture(name);
        let images = f.input_shape[0];
        let repeats = (1..1000)
            .find(|r| cnn::slices::slice_count(r * images, M::INPUT_SHAPE, M::LAYERS) > 2)
            .expect("a batch that slices");
        f.input_shape[0] *= repeats;
        f.input = f.input.repeat(repeats);
        f.expected = f.expected.repeat(repeats);
        f.expected_f64 = f.expected_f64.repeat(repeats);
        let model = loaded::<M>(&f);
        assert_matches(&format!("{name}, batch {}", f.input_shape[0]), &model, f);
    }
    sliced::<SeedA>("seed_a");
    sliced::<SeedB>("seed_b");
    sliced::<LeNet5>("lenet5");
    sliced::<Gray200>("gray200");
    sliced::<FeaturesExt>("features_ext");
    sliced::<VggSmall>("vgg_small");
}
