//! Quick timings while tuning: each model's best median over a few short
//! rounds (the machine is shared; the best round is the least disturbed).

use cnn::Model;
use cnn_bench::models::*;
use cnn_bench::resnet18::ResNet18;
use cnn_bench::{input, time};

fn run<M: Model>(name: &str, batch: usize, rounds: usize) {
    let m = M::init(1);
    let x = input::<M>(batch);
    let best = (0..rounds)
        .map(|_| {
            time(0.3, || {
                std::hint::black_box(m.forward(&x));
            })
            .median
        })
        .min()
        .unwrap_or_default();
    println!(
        "{name:>13} batch {batch:>2}: {:9.4} ms",
        best.as_secs_f64() * 1e3
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let want = |name: &str| args.is_empty() || args.iter().any(|a| a == name);
    let batch: usize = std::env::var("BATCH")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(1);
    if let Some(t) = std::env::var("THREADS").ok().and_then(|t| t.parse().ok()) {
        cnn::set_threads(t);
    }
    let rounds = 5;
    if want("seed_a") {
        run::<SeedA>("seed_a", batch, rounds);
    }
    if want("seed_b") {
        run::<SeedB>("seed_b", batch, rounds);
    }
    if want("quiz") {
        run::<Quiz>("quiz", batch, rounds);
    }
    if want("gray200") {
        run::<Gray200>("gray200", batch, rounds);
    }
    if want("lenet5") {
        run::<LeNet5>("lenet5", batch, rounds);
    }
    if want("vgg_small") {
        run::<VggSmall>("vgg_small", batch, rounds);
    }
    if want("features_ext") {
        run::<FeaturesExt>("features_ext", batch, rounds);
    }
    if want("resnet18") {
        run::<ResNet18>("resnet18", batch.min(8), rounds);
    }
}
