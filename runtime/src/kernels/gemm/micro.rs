//! The microkernel, written once for every vector width: an `MR x NR`
//! tile of `C` in `MR` rows of two vectors (`NR = 2 * LANES`); per step of
//! `k`, two vector loads of `B` and `MR` broadcasts of `A`. With AVX-512
//! that is 8 x 32 in 16 registers, with AVX2 6 x 16 in 12, with NEON
//! 8 x 8 in 16, and 4 x 8 for the portable fallback. Tiles one vector
//! wide or less (small planes, a product's last columns) sum one vector of
//! `B` a step instead of two.

use super::Tile;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::isa::Isa;
use crate::kernels::simd::{Simd, activate, activate_n};

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
            for row in acc.iter_mut() {
                *row = activate_n(s, *row, ep.act);
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
