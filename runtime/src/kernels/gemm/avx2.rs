//! The AVX2 + FMA microkernel: a 6 x 16 tile in 12 ymm accumulators.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::{Epilogue, Tile, finish};

pub const MR: usize = 6;
pub const NR: usize = 16;

/// One `MR x NR` tile of `C` (fewer at the edges), from packed panels.
///
/// # Safety
/// The CPU must support AVX2 and FMA; `a` must hold `MR * kc` and `b`
/// `NR * kc` values; the tile must lie inside `c`, and the epilogue's
/// slices must cover its rows and elements.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub unsafe fn kernel(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    t: &Tile,
    ep: &Epilogue,
) {
    // SAFETY (whole body): reads stay within the panels of the contract.
    let acc = unsafe {
        let mut acc = [[_mm256_setzero_ps(); 2]; MR];
        let (mut ap, mut bp) = (a, b);
        for _ in 0..kc {
            let b0 = _mm256_loadu_ps(bp);
            let b1 = _mm256_loadu_ps(bp.add(8));
            for (i, row) in acc.iter_mut().enumerate() {
                let ai = _mm256_set1_ps(*ap.add(i));
                row[0] = _mm256_fmadd_ps(ai, b0, row[0]);
                row[1] = _mm256_fmadd_ps(ai, b1, row[1]);
            }
            ap = ap.add(MR);
            bp = bp.add(NR);
        }
        acc
    };
    // The store and epilogue are scalar: a small share of the work here.
    for (i, row) in acc.iter().enumerate().take(t.height) {
        let mut values = [0.0f32; NR];
        // SAFETY: `values` holds exactly two ymm vectors.
        unsafe {
            _mm256_storeu_ps(values.as_mut_ptr(), row[0]);
            _mm256_storeu_ps(values.as_mut_ptr().add(8), row[1]);
        }
        let r = t.row + i;
        for (j, &v) in values.iter().enumerate().take(t.width) {
            let at = r * t.ldc + t.col + j;
            // SAFETY: inside the tile (contract).
            unsafe {
                let mut v = v;
                if !t.first {
                    v += *c.add(at);
                }
                *c.add(at) = if t.last { finish(v, r, at, ep) } else { v };
            }
        }
    }
}
