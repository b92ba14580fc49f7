//! Matrix-vector products `y = epilogue(W x)` on a weight packed in blocks
//! of rows ([`PackedRows`]): a vector's lanes are a block's rows, each step
//! of `k` one load of the block's column times one broadcast value of
//! `x`. Each block is read from its first value to its last, four blocks
//! at a time, and no sum is added across lanes.
//!
//! [`super::gemv`] reads the weight as PyTorch stores it, eight rows at
//! once, and adds each row's lanes at its end. Packed, with AVX-512 on an
//! AMD Zen 4, one call (median, us): `Linear(1280, 1000)` 59-67 against 68
//! warm, 171-173 against 234-255 with 64 MiB written between calls;
//! `Linear(512, 1000)` 26-27 against 32-33 warm, 74-75 against 148-161
//! cold; `Linear(2048, 1000)` 99-102 against 128-130 warm, 0.8-1.1x from
//! memory (three runs). With AVX2 1.0-1.4x warm, 1.1-1.8x cold.
//! MobileNetV3-Small's squeeze-and-excitation 1x1s, inside the model:
//! 183 us a pass to 107.
//!
//! Each row sums its products in four chains (two with fewer than 16
//! lanes; step `j` into chain `j` modulo the chains), added pair by pair
//! at the end; blocks are shared out whole between threads, so the
//! results do not depend on the thread count.

use super::aligned::Aligned;
use super::epilogue::{Epilogue, Out};
use super::isa::Isa;
use super::simd::{Simd, activate, dispatch};
use crate::threads;

/// How many multiply-adds of a convolution one of the product's costs,
/// about, to decide whether to share it (each weight comes from the
/// caches or memory for it, as in [`super::gemv`]).
const WEIGHT_READ: usize = 8;

/// Blocks a thread would take at least: with fewer the product stays on
/// one.
const BLOCKS_A_TASK: usize = 4;

/// The weight `[m, k]` packed for [`gemv_packed`]: for each block of
/// `LANES` rows, each column `j` of the block's rows, one after another,
/// zero past row `m`.
#[derive(Clone, Debug)]
pub struct PackedRows {
    isa: Isa,
    m: usize,
    k: usize,
    /// From a cache line's start: a block's column is one line with
    /// AVX-512, half of one with AVX2, never across two.
    data: Aligned,
}

impl PackedRows {
    /// Packs the `m x k` row-major `w` for `isa` (or, where this CPU lacks
    /// it, for the best instruction set below it).
    ///
    /// ```
    /// use cnn_runtime::kernels::epilogue::Epilogue;
    /// use cnn_runtime::kernels::gemv_packed::{PackedRows, gemv_packed};
    /// use cnn_runtime::kernels::isa::Isa;
    /// let w = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]; // 2 x 3
    /// let packed = PackedRows::new(Isa::detect(), 2, 3, &w);
    /// let mut y = [0.0; 2];
    /// gemv_packed(&packed, &[1.0, 0.0, -1.0], &mut y, &Epilogue::default());
    /// assert_eq!(y, [-2.0, -2.0]);
    /// ```
    ///
    /// # Panics
    /// If `w` is shorter than `m * k`.
    pub fn new(isa: Isa, m: usize, k: usize, w: &[f32]) -> Self {
        let isa = isa.or_below();
        assert!(
            m.checked_mul(k).is_some_and(|n| w.len() >= n),
            "PackedRows: the weight is too short"
        );
        let lanes = isa.lanes();
        let mut data = Aligned::zeros(m.div_ceil(lanes) * lanes * k);
        let packed = data.as_mut_slice();
        if k > 0 {
            for (r, row) in w.chunks_exact(k).take(m).enumerate() {
                let block = &mut packed[r / lanes * lanes * k..][..lanes * k];
                for (j, &v) in row.iter().enumerate() {
                    block[j * lanes + r % lanes] = v;
                }
            }
        }
        PackedRows { isa, m, k, data }
    }
}

/// `y[r] = epilogue(sum_j w[r * k + j] * x[j])` for `r < m`, the weight
/// packed by [`PackedRows::new`].
///
/// # Panics
/// If `x` is shorter than `k`, `y` than `m`, or the epilogue's slices
/// than `m`.
pub fn gemv_packed(w: &PackedRows, x: &[f32], y: &mut [f32], ep: &Epilogue) {
    let (m, k) = (w.m, w.k);
    assert!(
        x.len() >= k && y.len() >= m,
        "gemv_packed: a slice is too short"
    );
    for part in [ep.scale, ep.shift, ep.residual].into_iter().flatten() {
        assert!(part.len() >= m, "gemv_packed: the epilogue is too short");
    }
    let lanes = w.isa.lanes();
    let blocks = m.div_ceil(lanes);
    let work = m.saturating_mul(k).saturating_mul(WEIGHT_READ);
    if blocks < 2 * BLOCKS_A_TASK || !threads::shared(work) {
        dispatch!(w.isa, s => blocks_of(s, w, 0..blocks, x, &mut y[..m], ep));
        return;
    }
    let out = Out::new(y);
    threads::for_each_range(blocks, work, |mine| {
        if mine.is_empty() {
            return;
        }
        let rows = mine.start * lanes..(mine.end * lanes).min(m);
        // SAFETY: each task writes the rows of its own blocks.
        let y = unsafe { out.slice(rows.start, rows.len()) };
        dispatch!(w.isa, s => blocks_of(s, w, mine.clone(), x, y, ep));
    });
}

/// Blocks `blocks` of the product, into `y` (their rows, from the first
/// block's first row): four blocks at a time, then one at a time. Each
/// block is a stream of the weight: one stream runs fastest from the
/// caches, but from memory a few keep more lines in flight
/// (`Linear(2048, 1000)`, 8 MB, with AVX-512: 0.6-0.9x with one, 0.8-1.1x
/// with four, against [`super::gemv`]'s eight rows).
#[inline(always)]
fn blocks_of<S: Simd>(
    s: S,
    w: &PackedRows,
    blocks: std::ops::Range<usize>,
    x: &[f32],
    y: &mut [f32],
    ep: &Epilogue,
) {
    let (k, n) = (w.k, S::LANES);
    assert!(n == w.isa.lanes() && x.len() >= k);
    let data = w.data.as_slice();
    let first = blocks.start;
    let mut b = blocks.start;
    // Four blocks at a time, each in `C` chains: 16 sums, enough to
    // cover a multiply-add's latency (4 cycles at one a cycle with AVX-512,
    // two a cycle with AVX2), in registers beside the loads (16 of
    // AVX2's 16 with four chains: LeNet-5 0.96-0.98x; two chains, 8).
    macro_rules! four {
        ($c:literal) => {{
            while b + 4 <= blocks.end {
                let sums = block_sums::<S, 4, $c>(s, &data[b * n * k..][..4 * n * k], &x[..k]);
                for (i, sum) in sums.into_iter().enumerate() {
                    finish_block(s, w, b + i, first, sum, y, ep);
                }
                b += 4;
            }
            for b in b..blocks.end {
                let [sum] = block_sums::<S, 1, $c>(s, &data[b * n * k..][..n * k], &x[..k]);
                finish_block(s, w, b, first, sum, y, ep);
            }
        }};
    }
    if S::LANES >= 16 { four!(4) } else { four!(2) }
}

/// Block `b`'s sums with the epilogue, into `y` (rows from block
/// `first`'s first).
#[inline(always)]
fn finish_block<S: Simd>(
    s: S,
    w: &PackedRows,
    b: usize,
    first: usize,
    mut v: S::F,
    y: &mut [f32],
    ep: &Epilogue,
) {
    let n = S::LANES;
    let rows = b * n..((b + 1) * n).min(w.m);
    let part = |values: &[f32]| s.load_first(&values[rows.clone()]);
    // One multiply-add, as the GEMM's tiles: by 1 or plus 0 it is exact.
    let scale = ep.scale.map_or(s.splat(1.0), part);
    let shift = ep.shift.map_or(s.zero(), part);
    v = s.mul_add(v, scale, shift);
    if let Some(residual) = ep.residual {
        v = s.add(v, part(residual));
    }
    v = activate(s, v, ep.act);
    s.store_first(&mut y[rows.start - first * n..rows.end - first * n], v);
}

/// The sums of `R` consecutive blocks' rows with `x`: per step of `k`, a
/// load of each block's column and one broadcast of `x`; step `j` of each
/// block into its chain `j % C`, the `C` chains (a power of two) added
/// pair by pair (a block's sums do not depend on `R`).
#[inline(always)]
fn block_sums<S: Simd, const R: usize, const C: usize>(
    s: S,
    blocks: &[f32],
    x: &[f32],
) -> [S::F; R] {
    let (n, k) = (S::LANES, x.len());
    assert!(blocks.len() >= R * n * k && C.is_power_of_two());
    let mut chains = [[s.zero(); C]; R];
    let whole = k / C * C;
    let (wp, xp) = (blocks.as_ptr(), x.as_ptr());
    // SAFETY: steps `j < k` read `n` values at `(r * k + j) * n` of
    // `blocks` for `r < R`, and one at `j` of `x` (asserted above).
    unsafe {
        let step = |chains: &mut [[S::F; C]; R], j: usize, c: usize| {
            let xj = s.splat(*xp.add(j));
            for (r, chains) in chains.iter_mut().enumerate() {
                let w = s.load(wp.add((r * k + j) * n));
                chains[c] = s.mul_add(w, xj, chains[c]);
            }
        };
        for j in (0..whole).step_by(C) {
            for c in 0..C {
                step(&mut chains, j + c, c);
            }
        }
        for c in 0..k - whole {
            step(&mut chains, whole + c, c);
        }
    }
    // Pairs, then pairs of pairs.
    chains.map(|mut c| {
        let mut width = C;
        while width > 1 {
            width /= 2;
            for i in 0..width {
                c[i] = s.add(c[2 * i], c[2 * i + 1]);
            }
        }
        c[0]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::epilogue::Act;
    use crate::kernels::test_values as values;

    /// Every instruction set against an f64 reference: rows around the
    /// blocks of every vector width, depths around the chains, each part
    /// of the epilogue alone and all together.
    #[test]
    fn matches_the_reference_on_every_isa() {
        for &isa in Isa::available() {
            for (m, k) in [
                (1, 1),
                (3, 7),
                (4, 8),
                (16, 9),
                (17, 16),
                (33, 70),
                (8, 144),
                (100, 1),
            ] {
                let w = values(m * k, 1);
                let x = values(k, 2);
                let scale = values(m, 3);
                let shift = values(m, 4);
                let residual = values(m, 5);
                let packed = PackedRows::new(isa, m, k, &w);
                for ep in [
                    Epilogue::default(),
                    Epilogue {
                        scale: Some(&scale),
                        ..Epilogue::default()
                    },
                    Epilogue {
                        shift: Some(&shift),
                        act: Act::ReLU6,
                        ..Epilogue::default()
                    },
                    Epilogue {
                        scale: Some(&scale),
                        shift: Some(&shift),
                        residual: Some(&residual),
                        act: Act::ReLU,
                    },
                ] {
                    let mut y = vec![f32::NAN; m + 1];
                    gemv_packed(&packed, &x, &mut y, &ep);
                    for r in 0..m {
                        let dot: f64 = (0..k).map(|j| w[r * k + j] as f64 * x[j] as f64).sum();
                        let mut want = dot;
                        if let Some(s) = ep.scale {
                            want *= s[r] as f64;
                        }
                        if let Some(s) = ep.shift {
                            want += s[r] as f64;
                        }
                        if let Some(s) = ep.residual {
                            want += s[r] as f64;
                        }
                        let want = ep.act.apply(want as f32) as f64;
                        assert!(
                            (y[r] as f64 - want).abs() <= 1e-5 * (1.0 + want.abs()),
                            "{isa:?} {m}x{k} {ep:?} row {r}: {} vs {want}",
                            y[r]
                        );
                    }
                    assert!(y[m].is_nan(), "{isa:?} {m}x{k}: wrote past the rows");
                }
            }
        }
    }

    /// A product large enough to share gives the same bits on 1, 2 and 3
    /// threads, its last block part full.
    #[test]
    fn a_shared_product_gives_the_same_bits_on_any_thread_count() {
        let (m, k) = (1000, 1030);
        assert!(m * k * WEIGHT_READ >= crate::threads::MIN_SHARED_WORK);
        let w = values(m * k, 6);
        let x = values(k, 7);
        let shift = values(m, 8);
        let ep = Epilogue {
            shift: Some(&shift),
            act: Act::ReLU,
            ..Epilogue::default()
        };
        for &isa in Isa::available() {
            let packed = PackedRows::new(isa, m, k, &w);
            let runs: Vec<Vec<u32>> = [1, 2, 3]
                .into_iter()
                .map(|threads| {
                    crate::set_threads(threads);
                    let mut y = vec![f32::NAN; m];
                    gemv_packed(&packed, &x, &mut y, &ep);
                    y.iter().map(|v| v.to_bits()).collect()
                })
                .collect();
            crate::set_threads(1);
            assert!(runs.iter().all(|run| run == &runs[0]), "{isa:?}");
        }
    }
}
