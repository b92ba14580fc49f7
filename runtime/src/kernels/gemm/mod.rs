//! Matrix multiplication with packed weights and a fused epilogue: the core
//! of convolution and linear layers.
//!
//! `C[m, n] = epilogue(sum_k A[m, k] * B[k, n])` with `A` the weights,
//! packed once at load time ([`PackedA`]), and `B` packed panel by panel
//! while the product runs (from a matrix, or straight from an image for a
//! convolution: [`PackB`]). The epilogue applies a per-row scale and shift
//! (bias, a folded BatchNorm), adds a residual, and an activation, while
//! the tile is still in registers.
//!
//! The blocking depends only on the problem's shape, never on the thread
//! count, so every element is summed in the same order however the tiles
//! are shared out: results are bitwise identical for any number of threads.
//!
//! One microkernel (`micro`), written once over the vector width and
//! compiled for each instruction set; every one passes the same reference
//! test on every instruction set the CPU runs.

mod micro;

pub(crate) use micro::{mr, nr};

use super::epilogue::{Epilogue, Out, finish};
use super::isa::Isa;
use super::simd::dispatch;

/// Depth of one block of the product (its `A` and `B` panels stay in cache).
pub const KC: usize = 256;
/// Columns of one block of `B`.
const NC: usize = 512;
/// Products with more rows than this and a `k` block no deeper than
/// `ROWS_FIRST_MAX_DEPTH` run row panel by row panel (see `gemm_part`):
/// measured on 1x1 convolutions with AVX2, with their buffers out of the
/// cache, 16->96 at 112x112 2.0x, 24->144 at 56x56 1.4x, 64->256 at 56x56
/// 1.3x, 128->512 at 28x28 1.15x; from 256 channels no faster (256->64
/// at 56x56, deeper than a block of `ROWS_FIRST_MAX_DEPTH`, 0.8x). Onto
/// three panels of rows or more the shallow ones gain too, their many
/// planes of `C` otherwise written a strip each at once (inside RegNetX-
/// 400MF with AVX-512, 32->32 at 56x56 1.47x, 32->64 1.23x, 32->32 at
/// 112x112 1.06x; with AVX2 1.56x, 1.17x, 1.13x; ShuffleNetV2's 24->24
/// 1.26-1.35x); onto two or one, `C` is a few streams either way.
const ROWS_FIRST_MIN_ROWS: usize = 16;
const ROWS_FIRST_MAX_DEPTH: usize = 128;
/// The most rows of `A` for which a stored `B` is read in place rather
/// than packed: beyond them each value of `B` serves enough rows to pay
/// for its copy, and the packed panel's contiguous rows stay in L1 where
/// strided ones would not (`conv_probe` with AVX2, 1x1 convolutions:
/// 1.1-1.4x onto 24 to 256 channels, 0.9x onto 512 and 2048 from 7x7).
/// A large stored `B` of long rows is packed whatever the rows of `A`
/// (see `gemm_part`).
const STORED_ROWS: usize = 256;
/// Floats of a stored `B` of long rows from which it is packed: 512 KiB.
const PACKED_FROM: usize = 128 * 1024;
/// Floats of a packed block of such a `B`: 512 KiB, well inside a
/// second-level cache; shallow products take wider blocks, up to
/// `WIDE_NC` columns, so that their tiles, each of a few steps, run
/// longer rows.
const PACKED_BLOCK: usize = 128 * 1024;
const WIDE_NC: usize = 4 * NC;

/// The `k` blocks of a product of depth `k`: as even as possible, at most `KC`.
pub(crate) fn k_blocks(k: usize) -> impl Iterator<Item = (usize, usize)> {
    k_blocks_of(k, KC)
}

/// `(start, size)` of blocks of `0..k` as even as possible, at most `most`.
pub(crate) fn k_blocks_of(k: usize, most: usize) -> impl Iterator<Item = (usize, usize)> {
    let count = k.div_ceil(most).max(1);
    let size = k.div_ceil(count);
    (0..count).map(move |i| (i * size, size.min(k.saturating_sub(i * size))))
}

/// The weights `A` (`m x k`, row-major), packed for one instruction set:
/// for each `k` block and each `MR` rows, `MR` values per `k`, zero-padded.
#[derive(Clone, Debug)]
pub struct PackedA {
    isa: Isa,
    m: usize,
    k: usize,
    data: Vec<f32>,
}

impl PackedA {
    /// Packs the `m x k` row-major matrix `a` for `isa` (or, where this
    /// CPU lacks it, for the best instruction set below it).
    pub fn new(isa: Isa, m: usize, k: usize, a: &[f32]) -> Self {
        let isa = isa.or_below();
        assert!(a.len() >= m * k, "PackedA: the matrix is too short");
        let mr = mr(isa);
        let panels = m.div_ceil(mr);
        let mut data = vec![0.0; panels * mr * k];
        let mut at = 0;
        for (k0, kc) in k_blocks(k) {
            for p in 0..panels {
                for kk in 0..kc {
                    for i in 0..mr {
                        let row = p * mr + i;
                        if row < m {
                            data[at] = a[row * k + k0 + kk];
                        }
                        at += 1;
                    }
                }
            }
        }
        PackedA { isa, m, k, data }
    }

    pub fn rows(&self) -> usize {
        self.m
    }

    pub fn depth(&self) -> usize {
        self.k
    }

    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// The packed panels of the `k` block starting at `k0` of size `kc`:
    /// panel `p` (rows `p*MR..`) at `p * MR * kc`.
    fn block(&self, k0: usize, kc: usize) -> &[f32] {
        let mr = mr(self.isa);
        let panels = self.m.div_ceil(mr);
        &self.data[k0 * panels * mr..][..panels * mr * kc]
    }
}

/// A source of `B` (`k x n`), packed into panels of `NR` columns: for each
/// `k`, `NR` values, zero beyond `n`.
pub trait PackB: Sync {
    /// Writes rows `k0..k0+kc` and columns `n0..n0+nc` of `B` as panels
    /// into `out` (`nc.div_ceil(nr) * nr * kc` values).
    fn pack(&self, k0: usize, kc: usize, n0: usize, nc: usize, nr: usize, out: &mut [f32]);

    /// `B` itself, row-major with its row stride, where it is stored so:
    /// the microkernel then reads whole panels where they lie, unpacked.
    fn stored(&self) -> Option<(&[f32], usize)> {
        None
    }
}

/// Rows of a stored `B` packed together (see `Matrix::pack_rows`):
/// `gemm_probe`, 32x32x12544 (RegNetX-400MF's 32->32 at 112x112) 1.06x
/// with AVX-512 and 1.04x with AVX2, 64x64x3136 1.02x and 1.05-1.15x,
/// 16x16x50176 1.08x with AVX2; 4 and 16 rows did no better (AMD Zen 4).
const PACK_ROWS: usize = 8;

/// A row-major `k x n` matrix with row stride `ld`.
pub struct Matrix<'a> {
    pub data: &'a [f32],
    pub ld: usize,
}

impl PackB for Matrix<'_> {
    /// A few rows of `B` at a time, each read from end to end (a few long
    /// streams the hardware prefetches, where panel by panel would read
    /// short pieces of every row at once: a 1x1 convolution's input
    /// planes).
    fn pack(&self, k0: usize, kc: usize, n0: usize, nc: usize, nr: usize, out: &mut [f32]) {
        let panels = nc.div_ceil(nr);
        assert!(
            out.len() >= panels * nr * kc,
            "pack: the buffer is too short"
        );
        match nr {
            32 => self.pack_rows::<32>(k0, kc, n0, nc, out),
            16 => self.pack_rows::<16>(k0, kc, n0, nc, out),
            8 => self.pack_rows::<8>(k0, kc, n0, nc, out),
            _ => {
                for kk in 0..kc {
                    let row = &self.data[(k0 + kk) * self.ld + n0..][..nc];
                    for (p, src) in row.chunks(nr).enumerate() {
                        let dst = &mut out[(p * kc + kk) * nr..][..nr];
                        dst[..src.len()].copy_from_slice(src);
                        dst[src.len()..].fill(0.0);
                    }
                }
            }
        }
    }

    fn stored(&self) -> Option<(&[f32], usize)> {
        Some((self.data, self.ld))
    }
}

impl Matrix<'_> {
    /// [`PackB::pack`] with panels of a known `NR`: each panel's piece of
    /// a row is a fixed-size copy, a few vector moves in line, where a
    /// copy of a length known only at run time is a call to `memcpy` per
    /// piece, which costs more than the copy (DenseNet-121 spent 5% of
    /// its time in those calls).
    ///
    /// `PACK_ROWS` rows at a time, panel by panel: each panel's piece of
    /// them is one contiguous run of the packed block. Row by row, every
    /// piece lands `kc * NR` floats from the last (4 KiB at depth 32 with
    /// AVX-512), all in the same few sets of L1, which then holds none of
    /// them; a few rows still read as a few long streams.
    #[inline(always)]
    fn pack_rows<const NR: usize>(
        &self,
        k0: usize,
        kc: usize,
        n0: usize,
        nc: usize,
        out: &mut [f32],
    ) {
        let whole = nc / NR;
        for g0 in (0..kc).step_by(PACK_ROWS) {
            let rows = g0..(g0 + PACK_ROWS).min(kc);
            for p in 0..whole {
                for kk in rows.clone() {
                    let src = &self.data[(k0 + kk) * self.ld + n0 + p * NR..][..NR];
                    let dst: &mut [f32; NR] = (&mut out[(p * kc + kk) * NR..][..NR])
                        .try_into()
                        .expect("a panel's piece of a row");
                    *dst = src.try_into().expect("a panel's piece of a row");
                }
            }
            if whole * NR < nc {
                for kk in rows {
                    let rest =
                        &self.data[(k0 + kk) * self.ld + n0 + whole * NR..][..nc - whole * NR];
                    let dst = &mut out[(whole * kc + kk) * NR..][..NR];
                    dst[..rest.len()].copy_from_slice(rest);
                    dst[rest.len()..].fill(0.0);
                }
            }
        }
    }
}

/// `B`'s scratch space for one thread: one block of packed panels.
pub fn scratch_len(isa: Isa, k: usize, n: usize) -> usize {
    let kc = k_blocks(k).map(|(_, kc)| kc).max().unwrap_or(0);
    block_cols(kc, true).min(n.div_ceil(nr(isa)) * nr(isa)) * kc + 64
}

/// Columns of a block of `B` of depth `kc`: `NC`, or for a stored `B` of
/// long rows (`wide`) as many as `PACKED_BLOCK` holds, from `NC` to
/// `WIDE_NC`, in whole panels of every width.
fn block_cols(kc: usize, wide: bool) -> usize {
    if wide {
        (PACKED_BLOCK / kc.max(1)).clamp(NC, WIDE_NC) / NC * NC
    } else {
        NC
    }
}

/// `C = epilogue(A B)` for `C` row-major `m x n` with row stride `ldc`.
/// `scratch` holds the packed `B` (grown as needed).
///
/// # Panics
/// When a slice is shorter than its matrix: a bug in the caller, never a
/// consequence of user data (the layers size every buffer).
pub fn gemm(
    a: &PackedA,
    b: &dyn PackB,
    n: usize,
    c: &mut [f32],
    ldc: usize,
    epilogue: &Epilogue,
    scratch: &mut Vec<f32>,
) {
    let m = a.m;
    if m == 0 || n == 0 {
        return;
    }
    assert!(c.len() >= (m - 1) * ldc + n, "gemm: C is too short");
    let out = Out::new(c);
    // SAFETY: `c` is borrowed mutably for the whole call and covers every
    // row and column of the product (asserted above).
    unsafe { gemm_part(a, 0..a.panels(), b, 0..n, &out, ldc, epilogue, scratch) }
}

impl PackedA {
    /// Panels of `MR` rows.
    pub fn panels(&self) -> usize {
        self.m.div_ceil(mr(self.isa))
    }
}

/// The part of `C = epilogue(A B)` in row panels `panels` (of `MR` rows) and
/// columns `cols`.
///
/// # Safety
/// `c` must cover rows `0..m` with stride `ldc` up to the last column of
/// `cols`, and while this runs nothing else may read or write the part of
/// `C` in those rows and columns.
///
/// # Panics
/// When the epilogue's slices or `C` are too short (a bug in the caller).
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemm_part(
    a: &PackedA,
    panels: std::ops::Range<usize>,
    b: &dyn PackB,
    cols: std::ops::Range<usize>,
    c: &Out,
    ldc: usize,
    epilogue: &Epilogue,
    scratch: &mut Vec<f32>,
) {
    let (m, k) = (a.m, a.k);
    if m == 0 || cols.is_empty() || panels.is_empty() {
        return;
    }
    assert!(c.len >= (m - 1) * ldc + cols.end, "gemm: C is too short");
    if let Some(s) = epilogue.scale {
        assert!(s.len() >= m, "gemm: scale is too short");
    }
    if let Some(s) = epilogue.shift {
        assert!(s.len() >= m, "gemm: shift is too short");
    }
    if let Some(r) = epilogue.residual {
        assert!(
            r.len() >= (m - 1) * ldc + cols.end,
            "gemm: residual is too short"
        );
    }
    let isa = a.isa;
    let (mr, nr) = (mr(isa), nr(isa));
    if k == 0 {
        // An empty sum: only the epilogue of zero.
        for i in (panels.start * mr)..(panels.end * mr).min(m) {
            for j in cols.clone() {
                // SAFETY: inside the part this call owns (contract).
                unsafe { *c.ptr.add(i * ldc + j) = finish(0.0, i, i * ldc + j, epilogue) };
            }
        }
        return;
    }
    let n_part = cols.end - cols.start;
    let needed = scratch_len(isa, k, n_part);
    if scratch.len() < needed {
        scratch.resize(needed, 0.0);
    }
    let blocks = k.div_ceil(KC).max(1);
    // A stored `B` is read where it lies, a panel of `NR` whole columns at
    // a time, for up to `STORED_ROWS` rows of `A`: packing would copy each
    // value of `B` to use it once per panel of `A`, and with few rows (1x1
    // convolutions that reduce channels) the copy costs as much as the
    // product. Only a last, narrower panel is packed.
    //
    // A stored `B` of long rows (longer than a block; the whole row
    // counts, not this part of it) is packed row by row (see `Matrix`) in
    // blocks of up to `PACKED_BLOCK`, and its tiles go row panel by row
    // panel. Read in place, its every row is read a panel at a time, more
    // streams than the prefetcher follows, from memory where the plane is
    // not in the caches, as a large model's are not (caches flushed, a
    // ResNet block's epilogue: ResNet-50's 256->64 at 56x56 1.4-1.6x,
    // 512->128 at 28x28 1.2-1.3x, MobileNetV2's 144->24 at 56x56 2x).
    // Packing pays where three panels of `A` or more read each value and
    // `B` is too large (`PACKED_FROM`) to be still in cache from the layer
    // that wrote it; a smaller one, or one read by one or two panels, is
    // read in place (with the data in cache, MobileNetV2's 32->16 at
    // 112x112 packed ran at 0.55x, MNASNet's 16->48 at 56x56 at 0.8x;
    // 16->8 at 112x112 at 0.8x cold).
    let long_rows = b
        .stored()
        .is_some_and(|(_, ld)| ld > NC && panels.len() > 2 && k * ld >= PACKED_FROM);
    let stored = b
        .stored()
        .filter(|_| panels.len() * mr <= STORED_ROWS && !long_rows);
    if let Some((data, ld)) = stored {
        assert!(
            data.len() >= (k - 1) * ld + cols.end,
            "gemm: B is too short"
        );
    }
    let kc_most = k_blocks(k).map(|(_, kc)| kc).max().unwrap_or(1);
    let mut n0 = cols.start;
    while n0 < cols.end {
        let nc = block_cols(kc_most, long_rows).min(cols.end - n0);
        for (bi, (k0, kc)) in k_blocks(k).enumerate() {
            // Align the packed panels to 64 bytes for the vector loads.
            let offset = scratch.as_ptr().align_offset(64).min(15);
            let packed = &mut scratch[offset..];
            let whole = match stored {
                // The whole panels are read in place; the rest is packed.
                Some(_) => {
                    let whole = nc / nr * nr;
                    if whole < nc {
                        b.pack(k0, kc, n0 + whole, nc - whole, nr, packed);
                    }
                    whole
                }
                None => {
                    b.pack(k0, kc, n0, nc, nr, packed);
                    0
                }
            };
            let first = bi == 0;
            let last = bi + 1 == blocks;
            // Tiles column panel by column panel (each panel of `B` read
            // once, into L1, for every row panel), or, over many rows of a
            // shallow product, row panel by row panel: then `C` is written
            // a few rows at a time from left to right, rather than a strip
            // of every row at once, which the caches cannot follow where
            // `C` is not in them (1x1 convolutions inside a model: 1.3-2x).
            let rows_first = long_rows
                || (panels.len() * mr > ROWS_FIRST_MIN_ROWS && kc <= ROWS_FIRST_MAX_DEPTH);
            let col_panels = nc.div_ceil(nr);
            // The tiles in their order, by nested loops rather than from
            // each tile's index: the divisions per tile cost a shallow
            // product's tile of a few hundred multiply-adds 1-2% (depth
            // 16 to 32, AVX-512 and AVX2).
            let (outer, inner) = if rows_first {
                (panels.len(), col_panels)
            } else {
                (col_panels, panels.len())
            };
            let a_block = a.block(k0, kc);
            for o in 0..outer {
                for i in 0..inner {
                    let (jp, p) = if rows_first {
                        (i, panels.start + o)
                    } else {
                        (o, panels.start + i)
                    };
                    let j = n0 + jp * nr;
                    let width = nr.min(cols.end - j);
                    let (bp, ldb) = match stored {
                        Some((data, ld)) if jp * nr < whole => (&data[k0 * ld + j..], ld),
                        Some(_) => (&packed[(jp * nr - whole) * kc..][..nr * kc], nr),
                        None => (&packed[jp * nr * kc..][..nr * kc], nr),
                    };
                    let row = p * mr;
                    let tile = Tile {
                        row,
                        col: j,
                        height: mr.min(m - row),
                        width,
                        ldc,
                        first,
                        last,
                    };
                    let ap = &a_block[p * mr * kc..][..mr * kc];
                    // SAFETY: the tile lies in this call's part of `C`.
                    unsafe { run_kernel(isa, kc, ap, bp, ldb, c.ptr, &tile, epilogue) };
                }
            }
        }
        n0 += nc;
    }
}

/// A row-major `n x k` matrix read as its transpose, `k x n` (a batch of
/// rows of features, for a linear layer's `W x^T`).
pub struct Transposed<'a> {
    pub data: &'a [f32],
    /// The row stride of the stored `n x k` matrix.
    pub ld: usize,
}

impl PackB for Transposed<'_> {
    fn pack(&self, k0: usize, kc: usize, n0: usize, nc: usize, nr: usize, out: &mut [f32]) {
        for (p, panel) in out
            .chunks_exact_mut(nr * kc)
            .enumerate()
            .take(nc.div_ceil(nr))
        {
            let j0 = n0 + p * nr;
            let width = nr.min(n0 + nc - j0);
            let rows = &self.data[j0 * self.ld + k0..];
            // Whole 8x8 blocks are transposed in registers; the rest (and
            // every block without AVX2) value by value.
            #[cfg_attr(not(target_arch = "x86_64"), allow(unused_mut))]
            let mut done_t = 0;
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") && nr.is_multiple_of(8) {
                let (wt, wk) = (width / 8 * 8, kc / 8 * 8);
                if wt > 0 && wk > 0 {
                    assert!(
                        rows.len() >= (wt - 1) * self.ld + wk,
                        "pack: the matrix is too short"
                    );
                    for t0 in (0..wt).step_by(8) {
                        for kk0 in (0..wk).step_by(8) {
                            // SAFETY: AVX2 was detected; the block's last
                            // row ends at most at (wt-1)*ld + wk (asserted),
                            // and the panel's rows kk0..kk0+8 < kc hold
                            // nr >= t0+8 values each.
                            unsafe { transpose_8x8(rows, self.ld, t0, kk0, panel, nr) };
                        }
                    }
                    done_t = wt;
                    // Columns of the whole blocks past the last full k block.
                    for kk in wk..kc {
                        for t in 0..wt {
                            panel[kk * nr + t] = rows[t * self.ld + kk];
                        }
                    }
                }
            }
            for (kk, dst) in panel.chunks_exact_mut(nr).enumerate() {
                for (t, d) in dst.iter_mut().enumerate().take(width).skip(done_t) {
                    *d = rows[t * self.ld + kk];
                }
                dst[width..].fill(0.0);
            }
        }
    }
}

/// Transposes the 8x8 block at rows `t0..t0+8`, columns `kk0..kk0+8` of
/// `rows` (row stride `ld`) into rows `kk0..kk0+8`, columns `t0..t0+8` of
/// `panel` (row stride `nr`).
///
/// # Safety
/// AVX2 must be present, and both blocks lie inside their slices.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn transpose_8x8(
    rows: &[f32],
    ld: usize,
    t0: usize,
    kk0: usize,
    panel: &mut [f32],
    nr: usize,
) {
    use std::arch::x86_64::*;
    debug_assert!((t0 + 7) * ld + kk0 + 8 <= rows.len() && (kk0 + 7) * nr + t0 + 8 <= panel.len());
    // SAFETY (whole body): the contract's bounds.
    unsafe {
        let src = rows.as_ptr().add(t0 * ld + kk0);
        let r: [__m256; 8] = std::array::from_fn(|i| _mm256_loadu_ps(src.add(i * ld)));
        let out = super::simd::transpose::transpose_8x8(r);
        let dst = panel.as_mut_ptr().add(kk0 * nr + t0);
        for (i, v) in out.into_iter().enumerate() {
            _mm256_storeu_ps(dst.add(i * nr), v);
        }
    }
}

/// Where a microkernel's tile sits in `C`.
#[derive(Clone, Copy, Debug)]
pub struct Tile {
    pub row: usize,
    pub col: usize,
    pub height: usize,
    pub width: usize,
    pub ldc: usize,
    /// The first `k` block: `C` is overwritten, not accumulated.
    pub first: bool,
    /// The last `k` block: the epilogue runs.
    pub last: bool,
}

/// Runs the microkernel of `isa` on one tile.
///
/// # Safety
/// The tile must lie inside `C` (at `c`) and be written by no one else.
#[allow(clippy::too_many_arguments)]
unsafe fn run_kernel(
    isa: Isa,
    kc: usize,
    a: &[f32],
    b: &[f32],
    ldb: usize,
    c: *mut f32,
    tile: &Tile,
    ep: &Epilogue,
) {
    assert!(
        a.len() >= mr(isa) * kc && kc > 0 && b.len() >= (kc - 1) * ldb + nr(isa),
        "gemm: a panel is too short"
    );
    // SAFETY: the panels are full (asserted above); the tile's placement
    // is the caller's promise.
    dispatch!(isa, s => unsafe {
        match s.isa() {
            Isa::Avx512 | Isa::Neon => micro::kernel::<_, 8>(s, kc, a.as_ptr(), b.as_ptr(), ldb, c, tile, ep),
            Isa::Avx2 => micro::kernel::<_, 6>(s, kc, a.as_ptr(), b.as_ptr(), ldb, c, tile, ep),
            Isa::Portable => micro::kernel::<_, 4>(s, kc, a.as_ptr(), b.as_ptr(), ldb, c, tile, ep),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::epilogue::Act;

    pub(super) use crate::kernels::test_values as values;

    fn reference(m: usize, k: usize, n: usize, a: &[f32], b: &[f32], ep: &Epilogue) -> Vec<f32> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                let acc: f64 = (0..k)
                    .map(|p| a[i * k + p] as f64 * b[p * n + j] as f64)
                    .sum();
                c[i * n + j] = finish(acc as f32, i, i * n + j, ep);
            }
        }
        c
    }

    #[test]
    fn every_kernel_matches_the_reference() {
        let shapes = [
            (1, 1, 1),
            (3, 5, 7),
            (8, 27, 256),
            (17, 33, 45),
            // Shallow, onto a few panels of rows, `B` read in place over
            // several blocks of columns (RegNetX's 32->32 1x1s).
            (32, 32, 1100),
            (64, 600, 97),
            (13, 1, 40),
            (10, 300, 2),
            (40, 300, 600),
            // More rows than a stored `B` is read in place for: packed.
            (300, 40, 70),
            // Whole tiles one vector wide (AVX-512's 16 columns, AVX2's
            // 8), over one `k` block and two.
            (16, 40, 16),
            (16, 300, 16),
            (12, 300, 8),
            // A shallow product of long rows, packed in the widest
            // blocks (three, the last ending mid-panel), its depth not a
            // whole number of the rows packed together; (40, 300, 600)
            // above is packed in blocks of `NC`.
            (20, 27, 6000),
            // A few columns past whole vectors (summed down the rows):
            // 7x7 and 14x14 planes, over one `k` block and two.
            (20, 300, 49),
            (9, 40, 196),
            (6, 17, 3),
        ];
        for &isa in Isa::available() {
            for &(m, k, n) in &shapes {
                let a = values(m * k, 1);
                let b = values(k * n, 2);
                let scale = values(m, 3);
                let shift = values(m, 4);
                let residual = values(m * n, 5);
                let epilogues = [
                    Epilogue::default(),
                    Epilogue {
                        scale: Some(&scale),
                        shift: Some(&shift),
                        residual: Some(&residual),
                        act: Act::ReLU,
                    },
                    Epilogue {
                        shift: Some(&shift),
                        act: Act::LeakyReLU(0.1),
                        ..Epilogue::default()
                    },
                    Epilogue {
                        act: Act::ReLU6,
                        scale: Some(&scale),
                        ..Epilogue::default()
                    },
                ];
                let packed = PackedA::new(isa, m, k, &a);
                for ep in &epilogues {
                    let mut c = vec![f32::NAN; m * n];
                    let mut scratch = Vec::new();
                    gemm(
                        &packed,
                        &Matrix { data: &b, ld: n },
                        n,
                        &mut c,
                        n,
                        ep,
                        &mut scratch,
                    );
                    let want = reference(m, k, n, &a, &b, ep);
                    for (i, (x, y)) in c.iter().zip(&want).enumerate() {
                        assert!(
                            (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
                            "{isa:?} {m}x{k}x{n} at {i}: {x} vs {y}"
                        );
                    }
                }
            }
        }
    }

    /// Packing a matrix read as its transpose gives the panels of the
    /// transpose itself: partial 8x8 blocks, every panel width, a row stride
    /// wider than the rows, and `k` blocks that start inside a row.
    #[test]
    fn transposed_packs_like_the_transpose() {
        for (n, k, ld) in [
            (64, 2048, 2048),
            (10, 19, 23),
            (33, 17, 17),
            (8, 8, 8),
            (7, 300, 301),
        ] {
            let stored = values(n * ld, 6);
            let mut transpose = vec![0.0; k * n];
            for j in 0..n {
                for p in 0..k {
                    transpose[p * n + j] = stored[j * ld + p];
                }
            }
            for nr in [32, 16, 8] {
                for (k0, kc) in k_blocks(k) {
                    for n0 in (0..n).step_by(nr * 2) {
                        let nc = (n - n0).min(nr * 2);
                        let len = nc.div_ceil(nr) * nr * kc;
                        let (mut got, mut want) = (vec![f32::NAN; len], vec![f32::NAN; len]);
                        Transposed { data: &stored, ld }.pack(k0, kc, n0, nc, nr, &mut got);
                        Matrix {
                            data: &transpose,
                            ld: n,
                        }
                        .pack(k0, kc, n0, nc, nr, &mut want);
                        assert_eq!(got, want, "n {n} k {k} ld {ld} nr {nr} k0 {k0} n0 {n0}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_strided_c_is_left_alone_outside_the_product() {
        for &isa in Isa::available() {
            let (m, k, n, ldc) = (5, 7, 9, 13);
            let a = values(m * k, 1);
            let b = values(k * n, 2);
            let mut c = vec![42.0; (m - 1) * ldc + n + 4];
            gemm(
                &PackedA::new(isa, m, k, &a),
                &Matrix { data: &b, ld: n },
                n,
                &mut c,
                ldc,
                &Epilogue::default(),
                &mut Vec::new(),
            );
            for i in 0..m {
                for j in n..ldc {
                    if i * ldc + j < c.len() {
                        assert_eq!(c[i * ldc + j], 42.0, "{isa:?}");
                    }
                }
            }
            assert_eq!(c[c.len() - 1], 42.0);
        }
    }
}
