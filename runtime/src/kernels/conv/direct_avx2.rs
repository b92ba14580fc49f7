//! Convolution without im2col for AVX2 and FMA, output channels in blocks
//! of 16: each output pixel's input values are broadcast straight from a
//! zero-padded copy of the image and multiplied into 16 output channels at
//! once (two ymm registers of weights, packed at load time as
//! `[block][k][16]`, each row on a cache line of its own). A tile is 6
//! consecutive output pixels in row order, across the ends of rows, so
//! narrow outputs (ResNet's 7x7) fill every tile: 12 accumulators, 8 loads
//! per 12 FMAs, every load aligned, nothing packed per call, and no pixel
//! computed that is not stored. Strides and dilation only move where the
//! broadcasts read.
//!
//! Up to [`GROUP_TILES`] tiles are summed together over each block of
//! [`K_BLOCK`] rows of `k`, so that the block's weights are read from L1
//! by all of them. Each output value is one tile's sum over `k` in order,
//! whatever the tasks, so results do not depend on the thread count.

use super::direct::{Images, padded_images, padded_size};
use std::ops::Range;

use super::geometry::{ConvGeometry, OutRows};
use super::kernel::RowKernel;
use crate::kernels::epilogue::{Epilogue, Out};
use crate::kernels::gemm::k_blocks_of;
use crate::kernels::isa::Isa;
use crate::threads;

/// Output channels per block: two ymm registers.
const BLOCK: usize = 16;
/// Pixels per tile.
const PIXELS: usize = 6;
/// Rows of the patch matrix summed per pass: their weights (16 KB) and the
/// image values a group of tiles reads for them stay in L1.
const K_BLOCK: usize = 256;
/// Tiles summed together.
const GROUP_TILES: usize = 8;
/// Output pixels per task, about (a multiple of [`PIXELS`]).
const TASK_PIXELS: usize = 64 * PIXELS;

/// The weights of one `k` for a block's 16 channels, on one cache line.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
struct Row([f32; BLOCK]);

/// The weights of a convolution packed for [`conv2d`], and where each row
/// of the patch matrix reads in the padded image.
#[derive(Clone, Debug)]
pub struct DirectAvx2 {
    /// `[block][k]`, zero beyond `C_OUT`.
    weights: Vec<Row>,
    /// Per `k = (c, ky, kx)`: offset in the padded image of that input for
    /// output pixel (0, 0).
    offsets: Vec<u32>,
    /// The padded image's height and width.
    padded: [usize; 2],
}

impl DirectAvx2 {
    /// Packs `weight` (`[C_OUT, C_IN/G, KH, KW]`) when the geometry suits
    /// the kernel on this CPU: AVX2 and FMA, and each group's output
    /// channels a multiple of 8.
    pub fn new(g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        if !Self::suits(g) {
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
        let blocks = blocks(g);
        let mut weights = vec![Row::default(); blocks * k];
        for b in 0..blocks {
            let (_, first, count) = block_channels(g, b);
            for (kk, row) in weights[b * k..(b + 1) * k].iter_mut().enumerate() {
                for m in 0..count {
                    row.0[m] = weight[(first + m) * k + kk];
                }
            }
        }
        Some(DirectAvx2 {
            weights,
            offsets,
            padded,
        })
    }

    /// Whether this CPU and `g` suit the kernel (sizes permitting).
    pub fn suits(g: &ConvGeometry) -> bool {
        Isa::Avx2.runs()
            && g.groups > 0
            && g.c_in.is_multiple_of(g.groups)
            && g.c_out.is_multiple_of(g.groups)
            && (g.c_out / g.groups).is_multiple_of(8)
            && !g.output.contains(&0)
            && !g.kernel.contains(&0)
            && !g.stride.contains(&0)
            && g.c_in > 0
    }
}

/// `batch` images of `input` as the kernel reads them.
pub(crate) fn images<'a>(
    g: &ConvGeometry,
    d: &DirectAvx2,
    batch: usize,
    input: &'a [f32],
) -> Images<'a> {
    padded_images(g, d.padded, batch, input)
}

/// Blocks of output channels: each group's in blocks of 16 (the last
/// perhaps of 8).
fn blocks(g: &ConvGeometry) -> usize {
    g.groups * (g.c_out / g.groups).div_ceil(BLOCK)
}

/// Block `block`'s group, first output channel and number of channels.
fn block_channels(g: &ConvGeometry, block: usize) -> (usize, usize, usize) {
    let og = g.c_out / g.groups;
    let per_group = og.div_ceil(BLOCK);
    let (group, b) = (block / per_group, block % per_group);
    let first = b * BLOCK;
    (group, group * og + first, BLOCK.min(og - first))
}

/// Convolves `batch` images (as [`super::conv2d`]) with the kernel.
pub fn conv2d(
    g: &ConvGeometry,
    d: &DirectAvx2,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
) {
    let images = images(g, d, batch, input);
    let n = g.output[0] * g.output[1];
    let pieces = n.div_ceil(TASK_PIXELS);
    let per_piece = n.div_ceil(pieces).div_ceil(PIXELS) * PIXELS;
    let blocks = blocks(g);
    let out = Out::new(output);
    // Block by block, then image by image: a block's weights stay in L2
    // while every image of the batch uses them.
    threads::for_each(blocks * batch * pieces, |t| {
        let (block, rest) = (t / (batch * pieces), t % (batch * pieces));
        let (b, piece) = (rest / pieces, rest % pieces);
        let dest = OutRows::whole(g, out.offset(b * g.out_len()));
        let residual = ep.residual.map(|r| &r[b * g.out_len()..][..g.out_len()]);
        let pixels = (piece * per_piece).min(n)..((piece + 1) * per_piece).min(n);
        // SAFETY: `images` was made with `d`; each task writes its own
        // pixels of its own block of output channels of its own image.
        unsafe { self::pixels(g, d, &images, b, block, pixels, &dest, residual, ep) };
    });
    images.give();
}

/// Every block of output channels of output rows `ys` of image `b`.
///
/// # Safety
/// As for [`pixels`].
pub(crate) unsafe fn rows(
    g: &ConvGeometry,
    d: &DirectAvx2,
    images: &Images,
    b: usize,
    ys: std::ops::Range<usize>,
    dest: &OutRows,
    ep: &Epilogue,
) {
    let ow = g.output[1];
    for block in 0..blocks(g) {
        let pixels = ys.start * ow..ys.end * ow;
        // SAFETY: as for this function.
        unsafe { self::pixels(g, d, images, b, block, pixels, dest, None, ep) };
    }
}

/// Output pixels `pixels` (row-major indices) of image `b`, block `block`
/// of 16 output channels, into `dest`; `residual` (if any) is laid out
/// like one image's whole output.
///
/// # Safety
/// `d` must have been made for `g` and `images` by [`images`] with `d`; the
/// pixels' part of `dest` must be this caller's alone.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn pixels(
    g: &ConvGeometry,
    d: &DirectAvx2,
    images: &Images,
    b: usize,
    block: usize,
    pixels: std::ops::Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    // SAFETY: AVX2 and FMA were detected when `d` was made; the reads lie
    // in the padded image (`task` asserts it); the writes are the caller's.
    unsafe { task(g, d, images.image(b), block, pixels, dest, residual, ep) };
}

use std::arch::x86_64::*;

/// The sums of one tile: 6 pixels by two vectors of 8 channels.
type Sums = [[__m256; 2]; PIXELS];

/// The pixels of a task in tiles of 6, the tiles in groups summed together
/// over each block of `k`.
///
/// # Safety
/// AVX2 and FMA must be present; `image` must be the padded image of `d`;
/// the pixels' part of `dest` must be this caller's alone.
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn task(
    g: &ConvGeometry,
    d: &DirectAvx2,
    image: &[f32],
    block: usize,
    pixels: std::ops::Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    if pixels.is_empty() {
        return;
    }
    let k = d.offsets.len();
    let weights = &d.weights[block * k..(block + 1) * k];
    // The block's group reads its own input channels.
    let (group, ..) = block_channels(g, block);
    let plane = d.padded[0] * d.padded[1];
    let image = &image[group * (g.c_in / g.groups) * plane..];
    let ow = g.output[1];
    let [sy, sx] = g.stride;
    let pw = d.padded[1];
    // Where the last pixel's window starts in the padded image.
    let last = ((pixels.end - 1) / ow) * sy * pw + ((pixels.end - 1) % ow) * sx;
    let furthest = last + d.offsets.iter().max().map_or(0, |&o| o as usize);
    assert!(
        furthest < image.len(),
        "direct conv: the pixels read past the image"
    );
    let mut sums: [Sums; GROUP_TILES] = [[[_mm256_setzero_ps(); 2]; PIXELS]; GROUP_TILES];
    let epilogue = block_epilogue(g, block, ep);
    // Tiles as even as possible (their sizes differ by one at most), so
    // that no tile computes pixels it does not store; groups likewise.
    let len = pixels.len();
    let tiles = len.div_ceil(PIXELS);
    let (size, longer) = (len / tiles, len % tiles);
    let groups = tiles.div_ceil(GROUP_TILES);
    let (per_group, more) = (tiles / groups, tiles % groups);
    let mut tile = 0;
    let mut first = pixels.start;
    // The row and column of pixel `first`, stepped along (no division per
    // pixel: the shallowest layers have only a few FMAs per pixel).
    let (mut y, mut x) = (first / ow, first % ow);
    for group in 0..groups {
        let count = per_group + usize::from(group < more);
        let mut starts = [[0usize; PIXELS]; GROUP_TILES];
        let mut at = [(0usize, 0usize, 0usize, 0usize); GROUP_TILES];
        let mut next = first;
        for (s, at) in starts.iter_mut().zip(&mut at).take(count) {
            let p = size + usize::from(tile < longer);
            // Its first pixel, row and column, and its size.
            *at = (next, y, x, p);
            for s in &mut s[..p] {
                *s = y * sy * pw + x * sx;
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
            let w = &weights[k0..k0 + kc];
            for (s, (start, &(.., p))) in sums.iter_mut().zip(starts.iter().zip(&at)).take(count) {
                let first = k0 == 0;
                let image = image.as_ptr();
                // SAFETY: every read is at `image + start + offset` for a
                // pixel of the task and an offset of the table, at most
                // `furthest` (asserted).
                unsafe {
                    match p {
                        6 => sum::<6>(offsets, w, image, start, s, first),
                        5 => sum::<5>(offsets, w, image, start, s, first),
                        4 => sum::<4>(offsets, w, image, start, s, first),
                        3 => sum::<3>(offsets, w, image, start, s, first),
                        2 => sum::<2>(offsets, w, image, start, s, first),
                        _ => sum::<1>(offsets, w, image, start, s, first),
                    }
                }
            }
        }
        for (s, &(p0, y, x, p)) in sums.iter().zip(&at).take(count) {
            // SAFETY: the tile's pixels are this task's.
            unsafe {
                finish(
                    g,
                    s,
                    block,
                    p0..p0 + p,
                    (y, x),
                    pixels.end,
                    dest,
                    residual,
                    ep,
                    &epilogue,
                )
            };
        }
        first = next;
    }
}

/// Adds to the first `P` pixels of one tile's `sums` (or sums from zero
/// when `first`) the products of their inputs (from `image + starts[p] +
/// offset`) with 16 output channels' weights, over the rows of `offsets`.
///
/// # Safety
/// AVX2 and FMA must be present; `image + starts[p] + offsets[kk]` must be
/// readable for every `p < P` and `kk`.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn sum<const P: usize>(
    offsets: &[u32],
    weights: &[Row],
    image: *const f32,
    starts: &[usize; PIXELS],
    sums: &mut Sums,
    first: bool,
) {
    assert!(weights.len() >= offsets.len() && P <= PIXELS);
    let mut acc = [[_mm256_setzero_ps(); 2]; P];
    if !first {
        acc.copy_from_slice(&sums[..P]);
    }
    let mut src = [image; P];
    for (s, &start) in src.iter_mut().zip(starts) {
        *s = image.wrapping_add(start);
    }
    // Plain pointers to the end: the sums stay in registers.
    let (mut op, mut wp) = (offsets.as_ptr(), weights.as_ptr());
    let end = offsets.as_ptr_range().end;
    while op < end {
        // SAFETY: `op` and `wp` walk the offsets and their weights, each
        // row 64-byte aligned; the broadcasts are in bounds (contract).
        unsafe {
            let offset = *op as usize;
            let w0 = _mm256_load_ps((*wp).0.as_ptr());
            let w1 = _mm256_load_ps((*wp).0.as_ptr().add(8));
            for (a, s) in acc.iter_mut().zip(&src) {
                let x = _mm256_broadcast_ss(&*s.add(offset));
                a[0] = _mm256_fmadd_ps(x, w0, a[0]);
                a[1] = _mm256_fmadd_ps(x, w1, a[1]);
            }
            op = op.add(1);
            wp = wp.add(1);
        }
    }
    sums[..P].copy_from_slice(&acc);
}

/// One tile's sums for the pixels `tile` (the first at row and column
/// `corner`) through the epilogue into
/// `dest`: each half of the block turned from pixel by pixel into channel
/// by channel (an 8x8 transpose), then per channel one store of 8 values
/// from the tile's first pixel. The two past the tile's 6 belong to the
/// task's next pixels, stored later; the last tile of a task (whose store
/// would reach `end` or beyond) is stored value by value.
///
/// # Safety
/// AVX2 and FMA must be present; the tile's pixels are this caller's.
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn finish(
    g: &ConvGeometry,
    sums: &Sums,
    block: usize,
    tile: std::ops::Range<usize>,
    (y, x): (usize, usize),
    end: usize,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
    [scale, shift]: &[[__m256; 2]; 2],
) {
    let n = g.output[0] * g.output[1];
    let whole = tile.start + 8 <= end;
    let (_, first, channels) = block_channels(g, block);
    // Scale and shift while each vector holds one pixel's channels (the
    // activation too, unless a residual comes first), then each half's 8
    // rows (the tile's pixels, then zeros) turned into columns.
    // (Loops, not closures: a closure is compiled without AVX2.)
    let mut halves = [[_mm256_setzero_ps(); 8]; 2];
    for (p, s) in sums.iter().enumerate() {
        for half in 0..2 {
            let v = _mm256_fmadd_ps(s[half], scale[half], shift[half]);
            halves[half][p] = if residual.is_none() {
                crate::kernels::simd::activate_avx2(v, ep.act)
            } else {
                v
            };
        }
    }
    for (half, &rows) in halves.iter().enumerate().take(channels.div_ceil(8)) {
        let columns = crate::kernels::simd::transpose::transpose_8x8(rows);
        for (m, &column) in columns.iter().enumerate().take(channels - half * 8) {
            let channel = first + half * 8 + m;
            let to = dest.at(channel, y, x);
            let from = channel * n + tile.start;
            if whole {
                let mut v = column;
                if let Some(r) = residual {
                    let r = &r[from..from + 8];
                    // SAFETY: `r` holds 8 values.
                    v = _mm256_add_ps(v, unsafe { _mm256_loadu_ps(r.as_ptr()) });
                    v = crate::kernels::simd::activate_avx2(v, ep.act);
                }
                // SAFETY: the 8 values from `to` are this task's (`whole`);
                // those past the tile are stored again later.
                unsafe { _mm256_storeu_ps(dest.out.slice(to, 8).as_mut_ptr(), v) };
                continue;
            }
            let mut values = [0.0f32; 8];
            // SAFETY: `values` holds 8 values.
            unsafe { _mm256_storeu_ps(values.as_mut_ptr(), column) };
            // SAFETY: the tile's values from `to` are this task's.
            let dst = unsafe { dest.out.slice(to, tile.len()) };
            for (l, (d, &v)) in dst.iter_mut().zip(&values).enumerate() {
                *d = match residual {
                    Some(r) => ep.act.apply(v + r[from + l]),
                    None => v,
                };
            }
        }
    }
}

/// The block's scale and shift (1 and 0 where the epilogue has none, and
/// beyond `C_OUT`), as two vectors of 8 channels each.
#[target_feature(enable = "avx2,fma")]
fn block_epilogue(g: &ConvGeometry, block: usize, ep: &Epilogue) -> [[__m256; 2]; 2] {
    let (_, first, channels) = block_channels(g, block);
    let mut out = [[_mm256_setzero_ps(); 2]; 2];
    for (o, (values, default)) in out.iter_mut().zip([(ep.scale, 1.0), (ep.shift, 0.0)]) {
        let mut lanes = [default; BLOCK];
        if let Some(v) = values {
            lanes[..channels].copy_from_slice(&v[first..first + channels]);
        }
        // SAFETY: `lanes` holds 16 values.
        unsafe {
            *o = [
                _mm256_loadu_ps(lanes.as_ptr()),
                _mm256_loadu_ps(lanes.as_ptr().add(8)),
            ];
        }
    }
    out
}

impl RowKernel for DirectAvx2 {
    type Images<'a> = Images<'a>;

    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        (isa == Isa::Avx2).then(|| DirectAvx2::new(g, weight))?
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
        // SAFETY: the trait's contract.
        unsafe { rows(g, self, images, b, ys, dest, ep) };
    }

    fn give(images: Images) {
        images.give();
    }
}
