//! Convolution without im2col, for AVX-512, output channels in blocks of
//! 32: each output pixel's input values are broadcast straight from a
//! zero-padded copy of the image and multiplied into 32 output channels at
//! once (the weights, packed at load time as `[block][k][32]`). A tile is up
//! to 12 pixels of one output row (rows cut as evenly as possible): 24
//! accumulators, 14 loads per 24 FMAs, and nothing packed per call. Up to
//! eight tiles, of one row or of several narrow ones, are summed together
//! over each block of `k`, so that the block's weights are read from L1 by
//! all of them.
//!
//! Each output value is one tile's sum over `k` in order, whatever the
//! tasks, so results do not depend on the thread count.

use std::ops::Range;

use super::geometry::{ConvGeometry, OutRows};
use super::kernel::RowKernel;
use crate::kernels::epilogue::{Act, Epilogue, Out};
use crate::kernels::isa::Isa;
use crate::pool;
use crate::threads;

/// Output channels per block: two zmm registers.
const BLOCK: usize = 32;
/// Pixels per tile, at most.
const PIXELS: usize = 12;
/// Output rows per task (tasks never change the numbers, only the spread).
const TASK_ROWS: usize = 8;
/// Rows of the patch matrix summed per pass, at most: their weights
/// (32 KB) stay in L1 while a group of tiles uses them.
const K_BLOCK: usize = 256;
/// Tiles summed together: their partial sums (12 KB) stay in L1.
const GROUP_TILES: usize = 8;

/// The weights of a convolution packed for [`conv2d`], and where each row
/// of the patch matrix reads in the padded image.
#[derive(Clone, Debug)]
pub struct DirectConv {
    weights: Vec<f32>,
    /// Per `k = (c, ky, kx)`: offset in the padded image of that input for
    /// output pixel (0, 0).
    offsets: Vec<u32>,
    /// The padded image's height and width.
    padded: [usize; 2],
}

impl DirectConv {
    /// Packs `weight` (`[C_OUT, C_IN, KH, KW]`) when the geometry suits the
    /// kernel on this CPU: AVX-512, one group, `C_OUT` a multiple of 16, a
    /// horizontal stride of 1 or 2.
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
        for c in 0..g.c_in {
            for i in 0..kh {
                for j in 0..kw {
                    let at = c * plane + i * g.dilation[0] * padded[1] + j * g.dilation[1];
                    offsets.push(at as u32);
                }
            }
        }
        // The last block's channels beyond `C_OUT` have zero weights, and
        // their sums are never stored.
        let blocks = g.c_out.div_ceil(BLOCK);
        let mut weights = vec![0.0; blocks * k * BLOCK];
        for b in 0..blocks {
            for kk in 0..k {
                for m in 0..BLOCK.min(g.c_out - b * BLOCK) {
                    weights[(b * k + kk) * BLOCK + m] = weight[(b * BLOCK + m) * k + kk];
                }
            }
        }
        Some(DirectConv {
            weights,
            offsets,
            padded,
        })
    }
}

impl DirectConv {
    /// Whether this CPU and `g` suit the kernel (sizes permitting).
    pub fn suits(g: &ConvGeometry) -> bool {
        // 16 channels fill half a block: still ahead of the GEMM on small
        // images (LeNet-5's second convolution: 1.2-1.5x).
        crate::kernels::isa::Isa::Avx512.runs()
            && g.groups == 1
            && g.c_out.is_multiple_of(16)
            && (1..=2).contains(&g.stride[1])
            && !g.output.contains(&0)
            && !g.kernel.contains(&0)
            && g.c_in > 0
    }
}

/// The rows and columns the windows reach, padding included (and the
/// whole image where the windows leave some of it out).
pub(crate) fn padded_size(g: &ConvGeometry) -> [usize; 2] {
    let reach = |a: usize| {
        ((g.output[a] - 1) * g.stride[a] + g.dilation[a] * (g.kernel[a] - 1) + 1)
            .max(g.input[a] + g.pad[a])
    };
    [reach(0), reach(1)]
}

/// The images as the kernel reads them: zero-padded copies, made once per
/// call, or the input itself when no window reaches outside it.
pub(crate) struct Images<'a> {
    padded: Vec<f32>,
    input: &'a [f32],
    image_len: usize,
}

impl Images<'_> {
    /// Image `b`.
    pub(crate) fn image(&self, b: usize) -> &[f32] {
        let all = if self.padded.is_empty() {
            self.input
        } else {
            &self.padded
        };
        &all[b * self.image_len..][..self.image_len]
    }

    /// Gives the copies' buffer back to the pool.
    pub fn give(self) {
        pool::give(self.padded);
    }
}

/// `batch` images of `input` as the kernel reads them.
pub(crate) fn images<'a>(
    g: &ConvGeometry,
    d: &DirectConv,
    batch: usize,
    input: &'a [f32],
) -> Images<'a> {
    padded_images(g, d.padded, batch, input)
}

/// `batch` images of `input` zero-padded to `padded` (from
/// [`padded_size`]).
pub(crate) fn padded_images<'a>(
    g: &ConvGeometry,
    padded: [usize; 2],
    batch: usize,
    input: &'a [f32],
) -> Images<'a> {
    let [ph, pw] = padded;
    let plane = ph * pw;
    let [h, w] = g.input;
    let unpadded = padded == g.input;
    let mut padded = pool::take(if unpadded { 0 } else { batch * g.c_in * plane });
    let (top, left) = (g.pad[0], g.pad[1]);
    for i in (0..batch * g.c_in).filter(|_| !unpadded) {
        let src = &input[i * h * w..][..h * w];
        let dst = &mut padded[i * plane..][..plane];
        // Every value is written once (the pool's buffers hold old data):
        // the margins zero, the image copied.
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
    Images {
        padded,
        input: if unpadded {
            &input[..batch * g.c_in * plane]
        } else {
            &[]
        },
        image_len: g.c_in * plane,
    }
}

/// Blocks of output channels.
pub(crate) fn blocks(g: &ConvGeometry) -> usize {
    g.c_out.div_ceil(BLOCK)
}

/// Output rows `ys` of image `b`, block `block` of 32 output channels,
/// into `dest`; `residual` (if any) is laid out like one image's whole
/// output.
///
/// # Safety
/// `d` must have been made for `g` and `images` by [`images`] with `d`; the
/// rows' part of `dest` must be this caller's alone.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn rows(
    g: &ConvGeometry,
    d: &DirectConv,
    images: &Images,
    b: usize,
    block: usize,
    ys: std::ops::Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    // SAFETY: AVX-512F was detected when `d` was made; the rows' reads lie
    // in the padded image (its size covers every window, and `task_rows`
    // asserts it); their writes are the caller's (contract).
    unsafe { task_rows(g, d, images.image(b), block, ys, dest, residual, ep) };
}

/// Convolves `batch` images (as [`super::conv2d`]) with the kernel.
pub fn conv2d(
    g: &ConvGeometry,
    d: &DirectConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
) {
    let images = images(g, d, batch, input);
    let oh = g.output[0];
    let blocks = blocks(g);
    let row_tasks = oh.div_ceil(TASK_ROWS);
    let tasks = batch * blocks * row_tasks;
    let out = Out::new(output);
    // Block by block, then image by image: a block's weights stay in L2
    // while every image of the batch uses them.
    threads::for_each(tasks, |t| {
        let (block, rest) = (t / (batch * row_tasks), t % (batch * row_tasks));
        let (b, rows) = (rest / row_tasks, rest % row_tasks);
        let dest = OutRows::whole(g, out.offset(b * g.out_len()));
        let residual = ep.residual.map(|r| &r[b * g.out_len()..][..g.out_len()]);
        let ys = (rows * TASK_ROWS)..((rows + 1) * TASK_ROWS).min(oh);
        // SAFETY: `images` was made with `d`; each task writes its own rows
        // of its own block of output channels of its own image.
        unsafe { self::rows(g, d, &images, b, block, ys, &dest, residual, ep) };
    });
    images.give();
}

/// One tile: `p` pixels of output row `y` from column `x0`.
#[derive(Clone, Copy, Debug, Default)]
struct TileAt {
    y: usize,
    x0: usize,
    p: usize,
}

/// Output rows `ys` of output channels `32 * block..32 * (block + 1)`:
/// each row cut into tiles as even as possible, and the tiles summed
/// `GROUP_TILES` at a time over each block of `k`, so that a block's weights
/// serve several tiles (rows narrower than a tile included) while in L1.
///
/// # Safety
/// AVX-512F must be present; `image` must be the padded image of `d`; the
/// rows' part of `out` must be this caller's alone.
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn task_rows(
    g: &ConvGeometry,
    d: &DirectConv,
    image: &[f32],
    block: usize,
    ys: std::ops::Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let k = d.offsets.len();
    let weights = &d.weights[block * k * BLOCK..][..k * BLOCK];
    let ow = g.output[1];
    let s = g.stride[1];
    let row_start = |y: usize| y * g.stride[0] * d.padded[1];
    if ys.is_empty() {
        return;
    }
    // The furthest read: the last row's last pixel's last tap.
    let last = row_start(ys.end - 1) + (ow - 1) * s + d.offsets.last().map_or(0, |&o| o as usize);
    assert!(
        last < image.len(),
        "direct conv: the rows read past the image"
    );
    let per_row = ow.div_ceil(PIXELS);
    let mut tiles = ys.flat_map(|y| {
        (0..per_row).map(move |t| {
            let (x0, x1) = (t * ow / per_row, (t + 1) * ow / per_row);
            TileAt { y, x0, p: x1 - x0 }
        })
    });
    let mut sums = [0.0f32; GROUP_TILES * PIXELS * BLOCK];
    loop {
        let mut group = [TileAt::default(); GROUP_TILES];
        let mut count = 0;
        for (slot, tile) in group.iter_mut().zip(tiles.by_ref()) {
            *slot = tile;
            count += 1;
        }
        if count == 0 {
            break;
        }
        let group = &group[..count];
        for (k0, kc) in crate::kernels::gemm::k_blocks_of(k, K_BLOCK) {
            let offsets = &d.offsets[k0..k0 + kc];
            let w = &weights[k0 * BLOCK..(k0 + kc) * BLOCK];
            for (t, tile) in group.iter().enumerate() {
                let src = image[row_start(tile.y) + tile.x0 * s..].as_ptr();
                let sums = &mut sums[t * PIXELS * BLOCK..(t + 1) * PIXELS * BLOCK];
                let first = k0 == 0;
                macro_rules! run {
                    ($($p:literal)*) => {
                        match (tile.p, s) {
                            $(
                                ($p, 1) => sum::<$p, 1>(offsets, w, src, sums, first),
                                ($p, 2) => sum::<$p, 2>(offsets, w, src, sums, first),
                            )*
                            _ => unreachable!("tiles have 1 to 12 pixels, strides 1 or 2"),
                        }
                    };
                }
                // SAFETY: every read is at `src + offset + j * s` for an
                // offset of the table and a pixel of the rows, at most
                // `last` (asserted).
                unsafe { run!(1 2 3 4 5 6 7 8 9 10 11 12) };
            }
        }
        for (t, tile) in group.iter().enumerate() {
            let sums = &sums[t * PIXELS * BLOCK..(t + 1) * PIXELS * BLOCK];
            // SAFETY: AVX-512F is present; the tile is in this task's rows.
            unsafe { finish(g, sums, block, tile.y, tile.x0, tile.p, dest, residual, ep) };
        }
    }
}

/// Each output channel's `p` pixels of a tile: one gather from the sums,
/// the epilogue, one masked store into its row.
///
/// # Safety
/// AVX-512F must be present; the tile's part of `dest` must be this
/// caller's alone.
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn finish(
    g: &ConvGeometry,
    sums: &[f32],
    block: usize,
    y: usize,
    x0: usize,
    p: usize,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    use std::arch::x86_64::*;
    assert!(sums.len() >= PIXELS * BLOCK && (1..=PIXELS).contains(&p));
    let n = g.output[0] * g.output[1];
    let lanes = _mm512_setr_epi32(
        0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 0, 0, 0, 0,
    );
    let mask: __mmask16 = ((1u32 << p) - 1) as __mmask16;
    for m in 0..BLOCK.min(g.c_out - block * BLOCK) {
        let channel = block * BLOCK + m;
        let at = channel * n + y * g.output[1] + x0;
        let to = dest.at(channel, y, x0);
        // SAFETY: lanes in `mask` index sums of pixels `0..p` of channel
        // `m` (asserted); `to..to + p` is this tile's part of `dest`.
        unsafe {
            let mut v = _mm512_mask_i32gather_ps::<4>(
                _mm512_setzero_ps(),
                mask,
                lanes,
                sums.as_ptr().add(m),
            );
            let scale = ep.scale.map_or(1.0, |s| s[channel]);
            let shift = ep.shift.map_or(0.0, |s| s[channel]);
            v = _mm512_fmadd_ps(v, _mm512_set1_ps(scale), _mm512_set1_ps(shift));
            if let Some(r) = residual {
                let row = &r[at..at + p];
                v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, row.as_ptr()));
            }
            if ep.act != Act::None {
                v = crate::kernels::simd::activate_avx512(v, ep.act);
            }
            let dst = dest.out.slice(to, p);
            _mm512_mask_storeu_ps(dst.as_mut_ptr(), mask, v);
        }
    }
}

/// Adds to one tile's sums (`sums[pixel * 32 + m]`, or from zero when
/// `first`) the products of `P` pixels `S` apart in the padded image from
/// `src` with 32 output channels' weights, over the rows of `offsets`.
///
/// # Safety
/// AVX-512F must be present; `src + offsets[kk] + j * S` must be readable
/// for every `kk` and `j < P`.
#[target_feature(enable = "avx512f")]
unsafe fn sum<const P: usize, const S: usize>(
    offsets: &[u32],
    weights: &[f32],
    src: *const f32,
    sums: &mut [f32],
    first: bool,
) {
    use std::arch::x86_64::*;
    let k = offsets.len();
    assert!(weights.len() >= k * BLOCK && P <= PIXELS && sums.len() >= P * BLOCK);
    let mut acc = [[_mm512_setzero_ps(); 2]; P];
    if !first {
        for (j, a) in acc.iter_mut().enumerate() {
            // SAFETY: `sums` holds `P` pixels of 32 values (asserted).
            unsafe {
                a[0] = _mm512_loadu_ps(sums.as_ptr().add(j * BLOCK));
                a[1] = _mm512_loadu_ps(sums.as_ptr().add(j * BLOCK + 16));
            }
        }
    }
    // One pass over offsets and weights together: the loop keeps no index
    // to recompute bounds from.
    for (&offset, w) in offsets.iter().zip(weights.chunks_exact(BLOCK)) {
        // SAFETY: in bounds by the contract; `w` holds 32 values.
        unsafe {
            let base = src.add(offset as usize);
            let w0 = _mm512_loadu_ps(w.as_ptr());
            let w1 = _mm512_loadu_ps(w.as_ptr().add(16));
            for (j, a) in acc.iter_mut().enumerate() {
                let x = _mm512_set1_ps(*base.add(j * S));
                a[0] = _mm512_fmadd_ps(x, w0, a[0]);
                a[1] = _mm512_fmadd_ps(x, w1, a[1]);
            }
        }
    }
    for (j, a) in acc.iter().enumerate() {
        // SAFETY: as above.
        unsafe {
            _mm512_storeu_ps(sums.as_mut_ptr().add(j * BLOCK), a[0]);
            _mm512_storeu_ps(sums.as_mut_ptr().add(j * BLOCK + 16), a[1]);
        }
    }
}

impl RowKernel for DirectConv {
    type Images<'a> = Images<'a>;

    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        (isa == Isa::Avx512).then(|| DirectConv::new(g, weight))?
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
        for block in 0..blocks(g) {
            // SAFETY: the trait's contract.
            unsafe { rows(g, self, images, b, block, ys.clone(), dest, None, ep) };
        }
    }

    fn give(images: Images) {
        images.give();
    }
}
