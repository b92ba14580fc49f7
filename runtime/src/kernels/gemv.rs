//! Matrix-vector products `y = epilogue(W x)` on a weight as PyTorch stores
//! it (`[m, k]` row-major): a `Linear` layer on one image. The product is
//! memory-bound, so it reads `W` once, row after row, four rows at a time
//! against one load of `x`, with one vector accumulator per row.

use super::epilogue::{Epilogue, finish};
use super::isa::Isa;

/// `y[r] = epilogue(sum_j w[r * k + j] * x[j])` for `r < m`.
///
/// # Panics
/// If `w` is shorter than `m * k`, `x` than `k` or `y` than `m`.
pub fn gemv(isa: Isa, w: &[f32], m: usize, k: usize, x: &[f32], y: &mut [f32], ep: &Epilogue) {
    assert!(
        w.len() >= m * k && x.len() >= k && y.len() >= m,
        "gemv: a slice is too short"
    );
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX-512F was detected (an `Isa` is only made from what
        // the CPU reports); the lengths were checked above.
        Isa::Avx512 => unsafe { gemv_avx512(w, m, k, x, y, ep) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 and FMA were detected; the lengths were checked above.
        Isa::Avx2 => unsafe { gemv_avx2(w, m, k, x, y, ep) },
        _ => gemv_any(w, m, k, x, y, ep),
    }
}

/// Any instruction set: 16 partial sums per row, which the compiler
/// vectorises inside [`super::simd::vectorized`].
fn gemv_any(w: &[f32], m: usize, k: usize, x: &[f32], y: &mut [f32], ep: &Epilogue) {
    const LANES: usize = 16;
    super::simd::vectorized(
        #[inline(always)]
        || {
            for r in 0..m {
                let row = &w[r * k..(r + 1) * k];
                let mut acc = [0.0f32; LANES];
                let (body, tail) = row.split_at(k - k % LANES);
                for (wc, xc) in body.chunks_exact(LANES).zip(x.chunks_exact(LANES)) {
                    for l in 0..LANES {
                        acc[l] = wc[l].mul_add(xc[l], acc[l]);
                    }
                }
                for (l, (&wv, &xv)) in tail.iter().zip(&x[body.len()..k]).enumerate() {
                    acc[l] = wv.mul_add(xv, acc[l]);
                }
                y[r] = finish(acc.iter().sum(), r, r, ep);
            }
        },
    )
}

/// # Safety
/// The CPU must support AVX-512F; `w` holds `m * k` values, `x` `k` and
/// `y` `m`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn gemv_avx512(w: &[f32], m: usize, k: usize, x: &[f32], y: &mut [f32], ep: &Epilogue) {
    let mut r = 0;
    while r + 4 <= m {
        // SAFETY: rows r..r+4 exist (contract).
        let sums = unsafe { rows_avx512::<4>(w.as_ptr().add(r * k), k, x.as_ptr()) };
        for (i, s) in sums.into_iter().enumerate() {
            y[r + i] = finish(s, r + i, r + i, ep);
        }
        r += 4;
    }
    while r < m {
        // SAFETY: row r exists (contract).
        let [s] = unsafe { rows_avx512::<1>(w.as_ptr().add(r * k), k, x.as_ptr()) };
        y[r] = finish(s, r, r, ep);
        r += 1;
    }
}

/// The dot products of `R` consecutive rows of length `k` at `w` with `x`.
///
/// # Safety
/// AVX-512F; `w` points at `R * k` values and `x` at `k`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn rows_avx512<const R: usize>(w: *const f32, k: usize, x: *const f32) -> [f32; R] {
    use std::arch::x86_64::*;
    // SAFETY (whole body): full loads stay below `k` in every row; the
    // tail's loads are masked to it (contract).
    unsafe {
        let mut acc = [_mm512_setzero_ps(); R];
        let mut j = 0;
        while j + 16 <= k {
            let xv = _mm512_loadu_ps(x.add(j));
            for (i, a) in acc.iter_mut().enumerate() {
                *a = _mm512_fmadd_ps(_mm512_loadu_ps(w.add(i * k + j)), xv, *a);
            }
            j += 16;
        }
        if j < k {
            let mask: __mmask16 = ((1u32 << (k - j)) - 1) as __mmask16;
            let xv = _mm512_maskz_loadu_ps(mask, x.add(j));
            for (i, a) in acc.iter_mut().enumerate() {
                *a = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, w.add(i * k + j)), xv, *a);
            }
        }
        acc.map(|a| _mm512_reduce_add_ps(a))
    }
}

/// # Safety
/// The CPU must support AVX2 and FMA; `w` holds `m * k` values, `x` `k`
/// and `y` `m`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemv_avx2(w: &[f32], m: usize, k: usize, x: &[f32], y: &mut [f32], ep: &Epilogue) {
    let mut r = 0;
    while r + 4 <= m {
        // SAFETY: rows r..r+4 exist (contract).
        let sums = unsafe { rows_avx2::<4>(&w[r * k..(r + 4) * k], k, x) };
        for (i, s) in sums.into_iter().enumerate() {
            y[r + i] = finish(s, r + i, r + i, ep);
        }
        r += 4;
    }
    while r < m {
        // SAFETY: row r exists (contract).
        let [s] = unsafe { rows_avx2::<1>(&w[r * k..(r + 1) * k], k, x) };
        y[r] = finish(s, r, r, ep);
        r += 1;
    }
}

/// The dot products of the `R` consecutive rows of length `k` in `w` with
/// `x`: two vectors of 8 partial sums per row, then the tail one by one.
///
/// # Safety
/// AVX2 and FMA must be present.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn rows_avx2<const R: usize>(w: &[f32], k: usize, x: &[f32]) -> [f32; R] {
    use std::arch::x86_64::*;
    assert!(w.len() >= R * k && x.len() >= k);
    let (w, x) = (w.as_ptr(), x.as_ptr());
    let mut acc = [[_mm256_setzero_ps(); 2]; R];
    let mut j = 0;
    while j + 16 <= k {
        // SAFETY: j + 16 <= k in every row (asserted lengths).
        unsafe {
            let x0 = _mm256_loadu_ps(x.add(j));
            let x1 = _mm256_loadu_ps(x.add(j + 8));
            for (i, a) in acc.iter_mut().enumerate() {
                a[0] = _mm256_fmadd_ps(_mm256_loadu_ps(w.add(i * k + j)), x0, a[0]);
                a[1] = _mm256_fmadd_ps(_mm256_loadu_ps(w.add(i * k + j + 8)), x1, a[1]);
            }
        }
        j += 16;
    }
    std::array::from_fn(|i| {
        let mut lanes = [0.0f32; 8];
        // SAFETY: `lanes` holds 8 values.
        unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), _mm256_add_ps(acc[i][0], acc[i][1])) };
        let mut sum: f32 = lanes.iter().sum();
        for t in j..k {
            // SAFETY: t < k in row i (asserted lengths).
            sum = unsafe { (*w.add(i * k + t)).mul_add(*x.add(t), sum) };
        }
        sum
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::epilogue::Act;

    /// Every instruction set against an f64 reference, over sizes around
    /// the four-row groups and the sixteen-lane steps, with bias and ReLU.
    #[test]
    fn matches_reference_on_every_isa() {
        for &isa in Isa::available() {
            for (m, k) in [
                (1, 1),
                (3, 15),
                (4, 16),
                (5, 17),
                (10, 400),
                (9, 33),
                (120, 84),
            ] {
                let w: Vec<f32> = (0..m * k)
                    .map(|i| ((i * 37) % 23) as f32 / 7.0 - 1.5)
                    .collect();
                let x: Vec<f32> = (0..k).map(|i| ((i * 11) % 13) as f32 / 5.0 - 1.0).collect();
                let bias: Vec<f32> = (0..m).map(|i| i as f32 * 0.25 - 1.0).collect();
                let ep = Epilogue {
                    shift: Some(&bias),
                    act: Act::ReLU,
                    ..Epilogue::default()
                };
                let mut y = vec![f32::NAN; m];
                gemv(isa, &w, m, k, &x, &mut y, &ep);
                for r in 0..m {
                    let dot: f64 = (0..k).map(|j| w[r * k + j] as f64 * x[j] as f64).sum();
                    let want = (dot + bias[r] as f64).max(0.0);
                    assert!(
                        (y[r] as f64 - want).abs() <= 1e-5 * (1.0 + want.abs()),
                        "{isa:?} {m}x{k} row {r}: {} vs {want}",
                        y[r]
                    );
                }
            }
        }
    }
}
