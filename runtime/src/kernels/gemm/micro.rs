//! The microkernel, written once for every vector width: an `MR x NR`
//! tile of `C` in `MR` rows of two vectors (`NR = 2 * LANES`); per step of
//! `k`, two vector loads of `B` and `MR` broadcasts of `A`. With AVX-512
//! that is 8 x 32 in 16 registers, with AVX2 6 x 16 in 12, with NEON
//! 8 x 8 in 16, and 4 x 8 for the portable fallback. Tiles one vector
//! wide or less (small planes, a product's last columns) sum one vector of
//! `B` a step instead of two, and the few columns past a tile's last whole
//! vector are summed down its rows ([`thin`]).

use super::Tile;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::isa::Isa;
use crate::kernels::simd::{Simd, activate, activate_n, activate_rows};

/// Rows of A a microkernel handles at once on `isa`.
pub(crate) fn mr(isa: Isa) -> usize {
    match isa {
        Isa::Avx512 | Isa::Neon => 8,
        Isa::Avx2 => 6,
        Isa::Portable => 4,
    }
}

/// Columns of B a microkernel handles at once on `isa`: two vectors.
pub(crate) fn nr(isa: Isa) -> usize {
    2 * isa.lanes()
}

/// One `MR x NR` tile of `C` (fewer at the edges), from packed panels.
///
/// # Safety
/// `a` must hold `MR * kc` values and `b` `kc` rows of `2 * LANES` values,
/// `ldb` apart (`ldb = NR` for a packed panel); the tile
/// (`t.row + t.height` rows of `t.ldc`, from column `t.col`, `t.width`
/// wide) must lie inside `c` and be written by no one else, and the
/// epilogue's slices must cover its rows and elements.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn kernel<S: Simd, const MR: usize>(
    s: S,
    kc: usize,
    a: *const f32,
    b: *const f32,
    ldb: usize,
    c: *mut f32,
    t: &Tile,
    ep: &Epilogue,
) {
    let tail = t.width % S::LANES;
    if MR <= S::LANES && (1..=THIN).contains(&tail) {
        // SAFETY: the caller's contract, for the head's columns and the
        // tail's alike.
        unsafe {
            let head = t.width - tail;
            if head > 0 {
                let t = Tile { width: head, ..*t };
                tile::<S, MR, 1>(s, kc, a, b, ldb, c, &t, ep);
            }
            let t = Tile {
                col: t.col + head,
                width: tail,
                ..*t
            };
            let b = b.add(head);
            match tail {
                1 => thin::<S, MR, 1>(s, kc, a, b, ldb, c, &t, ep),
                2 => thin::<S, MR, 2>(s, kc, a, b, ldb, c, &t, ep),
                3 => thin::<S, MR, 3>(s, kc, a, b, ldb, c, &t, ep),
                _ => thin::<S, MR, 4>(s, kc, a, b, ldb, c, &t, ep),
            }
        }
        return;
    }
    // SAFETY: the caller's contract.
    unsafe {
        if t.width <= S::LANES {
            // One vector of columns (planes of 4x4 and less, a product's
            // last columns): the second would be summed for nothing. Each
            // lane's sum is the same either way.
            tile::<S, MR, 1>(s, kc, a, b, ldb, c, t, ep)
        } else {
            tile::<S, MR, 2>(s, kc, a, b, ldb, c, t, ep)
        }
    }
}

/// The most columns past a tile's whole vectors that [`thin`] sums: a
/// vector of columns would run three quarters empty or more (1x1
/// convolutions onto 7x7 planes: 49 columns, 32 + 16 + 1).
const THIN: usize = 4;

/// Partial sums per column in [`thin`]: enough to cover a multiply-add's
/// latency (four cycles) at one step a cycle.
const CHAINS: usize = 4;

/// [`kernel`] on `W <= THIN` columns: each column's sums run down the
/// tile's rows, one vector of `MR <= LANES` rows times each column's value
/// of `B` broadcast, a multiply-add a column per step where a vector of
/// columns takes `MR`. Each column keeps [`CHAINS`] partial sums over
/// alternate steps of `k`, added at the end: one chain would wait on each
/// multiply-add's latency. (So the sums are not in the vector tiles' order;
/// the tiling, and with it each value, does not depend on the threads.)
///
/// # Safety
/// As for [`kernel`], with `MR <= LANES`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn thin<S: Simd, const MR: usize, const W: usize>(
    s: S,
    kc: usize,
    a: *const f32,
    b: *const f32,
    ldb: usize,
    c: *mut f32,
    t: &Tile,
    ep: &Epilogue,
) {
    debug_assert!(MR <= S::LANES && t.width == W && t.height <= MR);
    let mut chains = [[s.zero(); W]; CHAINS];
    let (mut ap, mut bp) = (a, b);
    // SAFETY: `kc` steps of both panels (contract); the rows past `MR`
    // are masked off.
    unsafe {
        for _ in 0..kc / CHAINS {
            for chain in chains.iter_mut() {
                thin_step(s, chain, ap, bp, MR);
                ap = ap.add(MR);
                bp = bp.add(ldb);
            }
        }
        for chain in chains.iter_mut().take(kc % CHAINS) {
            thin_step(s, chain, ap, bp, MR);
            ap = ap.add(MR);
            bp = bp.add(ldb);
        }
    }
    let mut acc = chains[0];
    for chain in &chains[1..] {
        for (sum, &x) in acc.iter_mut().zip(chain) {
            *sum = s.add(*sum, x);
        }
    }
    let h = t.height;
    let rows = t.row..t.row + h;
    // (Plain matches, not closures: a closure is not compiled with the
    // vector features.)
    let scale = match ep.scale {
        Some(x) => s.load_first(&x[rows.clone()]),
        None => s.splat(1.0),
    };
    let shift = match ep.shift {
        Some(x) => s.load_first(&x[rows]),
        None => s.zero(),
    };
    for (j, &sum) in acc.iter().enumerate() {
        let at = t.row * t.ldc + t.col + j;
        let mut v = sum;
        if !t.first {
            // SAFETY: the tile's column `j` (contract).
            v = s.add(v, unsafe { column(s, c, at, t.ldc, h) });
        }
        if t.last {
            v = s.mul_add(v, scale, shift);
            if let Some(res) = ep.residual {
                assert!(
                    res.len() > at + (h - 1) * t.ldc,
                    "gemm: the residual is too short"
                );
                // SAFETY: inside `res` (asserted).
                v = s.add(v, unsafe { column(s, res.as_ptr(), at, t.ldc, h) });
            }
            v = activate(s, v, ep.act);
        }
        let values = s.to_array(v);
        for (i, &x) in values.iter().enumerate().take(h) {
            // SAFETY: row `i < height` of the tile (contract).
            unsafe { *c.add(at + i * t.ldc) = x };
        }
    }
}

/// One step of `k` for [`thin`]: the `rows` values at `ap` times each
/// column's value at `bp`, into its chain.
///
/// # Safety
/// `ap` must hold `rows <= LANES` and `bp` `W` readable values.
#[inline(always)]
unsafe fn thin_step<S: Simd, const W: usize>(
    s: S,
    chain: &mut [S::F; W],
    ap: *const f32,
    bp: *const f32,
    rows: usize,
) {
    // SAFETY: the contract; the lanes past `rows` are masked off.
    unsafe {
        let a = s.load_lanes(ap, 0, rows);
        for (j, sum) in chain.iter_mut().enumerate() {
            *sum = s.mul_add(a, s.splat(*bp.add(j)), *sum);
        }
    }
}

/// `h <= LANES` values `ld` apart from `x + at`, as the first lanes of a
/// vector.
///
/// # Safety
/// Those values must be readable.
#[inline(always)]
unsafe fn column<S: Simd>(s: S, x: *const f32, at: usize, ld: usize, h: usize) -> S::F {
    let mut values = [0.0f32; 16];
    for (i, v) in values.iter_mut().enumerate().take(h) {
        // SAFETY: the contract.
        *v = unsafe { *x.add(at + i * ld) };
    }
    s.load_first(&values[..h])
}

/// [`kernel`] on `V` vectors of columns.
///
/// # Safety
/// As for [`kernel`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile<S: Simd, const MR: usize, const V: usize>(
    s: S,
    kc: usize,
    a: *const f32,
    b: *const f32,
    ldb: usize,
    c: *mut f32,
    t: &Tile,
    ep: &Epilogue,
) {
    let n = S::LANES;
    // SAFETY: the panels' lengths are the caller's promise.
    let acc = unsafe { sums::<S, MR, V>(s, kc, a, b, ldb) };
    if t.height == MR && t.width == V * n {
        // SAFETY: a whole tile (contract).
        unsafe { whole_tile(s, acc, c, t, ep) };
        return;
    }
    for (i, row) in acc.iter().enumerate().take(t.height) {
        let r = t.row + i;
        let scale = s.splat(ep.scale.map_or(1.0, |x| x[r]));
        let shift = s.splat(ep.shift.map_or(0.0, |x| x[r]));
        for (h, &sum) in row.iter().enumerate() {
            let col = h * n;
            if col >= t.width {
                break;
            }
            let width = (t.width - col).min(n);
            let at = r * t.ldc + t.col + col;
            // SAFETY: these `width` values lie in the tile (contract).
            let dst = unsafe { std::slice::from_raw_parts_mut(c.add(at), width) };
            let whole = width == n;
            let mut v = sum;
            if !t.first {
                v = s.add(v, load(s, dst, whole));
            }
            if t.last {
                v = s.mul_add(v, scale, shift);
                if let Some(res) = ep.residual {
                    v = s.add(v, load(s, &res[at..at + width], whole));
                }
                v = activate(s, v, ep.act);
            }
            if whole {
                // SAFETY: `dst` holds `n` values.
                unsafe { s.store(dst.as_mut_ptr(), v) }
            } else {
                s.store_first(dst, v)
            }
        }
    }
}

/// Adds a whole tile's sums to `C` or stores them, with the epilogue
/// where this is the last block: straight-line code, every row alike.
///
/// # Safety
/// The whole `MR x V * LANES` tile lies in `c` and is written by no one
/// else; the epilogue's slices cover it.
#[inline(always)]
unsafe fn whole_tile<S: Simd, const MR: usize, const V: usize>(
    s: S,
    mut acc: [[S::F; V]; MR],
    c: *mut f32,
    t: &Tile,
    ep: &Epilogue,
) {
    let n = S::LANES;
    let at = |i: usize| (t.row + i) * t.ldc + t.col;
    // SAFETY (whole body): each row's `V` vectors lie in the tile.
    unsafe {
        if !t.first {
            for (i, row) in acc.iter_mut().enumerate() {
                for (v, sum) in row.iter_mut().enumerate() {
                    *sum = s.add(*sum, s.load(c.add(at(i) + v * n)));
                }
            }
        }
        if t.last {
            for (i, row) in acc.iter_mut().enumerate() {
                let r = t.row + i;
                let scale = s.splat(ep.scale.map_or(1.0, |x| x[r]));
                let shift = s.splat(ep.shift.map_or(0.0, |x| x[r]));
                for sum in row.iter_mut() {
                    *sum = s.mul_add(*sum, scale, shift);
                }
            }
            if let Some(res) = ep.residual {
                for (i, row) in acc.iter_mut().enumerate() {
                    let r = &res[at(i)..at(i) + V * n];
                    for (v, sum) in row.iter_mut().enumerate() {
                        *sum = s.add(*sum, s.load(r.as_ptr().add(v * n)));
                    }
                }
            }
            // A tile of 16 sums or more (AVX-512's 8 x 32, NEON's 8 x 8,
            // with 32 vector registers) chooses the activation once:
            // 1.03-1.12x on products of depth 24 to 147 with AVX-512 (AMD
            // Zen 4). AVX2's 6 x 16 takes 12 of its 16 registers, and
            // there choosing it per row runs 1.01-1.05x the other.
            if MR * V >= 16 {
                acc = activate_rows(s, acc, ep.act);
            } else {
                for row in acc.iter_mut() {
                    *row = activate_n(s, *row, ep.act);
                }
            }
        }
        for (i, row) in acc.iter().enumerate() {
            for (v, &sum) in row.iter().enumerate() {
                s.store(c.add(at(i) + v * n), sum);
            }
        }
    }
}

/// The tile's sums over `kc` steps, `V` vectors of columns. (Its own
/// function, returning the accumulators by value: indexed by constants
/// only, they stay in registers, where the epilogue's loop over a tile's
/// rows would keep them in memory.)
///
/// # Safety
/// `a` must hold `MR * kc` values and `b` `kc` rows of `V * LANES`, `ldb`
/// apart.
#[inline(always)]
unsafe fn sums<S: Simd, const MR: usize, const V: usize>(
    s: S,
    kc: usize,
    a: *const f32,
    b: *const f32,
    ldb: usize,
) -> [[S::F; V]; MR] {
    let mut acc = [[s.zero(); V]; MR];
    let (mut ap, mut bp) = (a, b);
    // SAFETY: the steps walk the `kc` steps of both panels (contract).
    unsafe {
        // Four steps an iteration: less loop overhead per multiply-add.
        for _ in 0..kc / 4 {
            step(s, &mut acc, ap, bp);
            step(s, &mut acc, ap.add(MR), bp.add(ldb));
            step(s, &mut acc, ap.add(2 * MR), bp.add(2 * ldb));
            step(s, &mut acc, ap.add(3 * MR), bp.add(3 * ldb));
            ap = ap.add(4 * MR);
            bp = bp.add(4 * ldb);
        }
        for _ in 0..kc % 4 {
            step(s, &mut acc, ap, bp);
            ap = ap.add(MR);
            bp = bp.add(ldb);
        }
    }
    acc
}

/// One step of `k`: `V` vectors of B, each row of A broadcast.
///
/// # Safety
/// `ap` must hold `MR` and `bp` `V * LANES` readable values.
#[inline(always)]
unsafe fn step<S: Simd, const MR: usize, const V: usize>(
    s: S,
    acc: &mut [[S::F; V]; MR],
    ap: *const f32,
    bp: *const f32,
) {
    // SAFETY: the contract's bounds.
    unsafe {
        let b: [S::F; V] = std::array::from_fn(|v| s.load(bp.add(v * S::LANES)));
        for (i, row) in acc.iter_mut().enumerate() {
            let ai = s.splat(*ap.add(i));
            for (sum, &bv) in row.iter_mut().zip(&b) {
                *sum = s.mul_add(ai, bv, *sum);
            }
        }
    }
}

/// A whole vector from `x`, or its first values where it is shorter.
#[inline(always)]
fn load<S: Simd>(s: S, x: &[f32], whole: bool) -> S::F {
    if whole {
        assert!(x.len() >= S::LANES);
        // SAFETY: `x` holds a whole vector (asserted).
        unsafe { s.load(x.as_ptr()) }
    } else {
        s.load_first(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::epilogue::Act;
    use crate::kernels::gemm::tests::values;
    use crate::kernels::simd::dispatch;

    /// [`thin`] against the one-vector tile on the same panels: every
    /// width it takes, every height, the first, a middle and the last `k`
    /// block, with and without the epilogue; values outside the tile
    /// untouched.
    fn thin_is_a_tile<S: Simd, const MR: usize>(s: S) {
        let (kc, ldb, ldc) = (37, 2 * S::LANES, 24);
        let a = values(MR * kc, 1);
        let b = values(kc * ldb, 2);
        let (scale, shift) = (values(MR, 3), values(MR, 4));
        let residual = values(MR * ldc, 5);
        let full = Epilogue {
            scale: Some(&scale),
            shift: Some(&shift),
            residual: Some(&residual),
            act: Act::LeakyReLU(0.1),
        };
        for ep in [&Epilogue::default(), &full] {
            for width in 1..=THIN {
                for height in 1..=MR {
                    for (first, last) in
                        [(true, true), (true, false), (false, false), (false, true)]
                    {
                        let t = Tile {
                            row: 0,
                            col: 2,
                            height,
                            width,
                            ldc,
                            first,
                            last,
                        };
                        let before = values(MR * ldc, 6);
                        let (mut got, mut want) = (before.clone(), before.clone());
                        // SAFETY: the panels are full; the tile lies in `C`.
                        unsafe {
                            let (ap, bp) = (a.as_ptr(), b.as_ptr());
                            match width {
                                1 => thin::<S, MR, 1>(s, kc, ap, bp, ldb, got.as_mut_ptr(), &t, ep),
                                2 => thin::<S, MR, 2>(s, kc, ap, bp, ldb, got.as_mut_ptr(), &t, ep),
                                3 => thin::<S, MR, 3>(s, kc, ap, bp, ldb, got.as_mut_ptr(), &t, ep),
                                _ => thin::<S, MR, 4>(s, kc, ap, bp, ldb, got.as_mut_ptr(), &t, ep),
                            }
                            tile::<S, MR, 1>(s, kc, ap, bp, ldb, want.as_mut_ptr(), &t, ep);
                        }
                        for (i, (x, y)) in got.iter().zip(&want).enumerate() {
                            assert!(
                                (x - y).abs() <= 1e-5 * (1.0 + y.abs()),
                                "{:?} width {width} height {height} first {first} last {last} at {i}: {x} vs {y}",
                                s.isa()
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn thin_columns_sum_as_the_vector_tiles_do() {
        for &isa in Isa::available() {
            dispatch!(isa, s => match s.isa() {
                Isa::Avx512 => thin_is_a_tile::<_, 8>(s),
                Isa::Avx2 => thin_is_a_tile::<_, 6>(s),
                Isa::Portable => thin_is_a_tile::<_, 4>(s),
                // Eight rows do not fit NEON's four lanes: no thin path.
                Isa::Neon => {}
            });
        }
    }
}
