//! The portable microkernel: plain Rust the compiler vectorises as it can.

use super::{Epilogue, Tile, finish};

pub const MR: usize = 4;
pub const NR: usize = 8;

/// One `MR x NR` tile of `C` (fewer at the edges), from packed panels.
///
/// # Safety
/// The tile must lie inside `C` (at `c`) and be written by no one else.
pub unsafe fn kernel(kc: usize, a: &[f32], b: &[f32], c: *mut f32, t: &Tile, ep: &Epilogue) {
    let mut acc = [[0.0f32; NR]; MR];
    for (ak, bk) in a.chunks_exact(MR).zip(b.chunks_exact(NR)).take(kc) {
        for i in 0..MR {
            for j in 0..NR {
                // Multiply then add: `mul_add` without hardware FMA is a slow
                // library call.
                acc[i][j] += ak[i] * bk[j];
            }
        }
    }
    for (i, row) in acc.iter().enumerate().take(t.height) {
        let r = t.row + i;
        for (j, &v) in row.iter().enumerate().take(t.width) {
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
