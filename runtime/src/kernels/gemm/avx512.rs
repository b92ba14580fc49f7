//! The AVX-512 microkernel: a 8 x 32 tile in 16 zmm accumulators; per step
//! of `k`, two vector loads of `B` and eight broadcasts of `A`.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::{Act, Epilogue, Tile};

pub const MR: usize = 8;
pub const NR: usize = 32;

/// One `MR x NR` tile of `C` (fewer at the edges), from packed panels.
///
/// # Safety
/// The CPU must support AVX-512F; `a` must hold `MR * kc` and `b`
/// `NR * kc` values; the tile (`t.row + t.height` rows of `t.ldc`, from
/// column `t.col`, `t.width` wide) must lie inside `c`, and the epilogue's
/// slices must cover its rows and elements.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
pub unsafe fn kernel(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    t: &Tile,
    ep: &Epilogue,
) {
    // SAFETY (whole body): pointer reads stay within the panels described
    // in the contract; stores go through masks that cover only the tile.
    unsafe {
        let mut acc = [[_mm512_setzero_ps(); 2]; MR];
        let (mut ap, mut bp) = (a, b);
        // One step of `k`: two vectors of B, each row of A broadcast.
        let mut step = |ap: *const f32, bp: *const f32| {
            let b0 = _mm512_loadu_ps(bp);
            let b1 = _mm512_loadu_ps(bp.add(16));
            for (i, row) in acc.iter_mut().enumerate() {
                let ai = _mm512_set1_ps(*ap.add(i));
                row[0] = _mm512_fmadd_ps(ai, b0, row[0]);
                row[1] = _mm512_fmadd_ps(ai, b1, row[1]);
            }
        };
        // Four steps per iteration: less loop overhead per multiply-add.
        for _ in 0..kc / 4 {
            step(ap, bp);
            step(ap.add(MR), bp.add(NR));
            step(ap.add(2 * MR), bp.add(2 * NR));
            step(ap.add(3 * MR), bp.add(3 * NR));
            ap = ap.add(4 * MR);
            bp = bp.add(4 * NR);
        }
        for _ in 0..kc % 4 {
            step(ap, bp);
            ap = ap.add(MR);
            bp = bp.add(NR);
        }
        let mask = |w: usize| -> __mmask16 {
            if w >= 16 {
                0xffff
            } else {
                ((1u32 << w) - 1) as __mmask16
            }
        };
        let masks = [mask(t.width), mask(t.width.saturating_sub(16))];
        let cp = c;
        for (i, row) in acc.iter().enumerate().take(t.height) {
            let r = t.row + i;
            let base = r * t.ldc + t.col;
            let (scale, shift) = (
                ep.scale.map_or(1.0, |s| s[r]),
                ep.shift.map_or(0.0, |s| s[r]),
            );
            for (h, &m) in masks.iter().enumerate() {
                if m == 0 {
                    continue;
                }
                let at = cp.add(base + 16 * h);
                let mut v = row[h];
                if !t.first {
                    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, at));
                }
                if t.last {
                    v = _mm512_fmadd_ps(v, _mm512_set1_ps(scale), _mm512_set1_ps(shift));
                    if let Some(res) = ep.residual {
                        v = _mm512_add_ps(
                            v,
                            _mm512_maskz_loadu_ps(m, res.as_ptr().add(base + 16 * h)),
                        );
                    }
                    v = activate(v, ep.act);
                }
                _mm512_mask_storeu_ps(at, m, v);
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
pub(crate) fn activate(v: __m512, act: Act) -> __m512 {
    let zero = _mm512_setzero_ps();
    match act {
        Act::None => v,
        // max(v, 0) would turn NaN into 0: keep lanes that are not below 0.
        Act::ReLU => _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask::<_CMP_LT_OQ>(v, zero), zero),
        Act::ReLU6 => {
            let v = _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask::<_CMP_LT_OQ>(v, zero), zero);
            let six = _mm512_set1_ps(6.0);
            _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask::<_CMP_GT_OQ>(v, six), six)
        }
        Act::LeakyReLU(s) => {
            let scaled = _mm512_mul_ps(v, _mm512_set1_ps(s));
            _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask::<_CMP_LT_OQ>(v, zero), scaled)
        }
    }
}
