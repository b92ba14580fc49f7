//! The machine's measured multiply-add peak, for "% of peak" columns.

use std::time::Instant;

/// The best of a few timings of a single-thread FMA loop (AVX-512 where
/// the CPU has it, else AVX2), in GFLOP/s: the machine's practical peak for
/// one core.
pub fn measured_peak() -> f64 {
    /// `iters` rounds of 12 independent 16-lane multiply-add chains.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn fma_avx512(iters: usize) -> f32 {
        use std::arch::x86_64::*;
        let (a, b) = (_mm512_set1_ps(1.000_000_1), _mm512_set1_ps(0.999_999_9));
        let mut acc = [_mm512_setzero_ps(); 12];
        for _ in 0..iters {
            for v in acc.iter_mut() {
                *v = _mm512_fmadd_ps(*v, a, b);
            }
        }
        acc.iter().map(|&v| _mm512_reduce_add_ps(v)).sum()
    }
    /// The same with 8 lanes: 12 chains of 8.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn fma_avx2(iters: usize) -> f32 {
        use std::arch::x86_64::*;
        let (a, b) = (_mm256_set1_ps(1.000_000_1), _mm256_set1_ps(0.999_999_9));
        let mut acc = [_mm256_setzero_ps(); 12];
        for _ in 0..iters {
            for v in acc.iter_mut() {
                *v = _mm256_fmadd_ps(*v, a, b);
            }
        }
        let mut lanes = [0.0f32; 8];
        for v in acc {
            // SAFETY: `lanes` holds 8 floats.
            unsafe {
                _mm256_storeu_ps(
                    lanes.as_mut_ptr(),
                    _mm256_add_ps(v, _mm256_loadu_ps(lanes.as_ptr())),
                )
            };
        }
        lanes.iter().sum()
    }
    let iters = 20_000_000;
    let isa = cnn::kernels::isa::Isa::detect();
    let lanes = match isa {
        cnn::kernels::isa::Isa::Avx512 => 16,
        cnn::kernels::isa::Isa::Avx2 => 8,
        cnn::kernels::isa::Isa::Neon | cnn::kernels::isa::Isa::Portable => return f64::NAN,
    };
    (0..3)
        .map(|_| {
            let t = Instant::now();
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the instruction set was detected on this CPU.
            std::hint::black_box(unsafe {
                if lanes == 16 {
                    fma_avx512(iters)
                } else {
                    fma_avx2(iters)
                }
            });
            (iters * 12 * lanes * 2) as f64 / t.elapsed().as_secs_f64() / 1e9
        })
        .fold(0.0, f64::max)
}
