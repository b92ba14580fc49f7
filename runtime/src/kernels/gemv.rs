//! Matrix-vector products `y = epilogue(W x)` on a weight as PyTorch stores
//! it (`[m, k]` row-major): a `Linear` layer on one image. The product is
//! memory-bound, so it reads `W` once, row after row, eight rows at a time
//! against one load of `x`, with two vector accumulators per row; written
//! once over the vector width.

use super::epilogue::{Epilogue, finish};
use super::isa::Isa;
use super::simd::{Simd, dispatch};

/// `y[r] = epilogue(sum_j w[r * k + j] * x[j])` for `r < m`, on `isa` (or
/// the best below it this CPU runs).
///
/// # Panics
/// If `w` is shorter than `m * k`, `x` than `k` or `y` than `m`.
pub fn gemv(isa: Isa, w: &[f32], m: usize, k: usize, x: &[f32], y: &mut [f32], ep: &Epilogue) {
    assert!(
        w.len() >= m * k && x.len() >= k && y.len() >= m,
        "gemv: a slice is too short"
    );
    dispatch!(isa, s => gemv_rows(s, w, m, k, x, y, ep));
}

#[inline(always)]
fn gemv_rows<S: Simd>(
    s: S,
    w: &[f32],
    m: usize,
    k: usize,
    x: &[f32],
    y: &mut [f32],
    ep: &Epilogue,
) {
    let mut r = 0;
    while r + 8 <= m {
        let sums = rows::<S, 8>(s, &w[r * k..(r + 8) * k], k, x);
        for (i, sum) in sums.into_iter().enumerate() {
            y[r + i] = finish(sum, r + i, r + i, ep);
        }
        r += 8;
    }
    while r + 4 <= m {
        let sums = rows::<S, 4>(s, &w[r * k..(r + 4) * k], k, x);
        for (i, sum) in sums.into_iter().enumerate() {
            y[r + i] = finish(sum, r + i, r + i, ep);
        }
        r += 4;
    }
    while r < m {
        let [sum] = rows::<S, 1>(s, &w[r * k..(r + 1) * k], k, x);
        y[r] = finish(sum, r, r, ep);
        r += 1;
    }
}

/// The dot products of the `R` consecutive rows of length `k` in `w` with
/// `x`: two vectors of partial sums per row, the tail in partial vectors,
/// then each row's lanes added in order.
#[inline(always)]
fn rows<S: Simd, const R: usize>(s: S, w: &[f32], k: usize, x: &[f32]) -> [f32; R] {
    let lanes = S::LANES;
    assert!(w.len() >= R * k && x.len() >= k);
    let whole = k / (2 * lanes) * (2 * lanes);
    // SAFETY: `whole <= k` values of every row and of `x` (asserted).
    let mut acc = unsafe { whole_sums::<S, R>(s, w.as_ptr(), k, x.as_ptr(), whole) };
    if whole < k {
        let (n0, n1) = ((k - whole).min(lanes), (k - whole).saturating_sub(lanes));
        let x0 = s.load_first(&x[whole..whole + n0]);
        let x1 = s.load_first(&x[whole + n0..whole + n0 + n1]);
        for (i, a) in acc.iter_mut().enumerate() {
            let row = &w[i * k + whole..i * k + k];
            a[0] = s.mul_add(s.load_first(&row[..n0]), x0, a[0]);
            a[1] = s.mul_add(s.load_first(&row[n0..]), x1, a[1]);
        }
    }
    let mut sums = [0.0f32; R];
    for (sum, a) in sums.iter_mut().zip(&acc) {
        *sum = s.sum(s.add(a[0], a[1]));
    }
    sums
}

/// The partial sums of the first `whole` values (a multiple of two
/// vectors) of `R` rows. (Its own function, returning them by value, so
/// that they stay in registers.)
///
/// # Safety
/// `w` must point at `R` rows of `k >= whole` values and `x` at `whole`.
#[inline(always)]
unsafe fn whole_sums<S: Simd, const R: usize>(
    s: S,
    w: *const f32,
    k: usize,
    x: *const f32,
    whole: usize,
) -> [[S::F; 2]; R] {
    let lanes = S::LANES;
    let mut acc = [[s.zero(); 2]; R];
    let mut j = 0;
    while j < whole {
        // SAFETY: j + 2 L <= whole in every row and in `x` (contract).
        unsafe {
            let x0 = s.load(x.add(j));
            let x1 = s.load(x.add(j + lanes));
            for (i, a) in acc.iter_mut().enumerate() {
                let row = w.add(i * k + j);
                a[0] = s.mul_add(s.load(row), x0, a[0]);
                a[1] = s.mul_add(s.load(row.add(lanes)), x1, a[1]);
            }
        }
        j += 2 * lanes;
    }
    acc
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
                (13, 70),
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
