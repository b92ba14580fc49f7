//! GEMM throughput on ResNet-18's convolution shapes (`C[m×n] = A[m×k]
//! B[k×n]`, one thread): our packed kernels, and with the `other-gemms`
//! feature the `gemm` crate (with its x86-v4 kernels) and `matrixmultiply`
//! (with its AVX-512 feature) beside them, so that the runtime's choice of
//! GEMM rests on a measurement.
//!
//! ```text
//! cargo run --release -p cnn-bench --features other-gemms --bin gemm_probe -- --best
//! ```
//!
//! `--best` times only the instruction set the runtime picks on this CPU;
//! arguments `MxKxN` (e.g. `32x32x12544`) replace the shapes below.

use cnn::kernels::epilogue::Epilogue;
use cnn::kernels::gemm::{Matrix, PackedA, gemm};
use cnn::kernels::isa::Isa;

fn report(who: &str, (m, k, n): (usize, usize, usize), seconds: f64) {
    let flops = 2.0 * (m * k * n) as f64;
    println!(
        "{who:>22} {m:4}x{k:5}x{n:6}: {:8.3} ms {:6.1} GFLOP/s",
        seconds * 1e3,
        flops / seconds / 1e9
    );
}

fn main() {
    cnn::set_threads(1);
    let only_best = std::env::args().any(|a| a == "--best");
    let given: Vec<(usize, usize, usize)> = std::env::args()
        .skip(1)
        .filter_map(|a| {
            let d: Vec<usize> = a.split('x').filter_map(|d| d.parse().ok()).collect();
            (d.len() == 3).then(|| (d[0], d[1], d[2]))
        })
        .collect();
    let mut shapes = vec![
        (64, 147, 12544),
        (64, 576, 3136),
        (128, 1152, 784),
        (256, 2304, 196),
        (512, 4608, 49),
        (32, 144, 2500),
        (16, 27, 256),
    ];
    if !given.is_empty() {
        shapes = given;
    }
    let isas = if only_best {
        vec![Isa::detect()]
    } else {
        Isa::available().to_vec()
    };
    for (m, k, n) in shapes {
        let a: Vec<f32> = (0..m * k).map(|i| (i % 7) as f32 * 0.1).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i % 5) as f32 * 0.1).collect();
        let mut c = vec![0.0f32; m * n];
        let flops = 2.0 * (m * k * n) as f64;
        for &isa in &isas {
            let pa = PackedA::new(isa, m, k, &a);
            let mut scratch = Vec::new();
            let b = Matrix { data: &b, ld: n };
            let t = cnn_bench::best_of(flops, || {
                gemm(&pa, &b, n, &mut c, n, &Epilogue::default(), &mut scratch)
            });
            report(&format!("cnn {isa:?}"), (m, k, n), t);
        }
        #[cfg(feature = "other-gemms")]
        others((m, k, n), &a, &b, &mut c);
    }
}

/// The `gemm` crate and `matrixmultiply` on the same product.
#[cfg(feature = "other-gemms")]
fn others((m, k, n): (usize, usize, usize), a: &[f32], b: &[f32], c: &mut [f32]) {
    let flops = 2.0 * (m * k * n) as f64;
    {
        // Row-major A (m×k), B (k×n), C (m×n): column stride 1.
        let t = cnn_bench::best_of(flops, || {
            // SAFETY: the three buffers have exactly the sizes and strides
            // given, and C does not alias A or B.
            unsafe {
                ::gemm::gemm(
                    m,
                    n,
                    k,
                    c.as_mut_ptr(),
                    1,
                    n as isize,
                    false,
                    a.as_ptr(),
                    1,
                    k as isize,
                    b.as_ptr(),
                    1,
                    n as isize,
                    0.0,
                    1.0,
                    false,
                    false,
                    false,
                    ::gemm::Parallelism::None,
                )
            }
        });
        report("gemm crate (x86-v4)", (m, k, n), t);
        let t = cnn_bench::best_of(flops, || {
            // SAFETY: as above; strides are in elements.
            unsafe {
                matrixmultiply::sgemm(
                    m,
                    k,
                    n,
                    1.0,
                    a.as_ptr(),
                    k as isize,
                    1,
                    b.as_ptr(),
                    n as isize,
                    1,
                    0.0,
                    c.as_mut_ptr(),
                    n as isize,
                    1,
                )
            }
        });
        report("matrixmultiply", (m, k, n), t);
    }
}
