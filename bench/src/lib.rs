//! The fixture models and a timing loop, shared by the benchmarks.

#[path = "../../tests/models/mod.rs"]
pub mod models;
pub mod peak;
#[path = "../../tests/models/resnet18.rs"]
pub mod resnet18;

use std::time::{Duration, Instant};

use cnn::{AnyBatch, Model};

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
