//! The fixture models and a timing loop, shared by the benchmarks.

#[path = "../../tests/models/mod.rs"]
pub mod models;
pub mod peak;
#[path = "../../tests/models/resnet18.rs"]
pub mod resnet18;
pub mod zoo;

use std::time::{Duration, Instant};

use cnn::{AnyBatch, Model};

/// What is done with each benchmarked model: see [`every_model`].
pub trait EachModel {
    /// Called with the model's type, its name (as `ort_bench.py` knows
    /// it) and the two batch sizes it is timed at.
    fn model<M: Model>(&mut self, name: &'static str, batches: [usize; 2]);
}

/// Calls `visit` with every benchmarked model: the fixture models, then
/// torchvision's (the small configurations at batch 1 and 64, the full
/// sizes at 1 and 8), each under the name of its ONNX file.
pub fn every_model(visit: &mut impl EachModel) {
    use models::*;
    use zoo::tiny::*;
    visit.model::<SeedA>("seed_a", [1, 64]);
    visit.model::<SeedB>("seed_b", [1, 64]);
    visit.model::<Quiz>("quiz", [1, 64]);
    visit.model::<Gray200>("gray200", [1, 64]);
    visit.model::<LeNet5>("lenet5", [1, 64]);
    visit.model::<VggSmall>("vgg_small", [1, 64]);
    visit.model::<FeaturesExt>("features_ext", [1, 64]);
    visit.model::<resnet18::ResNet18>("resnet18", [1, 8]);
    visit.model::<MobileNetV3SmallTiny>("mobilenet_v3_small_tiny", [1, 64]);
    visit.model::<EfficientNetB0Tiny>("efficientnet_b0_tiny", [1, 64]);
    visit.model::<RegNetYTiny>("regnet_y_tiny", [1, 64]);
    visit.model::<RegNetXTiny>("regnet_x_tiny", [1, 64]);
    visit.model::<ShuffleNetV2Tiny>("shufflenet_v2_tiny", [1, 64]);
    visit.model::<ConvNeXtTiny>("convnext_tiny_tiny", [1, 64]);
    visit.model::<MobileNetV2Tiny>("mobilenet_v2_tiny", [1, 64]);
    visit.model::<DenseNetTiny>("densenet_tiny", [1, 64]);
    visit.model::<zoo::mobilenet_v2::MobileNetV2>("mobilenet_v2", [1, 8]);
    visit.model::<zoo::mobilenet_v3_small::MobileNetV3Small>("mobilenet_v3_small", [1, 8]);
    visit.model::<zoo::mnasnet0_5::MnasNet0_5>("mnasnet0_5", [1, 8]);
    visit.model::<zoo::squeezenet1_1::SqueezeNet1_1>("squeezenet1_1", [1, 8]);
    visit.model::<zoo::shufflenet_v2_x0_5::ShuffleNetV2x0_5>("shufflenet_v2_x0_5", [1, 8]);
    visit.model::<zoo::efficientnet_b0::EfficientNetB0>("efficientnet_b0", [1, 8]);
    visit.model::<zoo::regnet_x_400mf::RegNetX400MF>("regnet_x_400mf", [1, 8]);
    visit.model::<zoo::regnet_y_400mf::RegNetY400MF>("regnet_y_400mf", [1, 8]);
    visit.model::<zoo::densenet121::DenseNet121>("densenet121", [1, 8]);
    visit.model::<zoo::googlenet::GoogLeNet>("googlenet", [1, 8]);
    visit.model::<zoo::resnet50::ResNet50>("resnet50", [1, 8]);
}

/// The best time of one call of `f` (which does `flops` floating-point
/// operations) over 15 rounds of about 0.1 s each, after a warm-up: the
/// probes' measure of a kernel on a shared machine.
pub fn best_of(flops: f64, mut f: impl FnMut()) -> f64 {
    for _ in 0..3 {
        f();
    }
    let reps = (1e9 / flops).max(3.0) as usize;
    (0..15)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..reps {
                f();
            }
            t.elapsed().as_secs_f64() / reps as f64
        })
        .fold(f64::MAX, f64::min)
}

/// Median, 10th and 90th percentile of one call, over about `seconds`.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub median: Duration,
    pub p10: Duration,
    pub p90: Duration,
    pub iters: usize,
}

/// Times `f` the way `ort_bench.py` times ONNX Runtime: a short warm-up,
/// then single calls for `seconds`, reporting the median.
pub fn time(seconds: f64, mut f: impl FnMut()) -> Timing {
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(300) {
        f();
    }
    let mut times = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds || times.len() < 5 {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    let q = |p: f64| times[((p * times.len() as f64) as usize).min(times.len() - 1)];
    Timing {
        median: q(0.5),
        p10: q(0.1),
        p90: q(0.9),
        iters: times.len(),
    }
}

/// A deterministic N(0,1)-like input batch for `M`.
pub fn input<M: Model>(batch: usize) -> M::Input {
    let len = batch * M::Input::image_shape().iter().product::<usize>();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let data = (0..len)
        .map(|_| {
            // xorshift, then a sum of uniforms: cheap and roughly normal
            let mut u = 0.0f32;
            for _ in 0..4 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                u += (state >> 40) as f32 / (1u64 << 24) as f32;
            }
            (u - 2.0) * 1.7
        })
        .collect();
    M::Input::from_vec(batch, data).expect("the input has the model's shape")
}
