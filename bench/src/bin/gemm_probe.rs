//! GEMM throughput on ResNet-18's convolution shapes, for tuning.
use cnn::kernels::gemm::{Epilogue, Isa, Matrix, PackedA, gemm};
use std::time::Instant;

fn main() {
    let only_best = std::env::args().any(|a| a == "--best");
    let shapes = [
        (64, 147, 12544),
        (64, 576, 3136),
        (128, 1152, 784),
        (256, 2304, 196),
        (512, 4608, 49),
        (32, 144, 2500),
        (16, 27, 256),
        (32, 144, 64),
    ];
    let isas = if only_best {
        vec![Isa::detect()]
    } else {
        Isa::available()
    };
    for isa in isas {
        for (m, k, n) in shapes {
            let a: Vec<f32> = (0..m * k).map(|i| (i % 7) as f32 * 0.1).collect();
            let b: Vec<f32> = (0..k * n).map(|i| (i % 5) as f32 * 0.1).collect();
            let mut c = vec![0.0f32; m * n];
            let pa = PackedA::new(isa, m, k, &a);
            let mut scratch = Vec::new();
            let mut f = || {
                gemm(
                    &pa,
                    &Matrix { data: &b, ld: n },
                    n,
                    &mut c,
                    n,
                    &Epilogue::default(),
                    &mut scratch,
                )
            };
            for _ in 0..3 {
                f();
            }
            let reps = (2e8 / (2.0 * (m * k * n) as f64)).max(3.0) as usize;
            let mut best = f64::MAX;
            for _ in 0..15 {
                let t = Instant::now();
                for _ in 0..reps {
                    f();
                }
                best = best.min(t.elapsed().as_secs_f64() / reps as f64);
            }
            println!(
                "{isa:?} {m}x{k}x{n}: {:.3} ms {:.1} GFLOP/s",
                best * 1e3,
                2.0 * (m * k * n) as f64 / best / 1e9
            );
        }
    }
}
