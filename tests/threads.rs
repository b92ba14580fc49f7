//! The same numbers, bit for bit, whatever the thread count: every layer is
//! cut into the same pieces, each summed in the same order.

mod models;
#[path = "models/resnet18.rs"]
mod resnet18;
mod zoo;

use cnn::{AnyBatch, Model};
use models::*;

fn input<M: Model>(batch: usize) -> M::Input {
    let len = batch * M::INPUT_SHAPE.iter().product::<usize>();
    let data = (0..len)
        .map(|i| ((i * 7919 % 1013) as f32 / 506.5) - 1.0)
        .collect();
    M::Input::from_vec(batch, data).unwrap()
}

fn outputs<M: Model>(batch: usize) -> Vec<Vec<u32>> {
    let model = M::init(5);
    let x = input::<M>(batch);
    [1, 2, 3, 1]
        .iter()
        .map(|&threads| {
            cnn::set_threads(threads);
            model
                .forward(&x)
                .as_slice()
                .iter()
                .map(|v| v.to_bits())
                .collect()
        })
        .collect()
}

#[test]
fn results_are_bitwise_identical_for_any_thread_count() {
    // One test function: the thread count is global to the process.
    fn check<M: Model>(name: &str, batch: usize) {
        let runs = outputs::<M>(batch);
        for run in &runs[1..] {
            assert!(
                run == &runs[0],
                "{name} batch {batch}: results differ between thread counts"
            );
        }
    }
    check::<SeedA>("seed_a", 5);
    check::<SeedB>("seed_b", 8);
    check::<Gray200>("gray200", 1);
    check::<LeNet5>("lenet5", 16);
    check::<VggSmall>("vgg_small", 3);
    check::<FeaturesExt>("features_ext", 4);
    check::<Quiz>("quiz", 2);
    check::<resnet18::ResNet18>("resnet18", 1);
    check::<zoo::MobileNetV3SmallTiny>("mobilenet_v3_small_tiny", 3);
    check::<zoo::EfficientNetB0Tiny>("efficientnet_b0_tiny", 2);
    check::<zoo::RegNetYTiny>("regnet_y_tiny", 2);
    check::<zoo::ShuffleNetV2Tiny>("shufflenet_v2_tiny", 2);
    check::<zoo::ConvNeXtTiny>("convnext_tiny_tiny", 2);
    check::<zoo::DenseNetTiny>("densenet_tiny", 2);
    check::<zoo::MobileNetV2Tiny>("mobilenet_v2_tiny", 2);
    check::<zoo::RegNetXTiny>("regnet_x_tiny", 2);
    // The smallest batches that run a slice at a time (and one more
    // image, so that the slices differ in size), the slices shared.
    fn sliced<M: Model>(name: &str) {
        let slices = |batch| cnn::slices::slice_count(batch, M::INPUT_SHAPE, M::LAYERS);
        let batch = (2..1000)
            .find(|&b| slices(b) > 1)
            .expect("a batch that slices")
            + 1;
        assert!(slices(batch) > 1);
        check::<M>(name, batch);
    }
    sliced::<SeedB>("seed_b");
    sliced::<LeNet5>("lenet5");
    sliced::<Gray200>("gray200");
    sliced::<FeaturesExt>("features_ext");
    sliced::<zoo::DenseNetTiny>("densenet_tiny");
    sliced::<zoo::MobileNetV2Tiny>("mobilenet_v2_tiny");
    sliced::<resnet18::ResNet18>("resnet18");
    cnn::set_threads(1);
}
