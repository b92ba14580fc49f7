//! Convolution without im2col, written once over the vector width: each
//! output pixel's input values are broadcast straight from a zero-padded
//! copy of the image and multiplied into a block of output channels two
//! vectors wide (32 with AVX-512, 16 with AVX2, 8 with NEON), the weights
//! packed at load time as `[block][k][2 vectors]`, each row from a cache
//! line's start. A tile is up to 12 consecutive output pixels in row order
//! (6 where the instruction set has 16 vector registers), across the ends
//! of rows, so narrow outputs (ResNet's 7x7) fill every tile: nothing is
//! packed per call, and no pixel is computed that is not stored. Strides,
//! dilation and groups only move where the broadcasts read; groups of one
//! vector of channels go two to a block, each vector broadcasting its own
//! group's inputs.
//!
//! Up to eight tiles are summed together over each block of 256
//! rows of `k`, so that the block's weights are read from L1
//! by all of them. Each output value is one tile's sum over `k` in order,
//! whatever the tasks, so results do not depend on the thread count.

use std::mem::MaybeUninit;
use std::ops::Range;

use super::geometry::{ConvGeometry, OutRows, max_offset};
use super::kernel::RowKernel;
use super::{LINE, PREFETCH_FROM};
use crate::kernels::aligned::Aligned;
use crate::kernels::epilogue::{Epilogue, Out};
use crate::kernels::gemm::k_blocks_of;
use crate::kernels::isa::Isa;
use crate::kernels::simd::{Simd, activate, dispatch};
use crate::pool;
use crate::threads;

/// Pixels per tile, at most (the sums' arrays are this long).
const MAX_PIXELS: usize = 12;
/// Rows of the patch matrix summed per pass: their weights (at most 32 KB)
/// and the image values a group of tiles reads for them stay in L1.
const K_BLOCK: usize = 256;
/// Tiles summed together.
const GROUP_TILES: usize = 8;
/// Tiles per task, about.
const TASK_TILES: usize = 64;

/// Pixels per tile on `isa`: two accumulators each, with room left for the
/// two weight vectors and a broadcast (32 vector registers, or 16).
fn tile_pixels(isa: Isa) -> usize {
    match isa {
        Isa::Avx512 | Isa::Neon => 12,
        Isa::Avx2 | Isa::Portable => 6,
    }
}

/// The weights of a convolution packed for the kernel, and where each row
/// of the patch matrix reads in the padded image.
#[derive(Clone, Debug)]
pub struct DirectConv {
    isa: Isa,
    /// Output channels per block: two vectors.
    block: usize,
    /// `[block][k][self.block]`, zero beyond each group's channels.
    weights: Aligned,
    /// Per `k = (c, ky, kx)` of one group: offset in the padded image of
    /// that input for output pixel (0, 0).
    offsets: Vec<u32>,
    /// The largest of `offsets` (each task's reads are checked against
    /// it).
    max_offset: usize,
    /// The padded image's height and width.
    padded: [usize; 2],
}

impl DirectConv {
    /// Packs `weight` (`[C_OUT, C_IN/G, KH, KW]`) for `isa` (or the best
    /// below it this CPU runs) when the geometry suits: each group's output
    /// channels a whole number of vectors, sizes its offsets can hold.
    pub fn new(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        let isa = isa.or_below();
        if !Self::suits(isa, g) {
            return None;
        }
        let [kh, kw] = g.kernel;
        let padded = padded_size(g);
        let plane = padded[0] * padded[1];
        if g.c_in
            .checked_mul(plane)
            .is_none_or(|n| n > u32::MAX as usize)
        {
            return None;
        }
        let k = g.patch_len();
        let mut offsets = Vec::with_capacity(k);
        for c in 0..g.c_in / g.groups {
            for i in 0..kh {
                for j in 0..kw {
                    let at = c * plane + i * g.dilation[0] * padded[1] + j * g.dilation[1];
                    offsets.push(at as u32);
                }
            }
        }
        let block = 2 * isa.lanes();
        let blocks = blocks(g, block);
        let mut weights = Aligned::zeros(blocks * k * block);
        let packed = weights.as_mut_slice();
        for b in 0..blocks {
            let (_, first, count) = block_channels(g, block, b);
            for kk in 0..k {
                let row = &mut packed[(b * k + kk) * block..][..block];
                for (m, w) in row.iter_mut().enumerate().take(count) {
                    *w = weight[(first + m) * k + kk];
                }
            }
        }
        Some(DirectConv {
            isa,
            block,
            weights,
            max_offset: max_offset(&offsets),
            offsets,
            padded,
        })
    }

    /// Whether `g` suits the kernel on `isa`.
    fn suits(isa: Isa, g: &ConvGeometry) -> bool {
        g.groups > 0
            && g.c_in.is_multiple_of(g.groups)
            && g.c_out.is_multiple_of(g.groups)
            && (g.c_out / g.groups).is_multiple_of(isa.lanes())
            && !g.output.contains(&0)
            && !g.kernel.contains(&0)
            && !g.stride.contains(&0)
            && g.c_in > 0
            && g.c_out > 0
    }
}

/// The rows and columns the windows reach, padding included (and the
/// whole image where the windows leave some of it out).
fn padded_size(g: &ConvGeometry) -> [usize; 2] {
    let reach = |a: usize| {
        ((g.output[a] - 1) * g.stride[a] + g.dilation[a] * (g.kernel[a] - 1) + 1)
            .max(g.input[a] + g.pad[a])
    };
    [reach(0), reach(1)]
}

/// The images as the kernel reads them: zero-padded copies, made once per
/// call, or the input itself when no window reaches outside it.
pub(crate) struct Images<'a> {
    values: pool::Copied<'a>,
    image_len: usize,
}

impl Images<'_> {
    /// Image `b`.
    fn image(&self, b: usize) -> &[f32] {
        &self.values[b * self.image_len..][..self.image_len]
    }

    /// Gives the copies' buffer back to the pool.
    fn give(self) {
        self.values.give();
    }
}

/// `batch` images of `input` zero-padded to `d.padded`.
fn images<'a>(g: &ConvGeometry, d: &DirectConv, batch: usize, input: &'a [f32]) -> Images<'a> {
    let [ph, pw] = d.padded;
    let plane = ph * pw;
    let [h, w] = g.input;
    let image_len = g.c_in * plane;
    if d.padded == g.input {
        // No window reaches outside the image: read it as it is.
        return Images {
            values: pool::Copied::Input(&input[..batch * image_len]),
            image_len,
        };
    }
    let mut padded = pool::take(batch * image_len);
    let (top, left) = (g.pad[0], g.pad[1]);
    // Shared like the convolution itself (a serial copy of RegNetX's 160
    // planes of 30x30 took a quarter of the layer's time on two threads).
    let out = Out::new(&mut padded);
    threads::for_each_range(batch * g.c_in, batch * g.macs(), |mine| {
        for i in mine {
            let src = &input[i * h * w..][..h * w];
            // SAFETY: plane `i` is this task's alone.
            let dst = unsafe { out.slice(i * plane, plane) };
            if pw <= NARROW {
                // A narrow plane is zeroed whole and its rows copied
                // without a call each (`fill` and `copy_from_slice` of
                // a few values cost a call to `memset` or `memmove`
                // apiece: 5% of `seed_b` at batch 64).
                dst.fill(0.0);
                for (y, row) in src.chunks_exact(w).enumerate() {
                    copy_short(&mut dst[(top + y) * pw + left..][..w], row);
                }
                continue;
            }
            // Every value is written once (the pool's buffers hold old
            // data): the margins zero, the image copied.
            dst[..top * pw].fill(0.0);
            for (y, row) in dst[top * pw..(top + h) * pw]
                .chunks_exact_mut(pw)
                .enumerate()
            {
                row[..left].fill(0.0);
                row[left..left + w].copy_from_slice(&src[y * w..(y + 1) * w]);
                row[left + w..].fill(0.0);
            }
            dst[(top + h) * pw..].fill(0.0);
        }
    });
    Images {
        values: pool::Copied::Copy(padded),
        image_len,
    }
}

/// Padded rows up to this long are copied as [`copy_short`] copies.
const NARROW: usize = 64;

/// `dst.copy_from_slice(src)` in pieces of fixed sizes, which compile to
/// a few moves where an unknown length compiles to a call.
#[inline(always)]
fn copy_short(dst: &mut [f32], src: &[f32]) {
    let mut to = dst.chunks_exact_mut(8);
    let mut from = src.chunks_exact(8);
    for (d, s) in (&mut to).zip(&mut from) {
        d.copy_from_slice(s);
    }
    let (mut d, mut s) = (to.into_remainder(), from.remainder());
    for piece in [4, 2, 1] {
        if s.len() >= piece {
            d[..piece].copy_from_slice(&s[..piece]);
            (d, s) = (&mut d[piece..], &s[piece..]);
        }
    }
}

/// Whether each block of `block` output channels (two vectors) holds two
/// groups of one vector each, each vector summing its own group's inputs:
/// groups of 16 channels with AVX-512 (RegNetX's) would otherwise leave
/// half of every block empty.
fn paired(g: &ConvGeometry, block: usize) -> bool {
    g.groups > 1 && 2 * (g.c_out / g.groups) == block
}

/// Blocks of output channels: each group's in blocks of `block` (the last
/// perhaps of one vector), or groups two by two where [`paired`] (the last
/// perhaps alone).
fn blocks(g: &ConvGeometry, block: usize) -> usize {
    if paired(g, block) {
        g.groups.div_ceil(2)
    } else {
        g.groups * (g.c_out / g.groups).div_ceil(block)
    }
}

/// Block `b`'s (first) group, first output channel and number of
/// channels.
fn block_channels(g: &ConvGeometry, block: usize, b: usize) -> (usize, usize, usize) {
    let og = g.c_out / g.groups;
    if paired(g, block) {
        let first = 2 * b * og;
        return (2 * b, first, block.min(g.c_out - first));
    }
    let per_group = og.div_ceil(block);
    let (group, b) = (b / per_group, b % per_group);
    let first = b * block;
    (group, group * og + first, block.min(og - first))
}

/// How far block `b`'s second vector reads its inputs past the first's:
/// a group's input planes where the block pairs two groups, else nothing.
fn second_inputs(g: &ConvGeometry, d: &DirectConv, b: usize) -> usize {
    let (_, _, channels) = block_channels(g, d.block, b);
    if paired(g, d.block) && channels == d.block {
        (g.c_in / g.groups) * d.padded[0] * d.padded[1]
    } else {
        0
    }
}

/// Convolves `batch` images (as [`super::conv2d`]) with the kernel.
fn conv2d(
    g: &ConvGeometry,
    d: &DirectConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
) {
    let images = images(g, d, batch, input);
    let n = g.output[0] * g.output[1];
    let per_task = TASK_TILES * tile_pixels(d.isa);
    let blocks = blocks(g, d.block);
    // Shared, a layer of few blocks and pixels is cut into pieces of a few
    // tiles, so that every thread has several tasks and none waits long
    // for the last (MNASNet's 576->96 at 7x7, three blocks of one piece:
    // 1.85x slower on two threads than on one). One thread keeps its
    // fewer, larger pieces, each reading its block's weights once.
    let mut pieces = n.div_ceil(per_task);
    if threads::shared(batch * g.macs()) {
        let wanted = threads::min_tasks().div_ceil(blocks * batch);
        pieces = pieces.max(wanted.min(n.div_ceil(tile_pixels(d.isa))));
    }
    let per_piece = n.div_ceil(pieces);
    let out = Out::new(output);
    // Block by block, then image by image: a block's weights stay in L2
    // while every image of the batch uses them.
    threads::for_each(blocks * batch * pieces, batch * g.macs(), |t| {
        let (block, rest) = (t / (batch * pieces), t % (batch * pieces));
        let (b, piece) = (rest / pieces, rest % pieces);
        let dest = OutRows::whole(g, out.offset(b * g.out_len()));
        let residual = ep.residual.map(|r| &r[b * g.out_len()..][..g.out_len()]);
        let pixels = (piece * per_piece).min(n)..((piece + 1) * per_piece).min(n);
        // SAFETY: `images` was made with `d`; each task writes its own
        // pixels of its own block of output channels of its own image.
        unsafe { task(g, d, images.image(b), block, pixels, &dest, residual, ep) };
    });
    images.give();
}

/// Output pixels `pixels` (row-major indices) of one image, block `block`
/// of output channels, into `dest`; `residual` (if any) is laid out like
/// one image's whole output.
///
/// # Safety
/// `image` must be the padded image of `d` (from [`images`]); the pixels'
/// part of `dest` must be this caller's alone.
#[allow(clippy::too_many_arguments)]
unsafe fn task(
    g: &ConvGeometry,
    d: &DirectConv,
    image: &[f32],
    block: usize,
    pixels: Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    if pixels.is_empty() {
        return;
    }
    // The block's group reads its own input channels.
    let (group, ..) = block_channels(g, d.block, block);
    let plane = d.padded[0] * d.padded[1];
    let image = &image[group * (g.c_in / g.groups) * plane..];
    let ow = g.output[1];
    let [sy, sx] = g.stride;
    let pw = d.padded[1];
    // Where the last pixel's window starts, and the furthest read.
    let last = ((pixels.end - 1) / ow) * sy * pw + ((pixels.end - 1) % ow) * sx;
    let second = second_inputs(g, d, block);
    let furthest = last + second + d.max_offset;
    assert!(
        furthest < image.len(),
        "direct conv: the pixels read past the image"
    );
    // SAFETY: every read is at `image + start + offset` for a pixel of the
    // task and an offset of the table, `second` further for a paired
    // block's second vector, at most `furthest` (asserted); the writes are
    // the caller's (contract).
    dispatch!(d.isa, s => unsafe {
        if second == 0 {
            tiles::<_, false>(s, g, d, image, block, pixels, dest, residual, ep)
        } else {
            tiles::<_, true>(s, g, d, image, block, pixels, dest, residual, ep)
        }
    });
}

/// One tile's sums: pixel by pixel, two vectors of channels. Left
/// uninitialised until [`keep`] writes a tile's pixels: an array of zeros
/// for a group of tiles (12 KB with AVX-512) cost every task a clear, a
/// fifth of the time of a layer of small tasks (a 1x1 into 1280 channels
/// at 2x2).
type Sums<S> = [[MaybeUninit<<S as Simd>::F>; 2]; MAX_PIXELS];

/// Writes a tile's `P` pixels' sums over the first of `sums`, vector by
/// vector from registers (`copy_from_slice` would go through the stack
/// and a call to `memmove` per tile).
#[inline(always)]
fn keep<S: Simd, const P: usize>(sums: &mut Sums<S>, acc: [[S::F; 2]; P]) {
    for (kept, sum) in sums.iter_mut().zip(acc) {
        *kept = sum.map(MaybeUninit::new);
    }
}

/// A tile's `P` sums to go on from: zero where `first`, else what [`keep`]
/// wrote.
///
/// # Safety
/// Unless `first`, [`keep`] must have written the first `P` of `sums`.
#[inline(always)]
unsafe fn resume<S: Simd, const P: usize>(s: S, sums: &Sums<S>, first: bool) -> [[S::F; 2]; P] {
    let mut acc = [[s.zero(); 2]; P];
    if !first {
        for (a, kept) in acc.iter_mut().zip(sums) {
            // SAFETY: written by `keep` (the caller's contract).
            *a = kept.map(|v| unsafe { v.assume_init() });
        }
    }
    acc
}

/// The task's pixels in tiles as even as possible (their sizes differ by
/// one at most, so that no tile computes pixels it does not store), the
/// tiles in groups summed together over each block of `k`.
///
/// # Safety
/// As for [`task`], with `image` from the block's group's first channel
/// and every read asserted in it.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tiles<S: Simd, const PAIRED: bool>(
    s: S,
    g: &ConvGeometry,
    d: &DirectConv,
    image: &[f32],
    block: usize,
    pixels: Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let k = d.offsets.len();
    let second = second_inputs(g, d, block);
    let weights = &d.weights.as_slice()[block * k * d.block..][..k * d.block];
    let ow = g.output[1];
    let [sy, sx] = g.stride;
    let pw = d.padded[1];
    let len = pixels.len();
    let tiles = len.div_ceil(tile_pixels(S::isa(s)));
    let (size, longer) = (len / tiles, len % tiles);
    let groups = tiles.div_ceil(GROUP_TILES);
    let (per_group, more) = (tiles / groups, tiles % groups);
    let mut sums: [Sums<S>; GROUP_TILES] = [[[MaybeUninit::uninit(); 2]; MAX_PIXELS]; GROUP_TILES];
    let mut tile = 0;
    let mut first = pixels.start;
    // The row and column of pixel `first`, stepped along (no division per
    // pixel: the shallowest layers have only a few multiply-adds a pixel).
    let (mut y, mut x) = (first / ow, first % ow);
    for group in 0..groups {
        let count = per_group + usize::from(group < more);
        // Per tile: where each pixel's window starts, and the tile's first
        // pixel, its row and column, and its size.
        let mut starts = [[0usize; MAX_PIXELS]; GROUP_TILES];
        let mut at = [(0usize, 0usize, 0usize, 0usize); GROUP_TILES];
        let mut next = first;
        for (st, at) in starts.iter_mut().zip(&mut at).take(count) {
            let p = size + usize::from(tile < longer);
            *at = (next, y, x, p);
            for st in &mut st[..p] {
                *st = y * sy * pw + x * sx;
                x += 1;
                if x == ow {
                    (x, y) = (0, y + 1);
                }
            }
            next += p;
            tile += 1;
        }
        for (k0, kc) in k_blocks_of(k, K_BLOCK) {
            let offsets = &d.offsets[k0..k0 + kc];
            let w = &weights[k0 * d.block..(k0 + kc) * d.block];
            for (i, (sums, (start, &(_, _, x, p)))) in sums
                .iter_mut()
                .zip(starts.iter().zip(&at))
                .take(count)
                .enumerate()
            {
                let first = k0 == 0;
                // The group's tiles ask for the next block of `k`'s
                // weights (or the next block of channels') while they sum,
                // each its share of the lines spread over its steps, so
                // that weights too large for the caches arrive from memory
                // while the sums go on, at a pace memory keeps up with
                // (ResNet-18's 512->512 at 7x7 reads 9.4 MB a call).
                // Weights that stay in the caches from call to call are
                // not asked for.
                let all = d.weights.as_slice().len();
                let next = (block * k + k0 + kc) * d.block;
                let ahead = if all >= PREFETCH_FROM && next < all {
                    Prefetch::share(
                        w.as_ptr().wrapping_add(kc * d.block),
                        kc * d.block,
                        i,
                        count,
                        kc,
                    )
                } else {
                    Prefetch::NONE
                };
                let image = image.as_ptr();
                // A tile inside one row at stride 1 or 2 reads from one
                // pointer at fixed distances; others from one per pixel.
                let step = if x + p <= ow { sx } else { 0 };
                macro_rules! run {
                    ($($p:literal)*) => {
                        match (p, step) {
                            $(
                                ($p, 1) => {
                                    // SAFETY: the reads are the caller's to
                                    // vouch for (see `task`); the tile's
                                    // sums were kept by the block before
                                    // unless this is the first.
                                    s.isolate(#[inline(always)] || {
                                        let acc = unsafe { sum_row::<S, $p, 1, PAIRED>(s, offsets, w, ahead, image.wrapping_add(start[0]), second, sums, first) };
                                        keep::<S, $p>(sums, acc);
                                    });
                                }
                                ($p, 2) => {
                                    // SAFETY: as above.
                                    s.isolate(#[inline(always)] || {
                                        let acc = unsafe { sum_row::<S, $p, 2, PAIRED>(s, offsets, w, ahead, image.wrapping_add(start[0]), second, sums, first) };
                                        keep::<S, $p>(sums, acc);
                                    });
                                }
                                ($p, _) => {
                                    // SAFETY: as above.
                                    s.isolate(#[inline(always)] || {
                                        let acc = unsafe { sum::<S, $p, PAIRED>(s, offsets, w, ahead, image, start, second, sums, first) };
                                        keep::<S, $p>(sums, acc);
                                    });
                                }
                            )*
                            _ => unreachable!("tiles have 1 to 12 pixels"),
                        }
                    };
                }
                run!(1 2 3 4 5 6 7 8 9 10 11 12);
            }
        }
        for (sums, &(p0, y, x, p)) in sums.iter().zip(&at).take(count) {
            let tile = Tile {
                pixels: p0..p0 + p,
                corner: (y, x),
                end: pixels.end,
            };
            // SAFETY: the tile's pixels are this task's; every block of
            // `k` kept its `p` sums.
            unsafe { finish(s, g, d, sums, block, &tile, dest, residual, ep) };
        }
        first = next;
    }
}

/// The sums of `P` pixels (their inputs at `image + starts[p] + offset`)
/// for a block's two vectors of channels over the rows of `offsets`
/// (weights `[k][2 vectors]`), from `sums` (or from zero when `first`),
/// prefetching `ahead` a step of `k` at a time. With `PAIRED` the second
/// vector's inputs are `second` further on (another group's).
/// (Its own function, returning the sums by value, so that they stay in
/// registers.)
///
/// # Safety
/// `image + starts[p] + offsets[kk]` (and `second` further with `PAIRED`)
/// must be readable for every `p < P` and `kk`; unless `first`, [`keep`]
/// must have written the first `P` of `sums`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn sum<S: Simd, const P: usize, const PAIRED: bool>(
    s: S,
    offsets: &[u32],
    weights: &[f32],
    mut ahead: Prefetch,
    image: *const f32,
    starts: &[usize; MAX_PIXELS],
    second: usize,
    sums: &Sums<S>,
    first: bool,
) -> [[S::F; 2]; P] {
    let lanes = S::LANES;
    assert!(weights.len() >= offsets.len() * 2 * lanes && P <= MAX_PIXELS);
    // SAFETY: the caller's (`sums` written unless `first`).
    let mut acc = unsafe { resume::<S, P>(s, sums, first) };
    let src: [*const f32; P] = std::array::from_fn(|p| image.wrapping_add(starts[p]));
    // Plain pointers to the end: the sums stay in registers.
    let (mut op, mut wp) = (offsets.as_ptr(), weights.as_ptr());
    let end = offsets.as_ptr_range().end;
    while op < end {
        // SAFETY: `op` and `wp` walk the offsets and their rows of
        // weights (asserted); the broadcasts are in bounds (contract).
        unsafe {
            let offset = *op as usize;
            ahead.step(s);
            let w0 = s.load(wp);
            let w1 = s.load(wp.add(lanes));
            for (a, p) in acc.iter_mut().zip(&src) {
                let x = s.splat(*p.add(offset));
                let y = if PAIRED {
                    s.splat(*p.add(offset + second))
                } else {
                    x
                };
                a[0] = s.mul_add(x, w0, a[0]);
                a[1] = s.mul_add(y, w1, a[1]);
            }
            op = op.add(1);
            wp = wp.add(2 * lanes);
        }
    }
    acc
}

/// [`sum`] for a tile inside one row: pixel `p`'s inputs at
/// `src + p * STEP + offset`, one pointer at fixed distances.
///
/// # Safety
/// `src + p * STEP + offsets[kk]` (and `second` further with `PAIRED`)
/// must be readable for every `p < P` and `kk`; unless `first`, [`keep`]
/// must have written the first `P` of `sums`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn sum_row<S: Simd, const P: usize, const STEP: usize, const PAIRED: bool>(
    s: S,
    offsets: &[u32],
    weights: &[f32],
    mut ahead: Prefetch,
    src: *const f32,
    second: usize,
    sums: &Sums<S>,
    first: bool,
) -> [[S::F; 2]; P] {
    let lanes = S::LANES;
    assert!(weights.len() >= offsets.len() * 2 * lanes && P <= MAX_PIXELS);
    // SAFETY: the caller's (`sums` written unless `first`).
    let mut acc = unsafe { resume::<S, P>(s, sums, first) };
    let (mut op, mut wp) = (offsets.as_ptr(), weights.as_ptr());
    let end = offsets.as_ptr_range().end;
    while op < end {
        // SAFETY: as in `sum`.
        unsafe {
            let base = src.add(*op as usize);
            ahead.step(s);
            let w0 = s.load(wp);
            let w1 = s.load(wp.add(lanes));
            for (p, a) in acc.iter_mut().enumerate() {
                let x = s.splat(*base.add(p * STEP));
                let y = if PAIRED {
                    s.splat(*base.add(p * STEP + second))
                } else {
                    x
                };
                a[0] = s.mul_add(x, w0, a[0]);
                a[1] = s.mul_add(y, w1, a[1]);
            }
            op = op.add(1);
            wp = wp.add(2 * lanes);
        }
    }
    acc
}

/// A stream of cache lines to prefetch: `lines` every `every` steps, from
/// `at` on.
#[derive(Clone, Copy)]
struct Prefetch {
    at: *const f32,
    lines: usize,
    every: usize,
    /// Steps left before the next lines.
    wait: usize,
}

impl Prefetch {
    const NONE: Prefetch = Prefetch {
        at: std::ptr::null(),
        lines: 0,
        every: 1,
        wait: 0,
    };

    /// Worker `i` of `workers`' share of the `len` floats from `at`, over
    /// `steps` steps.
    fn share(at: *const f32, len: usize, i: usize, workers: usize, steps: usize) -> Prefetch {
        let total = len.div_ceil(LINE);
        let share = total.div_ceil(workers.max(1));
        if i * share >= total || steps == 0 {
            return Prefetch::NONE;
        }
        let (lines, every) = if share >= steps {
            (share.div_ceil(steps), 1)
        } else {
            (1, steps / share)
        };
        Prefetch {
            at: at.wrapping_add(i * share * LINE),
            lines,
            every,
            wait: 0,
        }
    }

    #[inline(always)]
    fn step<S: Simd>(&mut self, s: S) {
        if self.lines == 0 {
            return;
        }
        if self.wait == 0 {
            for l in 0..self.lines {
                s.prefetch(self.at.wrapping_add(l * LINE));
            }
            self.at = self.at.wrapping_add(self.lines * LINE);
            self.wait = self.every;
        }
        self.wait -= 1;
    }
}

/// Where a tile's sums go.
struct Tile {
    /// Its pixels (row-major indices in the image's output).
    pixels: Range<usize>,
    /// Its first pixel's row and column.
    corner: (usize, usize),
    /// One past the task's last pixel.
    end: usize,
}

/// One tile's sums through the epilogue into `dest`: a vector of pixels
/// at a time, each half of the block scaled and shifted pixel by pixel
/// (its channels' factors a vector each) and, without a residual,
/// activated, then turned into channel by channel (a transpose), the
/// residual added and activated there, and one store a channel from the
/// vector's first pixel. The values past the tile belong to
/// the task's next pixels, stored again later; near the end of the task
/// (where a vector would reach past it) only the tile's own are stored.
///
/// # Safety
/// The tile's pixels of `dest` are this caller's, and [`keep`] has written
/// the first `tile.pixels.len()` of `sums`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn finish<S: Simd>(
    s: S,
    g: &ConvGeometry,
    d: &DirectConv,
    sums: &Sums<S>,
    block: usize,
    tile: &Tile,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let lanes = S::LANES;
    let n = g.output[0] * g.output[1];
    let p = tile.pixels.len();
    let (y, x) = tile.corner;
    let (_, first, channels) = block_channels(g, d.block, block);
    // A vector of pixels at a time (a tile has more pixels than a vector
    // has lanes where vectors are narrow).
    // Without a residual to add first, the activation too comes before
    // the transpose.
    let early = residual.is_none();
    for j0 in (0..p).step_by(lanes) {
        let start = tile.pixels.start + j0;
        let stored = if start + lanes <= tile.end {
            lanes
        } else {
            (p - j0).min(lanes)
        };
        for half in 0..channels.div_ceil(lanes) {
            let count = (channels - half * lanes).min(lanes);
            let c0 = first + half * lanes;
            // A pixel's sums are a vector of channels: scaled and shifted
            // (and, without a residual to add first, activated) a pixel at
            // a time before the transpose, not a channel at a time after
            // it: fewer vectors (11 for 16 in the tutorial models), and
            // the channels' factors loaded whole. The values are the
            // same, lane by lane.
            // (Matches, not closures: a closure is not compiled with the
            // vector features.)
            let scale = match ep.scale {
                Some(f) => s.load_first(&f[c0..c0 + count]),
                None => s.splat(1.0),
            };
            let shift = match ep.shift {
                Some(f) => s.load_first(&f[c0..c0 + count]),
                None => s.zero(),
            };
            let mut rows = [s.zero(); 16];
            for (r, sum) in rows.iter_mut().zip(&sums[j0..p.min(j0 + lanes)]) {
                // SAFETY: the tile's `p` sums were written by `keep`
                // (the caller's contract).
                let v = s.mul_add(unsafe { sum[half].assume_init() }, scale, shift);
                *r = if early { activate(s, v, ep.act) } else { v };
            }
            let columns = s.transpose(&rows);
            for (m, &column) in columns.iter().enumerate().take(count) {
                let channel = c0 + m;
                let mut v = column;
                if let Some(r) = residual {
                    let from = channel * n + start;
                    v = s.add(v, s.load_first(&r[from..from + stored]));
                    v = activate(s, v, ep.act);
                }
                // SAFETY: the `stored` values from the vector's first pixel
                // are this task's (the tile's own, or the task's next ones,
                // stored again later).
                let dst = unsafe { dest.out.slice(dest.at(channel, y, x) + j0, stored) };
                s.store_first(dst, v);
            }
        }
    }
}

impl RowKernel for DirectConv {
    type Images<'a> = Images<'a>;

    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        DirectConv::new(isa, g, weight)
    }

    fn conv2d(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
    ) {
        conv2d(g, self, batch, input, output, ep);
    }

    fn images<'a>(&self, g: &ConvGeometry, batch: usize, input: &'a [f32]) -> Images<'a> {
        images(g, self, batch, input)
    }

    unsafe fn rows(
        &self,
        g: &ConvGeometry,
        images: &Images,
        b: usize,
        ys: Range<usize>,
        dest: &OutRows,
        ep: &Epilogue,
    ) {
        let ow = g.output[1];
        for block in 0..blocks(g, self.block) {
            let pixels = ys.start * ow..ys.end * ow;
            // SAFETY: the trait's contract.
            unsafe { task(g, self, images.image(b), block, pixels, dest, None, ep) };
        }
    }

    fn give(images: Images) {
        images.give();
    }
}
