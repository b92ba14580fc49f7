//! Matrix-vector products `y = epilogue(W x)` on a weight as PyTorch stores
//! it (`[m, k]` row-major): a small `Linear` layer (a few outputs) on one
//! image or a few, or one too large to keep a packed copy of (the others
//! take [`super::gemv_packed`]). The product is memory-bound, so it reads `W`
//! once, row after row, eight rows at a time against one load of `x`, with
//! two vector accumulators per row; written once over the vector width.
//! Several vectors `x` ([`gemv_batch`]) share each load of `W`, and each of
//! their products is the one [`gemv`] gives it, bit for bit.

use super::epilogue::{Epilogue, Out, finish};
use super::isa::Isa;
use super::simd::{Simd, dispatch};
use crate::threads;

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
    // Each weight comes from memory for one multiply-add: a large product
    // is worth sharing long before its multiply-adds alone would say so.
    let work = m.saturating_mul(k).saturating_mul(WEIGHT_READ);
    if m < 2 * ROWS_A_TASK || !threads::shared(work) {
        dispatch!(isa, s => gemv_rows(s, w, m, k, x, y, ep));
        return;
    }
    // Blocks of rows, each row summed as on one thread (its sums do not
    // depend on the rows around it), so the values do not depend on the
    // thread count.
    let out = Out::new(y);
    threads::for_each_range(m, work, |rows| {
        let at = rows.start;
        let ep = Epilogue {
            scale: ep.scale.map(|v| &v[at..]),
            shift: ep.shift.map(|v| &v[at..]),
            residual: ep.residual.map(|v| &v[at..]),
            act: ep.act,
        };
        // SAFETY: each task writes its own rows of `y`.
        let y = unsafe { out.slice(at, rows.len()) };
        let w = &w[at * k..rows.end * k];
        dispatch!(isa, s => gemv_rows(s, w, rows.len(), k, x, y, &ep));
    });
}

/// How many multiply-adds of a convolution one of the product's costs,
/// about, to decide whether to share it: each weight is read from memory
/// for it (`Linear(2048, 256)` on one image, 2 MB of weights: 8 GMAC/s
/// where a convolution's run at 100).
const WEIGHT_READ: usize = 8;

/// Rows a thread would take at least, on two threads: with fewer the
/// product stays on one.
const ROWS_A_TASK: usize = 64;

/// [`gemv`] of `n` vectors: `y[i * m + r] = epilogue(sum_j w[r * k + j] *
/// x[i * k + j])`, each vector's values those [`gemv`] gives it. Four
/// vectors (two below AVX-512) go through two rows of `W`
/// at a time: each load of `W` serves them all, where a GEMM would pack
/// both operands and fill its tiles with `m` rows (`Linear(2048, 10)` on
/// a batch: 10 rows in tiles of 8).
///
/// # Panics
/// If `w` is shorter than `m * k`, `x` than `n * k` or `y` than `n * m`.
#[allow(clippy::too_many_arguments)]
pub fn gemv_batch(
    isa: Isa,
    w: &[f32],
    m: usize,
    k: usize,
    x: &[f32],
    n: usize,
    y: &mut [f32],
    ep: &Epilogue,
) {
    assert!(
        w.len() >= m * k && x.len() >= n * k && y.len() >= n * m,
        "gemv_batch: a slice is too short"
    );
    if m == 0 || n == 0 {
        return;
    }
    // Four vectors at a time with AVX-512 (16 sums in its 32 registers,
    // their loads beside), else two.
    if isa.lanes() >= 16 {
        dispatch!(isa, s => batch_rows::<_, 4>(s, w, m, k, x, n, y, ep));
    } else {
        dispatch!(isa, s => batch_rows::<_, 2>(s, w, m, k, x, n, y, ep));
    }
}

/// [`gemv_batch`] on `P` vectors at a time, the rest one by one.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn batch_rows<S: Simd, const P: usize>(
    s: S,
    w: &[f32],
    m: usize,
    k: usize,
    x: &[f32],
    n: usize,
    y: &mut [f32],
    ep: &Epilogue,
) {
    let mut i = 0;
    while i + P <= n {
        let xs: [&[f32]; P] = std::array::from_fn(|p| &x[(i + p) * k..][..k]);
        let mut r = 0;
        while r + 2 <= m {
            let sums = rows::<S, P, 2>(s, &w[r * k..(r + 2) * k], k, xs);
            for (p, sums) in sums.into_iter().enumerate() {
                for (q, sum) in sums.into_iter().enumerate() {
                    y[(i + p) * m + r + q] = finish(sum, r + q, r + q, ep);
                }
            }
            r += 2;
        }
        if r < m {
            let sums = rows::<S, P, 1>(s, &w[r * k..(r + 1) * k], k, xs);
            for (p, [sum]) in sums.into_iter().enumerate() {
                y[(i + p) * m + r] = finish(sum, r, r, ep);
            }
        }
        i += P;
    }
    for i in i..n {
        gemv_rows(s, w, m, k, &x[i * k..][..k], &mut y[i * m..][..m], ep);
    }
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
        let [sums] = rows::<S, 1, 8>(s, &w[r * k..(r + 8) * k], k, [x]);
        for (i, sum) in sums.into_iter().enumerate() {
            y[r + i] = finish(sum, r + i, r + i, ep);
        }
        r += 8;
    }
    while r + 4 <= m {
        let [sums] = rows::<S, 1, 4>(s, &w[r * k..(r + 4) * k], k, [x]);
        for (i, sum) in sums.into_iter().enumerate() {
            y[r + i] = finish(sum, r + i, r + i, ep);
        }
        r += 4;
    }
    while r < m {
        let [[sum]] = rows::<S, 1, 1>(s, &w[r * k..(r + 1) * k], k, [x]);
        y[r] = finish(sum, r, r, ep);
        r += 1;
    }
}

/// The dot products of the `R` consecutive rows of length `k` in `w` with
/// each of the `P` vectors `xs`: two vectors of partial sums per row and
/// vector, the tail in partial vectors, then each sum's lanes added in
/// order. A product's operations do not depend on `P` or `R`.
#[inline(always)]
fn rows<S: Simd, const P: usize, const R: usize>(
    s: S,
    w: &[f32],
    k: usize,
    xs: [&[f32]; P],
) -> [[f32; R]; P] {
    let lanes = S::LANES;
    assert!(w.len() >= R * k && xs.iter().all(|x| x.len() >= k));
    let whole = k / (2 * lanes) * (2 * lanes);
    let xp = xs.map(|x| x.as_ptr());
    // SAFETY: `whole <= k` values of every row and of each `x` (asserted).
    let mut acc = unsafe { whole_sums::<S, P, R>(s, w.as_ptr(), k, xp, whole) };
    if whole < k {
        let (n0, n1) = ((k - whole).min(lanes), (k - whole).saturating_sub(lanes));
        for (x, acc) in xs.iter().zip(&mut acc) {
            let x0 = s.load_first(&x[whole..whole + n0]);
            let x1 = s.load_first(&x[whole + n0..whole + n0 + n1]);
            for (i, a) in acc.iter_mut().enumerate() {
                let row = &w[i * k + whole..i * k + k];
                a[0] = s.mul_add(s.load_first(&row[..n0]), x0, a[0]);
                a[1] = s.mul_add(s.load_first(&row[n0..]), x1, a[1]);
            }
        }
    }
    let mut sums = [[0.0f32; R]; P];
    for (sums, acc) in sums.iter_mut().zip(&acc) {
        for (sum, a) in sums.iter_mut().zip(acc) {
            *sum = s.sum(s.add(a[0], a[1]));
        }
    }
    sums
}

/// The partial sums of the first `whole` values (a multiple of two
/// vectors) of `R` rows with `P` vectors. (Its own function, returning
/// them by value, so that they stay in registers.)
///
/// # Safety
/// `w` must point at `R` rows of `k >= whole` values and each `x` at
/// `whole`.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // rows and vectors index three arrays together
unsafe fn whole_sums<S: Simd, const P: usize, const R: usize>(
    s: S,
    w: *const f32,
    k: usize,
    x: [*const f32; P],
    whole: usize,
) -> [[[S::F; 2]; R]; P] {
    let lanes = S::LANES;
    let mut acc = [[[s.zero(); 2]; R]; P];
    let mut j = 0;
    while j < whole {
        // SAFETY: j + 2 L <= whole in every row and in each `x` (contract).
        unsafe {
            let mut x0 = [s.zero(); P];
            let mut x1 = [s.zero(); P];
            for p in 0..P {
                x0[p] = s.load(x[p].add(j));
                x1[p] = s.load(x[p].add(j + lanes));
            }
            for i in 0..R {
                let row = w.add(i * k + j);
                let (w0, w1) = (s.load(row), s.load(row.add(lanes)));
                for p in 0..P {
                    acc[p][i][0] = s.mul_add(w0, x0[p], acc[p][i][0]);
                    acc[p][i][1] = s.mul_add(w1, x1[p], acc[p][i][1]);
                }
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

    /// A product large enough to share between threads gives the same
    /// bits on 1, 2 and 3 threads, each row's scale, shift and residual
    /// its own, and the reference's values.
    #[test]
    fn a_shared_product_gives_the_same_bits_on_any_thread_count() {
        let (m, k) = (300, 1100);
        assert!(m * k * WEIGHT_READ >= crate::threads::MIN_SHARED_WORK);
        let w: Vec<f32> = (0..m * k)
            .map(|i| ((i * 37) % 23) as f32 / 7.0 - 1.5)
            .collect();
        let x: Vec<f32> = (0..k).map(|i| ((i * 11) % 13) as f32 / 5.0 - 1.0).collect();
        let scale: Vec<f32> = (0..m).map(|i| 1.0 + (i % 7) as f32 * 0.125).collect();
        let shift: Vec<f32> = (0..m).map(|i| i as f32 * 0.25 - 30.0).collect();
        let residual: Vec<f32> = (0..m).map(|i| (i % 5) as f32 - 2.0).collect();
        let ep = Epilogue {
            scale: Some(&scale),
            shift: Some(&shift),
            residual: Some(&residual),
            act: Act::ReLU,
        };
        for &isa in Isa::available() {
            let runs: Vec<Vec<u32>> = [1, 2, 3]
                .into_iter()
                .map(|threads| {
                    crate::set_threads(threads);
                    let mut y = vec![f32::NAN; m];
                    gemv(isa, &w, m, k, &x, &mut y, &ep);
                    y.iter().map(|v| v.to_bits()).collect()
                })
                .collect();
            crate::set_threads(1);
            assert!(runs.iter().all(|run| run == &runs[0]), "{isa:?}");
            for r in 0..m {
                let dot: f64 = (0..k).map(|j| w[r * k + j] as f64 * x[j] as f64).sum();
                let want = (dot * scale[r] as f64 + shift[r] as f64 + residual[r] as f64).max(0.0);
                let got = f32::from_bits(runs[0][r]) as f64;
                assert!(
                    (got - want).abs() <= 1e-4 * (1.0 + want.abs()),
                    "{isa:?} row {r}: {got} vs {want}"
                );
            }
        }
    }

    /// Each vector of a batch gets what it gets alone, bit for bit, over
    /// batches that fill the groups of vectors and leave some over, rows
    /// in pairs and one left, `k` in whole steps and with tails.
    #[test]
    fn a_batch_gives_each_vector_its_own_product() {
        for &isa in Isa::available() {
            for (m, k) in [(1, 1), (2, 32), (3, 15), (10, 2048), (9, 33), (5, 70)] {
                let w: Vec<f32> = (0..m * k)
                    .map(|i| ((i * 37) % 23) as f32 / 7.0 - 1.5)
                    .collect();
                let bias: Vec<f32> = (0..m).map(|i| i as f32 * 0.25 - 1.0).collect();
                let ep = Epilogue {
                    shift: Some(&bias),
                    act: Act::ReLU,
                    ..Epilogue::default()
                };
                for n in [0, 1, 2, 3, 4, 5, 8, 9] {
                    let x: Vec<f32> = (0..n * k)
                        .map(|i| ((i * 11) % 13) as f32 / 5.0 - 1.0)
                        .collect();
                    let mut got = vec![f32::NAN; n * m + 1];
                    gemv_batch(isa, &w, m, k, &x, n, &mut got, &ep);
                    for i in 0..n {
                        let mut want = vec![f32::NAN; m];
                        gemv(isa, &w, m, k, &x[i * k..][..k], &mut want, &ep);
                        let same = got[i * m..][..m]
                            .iter()
                            .zip(&want)
                            .all(|(a, b)| a.to_bits() == b.to_bits());
                        assert!(
                            same,
                            "{isa:?} {m}x{k} n {n} vector {i}: {:?} vs {want:?}",
                            &got[i * m..][..m]
                        );
                    }
                    assert!(got[n * m].is_nan(), "{isa:?} {m}x{k} n {n}: wrote past");
                }
            }
        }
    }
}
