//! Convolutions whose windows tile the input without overlapping (kernel
//! = stride, no padding, no dilation, one group) and whose patches are
//! short, for AVX2 and FMA: a "patchify" layer such as a 2x2 kernel at
//! stride 2 on one channel.
//!
//! Such a convolution is a 1x1 convolution of the input rearranged into
//! its phase planes: value `p = (c, i, j)` of every patch, one `OH x OW`
//! plane each ("space to depth"). Each output plane is then a weighted sum
//! of those planes, 4 output channels by 16 pixels at a time, stored as
//! whole vectors. With a patch this short the GEMM and the direct kernel
//! spend most of their time packing, transposing and storing rather than
//! multiplying; here a pixel's few products sit between one load of each
//! plane and one store.
//!
//! Each output is `Σ_p w[p] x[p]` in the order of `p` with fused
//! multiply-adds, in the vector lanes and in the scalar tail alike, so
//! the results do not depend on how the pixels are split into tasks.

use super::conv::{ConvGeometry, OutRows};
use super::gemm::{Epilogue, Isa, Out};
use crate::pool;
use crate::threads;

/// The longest patch the kernel takes: beyond it the GEMM's and the direct
/// kernel's reuse of each load pays for their overheads.
const MAX_PATCH: usize = 16;
/// Output channels per microkernel tile.
const MR: usize = 4;
/// Pixels per microkernel tile (two vectors).
const NR: usize = 16;
/// Output rows per task, about: enough to amortise a task, few enough to
/// share a small image between threads.
const TASK_ROWS: usize = 16;

/// The weights of a convolution the kernel takes: `[C_OUT][patch]`, as
/// PyTorch holds them.
#[derive(Clone, Debug)]
pub struct PatchConv {
    weight: Vec<f32>,
}

impl PatchConv {
    /// Keeps `weight` (`[C_OUT, C_IN, KH, KW]`) when the geometry suits.
    pub fn new(g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        Self::suits(g).then(|| PatchConv {
            weight: weight[..g.c_out * g.patch_len()].to_vec(),
        })
    }

    /// Whether this CPU and `g` suit the kernel.
    pub fn suits(g: &ConvGeometry) -> bool {
        Isa::detect() == Isa::Avx2
            && g.kernel == g.stride
            && g.pad == [0, 0]
            && g.dilation == [1, 1]
            && g.groups == 1
            && g.c_out > 0
            && (1..=MAX_PATCH).contains(&g.patch_len())
            && !g.output.contains(&0)
    }
}

/// `batch` images of `input` as phase planes, `[b][c][i][j][OH x OW]`.
/// Give the buffer back to the pool.
pub fn planes(g: &ConvGeometry, batch: usize, input: &[f32]) -> Vec<f32> {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let n = oh * ow;
    let mut planes = pool::take(batch * g.c_in * kh * kw * n);
    for (src, dst) in input
        .chunks_exact(h * w)
        .zip(planes.chunks_exact_mut(kh * kw * n))
        .take(batch * g.c_in)
    {
        for i in 0..kh {
            for j in 0..kw {
                let plane = &mut dst[(i * kw + j) * n..][..n];
                for (y, row) in plane.chunks_exact_mut(ow).enumerate() {
                    let line = &src[(y * kh + i) * w..][..w];
                    for (x, v) in row.iter_mut().enumerate() {
                        *v = line[x * kw + j];
                    }
                }
            }
        }
    }
    planes
}

/// Convolves `batch` images (as [`super::conv::conv2d`]).
pub fn conv2d(
    g: &ConvGeometry,
    d: &PatchConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
) {
    assert!(input.len() >= batch * g.in_len() && output.len() >= batch * g.out_len());
    let planes = planes(g, batch, input);
    let oh = g.output[0];
    let bands = oh.div_ceil(TASK_ROWS);
    let per_band = oh.div_ceil(bands);
    let out = Out::new(output);
    threads::for_each(batch * bands, |t| {
        let (b, band) = (t / bands, t % bands);
        let rows = band * per_band..((band + 1) * per_band).min(oh);
        let dest = OutRows::whole(g, out.offset(b * g.out_len()));
        let residual = ep.residual.map(|r| &r[b * g.out_len()..][..g.out_len()]);
        // SAFETY: `planes` holds the batch's planes; each task writes its
        // own rows of its own image.
        unsafe { self::rows(g, d, &planes, b, rows, &dest, residual, ep) };
    });
    pool::give(planes);
}

/// Output rows `rows` of image `b`, every channel, into `dest` (with
/// `residual`, that image's whole output, added before the activation).
///
/// # Safety
/// AVX2 and FMA must be present (as [`PatchConv::new`] checked); `planes`
/// comes from [`planes`] for a batch holding image `b`; these rows of
/// `dest` are this caller's alone.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn rows(
    g: &ConvGeometry,
    d: &PatchConv,
    planes: &[f32],
    b: usize,
    rows: std::ops::Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    #[cfg(target_arch = "x86_64")]
    {
        let k = g.patch_len();
        let n = g.output[0] * g.output[1];
        let image = &planes[b * k * n..][..k * n];
        for c0 in (0..g.c_out).step_by(MR) {
            // SAFETY: as for this function.
            unsafe {
                match g.c_out - c0 {
                    1 => tile::<1>(g, d, image, c0, rows.clone(), dest, residual, ep),
                    2 => tile::<2>(g, d, image, c0, rows.clone(), dest, residual, ep),
                    3 => tile::<3>(g, d, image, c0, rows.clone(), dest, residual, ep),
                    _ => tile::<MR>(g, d, image, c0, rows.clone(), dest, residual, ep),
                }
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (g, d, planes, b, rows, dest, residual, ep);
}

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Output channels `c0..c0 + M` of rows `rows`: 16 pixels at a time, then
/// the last few one by one.
///
/// # Safety
/// As for [`rows`]; `image` holds one image's planes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn tile<const M: usize>(
    g: &ConvGeometry,
    d: &PatchConv,
    image: &[f32],
    c0: usize,
    rows: std::ops::Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let k = g.patch_len();
    let ow = g.output[1];
    let n = g.output[0] * ow;
    let pixels = rows.start * ow..rows.end * ow;
    assert!(image.len() >= k * n && pixels.end <= n && c0 + M <= g.c_out);
    let weight = &d.weight[c0 * k..][..M * k];
    let scale: [f32; M] = std::array::from_fn(|m| ep.scale.map_or(1.0, |s| s[c0 + m]));
    let shift: [f32; M] = std::array::from_fn(|m| ep.shift.map_or(0.0, |s| s[c0 + m]));
    // Where each channel's outputs of these rows start in `dest`: the rows
    // are contiguous within a channel's plane.
    let base: [usize; M] = std::array::from_fn(|m| dest.at(c0 + m, rows.start, 0));
    let whole = pixels.start + (pixels.len() / NR) * NR;
    for p0 in (pixels.start..whole).step_by(NR) {
        let mut acc = [[_mm256_setzero_ps(); 2]; M];
        for q in 0..k {
            // SAFETY: `q * n + p0 + 16 <= k * n` (asserted above).
            let (x0, x1) = unsafe {
                let x = image.as_ptr().add(q * n + p0);
                (_mm256_loadu_ps(x), _mm256_loadu_ps(x.add(8)))
            };
            for (m, a) in acc.iter_mut().enumerate() {
                let w = _mm256_set1_ps(weight[m * k + q]);
                a[0] = _mm256_fmadd_ps(w, x0, a[0]);
                a[1] = _mm256_fmadd_ps(w, x1, a[1]);
            }
        }
        for (m, a) in acc.iter().enumerate() {
            let (s, t) = (_mm256_set1_ps(scale[m]), _mm256_set1_ps(shift[m]));
            // SAFETY: these 16 outputs are this caller's.
            let dst = unsafe { dest.out.slice(base[m] + p0 - pixels.start, NR) };
            for (h, &v) in a.iter().enumerate() {
                let mut v = _mm256_fmadd_ps(v, s, t);
                if let Some(r) = residual {
                    let at = (c0 + m) * n + p0 + 8 * h;
                    // SAFETY: `r` is the image's whole output.
                    v = _mm256_add_ps(v, unsafe { _mm256_loadu_ps(r[at..at + 8].as_ptr()) });
                }
                let v = super::flat::activate(v, ep.act);
                // SAFETY: `dst` holds 16 values.
                unsafe { _mm256_storeu_ps(dst.as_mut_ptr().add(8 * h), v) };
            }
        }
    }
    for p in whole..pixels.end {
        for m in 0..M {
            let mut acc = 0.0f32;
            for q in 0..k {
                acc = weight[m * k + q].mul_add(image[q * n + p], acc);
            }
            let mut v = acc.mul_add(scale[m], shift[m]);
            if let Some(r) = residual {
                v += r[(c0 + m) * n + p];
            }
            // SAFETY: this output is this caller's.
            unsafe { dest.out.slice(base[m] + p - pixels.start, 1)[0] = ep.act.apply(v) };
        }
    }
}
