//! A batch of no images goes through every model: the output holds no
//! images, and nothing panics.

mod models;
#[path = "models/resnet18.rs"]
mod resnet18;
mod zoo;

use cnn::{AnyBatch, Model};
use models::*;

fn empty<M: Model>(name: &str) {
    let model = M::init(1);
    let x = M::Input::from_vec(0, Vec::new()).unwrap();
    let y = model.forward(&x);
    assert_eq!(y.batch_size(), 0, "{name}");
    assert!(y.as_slice().is_empty(), "{name}");
    // And again, now that the pool has buffers.
    let y = model.forward(&x);
    assert_eq!(y.batch_size(), 0, "{name}");
}

#[test]
fn every_model_takes_a_batch_of_no_images() {
    empty::<SeedA>("seed_a");
    empty::<SeedB>("seed_b");
    empty::<Quiz>("quiz");
    empty::<Gray200>("gray200");
    empty::<LeNet5>("lenet5");
    empty::<VggSmall>("vgg_small");
    empty::<FeaturesExt>("features_ext");
    empty::<resnet18::ResNet18>("resnet18");
    empty::<zoo::MobileNetV3SmallTiny>("mobilenet_v3_small_tiny");
    empty::<zoo::EfficientNetB0Tiny>("efficientnet_b0_tiny");
    empty::<zoo::RegNetYTiny>("regnet_y_tiny");
    empty::<zoo::RegNetXTiny>("regnet_x_tiny");
    empty::<zoo::ShuffleNetV2Tiny>("shufflenet_v2_tiny");
    empty::<zoo::ConvNeXtTiny>("convnext_tiny_tiny");
    empty::<zoo::DenseNetTiny>("densenet_tiny");
    empty::<zoo::MobileNetV2Tiny>("mobilenet_v2_tiny");
    for threads in [1, 2] {
        cnn::set_threads(threads);
        empty::<VggSmall>("vgg_small");
        empty::<zoo::DenseNetTiny>("densenet_tiny");
    }
    cnn::set_threads(1);
}

#[test]
fn an_empty_batch_in_every_constructor() {
    let zeros = cnn::Batch::<3, 4, 4>::zeros(0);
    assert_eq!(zeros.batch_size(), 0);
    let from = cnn::Batch::<3, 4, 4>::from_vec(0, Vec::new()).unwrap();
    assert_eq!(from.as_slice().len(), 0);
}
