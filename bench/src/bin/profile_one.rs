use cnn::Model;
use cnn_bench::input;
use cnn_bench::models::*;
use cnn_bench::resnet18::ResNet18;

fn main() {
    // THREADS=n: the forward passes' thread count (default 1).
    if let Some(n) = std::env::var("THREADS").ok().and_then(|n| n.parse().ok()) {
        cnn::set_threads(n);
    }
    let which = std::env::args().nth(1).unwrap_or_default();
    let secs: f64 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    macro_rules! go {
        ($m:ty) => {{
            let m = <$m>::init(1);
            let batch = std::env::var("BATCH")
                .ok()
                .and_then(|b| b.parse().ok())
                .unwrap_or(1);
            let x = input::<$m>(batch);
            let t = std::time::Instant::now();
            let mut n = 0;
            while t.elapsed().as_secs_f64() < secs {
                std::hint::black_box(m.forward(&x));
                n += 1;
            }
            println!(
                "{} iters, {:.4} ms each",
                n,
                t.elapsed().as_secs_f64() * 1e3 / n as f64
            );
        }};
    }
    match which.as_str() {
        "resnet18" => go!(ResNet18),
        "vgg_small" => go!(VggSmall),
        "quiz" => go!(Quiz),
        "gray200" => go!(Gray200),
        "seed_a" => go!(SeedA),
        "seed_b" => go!(SeedB),
        "lenet5" => go!(LeNet5),
        _ => go!(FeaturesExt),
    }
}
