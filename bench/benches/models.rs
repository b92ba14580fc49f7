//! Criterion benchmarks of every fixture model's forward pass: batch 1 and
//! 64 (ResNet-18: 1 and 8), on 1 and 2 threads.
//!
//! ```text
//! cargo bench -p cnn-bench --bench models              # all of them
//! cargo bench -p cnn-bench --bench models -- resnet18  # one model
//! ```
//!
//! For ratios to ONNX Runtime measured in the same run, see the `compare`
//! binary; absolute times on a shared machine drift from minute to minute.

use std::time::Duration;

use cnn::Model;
use cnn_bench::input;
use cnn_bench::models::*;
use cnn_bench::resnet18::ResNet18;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn model<M: Model>(c: &mut Criterion, name: &str, batches: [usize; 2]) {
    let mut group = c.benchmark_group(name);
    // ResNet-18 is ~40 ms a call; fewer samples keep its run short.
    if M::MACS > 100_000_000 {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(8));
    }
    let net = M::init(1);
    for batch in batches {
        let x = input::<M>(batch);
        group.throughput(Throughput::Elements(batch as u64));
        for threads in [1, 2] {
            cnn::set_threads(threads);
            group.bench_function(
                BenchmarkId::new(format!("batch {batch}"), format!("{threads} threads")),
                |b| b.iter(|| std::hint::black_box(net.forward(std::hint::black_box(&x)))),
            );
        }
    }
    cnn::set_threads(1);
    group.finish();
}

fn fixtures(c: &mut Criterion) {
    model::<SeedA>(c, "seed_a", [1, 64]);
    model::<SeedB>(c, "seed_b", [1, 64]);
    model::<Quiz>(c, "quiz", [1, 64]);
    model::<Gray200>(c, "gray200", [1, 64]);
    model::<LeNet5>(c, "lenet5", [1, 64]);
    model::<VggSmall>(c, "vgg_small", [1, 64]);
    model::<FeaturesExt>(c, "features_ext", [1, 64]);
    model::<ResNet18>(c, "resnet18", [1, 8]);
}

criterion_group!(benches, fixtures);
criterion_main!(benches);
