//! Convolutions whose windows tile the input without overlapping (kernel
//! = stride, no padding, no dilation, one group) and whose patches are
//! short, written once over the vector width: a "patchify" layer such as a 2x2 kernel at
//! stride 2 on one channel.
//!
//! Such a convolution is a 1x1 convolution of the input rearranged into
//! its phase planes: value `p = (c, i, j)` of every patch, one `OH x OW`
//! plane each ("space to depth"; a 1x1 kernel's are the input's own
//! planes, read where they lie). Each output plane is then a weighted sum
//! of those planes, 4 output channels by two vectors of pixels at a time,
//! stored as whole vectors. With a patch this short the GEMM and the direct kernel
//! spend most of their time packing, transposing and storing rather than
//! multiplying; here a pixel's few products sit between one load of each
//! plane and one store.
//!
//! Each output is `Σ_p w[p] x[p]` in the order of `p` with the vectors'
//! multiply-adds, in whole vectors and in the partial ones at the end of a
//! task alike, so the results do not depend on how the pixels are split
//! into tasks.

use std::ops::Range;

use super::geometry::{ConvGeometry, OutRows};
use super::kernel::RowKernel;
use crate::kernels::epilogue::{Epilogue, Out};
use crate::kernels::isa::Isa;
use crate::kernels::simd::{Simd, activate_rows, dispatch, unzip_row};
use crate::pool;
use crate::threads;

/// The longest patch the kernel takes: beyond it the GEMM's and the direct
/// kernel's reuse of each load pays for their overheads.
const MAX_PATCH: usize = 16;
/// Output channels per microkernel tile.
const MR: usize = 4;
/// Output rows per task, about: enough to amortise a task, few enough to
/// share a small image between threads.
const TASK_ROWS: usize = 16;

/// The weights of a convolution the kernel takes, packed per tile of
/// four output channels: `[tile][patch value][MR]`, zero beyond `C_OUT`.
#[derive(Clone, Debug)]
pub struct PatchConv {
    isa: Isa,
    weight: Vec<f32>,
}

impl PatchConv {
    /// Keeps `weight` (`[C_OUT, C_IN, KH, KW]`) for `isa` (or the best
    /// below it this CPU runs) when the geometry suits.
    pub fn new(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        Self::suits(g).then(|| PatchConv {
            isa: isa.or_below(),
            weight: pack(g, weight),
        })
    }

    /// Whether `g` suits the kernel.
    pub fn suits(g: &ConvGeometry) -> bool {
        g.kernel == g.stride
            && g.pad == [0, 0]
            && g.dilation == [1, 1]
            && g.groups == 1
            && g.c_out > 0
            && (1..=MAX_PATCH).contains(&g.patch_len())
            && !g.output.contains(&0)
    }
}

/// `weight` (`[C_OUT][patch]`) as `[tile][patch value][MR]`, so that each
/// step of a tile's sums reads its channels' weights side by side.
fn pack(g: &ConvGeometry, weight: &[f32]) -> Vec<f32> {
    let k = g.patch_len();
    let tiles = g.c_out.div_ceil(MR);
    let mut packed = vec![0.0; tiles * k * MR];
    for (o, row) in weight[..g.c_out * k].chunks_exact(k).enumerate() {
        for (q, &w) in row.iter().enumerate() {
            packed[((o / MR) * k + q) * MR + o % MR] = w;
        }
    }
    packed
}

/// `batch` images of `input` as phase planes, `[b][c][i][j][OH x OW]`
/// (two columns a window split a pair of vectors at a time); a 1x1
/// kernel's are the input's own planes.
fn planes<'a>(isa: Isa, g: &ConvGeometry, batch: usize, input: &'a [f32]) -> pool::Copied<'a> {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let n = oh * ow;
    if g.kernel == [1, 1] {
        // Stride 1 (the kernel's), no padding: each plane is its channel.
        return pool::Copied::Input(&input[..batch * g.c_in * n]);
    }
    let mut planes = pool::take(batch * g.c_in * kh * kw * n);
    dispatch!(isa, s => {
        for (src, dst) in input
            .chunks_exact(h * w)
            .zip(planes.chunks_exact_mut(kh * kw * n))
            .take(batch * g.c_in)
        {
            for i in 0..kh {
                let rows = |y: usize| &src[(y * kh + i) * w..][..w];
                if kw == 2 {
                    let (even, odd) = dst[i * 2 * n..][..2 * n].split_at_mut(n);
                    for (y, (e, o)) in even.chunks_exact_mut(ow).zip(odd.chunks_exact_mut(ow)).enumerate() {
                        unzip_row(s, rows(y), e, o);
                    }
                    continue;
                }
                for j in 0..kw {
                    let plane = &mut dst[(i * kw + j) * n..][..n];
                    for (y, row) in plane.chunks_exact_mut(ow).enumerate() {
                        let line = rows(y);
                        for (x, v) in row.iter_mut().enumerate() {
                            *v = line[x * kw + j];
                        }
                    }
                }
            }
        }
    });
    pool::Copied::Copy(planes)
}

/// Convolves `batch` images (as [`super::conv2d`]).
fn conv2d(
    g: &ConvGeometry,
    d: &PatchConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
) {
    assert!(input.len() >= batch * g.in_len() && output.len() >= batch * g.out_len());
    let planes = planes(d.isa, g, batch, input);
    let oh = g.output[0];
    let bands = oh.div_ceil(TASK_ROWS);
    let per_band = oh.div_ceil(bands);
    let out = Out::new(output);
    threads::for_each(batch * bands, batch * g.macs(), |t| {
        let (b, band) = (t / bands, t % bands);
        let rows = band * per_band..((band + 1) * per_band).min(oh);
        let dest = OutRows::whole(g, out.offset(b * g.out_len()));
        let residual = ep.residual.map(|r| &r[b * g.out_len()..][..g.out_len()]);
        // SAFETY: `planes` holds the batch's planes; each task writes its
        // own rows of its own image.
        unsafe { self::rows(g, d, &planes, b, rows, &dest, residual, ep) };
    });
    planes.give();
}

/// Output rows `rows` of image `b`, every channel, into `dest` (with
/// `residual`, that image's whole output, added before the activation).
///
/// # Safety
/// `planes` comes from [`planes`] for a batch holding image `b`; these rows
/// of `dest` must be this caller's alone.
#[allow(clippy::too_many_arguments)]
unsafe fn rows(
    g: &ConvGeometry,
    d: &PatchConv,
    planes: &[f32],
    b: usize,
    rows: std::ops::Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let k = g.patch_len();
    let n = g.output[0] * g.output[1];
    let image = &planes[b * k * n..][..k * n];
    for c0 in (0..g.c_out).step_by(MR) {
        let rows = rows.clone();
        // SAFETY: as for this function.
        dispatch!(d.isa, s => unsafe {
            match g.c_out - c0 {
                1 => tile::<_, 1>(s, g, d, image, c0, rows, dest, residual, ep),
                2 => tile::<_, 2>(s, g, d, image, c0, rows, dest, residual, ep),
                3 => tile::<_, 3>(s, g, d, image, c0, rows, dest, residual, ep),
                _ => tile::<_, MR>(s, g, d, image, c0, rows, dest, residual, ep),
            }
        });
    }
}

/// Output channels `c0..c0 + M` of rows `rows`: two vectors of pixels at a
/// time, then the last few in partial vectors.
///
/// # Safety
/// As for [`rows`]; `image` holds one image's planes.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile<S: Simd, const M: usize>(
    s: S,
    g: &ConvGeometry,
    d: &PatchConv,
    image: &[f32],
    c0: usize,
    rows: std::ops::Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let lanes = S::LANES;
    let k = g.patch_len();
    let ow = g.output[1];
    let n = g.output[0] * ow;
    let pixels = rows.start * ow..rows.end * ow;
    assert!(image.len() >= k * n && pixels.end <= n && c0 + M <= g.c_out);
    let (weight, _) = d.weight[c0 / MR * k * MR..][..k * MR].as_chunks::<MR>();
    let scale: [f32; M] = std::array::from_fn(|m| ep.scale.map_or(1.0, |s| s[c0 + m]));
    let shift: [f32; M] = std::array::from_fn(|m| ep.shift.map_or(0.0, |s| s[c0 + m]));
    // Where each channel's outputs of these rows start in `dest`: the rows
    // are contiguous within a channel's plane.
    let base: [usize; M] = std::array::from_fn(|m| dest.at(c0 + m, rows.start, 0));
    let mut p0 = pixels.start;
    while p0 < pixels.end {
        // Two whole vectors, or what is left in partial ones.
        let len = (pixels.end - p0).min(2 * lanes);
        let whole = len == 2 * lanes;
        let widths = [len.min(lanes), len.saturating_sub(lanes)];
        let mut acc = if whole {
            // SAFETY: every plane holds two vectors from `p0` (`p0 + len <= n`).
            unsafe { sums::<S, M>(s, image[p0..].as_ptr(), n, weight) }
        } else {
            partial_sums::<S, M>(s, &image[p0..], n, weight, widths)
        };
        for (m, a) in acc.iter_mut().enumerate() {
            let (sc, sh) = (s.splat(scale[m]), s.splat(shift[m]));
            for (h, v) in a.iter_mut().enumerate() {
                *v = s.mul_add(*v, sc, sh);
                if let Some(r) = residual.filter(|_| widths[h] > 0) {
                    let r = &r[(c0 + m) * n + p0 + h * lanes..][..widths[h]];
                    *v = s.add(*v, s.load_first(r));
                }
            }
        }
        // The activation chosen once for the whole tile, which then stays
        // in registers.
        let acc = activate_rows(s, acc, ep.act);
        for (m, a) in acc.iter().enumerate() {
            // SAFETY: these outputs are this caller's.
            let dst = unsafe { dest.out.slice(base[m] + p0 - pixels.start, len) };
            if whole {
                for (h, &v) in a.iter().enumerate() {
                    // SAFETY: `dst` holds two vectors.
                    unsafe { s.store(dst.as_mut_ptr().add(h * lanes), v) };
                }
            } else {
                for (h, &v) in a.iter().enumerate().filter(|&(h, _)| widths[h] > 0) {
                    s.store_first(&mut dst[h * lanes..][..widths[h]], v);
                }
            }
        }
        p0 += len;
    }
}

/// The sums of two whole vectors of pixels from `x` (pixel `p0` of the
/// first plane; planes `n` apart) for `M` channels. (Its own function,
/// returning the sums by value, so that they stay in registers.)
///
/// # Safety
/// `x + q * n .. x + q * n + 2 * LANES` must be readable for every
/// `q < weight.len()`.
#[inline(always)]
unsafe fn sums<S: Simd, const M: usize>(
    s: S,
    x: *const f32,
    n: usize,
    weight: &[[f32; MR]],
) -> [[S::F; 2]; M] {
    let mut acc = [[s.zero(); 2]; M];
    let mut p = x;
    for wq in weight {
        // SAFETY: the contract (one plane per weight row).
        let (x0, x1) = unsafe { (s.load(p), s.load(p.add(S::LANES))) };
        // The next plane (past the last one, never read).
        p = p.wrapping_add(n);
        for (m, a) in acc.iter_mut().enumerate() {
            let w = s.splat(wq[m]);
            a[0] = s.mul_add(w, x0, a[0]);
            a[1] = s.mul_add(w, x1, a[1]);
        }
    }
    acc
}

/// [`sums`] for the last pixels of a task: `widths` of the two vectors.
#[inline(always)]
fn partial_sums<S: Simd, const M: usize>(
    s: S,
    x: &[f32],
    n: usize,
    weight: &[[f32; MR]],
    widths: [usize; 2],
) -> [[S::F; 2]; M] {
    let mut acc = [[s.zero(); 2]; M];
    for (q, wq) in weight.iter().enumerate() {
        let plane = &x[q * n..][..widths[0] + widths[1]];
        let x0 = s.load_first(&plane[..widths[0]]);
        let x1 = s.load_first(&plane[widths[0]..]);
        for (m, a) in acc.iter_mut().enumerate() {
            let w = s.splat(wq[m]);
            a[0] = s.mul_add(w, x0, a[0]);
            a[1] = s.mul_add(w, x1, a[1]);
        }
    }
    acc
}

impl RowKernel for PatchConv {
    type Images<'a> = pool::Copied<'a>;

    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        PatchConv::new(isa, g, weight)
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

    fn images<'a>(&self, g: &ConvGeometry, batch: usize, input: &'a [f32]) -> pool::Copied<'a> {
        planes(self.isa, g, batch, input)
    }

    unsafe fn rows(
        &self,
        g: &ConvGeometry,
        planes: &pool::Copied,
        b: usize,
        ys: Range<usize>,
        dest: &OutRows,
        ep: &Epilogue,
    ) {
        // SAFETY: the trait's contract.
        unsafe { rows(g, self, planes, b, ys, dest, None, ep) };
    }

    fn give(planes: pool::Copied) {
        planes.give();
    }
}
