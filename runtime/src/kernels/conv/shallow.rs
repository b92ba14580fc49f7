//! Convolution for shallow layers (few rows in the patch matrix, such as a
//! network's first layer over 1 or 3 input channels), for AVX-512: sixteen
//! output columns per vector, read straight from a zero-padded copy of the
//! image (two loads and a permute at stride 2), times each output
//! channel's broadcast weight. A tile is up to 8 output channels by up to
//! 64 columns of one output row, at most 24 sums in registers (8 channels
//! by 48 columns, 6 by 64); its sums go through the epilogue and into
//! the output rows as they are, with nothing packed and nothing
//! transposed. The GEMM and the direct kernel, which both pay per tile for
//! packing or storing sums, spend most of their time on that when a tile
//! has only a few dozen multiply-adds per value.
//!
//! Each output value is one sum over `k` in order, whatever the tasks, so
//! results do not depend on the thread count.

use std::ops::Range;

use super::geometry::{ConvGeometry, OutRows};
use super::kernel::RowKernel;
use super::padded::PaddedPlane;
use crate::kernels::epilogue::{Act, Epilogue, Out};
use crate::kernels::isa::Isa;
use crate::pool;
use crate::threads;

/// Output channels per tile, at most.
const MAX_CHANNELS: usize = 8;
/// Vectors of 16 columns per tile, at most.
const VECTORS: usize = 4;
/// Accumulators per tile, at most: the rest of the 32 vector registers
/// hold the loaded inputs and a weight.
const ACCUMULATORS: usize = 24;

/// Vectors of 16 columns per tile for tiles of `channels` channels.
fn vectors(channels: usize) -> usize {
    (ACCUMULATORS / channels).clamp(1, VECTORS)
}
/// Output rows per task (tasks never change the numbers, only the spread).
const TASK_ROWS: usize = 4;

/// The weights of a convolution packed for [`conv2d`], and where each row
/// of the patch matrix reads in the padded image.
#[derive(Clone, Debug)]
pub struct ShallowConv {
    /// `[group][k][channels]`, zero beyond `C_OUT`.
    weights: Vec<f32>,
    /// Output channels per group.
    channels: usize,
    /// Per `k = (c, ky, kx)`: offset in the padded image of that input for
    /// output pixel (0, 0).
    offsets: Vec<u32>,
    pad: PaddedPlane,
}

impl ShallowConv {
    /// Packs `weight` (`[C_OUT, C_IN, KH, KW]`) when the geometry suits the
    /// kernel on this CPU: AVX-512, one group, a horizontal stride of 1 or 2.
    pub fn new(g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        if !Isa::Avx512.runs() {
            return None;
        }
        if g.groups != 1 || !(1..=2).contains(&g.stride[1]) {
            return None;
        }
        if g.output.contains(&0) || g.kernel.contains(&0) || g.c_in == 0 || g.c_out == 0 {
            return None;
        }
        let pad = PaddedPlane::of(g);
        let plane = pad.len();
        if g.c_in
            .checked_mul(plane)
            .and_then(|n| n.checked_add(slack(g)))
            .is_none_or(|n| n > u32::MAX as usize)
        {
            return None;
        }
        let [kh, kw] = g.kernel;
        let k = g.patch_len();
        let mut offsets = Vec::with_capacity(k);
        for c in 0..g.c_in {
            for i in 0..kh {
                for j in 0..kw {
                    let at = c * plane + i * g.dilation[0] * pad.cols + j * g.dilation[1];
                    offsets.push(at as u32);
                }
            }
        }
        // Channels in groups as even as possible, at most 8 each.
        let groups = g.c_out.div_ceil(MAX_CHANNELS);
        let channels = g.c_out.div_ceil(groups);
        let mut weights = vec![0.0; groups * k * channels];
        for gi in 0..groups {
            for kk in 0..k {
                for m in 0..channels.min(g.c_out.saturating_sub(gi * channels)) {
                    weights[(gi * k + kk) * channels + m] = weight[(gi * channels + m) * k + kk];
                }
            }
        }
        Some(ShallowConv {
            weights,
            channels,
            offsets,
            pad,
        })
    }
}

/// Values read past the last padded plane by the vectors of a row's last
/// tile that lie beyond the row: they feed only lanes that are not stored.
fn slack(g: &ConvGeometry) -> usize {
    VECTORS * 16 * g.stride[1] + 16
}

/// `batch` images of `input` zero-padded as the kernel reads them, with
/// room after the last one for reads past its rows. Give the buffer back
/// to the pool when done.
pub(crate) fn images(g: &ConvGeometry, d: &ShallowConv, batch: usize, input: &[f32]) -> Vec<f32> {
    let [h, w] = g.input;
    let plane = d.pad.len();
    let image_len = g.c_in * plane;
    let mut padded = pool::take(batch * image_len + slack(g));
    for i in 0..batch * g.c_in {
        let src = &input[i * h * w..][..h * w];
        d.pad.fill(g, src, &mut padded[i * plane..][..plane]);
    }
    padded[batch * image_len..].fill(0.0);
    padded
}

/// Output row `y` of image `b` of `images` (made by [`images`]), every
/// output channel, into `dest`; `residual` (if any) is laid out like one
/// image's whole output.
///
/// # Safety
/// `d` must have been made for `g`; the row's part of `dest` must be this
/// caller's alone.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn output_row(
    g: &ConvGeometry,
    d: &ShallowConv,
    images: &[f32],
    b: usize,
    y: usize,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    // The image and everything after it: the last rows' reads run past.
    let image = &images[b * g.c_in * d.pad.len()..];
    // SAFETY: AVX-512F was detected when `d` was made; the row's reads lie
    // in `image` (asserted in `row`); its writes are the caller's.
    unsafe { row(g, d, image, y, dest, residual, ep) };
}

/// Convolves `batch` images (as [`super::conv2d`]) with the kernel.
pub fn conv2d(
    g: &ConvGeometry,
    d: &ShallowConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
) {
    let images = images(g, d, batch, input);
    let oh = g.output[0];
    let row_tasks = oh.div_ceil(TASK_ROWS);
    let out = Out::new(output);
    threads::for_each(batch * row_tasks, |t| {
        let (b, rows) = (t / row_tasks, t % row_tasks);
        let dest = OutRows::whole(g, out.offset(b * g.out_len()));
        let residual = ep.residual.map(|r| &r[b * g.out_len()..][..g.out_len()]);
        for y in (rows * TASK_ROWS)..((rows + 1) * TASK_ROWS).min(oh) {
            // SAFETY: each task writes its own rows of its own image.
            unsafe { output_row(g, d, &images, b, y, &dest, residual, ep) };
        }
    });
    pool::give(images);
}

/// Every output channel of output row `y`.
///
/// # Safety
/// AVX-512F must be present; `image` must start at an image's padded copy
/// of `d`; the row's part of `out` must be this caller's alone.
#[target_feature(enable = "avx512f")]
unsafe fn row(
    g: &ConvGeometry,
    d: &ShallowConv,
    image: &[f32],
    y: usize,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let ow = g.output[1];
    let s = g.stride[1];
    let k = d.offsets.len();
    let start = y * g.stride[0] * d.pad.cols;
    let channels = d.channels;
    let width = 16 * vectors(channels);
    // The furthest read: the last vector of the row's last tile, at its
    // last tap.
    let last =
        start + (ow.div_ceil(width) * width * s) + 16 + d.offsets.last().map_or(0, |&o| o as usize);
    assert!(
        last < image.len(),
        "shallow conv: the row reads past the image"
    );
    let groups = g.c_out.div_ceil(channels);
    for x0 in (0..ow).step_by(width) {
        let columns = (ow - x0).min(width);
        let src = image[start + x0 * s..].as_ptr();
        for gi in 0..groups {
            let w = &d.weights[gi * k * channels..(gi + 1) * k * channels];
            let tile = Tile {
                channel: gi * channels,
                count: channels.min(g.c_out - gi * channels),
                y,
                x0,
                columns,
            };
            macro_rules! run {
                ($($m:literal)*) => {
                    match (channels, columns.div_ceil(16), s) {
                        $(
                            ($m, 1, 1) => tile_sums::<$m, 1, 1>(g, &d.offsets, w, src, &tile, dest, residual, ep),
                            ($m, 2, 1) => tile_sums::<$m, 2, 1>(g, &d.offsets, w, src, &tile, dest, residual, ep),
                            ($m, 3, 1) => tile_sums::<$m, 3, 1>(g, &d.offsets, w, src, &tile, dest, residual, ep),
                            ($m, 4, 1) => tile_sums::<$m, 4, 1>(g, &d.offsets, w, src, &tile, dest, residual, ep),
                            ($m, 1, 2) => tile_sums::<$m, 1, 2>(g, &d.offsets, w, src, &tile, dest, residual, ep),
                            ($m, 2, 2) => tile_sums::<$m, 2, 2>(g, &d.offsets, w, src, &tile, dest, residual, ep),
                            ($m, 3, 2) => tile_sums::<$m, 3, 2>(g, &d.offsets, w, src, &tile, dest, residual, ep),
                            ($m, 4, 2) => tile_sums::<$m, 4, 2>(g, &d.offsets, w, src, &tile, dest, residual, ep),
                        )*
                        _ => unreachable!("1 to 8 channels, 1 to 4 vectors, stride 1 or 2"),
                    }
                };
            }
            // SAFETY: every read is at `src + offset + i` for an offset of
            // the table and `i < 16 * VECTORS * s + 16`, at most `last`
            // (asserted); the tile's outputs are in this row.
            unsafe { run!(1 2 3 4 5 6 7 8) };
        }
    }
}

/// Where one tile's sums go.
struct Tile {
    /// Its first output channel.
    channel: usize,
    /// Output channels to store (the rest of the group's are beyond `C_OUT`).
    count: usize,
    /// Its output row and first column.
    y: usize,
    x0: usize,
    /// Output columns to store, at most `16 * V`.
    columns: usize,
}

/// `M` output channels by `V` vectors of 16 columns from `src`, summed over
/// the rows of `offsets` and finished by the epilogue into `out`.
///
/// # Safety
/// AVX-512F must be present; `src + offsets[kk] + i` must be readable for
/// every `kk` and `i < 16 * V * S + 16`; the tile's part of `out` must be
/// this caller's alone.
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn tile_sums<const M: usize, const V: usize, const S: usize>(
    g: &ConvGeometry,
    offsets: &[u32],
    weights: &[f32],
    src: *const f32,
    tile: &Tile,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    use std::arch::x86_64::*;
    assert!(weights.len() >= offsets.len() * M && tile.count <= M && tile.columns <= 16 * V);
    let even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    let mut acc = [[_mm512_setzero_ps(); V]; M];
    for (kk, &offset) in offsets.iter().enumerate() {
        // SAFETY: in bounds by the contract.
        unsafe {
            let base = src.add(offset as usize);
            let x: [__m512; V] = std::array::from_fn(|v| {
                if S == 1 {
                    _mm512_loadu_ps(base.add(16 * v))
                } else {
                    let lo = _mm512_loadu_ps(base.add(32 * v));
                    let hi = _mm512_loadu_ps(base.add(32 * v + 16));
                    _mm512_permutex2var_ps(lo, even, hi)
                }
            });
            let w = weights.as_ptr().add(kk * M);
            for (m, a) in acc.iter_mut().enumerate() {
                let wm = _mm512_set1_ps(*w.add(m));
                for (a, &x) in a.iter_mut().zip(&x) {
                    *a = _mm512_fmadd_ps(wm, x, *a);
                }
            }
        }
    }
    // The activation's variant fixed per call, so that the loop over the
    // tile's vectors has no branch on it.
    macro_rules! store {
        ($($act:pat => $f:expr),*) => {
            match ep.act {
                // SAFETY: as for this function.
                $($act => unsafe { store::<M, V>(g, &acc, tile, dest, residual, ep, $f) },)*
            }
        };
    }
    store!(
        Act::None => |v| v,
        Act::ReLU => |v| crate::kernels::simd::activate_avx512(v, Act::ReLU),
        Act::ReLU6 => |v| crate::kernels::simd::activate_avx512(v, Act::ReLU6),
        Act::LeakyReLU(slope) => |v| crate::kernels::simd::activate_avx512(v, Act::LeakyReLU(slope))
    );
}

/// `act(sum * scale + shift + residual)` of a tile's sums into the output
/// rows.
///
/// # Safety
/// AVX-512F must be present; the tile's part of `out` must be this
/// caller's alone.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn store<const M: usize, const V: usize>(
    g: &ConvGeometry,
    acc: &[[std::arch::x86_64::__m512; V]; M],
    tile: &Tile,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
    act: impl Fn(std::arch::x86_64::__m512) -> std::arch::x86_64::__m512,
) {
    use std::arch::x86_64::*;
    let n = g.output[0] * g.output[1];
    let masks: [__mmask16; V] = std::array::from_fn(|v| {
        let lanes = tile.columns.saturating_sub(16 * v).min(16);
        ((1u32 << lanes) - 1) as __mmask16
    });
    // Plain matches rather than closures: a closure is compiled without
    // AVX-512 and called, not inlined, here.
    for (m, a) in acc.iter().enumerate().take(tile.count) {
        let channel = tile.channel + m;
        let scale = _mm512_set1_ps(match ep.scale {
            Some(s) => s[channel],
            None => 1.0,
        });
        let shift = _mm512_set1_ps(match ep.shift {
            Some(s) => s[channel],
            None => 0.0,
        });
        // SAFETY: the tile's columns of this channel's row are this
        // tile's part of `dest` (contract).
        let dst = unsafe {
            dest.out
                .slice(dest.at(channel, tile.y, tile.x0), tile.columns)
        };
        let dst = dst.as_mut_ptr();
        match residual {
            None => {
                for (v, (&sum, &mask)) in a.iter().zip(&masks).enumerate() {
                    let value = act(_mm512_fmadd_ps(sum, scale, shift));
                    // SAFETY: the mask's lanes are columns of `dst` (a
                    // vector's mask is empty past the tile's columns).
                    unsafe { _mm512_mask_storeu_ps(dst.wrapping_add(16 * v), mask, value) };
                }
            }
            Some(r) => {
                let at = channel * n + tile.y * g.output[1] + tile.x0;
                let r = r[at..at + tile.columns].as_ptr();
                for (v, (&sum, &mask)) in a.iter().zip(&masks).enumerate() {
                    // SAFETY: as above, in the residual's row and `dst`.
                    unsafe {
                        let r = _mm512_maskz_loadu_ps(mask, r.wrapping_add(16 * v));
                        let value = act(_mm512_add_ps(_mm512_fmadd_ps(sum, scale, shift), r));
                        _mm512_mask_storeu_ps(dst.wrapping_add(16 * v), mask, value);
                    }
                }
            }
        }
    }
}

impl RowKernel for ShallowConv {
    type Images<'a> = Vec<f32>;

    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        (isa == Isa::Avx512).then(|| ShallowConv::new(g, weight))?
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

    fn images(&self, g: &ConvGeometry, batch: usize, input: &[f32]) -> Vec<f32> {
        images(g, self, batch, input)
    }

    unsafe fn rows(
        &self,
        g: &ConvGeometry,
        images: &Vec<f32>,
        b: usize,
        ys: Range<usize>,
        dest: &OutRows,
        ep: &Epilogue,
    ) {
        for y in ys {
            // SAFETY: the trait's contract.
            unsafe { output_row(g, self, images, b, y, dest, None, ep) };
        }
    }

    fn give(images: Vec<f32>) {
        pool::give(images);
    }
}
