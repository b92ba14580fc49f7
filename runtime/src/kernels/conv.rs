//! 2-d convolution. Through the packed GEMM: each group's output
//! `[C_OUT/G, OH*OW]` is its weights `[C_OUT/G, C_IN/G*KH*KW]` times the
//! input's patches `[C_IN/G*KH*KW, OH*OW]`, packed straight from the image
//! (an implicit im2col), with bias, BatchNorm and activation applied in the
//! GEMM's epilogue. Depthwise convolutions run a direct kernel instead.

use super::direct::{self, DirectConv};
use super::direct_avx2::{self, DirectAvx2};
use super::flat::{self, FlatConv};
use super::gemm::{Act, Epilogue, Isa, Matrix, Out, PackB, PackedA, gemm_part};
use super::padded::PaddedPlane;
use super::patch::{self, PatchConv};
use super::pool::PoolGeometry;
use super::shallow::{self, ShallowConv};
use super::simd::vectorized;
use super::winograd::{self, Winograd};
use crate::pool;
use crate::threads;

/// Every size of one convolution. Pairs are `[height, width]`; `pad` is the
/// padding before the first row/column (after the last it is implied by the
/// output size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeometry {
    pub c_in: usize,
    pub c_out: usize,
    pub input: [usize; 2],
    pub output: [usize; 2],
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub pad: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
}

impl ConvGeometry {
    /// Rows of one group's patch matrix: `C_IN/G * KH * KW`.
    pub fn patch_len(&self) -> usize {
        self.c_in / self.groups * self.kernel[0] * self.kernel[1]
    }

    pub fn in_len(&self) -> usize {
        self.c_in * self.input[0] * self.input[1]
    }

    pub fn out_len(&self) -> usize {
        self.c_out * self.output[0] * self.output[1]
    }

    /// A 1x1 convolution with stride 1 and no padding reads its input as is.
    fn is_pointwise(&self) -> bool {
        self.kernel == [1, 1]
            && self.stride == [1, 1]
            && self.pad == [0, 0]
            && self.input == self.output
    }

    /// One input channel per group: a direct kernel beats a GEMM of one row.
    pub fn is_depthwise(&self) -> bool {
        self.groups == self.c_in && self.groups > 1
    }

    /// The output positions `o` along one axis whose input index
    /// `o * stride + k * dilation - pad` falls inside `0..len`.
    fn valid_range(&self, axis: usize, k: usize) -> (usize, usize) {
        let (s, d, p, len, out) = (
            self.stride[axis],
            self.dilation[axis],
            self.pad[axis],
            self.input[axis],
            self.output[axis],
        );
        let offset = k * d; // input index = o*s + offset - p
        let lo = if offset >= p {
            0
        } else {
            (p - offset).div_ceil(s)
        };
        let hi = if len + p > offset {
            ((len + p - offset - 1) / s + 1).min(out)
        } else {
            0
        };
        (lo.min(hi), hi)
    }
}

/// Where a kernel writes output rows: `first_row..` of every output
/// channel, each channel's rows `plane` values apart (the whole output of
/// an image, or a band of its rows).
#[derive(Clone, Copy, Debug)]
pub(crate) struct OutRows {
    pub out: Out,
    plane: usize,
    width: usize,
    first_row: usize,
}

impl OutRows {
    /// One image's whole output.
    pub fn whole(g: &ConvGeometry, out: Out) -> Self {
        OutRows {
            out,
            plane: g.output[0] * g.output[1],
            width: g.output[1],
            first_row: 0,
        }
    }

    /// Rows `first_row..first_row + rows` of one image's output, in a
    /// buffer of their own.
    pub fn band(g: &ConvGeometry, out: Out, first_row: usize, rows: usize) -> Self {
        OutRows {
            out,
            plane: rows * g.output[1],
            width: g.output[1],
            first_row,
        }
    }

    /// One image's output of `height x width` planes (a pooled one, say).
    pub fn planes(out: Out, height: usize, width: usize) -> Self {
        OutRows {
            out,
            plane: height * width,
            width,
            first_row: 0,
        }
    }

    /// Where output `(channel, y, x)` goes.
    pub fn at(&self, channel: usize, y: usize, x: usize) -> usize {
        channel * self.plane + (y - self.first_row) * self.width + x
    }
}

/// The kernels a convolution can run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvKernel {
    /// The packed GEMM over the image's patches (any geometry, any CPU).
    Gemm,
    /// Pixels broadcast into 32 output channels ([`direct`]), or 16 with
    /// AVX2 ([`direct_avx2`]).
    Direct,
    /// Sixteen columns a vector times broadcast weights ([`shallow`]).
    Shallow,
    /// Eight pixels a vector of flattened rows times broadcast weights,
    /// for AVX2 ([`flat`]).
    Flat,
    /// Winograd's F(2x2, 3x3) for 3x3 kernels at stride 1, for AVX2
    /// ([`winograd`]).
    Winograd,
    /// Windows that tile the input without overlap, with short patches:
    /// a weighted sum of the input's phase planes, for AVX2 ([`patch`]).
    Patch,
}

/// The kernel that runs this geometry fastest, where it suits it (measured
/// with `conv_probe` on the fixture models' and ResNet-18's shapes).
///
/// With AVX2 (and no AVX-512), the first that takes the geometry of:
/// - the patch kernel (gray200's 2x2 stride-2 first layer: 1.55x the
///   direct kernel);
/// - Winograd's for 3x3 at stride 1 (1.3-1.7x the direct kernel on
///   ResNet-18's and the VGG's layers; the quiz's 3-channel first layer
///   1.4x the flat kernel; gray200's second layer even, and pooled in the
///   same pass);
/// - the direct kernel, then the flat one, then the GEMM.
///
/// With AVX-512:
/// - the GEMM for 1x1 convolutions (direct 0.55-0.85x);
/// - the direct kernel for spatial kernels of some depth that fill its
///   blocks of 32 channels (1.05-1.6x the GEMM; ResNet's 7x7 stem 1.45x);
/// - the shallow kernel for shallower ones and for first layers (1.0-2.5x:
///   the others spend their time packing or storing sums rather than
///   multiplying; a 5x5 first layer to 16 channels 1.7x);
/// - the direct kernel for the rest it takes (16 or 48 channels);
/// - the shallow kernel where the direct one cannot go, over few input
///   channels and rows of a vector or more (the quiz's second convolution,
///   20 channels: 1.5x); else the GEMM.
fn choose(g: &ConvGeometry) -> ConvKernel {
    let deep = g.patch_len() >= 64;
    if Isa::detect() == Isa::Avx2 {
        if PatchConv::suits(g) {
            ConvKernel::Patch
        } else if Winograd::suits(g) {
            ConvKernel::Winograd
        } else if DirectAvx2::suits(g) {
            ConvKernel::Direct
        } else if FlatConv::suits(g) {
            ConvKernel::Flat
        } else {
            ConvKernel::Gemm
        }
    } else if g.kernel == [1, 1] {
        ConvKernel::Gemm
    } else if deep && DirectConv::suits(g) && g.c_out.is_multiple_of(32) {
        ConvKernel::Direct
    } else if !deep || g.c_in <= 3 {
        ConvKernel::Shallow
    } else if DirectConv::suits(g) {
        ConvKernel::Direct
    } else if g.c_in <= 12 && g.output[1] >= 16 {
        ConvKernel::Shallow
    } else {
        ConvKernel::Gemm
    }
}

/// The weights, packed per group for the GEMM (or kept as they are for the
/// direct depthwise kernel), and what the patches of this geometry read,
/// worked out once.
#[derive(Clone, Debug)]
pub struct PackedConv {
    geometry: ConvGeometry,
    groups: Vec<PackedA>,
    patches: Patches,
    /// The weights for the direct kernel, where chosen and the geometry
    /// suits it.
    direct: Option<DirectConv>,
    /// The weights for the shallow kernel, likewise.
    shallow: Option<ShallowConv>,
    /// The weights for the flat kernel, likewise.
    flat: Option<FlatConv>,
    /// The weights for the direct kernel of AVX2, likewise.
    direct_avx2: Option<DirectAvx2>,
    /// The transformed weights for Winograd's kernel, likewise.
    winograd: Option<Winograd>,
    /// The weights for the patch kernel, likewise.
    patch: Option<PatchConv>,
}

impl PackedConv {
    /// Packs `weight` (`[C_OUT, C_IN/G, KH, KW]`) for this CPU.
    pub fn new(g: &ConvGeometry, weight: &[f32]) -> Self {
        Self::with_isa(Isa::detect(), g, weight)
    }

    pub fn with_isa(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Self {
        Self::with_kernel(isa, g, weight, choose(g))
    }

    /// Packs for `isa` and `kernel` where the geometry and the CPU suit
    /// that kernel, else for the GEMM (to compare them).
    pub fn with_kernel(isa: Isa, g: &ConvGeometry, weight: &[f32], kernel: ConvKernel) -> Self {
        let bare = PackedConv {
            geometry: *g,
            groups: Vec::new(),
            patches: Patches::default(),
            direct: None,
            shallow: None,
            flat: None,
            direct_avx2: None,
            winograd: None,
            patch: None,
        };
        if g.is_depthwise() {
            return bare;
        }
        // These need neither the GEMM's weights nor its patches.
        match (isa, kernel) {
            (Isa::Avx512, ConvKernel::Direct) => {
                if let Some(d) = DirectConv::new(g, weight) {
                    return PackedConv {
                        direct: Some(d),
                        ..bare
                    };
                }
            }
            (Isa::Avx512, ConvKernel::Shallow) => {
                if let Some(s) = ShallowConv::new(g, weight) {
                    return PackedConv {
                        shallow: Some(s),
                        ..bare
                    };
                }
            }
            (Isa::Avx2, ConvKernel::Direct) => {
                if let Some(d) = DirectAvx2::new(g, weight) {
                    return PackedConv {
                        direct_avx2: Some(d),
                        ..bare
                    };
                }
            }
            (Isa::Avx2, ConvKernel::Winograd) => {
                if let Some(w) = Winograd::new(g, weight) {
                    return PackedConv {
                        winograd: Some(w),
                        ..bare
                    };
                }
            }
            (Isa::Avx2, ConvKernel::Patch) => {
                if let Some(p) = PatchConv::new(g, weight) {
                    return PackedConv {
                        patch: Some(p),
                        ..bare
                    };
                }
            }
            (Isa::Avx2, ConvKernel::Flat) => {
                if let Some(f) = FlatConv::new(g, weight) {
                    return PackedConv {
                        flat: Some(f),
                        ..bare
                    };
                }
            }
            _ => {}
        }
        let og = g.c_out / g.groups;
        let k = g.patch_len();
        let groups = (0..g.groups)
            .map(|gi| PackedA::new(isa, og, k, &weight[gi * og * k..(gi + 1) * og * k]))
            .collect();
        PackedConv {
            geometry: *g,
            groups,
            patches: Patches::new(g, isa.nr()),
            ..bare
        }
    }

    /// The kernel this was packed for.
    pub fn kernel(&self) -> ConvKernel {
        if self.direct.is_some() || self.direct_avx2.is_some() {
            ConvKernel::Direct
        } else if self.shallow.is_some() {
            ConvKernel::Shallow
        } else if self.flat.is_some() {
            ConvKernel::Flat
        } else if self.winograd.is_some() {
            ConvKernel::Winograd
        } else if self.patch.is_some() {
            ConvKernel::Patch
        } else {
            ConvKernel::Gemm
        }
    }

    /// The geometry this was packed for.
    pub fn geometry(&self) -> &ConvGeometry {
        &self.geometry
    }
}

/// What each row and each panel of the patch matrix reads.
#[derive(Clone, Debug, Default)]
struct Patches {
    rows: Vec<PatchRow>,
    runs: Vec<Run>,
    /// Per panel of `NR` columns: its runs, as a range of `runs`.
    panels: Vec<(usize, usize)>,
    /// For outputs too narrow for whole rows per panel (many short runs
    /// each): per tap, per column (padded to whole panels), the offset in a
    /// channel's plane it reads, or -1 for padding. Packing is then one
    /// gather per half panel.
    gather: Vec<i32>,
}

/// The largest gather table (entries) worth keeping.
const GATHER_MAX_ENTRIES: usize = 1 << 16;

/// Whether packing by gathers beats packing run by run (measured): for
/// strided convolutions (each run needs permutes), and where the runs'
/// set-up is shared by too few rows: narrow outputs (many short runs per
/// panel) of up to 64 channels, and a few channels of a middling width.
fn prefers_gather(g: &ConvGeometry, padded: usize) -> bool {
    let (ow, channels) = (g.output[1], g.c_in / g.groups);
    let fits = padded * g.kernel[0] * g.kernel[1] <= GATHER_MAX_ENTRIES;
    fits && (g.stride[1] != 1 || (ow < 16 && channels <= 64) || (channels <= 4 && ow < 32))
}

impl Patches {
    fn new(g: &ConvGeometry, nr: usize) -> Self {
        let [kh, kw] = g.kernel;
        // Every channel reads the same places: one row per kernel tap.
        let rows: Vec<PatchRow> = (0..kh * kw)
            .map(|k| {
                let (i, j) = (k / kw, k % kw);
                let (y_lo, y_hi) = g.valid_range(0, i);
                let (x_lo, x_hi) = g.valid_range(1, j);
                PatchRow {
                    y_lo,
                    y_hi,
                    x_lo,
                    x_hi,
                    dy: (i * g.dilation[0]) as isize - g.pad[0] as isize,
                    dx: (j * g.dilation[1]) as isize - g.pad[1] as isize,
                }
            })
            .collect();
        let n = g.output[0] * g.output[1];
        let ow = g.output[1];
        let mut runs = Vec::new();
        let mut panels = Vec::new();
        for j0 in (0..n).step_by(nr.max(1)) {
            let width = nr.min(n - j0);
            let start = runs.len();
            let mut col = 0;
            while col < width {
                let at = j0 + col;
                let (oy, ox) = (at / ow, at % ow);
                let len = (ow - ox).min(width - col);
                runs.push(Run {
                    at: col,
                    oy,
                    ox,
                    len,
                });
                col += len;
            }
            panels.push((start, runs.len()));
        }
        let padded = n.div_ceil(nr.max(1)) * nr;
        let gather = if prefers_gather(g, padded) {
            Self::gather_table(g, &rows, padded)
        } else {
            Vec::new()
        };
        Patches {
            rows,
            runs,
            panels,
            gather,
        }
    }

    fn gather_table(g: &ConvGeometry, rows: &[PatchRow], padded: usize) -> Vec<i32> {
        let [oh, ow] = g.output;
        let mut table = vec![-1; rows.len() * padded];
        for (row, taps) in rows.iter().zip(table.chunks_exact_mut(padded)) {
            for (at, slot) in taps.iter_mut().enumerate().take(oh * ow) {
                let (oy, ox) = (at / ow, at % ow);
                if (row.y_lo..row.y_hi).contains(&oy) && (row.x_lo..row.x_hi).contains(&ox) {
                    let iy = (oy * g.stride[0]) as isize + row.dy;
                    let ix = (ox * g.stride[1]) as isize + row.dx;
                    *slot = (iy * g.input[1] as isize + ix) as i32;
                }
            }
        }
        table
    }
}

/// The patches of one image's group of channels, packed as GEMM panels.
pub struct Im2col<'a> {
    pub g: &'a ConvGeometry,
    patches: &'a Patches,
    /// The group's `C_IN/G` input planes.
    pub input: &'a [f32],
}

/// One row of the patch matrix: which input channel and kernel tap it
/// reads, and which output rows and columns see the image (not padding).
#[derive(Clone, Copy, Debug, Default)]
struct PatchRow {
    y_lo: usize,
    y_hi: usize,
    x_lo: usize,
    x_hi: usize,
    /// Input row of output row `oy`: `oy * stride + dy` (only for valid rows).
    dy: isize,
    /// Input column of output column `ox`: `ox * stride + dx`.
    dx: isize,
}

/// A stretch of a panel's columns on one output row.
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    /// First column in the panel.
    at: usize,
    oy: usize,
    ox: usize,
    len: usize,
}

/// Where one run of a panel reads, for one kernel tap: the same for every
/// input channel but for the plane it starts in.
#[derive(Clone, Copy, Default)]
struct Segment {
    /// First and one-past-last column of the panel that read the image.
    lo: usize,
    hi: usize,
    /// Offset in the channel's plane of the value for column `lo`.
    offset: usize,
}

/// The segments of a panel's runs for one tap (at most one per run).
fn segments(
    row: &PatchRow,
    runs: &[Run],
    w: usize,
    sy: usize,
    sx: usize,
    out: &mut [Segment; 64],
) -> usize {
    let mut count = 0;
    for run in runs {
        if run.oy < row.y_lo || run.oy >= row.y_hi {
            continue;
        }
        let lo = row.x_lo.clamp(run.ox, run.ox + run.len) - run.ox;
        let hi = row.x_hi.clamp(run.ox, run.ox + run.len) - run.ox;
        if hi <= lo || count == out.len() {
            continue;
        }
        let iy = ((run.oy * sy) as isize + row.dy) as usize;
        let ix = (((run.ox + lo) * sx) as isize + row.dx) as usize;
        out[count] = Segment {
            lo: run.at + lo,
            hi: run.at + hi,
            offset: iy * w + ix,
        };
        count += 1;
    }
    count
}

impl PackB for Im2col<'_> {
    fn pack(&self, k0: usize, kc: usize, n0: usize, nc: usize, nr: usize, out: &mut [f32]) {
        let g = self.g;
        let w = g.input[1];
        let plane = g.input[0] * w;
        let taps = g.kernel[0] * g.kernel[1];
        let (sy, sx) = (g.stride[0], g.stride[1]);
        debug_assert!(n0.is_multiple_of(nr), "panels start on a multiple of NR");
        #[cfg(target_arch = "x86_64")]
        let avx512 = nr == 32 && Isa::detect() == Isa::Avx512;
        #[cfg(target_arch = "x86_64")]
        if avx512 && !self.patches.gather.is_empty() {
            // SAFETY: AVX-512F is present (checked); the table was made for
            // this geometry, its offsets lie inside a plane.
            unsafe { self.pack_gather_avx512(k0, kc, n0, nc, out) };
            return;
        }
        let mut segs = [Segment::default(); 64];
        for (p, panel) in out
            .chunks_exact_mut(nr * kc)
            .enumerate()
            .take(nc.div_ceil(nr))
        {
            let j0 = n0 + p * nr;
            let (start, end) = self.patches.panels[j0 / nr];
            let runs = &self.patches.runs[start..end];
            // Tap by tap: where the panel reads is worked out once, then
            // every channel of this block reads the same places of its plane.
            for tap in 0..taps.min(kc) {
                // The first row of this block with this tap.
                let first = k0 + (tap + taps - k0 % taps) % taps;
                if first >= k0 + kc {
                    continue;
                }
                let count = segments(&self.patches.rows[tap], runs, w, sy, sx, &mut segs);
                let segs = &segs[..count];
                let c0 = first / taps;
                let rows = (k0 + kc - first).div_ceil(taps);
                #[cfg(target_arch = "x86_64")]
                if avx512 && sx <= 2 {
                    // SAFETY: AVX-512F is present (checked); each segment lies
                    // inside one image row (`valid_range`) of every channel's
                    // plane, and each row written is one of the panel's.
                    unsafe {
                        if sx == 1 {
                            pack_tap_avx512(
                                segs,
                                self.input,
                                plane,
                                c0,
                                rows,
                                first - k0,
                                taps,
                                panel,
                            )
                        } else {
                            pack_tap_avx512_stride2(
                                segs,
                                self.input,
                                plane,
                                c0,
                                rows,
                                first - k0,
                                taps,
                                panel,
                            )
                        }
                    };
                    continue;
                }
                for r in 0..rows {
                    let kk = first - k0 + r * taps;
                    let dst = &mut panel[kk * nr..(kk + 1) * nr];
                    dst.fill(0.0);
                    let src = &self.input[(c0 + r) * plane..(c0 + r + 1) * plane];
                    for seg in segs {
                        let from = &src[seg.offset..];
                        for (t, v) in dst[seg.lo..seg.hi].iter_mut().enumerate() {
                            *v = from[t * sx];
                        }
                    }
                }
            }
        }
    }
}

impl Im2col<'_> {
    /// [`PackB::pack`] by the gather table: each row of a 32-column panel is
    /// two masked gathers from its channel's plane.
    ///
    /// # Safety
    /// AVX-512F must be present, and the table made for this geometry.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn pack_gather_avx512(
        &self,
        k0: usize,
        kc: usize,
        n0: usize,
        nc: usize,
        out: &mut [f32],
    ) {
        use std::arch::x86_64::*;
        const NR: usize = 32;
        let g = self.g;
        let plane = g.input[0] * g.input[1];
        let taps = g.kernel[0] * g.kernel[1];
        let table = &self.patches.gather;
        let padded = table.len() / taps;
        let channels = g.c_in / g.groups;
        assert!(
            self.input.len() >= channels * plane && n0 + nc.div_ceil(NR) * NR <= padded,
            "pack: the input or the table is too short"
        );
        for (p, panel) in out
            .chunks_exact_mut(NR * kc)
            .enumerate()
            .take(nc.div_ceil(NR))
        {
            let j0 = n0 + p * NR;
            for (kk, dst) in panel.chunks_exact_mut(NR).enumerate() {
                let k = k0 + kk;
                let (c, tap) = (k / taps, k % taps);
                let idx = &table[tap * padded + j0..tap * padded + j0 + NR];
                let base = self.input[c * plane..].as_ptr();
                // SAFETY: `idx` and `dst` hold 32 values each; every
                // non-negative offset lies inside channel `c`'s plane (the
                // table's), and negative ones are masked off.
                unsafe {
                    for half in 0..2 {
                        let i = _mm512_loadu_si512(idx.as_ptr().add(16 * half).cast());
                        let keep = _mm512_cmpge_epi32_mask(i, _mm512_setzero_si512());
                        let v = _mm512_mask_i32gather_ps::<4>(_mm512_setzero_ps(), keep, i, base);
                        _mm512_storeu_ps(dst.as_mut_ptr().add(16 * half), v);
                    }
                }
            }
        }
    }
}

/// Packs the rows of one tap (one per channel, `taps` rows apart) of a
/// 32-column panel: each row built in two zmm registers by masked loads of
/// its segments, then stored.
///
/// # Safety
/// AVX-512F must be present; every segment must lie inside one row of the
/// plane of each channel `c0..c0 + rows` in `input`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn pack_tap_avx512(
    segs: &[Segment],
    input: &[f32],
    plane: usize,
    c0: usize,
    rows: usize,
    kk: usize,
    taps: usize,
    panel: &mut [f32],
) {
    use std::arch::x86_64::*;
    // The masks and plane offsets of the segments, once for all channels.
    let plan = segs.iter().map(|seg| {
        let len = seg.hi - seg.lo;
        let bits: u32 = if len >= 32 {
            u32::MAX
        } else {
            ((1u32 << len) - 1) << seg.lo
        };
        // Lane t reads plane[offset + t - lo]; masked-off lanes are never read.
        (
            bits as u16,
            (bits >> 16) as u16,
            seg.offset as isize - seg.lo as isize,
        )
    });
    // Most panels have one or two segments: keep them in registers.
    let mut first = [(0u16, 0u16, 0isize); 4];
    let few = segs.len() <= first.len();
    if few {
        for (slot, p) in first.iter_mut().zip(plan.clone()) {
            *slot = p;
        }
    }
    if rows == 0 {
        return;
    }
    assert!(
        panel.len() >= (kk + (rows - 1) * taps + 1) * 32,
        "pack: the panel is too short"
    );
    assert!(
        input.len() >= (c0 + rows) * plane,
        "pack: the input is too short"
    );
    let base = input.as_ptr();
    let out = panel.as_mut_ptr();
    for r in 0..rows {
        let src = base.wrapping_add((c0 + r) * plane);
        let (mut lo, mut hi) = (_mm512_setzero_ps(), _mm512_setzero_ps());
        let mut load = |(m_lo, m_hi, shift): (u16, u16, isize)| {
            let p = src.wrapping_offset(shift);
            // SAFETY: only lanes in the masks are read, and they lie in the
            // segment, inside this channel's plane (contract).
            unsafe {
                if m_lo == u16::MAX {
                    lo = _mm512_loadu_ps(p);
                } else if m_lo != 0 {
                    lo = _mm512_mask_loadu_ps(lo, m_lo, p);
                }
                if m_hi == u16::MAX {
                    hi = _mm512_loadu_ps(p.wrapping_add(16));
                } else if m_hi != 0 {
                    hi = _mm512_mask_loadu_ps(hi, m_hi, p.wrapping_add(16));
                }
            }
        };
        if few {
            first[..segs.len()].iter().for_each(|&p| load(p));
        } else {
            plan.clone().for_each(&mut load);
        }
        // SAFETY: row kk + r * taps lies in `panel` (asserted above).
        unsafe {
            let dst = out.add((kk + r * taps) * 32);
            _mm512_storeu_ps(dst, lo);
            _mm512_storeu_ps(dst.add(16), hi);
        }
    }
}

/// [`pack_tap_avx512`] for a horizontal stride of 2: lane `t` of a segment
/// reads `2t` further on, so each half of the row loads the 32 values it
/// spans (masked to the even ones it needs) and keeps the even lanes.
///
/// # Safety
/// As for [`pack_tap_avx512`], with each segment's values `2` apart.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn pack_tap_avx512_stride2(
    segs: &[Segment],
    input: &[f32],
    plane: usize,
    c0: usize,
    rows: usize,
    kk: usize,
    taps: usize,
    panel: &mut [f32],
) {
    use std::arch::x86_64::*;
    /// The bits of `x` moved to the even positions of a 32-bit word.
    fn spread(x: u32) -> u32 {
        let mut x = x & 0xffff;
        x = (x | (x << 8)) & 0x00ff_00ff;
        x = (x | (x << 4)) & 0x0f0f_0f0f;
        x = (x | (x << 2)) & 0x3333_3333;
        (x | (x << 1)) & 0x5555_5555
    }
    if rows == 0 {
        return;
    }
    assert!(
        panel.len() >= (kk + (rows - 1) * taps + 1) * 32,
        "pack: the panel is too short"
    );
    assert!(
        input.len() >= (c0 + rows) * plane,
        "pack: the input is too short"
    );
    /// One segment: the lanes it fills in each half, the masks of the
    /// four 16-value loads it needs, and where lane 0 would read.
    #[derive(Clone, Copy, Default)]
    struct Plan {
        lanes: [u16; 2],
        loads: [u16; 4],
        shift: isize,
    }
    let mut plans = [Plan::default(); 64];
    for (plan, seg) in plans.iter_mut().zip(segs) {
        let len = seg.hi - seg.lo;
        let lanes: u32 = if len >= 32 {
            u32::MAX
        } else {
            ((1u32 << len) - 1) << seg.lo
        };
        let (lo_src, hi_src) = (spread(lanes & 0xffff), spread(lanes >> 16));
        *plan = Plan {
            lanes: [lanes as u16, (lanes >> 16) as u16],
            loads: [
                lo_src as u16,
                (lo_src >> 16) as u16,
                hi_src as u16,
                (hi_src >> 16) as u16,
            ],
            // Lane t reads base[2t]: base = plane + offset - 2 * lo.
            shift: seg.offset as isize - 2 * seg.lo as isize,
        };
    }
    let plans = &plans[..segs.len().min(64)];
    let even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    let base = input.as_ptr();
    let out = panel.as_mut_ptr();
    for r in 0..rows {
        let src = base.wrapping_add((c0 + r) * plane);
        let (mut lo, mut hi) = (_mm512_setzero_ps(), _mm512_setzero_ps());
        for plan in plans {
            let p = src.wrapping_offset(plan.shift);
            // SAFETY: only the masked (even) positions are read, each the
            // value of one lane of the segment, inside this channel's plane.
            unsafe {
                if plan.lanes[0] != 0 {
                    let a = _mm512_maskz_loadu_ps(plan.loads[0], p);
                    let b = _mm512_maskz_loadu_ps(plan.loads[1], p.wrapping_add(16));
                    lo = _mm512_mask_mov_ps(lo, plan.lanes[0], _mm512_permutex2var_ps(a, even, b));
                }
                if plan.lanes[1] != 0 {
                    let c = _mm512_maskz_loadu_ps(plan.loads[2], p.wrapping_add(32));
                    let d = _mm512_maskz_loadu_ps(plan.loads[3], p.wrapping_add(48));
                    hi = _mm512_mask_mov_ps(hi, plan.lanes[1], _mm512_permutex2var_ps(c, even, d));
                }
            }
        }
        // SAFETY: row kk + r * taps lies in `panel` (asserted above).
        unsafe {
            let dst = out.add((kk + r * taps) * 32);
            _mm512_storeu_ps(dst, lo);
            _mm512_storeu_ps(dst.add(16), hi);
        }
    }
}

/// How one image's GEMM is cut into tasks: by the shape alone, so the cut
/// (and every sum) is the same whatever the thread count.
fn split(m: usize, k: usize, n: usize, mr: usize, nr: usize) -> (usize, usize) {
    // Below about a million multiply-adds a task costs more than it saves.
    let work = m * k * n;
    let pieces = (work / (1 << 20)).clamp(1, 4);
    if n >= 4 * nr * pieces || m < 2 * mr * pieces {
        (1, pieces)
    } else {
        (pieces, 1)
    }
}

/// Convolves `batch` images: `input` is `batch x C_IN x H x W`, `output`
/// is `batch x C_OUT x OH x OW`, with `epilogue` (its residual laid out like
/// `output`) applied to every value.
pub fn conv2d(
    g: &ConvGeometry,
    weight: &[f32],
    packed: &PackedConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    epilogue: &Epilogue,
) {
    assert!(
        input.len() >= batch * g.in_len() && output.len() >= batch * g.out_len(),
        "conv2d: a buffer is too short"
    );
    if g.is_depthwise() {
        depthwise(g, weight, batch, input, output, epilogue);
        return;
    }
    let og = g.c_out / g.groups;
    let cg = g.c_in / g.groups;
    let k = g.patch_len();
    let n = g.output[0] * g.output[1];
    let plane = g.input[0] * g.input[1];
    if packed.geometry != *g {
        // Packed for other sizes (a layer called on another image size):
        // pack for these, once, here.
        let fresh = PackedConv::with_isa(
            packed.groups.first().map_or(Isa::detect(), PackedA::isa),
            g,
            weight,
        );
        conv2d(g, weight, &fresh, batch, input, output, epilogue);
        return;
    }
    if let Some(d) = &packed.direct {
        direct::conv2d(g, d, batch, input, output, epilogue);
        return;
    }
    if let Some(s) = &packed.shallow {
        shallow::conv2d(g, s, batch, input, output, epilogue);
        return;
    }
    if let Some(f) = &packed.flat {
        flat::conv2d(g, f, batch, input, output, epilogue);
        return;
    }
    if let Some(d) = &packed.direct_avx2 {
        direct_avx2::conv2d(g, d, batch, input, output, epilogue);
        return;
    }
    if let Some(w) = &packed.winograd {
        winograd::conv2d(g, w, batch, input, output, epilogue, false);
        return;
    }
    if let Some(p) = &packed.patch {
        patch::conv2d(g, p, batch, input, output, epilogue);
        return;
    }
    let Some(first) = packed.groups.first() else {
        return;
    };
    let (mr, nr) = (first.isa().mr(), first.isa().nr());
    let (row_pieces, col_pieces) = split(og, k, n, mr, nr);
    let panels = og.div_ceil(mr);
    let rows_per = panels.div_ceil(row_pieces);
    let cols_per = n.div_ceil(col_pieces).div_ceil(nr) * nr;
    let tasks_per_image = g.groups * row_pieces * col_pieces;
    let out = Out::new(output);
    threads::for_each(batch * tasks_per_image, |t| {
        let (b, rest) = (t / tasks_per_image, t % tasks_per_image);
        let (gi, piece) = (
            rest / (row_pieces * col_pieces),
            rest % (row_pieces * col_pieces),
        );
        let (rp, cp) = (piece / col_pieces, piece % col_pieces);
        let panel_range = (rp * rows_per).min(panels)..((rp + 1) * rows_per).min(panels);
        let cols = (cp * cols_per).min(n)..((cp + 1) * cols_per).min(n);
        let group_input = &input[b * g.in_len() + gi * cg * plane..][..cg * plane];
        let offset = b * g.out_len() + gi * og * n;
        let ep = Epilogue {
            scale: epilogue.scale.map(|s| &s[gi * og..]),
            shift: epilogue.shift.map(|s| &s[gi * og..]),
            residual: epilogue.residual.map(|r| &r[offset..]),
            act: epilogue.act,
        };
        let c = out.offset(offset);
        pool::with_scratch(|scratch| {
            if g.is_pointwise() {
                let b = Matrix {
                    data: group_input,
                    ld: n,
                };
                // SAFETY: each task writes its own image, group, rows and
                // columns of the output, which `out` covers (asserted above).
                unsafe {
                    gemm_part(
                        &packed.groups[gi],
                        panel_range,
                        &b,
                        cols,
                        &c,
                        n,
                        &ep,
                        scratch,
                    )
                };
            } else {
                let b = Im2col {
                    g,
                    patches: &packed.patches,
                    input: group_input,
                };
                // SAFETY: as above.
                unsafe {
                    gemm_part(
                        &packed.groups[gi],
                        panel_range,
                        &b,
                        cols,
                        &c,
                        n,
                        &ep,
                        scratch,
                    )
                };
            }
        });
    });
}

/// Output rows a band of [`conv2d_max_pooled`] holds, about: its
/// convolution output (a few tens of KB) stays in L1 or L2 until pooled.
const BAND_ROWS: usize = 8;

/// Whether [`conv2d_max_pooled`] can run `g`, packed as `packed`, then
/// `pool` in one pass: the direct, shallow or flat kernel, or Winograd's
/// with 2x2 windows (one per tile), and pooling windows side by side
/// (kernel = stride, no padding or dilation) that leave out at most a few
/// last rows and columns.
pub fn poolable(g: &ConvGeometry, packed: &PackedConv, pool: &PoolGeometry) -> bool {
    let [kh, kw] = pool.kernel;
    let kernel = packed.kernel();
    packed.geometry == *g
        && kernel != ConvKernel::Gemm
        && (kernel != ConvKernel::Winograd || pool.kernel == [2, 2])
        && pool.channels == g.c_out
        && pool.input == g.output
        && pool.stride == pool.kernel
        && pool.pad == [0, 0]
        && pool.dilation == [1, 1]
        && kh > 0
        && kw > 0
        && pool.output == [g.output[0] / kh, g.output[1] / kw]
}

/// Convolves `batch` images as [`conv2d`] (without a residual) and max-pools
/// the result with `pooling` into `output` (`batch x C_OUT x POH x POW`), band
/// by band of output rows: each band's convolution is pooled while still in
/// cache, and the convolution's whole output is never written. Rows that
/// no pooling window covers are not computed. (Winograd's kernel pools
/// each 2x2 tile as it transforms it back.) The values are those of the
/// convolution and then the pooling.
///
/// # Panics
/// Unless [`poolable`] holds, or when a buffer is too short.
#[allow(clippy::too_many_arguments)]
pub fn conv2d_max_pooled(
    g: &ConvGeometry,
    packed: &PackedConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    epilogue: &Epilogue,
    pooling: &PoolGeometry,
) {
    assert!(
        poolable(g, packed, pooling) && epilogue.residual.is_none(),
        "conv2d_max_pooled: a convolution and pooling it cannot run together"
    );
    let [poh, pow] = pooling.output;
    let kh = pooling.kernel[0];
    let pooled_len = g.c_out * poh * pow;
    assert!(
        input.len() >= batch * g.in_len() && output.len() >= batch * pooled_len,
        "conv2d_max_pooled: a buffer is too short"
    );
    if pooled_len == 0 {
        return;
    }
    if let Some(w) = &packed.winograd {
        // Each 2x2 tile of the output is one pooling window.
        winograd::conv2d(g, w, batch, input, output, epilogue, true);
        return;
    }
    let per_band = (BAND_ROWS / kh).max(1);
    let bands = poh.div_ceil(per_band);
    let ow = g.output[1];
    // The images as the kernel reads them, made once for every band.
    let direct_images = packed
        .direct
        .as_ref()
        .map(|d| direct::images(g, d, batch, input));
    let shallow_images = packed
        .shallow
        .as_ref()
        .map(|s| shallow::images(g, s, batch, input));
    let flat_images = packed
        .flat
        .as_ref()
        .map(|f| flat::images(g, f, batch, input));
    let direct_avx2_images = packed
        .direct_avx2
        .as_ref()
        .map(|d| direct_avx2::images(g, d, batch, input));
    let patch_planes = packed
        .patch
        .as_ref()
        .map(|_| patch::planes(g, batch, input));
    let out = Out::new(output);
    threads::for_each(batch * bands, |t| {
        let (b, band) = (t / bands, t % bands);
        let pooled_rows = (band * per_band)..((band + 1) * per_band).min(poh);
        let rows = (pooled_rows.start * kh)..(pooled_rows.end * kh);
        let mut conv = pool::take(g.c_out * rows.len() * ow);
        let dest = OutRows::band(g, Out::new(&mut conv), rows.start, rows.len());
        if let (Some(d), Some(images)) = (&packed.direct, &direct_images) {
            for block in 0..direct::blocks(g) {
                // SAFETY: `images` was made with `d`; the band's buffer is
                // this task's own.
                unsafe {
                    direct::rows(g, d, images, b, block, rows.clone(), &dest, None, epilogue)
                };
            }
        }
        if let (Some(s), Some(images)) = (&packed.shallow, &shallow_images) {
            for y in rows.clone() {
                // SAFETY: as above.
                unsafe { shallow::output_row(g, s, images, b, y, &dest, None, epilogue) };
            }
        }
        if let (Some(f), Some(images)) = (&packed.flat, &flat_images) {
            // SAFETY: as above.
            unsafe { flat::all_rows(g, f, images, b, rows.clone(), &dest, epilogue) };
        }
        if let (Some(d), Some(images)) = (&packed.direct_avx2, &direct_avx2_images) {
            // SAFETY: as above.
            unsafe { direct_avx2::rows(g, d, images, b, rows.clone(), &dest, epilogue) };
        }
        if let (Some(p), Some(planes)) = (&packed.patch, &patch_planes) {
            // SAFETY: as above.
            unsafe { patch::rows(g, p, planes, b, rows.clone(), &dest, None, epilogue) };
        }
        let band_pool = PoolGeometry {
            channels: 1,
            input: [rows.len(), ow],
            output: [pooled_rows.len(), pow],
            ..*pooling
        };
        let plane_in = rows.len() * ow;
        let plane_out = pooled_rows.len() * pow;
        for c in 0..g.c_out {
            let at = b * pooled_len + c * poh * pow + pooled_rows.start * pow;
            // SAFETY: each task writes its own pooled rows of its own image.
            let dst = unsafe { out.slice(at, plane_out) };
            super::pool::max_pool2d(&band_pool, 1, &conv[c * plane_in..][..plane_in], dst);
        }
        pool::give(conv);
    });
    if let Some(images) = direct_images {
        images.give();
    }
    if let Some(images) = shallow_images {
        pool::give(images);
    }
    if let Some(images) = flat_images {
        images.give();
    }
    if let Some(images) = direct_avx2_images {
        images.give();
    }
    if let Some(planes) = patch_planes {
        pool::give(planes);
    }
}

/// Depthwise convolution, channel by channel (each output channel reads
/// one input channel), with the epilogue.
fn depthwise(
    g: &ConvGeometry,
    weight: &[f32],
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let mult = g.c_out / g.c_in;
    let out = Out::new(output);
    #[cfg(target_arch = "x86_64")]
    let isa = Isa::detect();
    let padded_kernel = g.stride[1] == 1 && isa != Isa::Portable;
    threads::for_each(batch, |b| {
        #[cfg(target_arch = "x86_64")]
        let pad = PaddedPlane::of(g);
        #[cfg(target_arch = "x86_64")]
        let mut padded = pool::take(if padded_kernel { pad.len() } else { 0 });
        vectorized(
            #[inline(always)]
            || {
                for o in 0..g.c_out {
                    let c = o / mult;
                    let plane = &input[(b * g.c_in + c) * h * w..][..h * w];
                    let kernel = &weight[o * kh * kw..(o + 1) * kh * kw];
                    let base = (b * g.c_out + o) * oh * ow;
                    // SAFETY: each task writes its own image's planes, inside
                    // `output` (asserted by the caller).
                    let dst = unsafe { out.slice(base, oh * ow) };
                    #[cfg(target_arch = "x86_64")]
                    if padded_kernel {
                        // Output channels of one input channel share its copy.
                        if o % mult == 0 {
                            pad.fill(g, plane, &mut padded);
                        }
                        // SAFETY: the instruction set was detected; `padded`
                        // holds the plane's copy and `dst` a whole output plane.
                        unsafe {
                            if isa == Isa::Avx512 {
                                depthwise_plane_avx512(g, pad, &padded, kernel, dst)
                            } else {
                                depthwise_plane_avx2(g, pad, &padded, kernel, dst)
                            }
                        };
                        let (scale, shift) = (
                            ep.scale.map_or(1.0, |s| s[o]),
                            ep.shift.map_or(0.0, |s| s[o]),
                        );
                        let residual = ep.residual.map(|r| &r[base..base + oh * ow]);
                        finish_plane(dst, scale, shift, residual, ep.act);
                        continue;
                    }
                    dst.fill(0.0);
                    for i in 0..kh {
                        let (y_lo, y_hi) = g.valid_range(0, i);
                        for j in 0..kw {
                            let (x_lo, x_hi) = g.valid_range(1, j);
                            let wv = kernel[i * kw + j];
                            for oy in y_lo..y_hi {
                                let iy = oy * g.stride[0] + i * g.dilation[0] - g.pad[0];
                                let row = &plane[iy * w..(iy + 1) * w];
                                let out_row = &mut dst[oy * ow..(oy + 1) * ow];
                                if g.stride[1] == 1 {
                                    let x0 = x_lo + j * g.dilation[1] - g.pad[1];
                                    let src = &row[x0..x0 + (x_hi - x_lo)];
                                    for (d, s) in out_row[x_lo..x_hi].iter_mut().zip(src) {
                                        *d += wv * s;
                                    }
                                } else {
                                    for ox in x_lo..x_hi {
                                        out_row[ox] += wv
                                            * row[ox * g.stride[1] + j * g.dilation[1] - g.pad[1]];
                                    }
                                }
                            }
                        }
                    }
                    let (scale, shift) = (
                        ep.scale.map_or(1.0, |s| s[o]),
                        ep.shift.map_or(0.0, |s| s[o]),
                    );
                    let residual = ep.residual.map(|r| &r[base..base + oh * ow]);
                    finish_plane(dst, scale, shift, residual, ep.act);
                }
            },
        );
        #[cfg(target_arch = "x86_64")]
        pool::give(padded);
    });
}

/// The sums of one depthwise output plane with a horizontal stride of 1,
/// from its zero-padded copy ([`PaddedPlane`]): sixteen columns of four
/// output rows at a time, each in one register across all the kernel's
/// taps (the four rows keep four FMA chains in flight).
///
/// # Safety
/// AVX-512F must be present; `padded` holds the plane's [`PaddedPlane`]
/// copy and `dst` `g.output`'s `oh * ow` values.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn depthwise_plane_avx512(
    g: &ConvGeometry,
    pad: PaddedPlane,
    padded: &[f32],
    kernel: &[f32],
    dst: &mut [f32],
) {
    let oh = g.output[0];
    let mut oy = 0;
    while oy + 4 <= oh {
        // SAFETY: as for this function; rows oy..oy + 4 exist.
        unsafe { depthwise_rows_avx512::<4>(g, pad, padded, kernel, dst, oy) };
        oy += 4;
    }
    while oy < oh {
        // SAFETY: as above; row oy exists.
        unsafe { depthwise_rows_avx512::<1>(g, pad, padded, kernel, dst, oy) };
        oy += 1;
    }
}

/// Output rows `oy..oy + R` of [`depthwise_plane_avx512`].
///
/// # Safety
/// As for [`depthwise_plane_avx512`], and `oy + R <= oh`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn depthwise_rows_avx512<const R: usize>(
    g: &ConvGeometry,
    pad: PaddedPlane,
    padded: &[f32],
    kernel: &[f32],
    dst: &mut [f32],
    oy: usize,
) {
    use std::arch::x86_64::*;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let [dy, dx] = g.dilation;
    assert!(
        padded.len() >= pad.len()
            && pad == PaddedPlane::of(g)
            && dst.len() >= oh * ow
            && kernel.len() >= kh * kw
            && oy + R <= oh
    );
    // The first padded row each output row reads.
    let rows: [usize; R] = std::array::from_fn(|r| (oy + r) * g.stride[0] * pad.cols);
    for x0 in (0..ow).step_by(16) {
        let n = (ow - x0).min(16);
        let mut acc = [_mm512_setzero_ps(); R];
        for i in 0..kh {
            for j in 0..kw {
                let wv = _mm512_set1_ps(kernel[i * kw + j]);
                let at = i * dy * pad.cols + x0 + j * dx;
                for (a, &row) in acc.iter_mut().zip(&rows) {
                    // SAFETY: row + at + 15 is at most the last row's
                    // (rows - 1) * cols + (ow.div_ceil(16) * 16 - 16)
                    // + (kw - 1) * dx + 15 < rows * cols: inside `padded`.
                    let v = unsafe { _mm512_loadu_ps(padded.as_ptr().add(row + at)) };
                    *a = _mm512_fmadd_ps(wv, v, *a);
                }
            }
        }
        let mask = ((1u32 << n) - 1) as __mmask16;
        for (r, a) in acc.into_iter().enumerate() {
            // SAFETY: lanes 0..n are columns x0..x0+n of output row oy + r.
            unsafe { _mm512_mask_storeu_ps(dst.as_mut_ptr().add((oy + r) * ow + x0), mask, a) };
        }
    }
}

/// [`depthwise_plane_avx512`] for AVX2: sixteen columns of four output
/// rows at a time in two vectors each.
///
/// # Safety
/// AVX2 and FMA must be present; as for [`depthwise_plane_avx512`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn depthwise_plane_avx2(
    g: &ConvGeometry,
    pad: PaddedPlane,
    padded: &[f32],
    kernel: &[f32],
    dst: &mut [f32],
) {
    let oh = g.output[0];
    let mut oy = 0;
    while oy + 4 <= oh {
        // SAFETY: as for this function; rows oy..oy + 4 exist.
        unsafe { depthwise_rows_avx2::<4>(g, pad, padded, kernel, dst, oy) };
        oy += 4;
    }
    while oy < oh {
        // SAFETY: as above; row oy exists.
        unsafe { depthwise_rows_avx2::<1>(g, pad, padded, kernel, dst, oy) };
        oy += 1;
    }
}

/// Output rows `oy..oy + R` of [`depthwise_plane_avx2`].
///
/// # Safety
/// As for [`depthwise_plane_avx2`], and `oy + R <= oh`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn depthwise_rows_avx2<const R: usize>(
    g: &ConvGeometry,
    pad: PaddedPlane,
    padded: &[f32],
    kernel: &[f32],
    dst: &mut [f32],
    oy: usize,
) {
    use std::arch::x86_64::*;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let [dy, dx] = g.dilation;
    assert!(
        padded.len() >= pad.len()
            && pad == PaddedPlane::of(g)
            && dst.len() >= oh * ow
            && kernel.len() >= kh * kw
            && oy + R <= oh
    );
    let mut rows = [0usize; R];
    for (r, row) in rows.iter_mut().enumerate() {
        *row = (oy + r) * g.stride[0] * pad.cols;
    }
    for x0 in (0..ow).step_by(16) {
        let n = (ow - x0).min(16);
        let mut acc = [[_mm256_setzero_ps(); 2]; R];
        for i in 0..kh {
            for j in 0..kw {
                let wv = _mm256_set1_ps(kernel[i * kw + j]);
                let at = i * dy * pad.cols + x0 + j * dx;
                for (a, &row) in acc.iter_mut().zip(&rows) {
                    // SAFETY: row + at + 15 lies inside `padded`, as for
                    // `depthwise_rows_avx512`.
                    unsafe {
                        let p = padded.as_ptr().add(row + at);
                        a[0] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(p), a[0]);
                        a[1] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(p.add(8)), a[1]);
                    }
                }
            }
        }
        for (r, a) in acc.iter().enumerate() {
            let out = &mut dst[(oy + r) * ow + x0..][..n];
            if n == 16 {
                // SAFETY: `out` holds 16 values.
                unsafe {
                    _mm256_storeu_ps(out.as_mut_ptr(), a[0]);
                    _mm256_storeu_ps(out.as_mut_ptr().add(8), a[1]);
                }
            } else {
                let mut values = [0.0f32; 16];
                // SAFETY: `values` holds 16 values.
                unsafe {
                    _mm256_storeu_ps(values.as_mut_ptr(), a[0]);
                    _mm256_storeu_ps(values.as_mut_ptr().add(8), a[1]);
                }
                out.copy_from_slice(&values[..n]);
            }
        }
    }
}

/// `v = act(v * scale + shift + residual)` over a plane, one loop per
/// activation so that each vectorises.
#[inline(always)]
fn finish_plane(dst: &mut [f32], scale: f32, shift: f32, residual: Option<&[f32]>, act: Act) {
    #[inline(always)]
    fn each(
        dst: &mut [f32],
        scale: f32,
        shift: f32,
        residual: Option<&[f32]>,
        f: impl Fn(f32) -> f32,
    ) {
        match residual {
            Some(r) => dst
                .iter_mut()
                .zip(r)
                .for_each(|(v, r)| *v = f(*v * scale + shift + r)),
            None => dst.iter_mut().for_each(|v| *v = f(*v * scale + shift)),
        }
    }
    match act {
        Act::None => each(dst, scale, shift, residual, |x| x),
        Act::ReLU => each(dst, scale, shift, residual, |x| Act::ReLU.apply(x)),
        Act::ReLU6 => each(dst, scale, shift, residual, |x| Act::ReLU6.apply(x)),
        Act::LeakyReLU(s) => each(dst, scale, shift, residual, |x| Act::LeakyReLU(s).apply(x)),
    }
}

/// The definition, loop by loop: a reference for tests.
pub fn conv2d_reference(
    g: &ConvGeometry,
    weight: &[f32],
    bias: Option<&[f32]>,
    batch: usize,
    input: &[f32],
) -> Vec<f32> {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let cg = g.c_in / g.groups;
    let og = g.c_out / g.groups;
    let mut out = vec![0.0f32; batch * g.out_len()];
    for b in 0..batch {
        for o in 0..g.c_out {
            let gi = o / og;
            for y in 0..oh {
                for x in 0..ow {
                    let mut acc = bias.map_or(0.0, |b| b[o]) as f64;
                    for c in 0..cg {
                        for i in 0..kh {
                            for j in 0..kw {
                                let iy = (y * g.stride[0] + i * g.dilation[0]) as isize
                                    - g.pad[0] as isize;
                                let ix = (x * g.stride[1] + j * g.dilation[1]) as isize
                                    - g.pad[1] as isize;
                                if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
                                    continue;
                                }
                                let v = input[((b * g.c_in + gi * cg + c) * h + iy as usize) * w
                                    + ix as usize];
                                let wt = weight[((o * cg + c) * kh + i) * kw + j];
                                acc += v as f64 * wt as f64;
                            }
                        }
                    }
                    out[((b * g.c_out + o) * oh + y) * ow + x] = acc as f32;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, seed: usize) -> Vec<f32> {
        (0..n)
            .map(|i| (((i * 7919 + seed * 104_729) % 2003) as f32 / 1001.0) - 1.0)
            .collect()
    }

    fn check(g: ConvGeometry, batch: usize, bias: bool) {
        let w = values(g.c_out * g.patch_len(), 1);
        let b = values(g.c_out, 2);
        let x = values(batch * g.in_len(), 3);
        let bias = bias.then_some(&b[..]);
        let want = conv2d_reference(&g, &w, bias, batch, &x);
        // Every instruction set's GEMM, and the direct and shallow kernels
        // where the geometry suits them (whether or not they would be
        // chosen).
        let mut kernels: Vec<(Isa, ConvKernel)> = Isa::available()
            .into_iter()
            .map(|i| (i, ConvKernel::Gemm))
            .collect();
        if Isa::detect() == Isa::Avx512 {
            if DirectConv::new(&g, &w).is_some() {
                kernels.push((Isa::Avx512, ConvKernel::Direct));
            }
            if ShallowConv::new(&g, &w).is_some() {
                kernels.push((Isa::Avx512, ConvKernel::Shallow));
            }
        }
        if FlatConv::new(&g, &w).is_some() {
            kernels.push((Isa::Avx2, ConvKernel::Flat));
        }
        if DirectAvx2::new(&g, &w).is_some() {
            kernels.push((Isa::Avx2, ConvKernel::Direct));
        }
        if Winograd::new(&g, &w).is_some() {
            kernels.push((Isa::Avx2, ConvKernel::Winograd));
        }
        if PatchConv::new(&g, &w).is_some() {
            kernels.push((Isa::Avx2, ConvKernel::Patch));
        }
        for (isa, kernel) in kernels {
            let mut y = vec![f32::NAN; batch * g.out_len()];
            let packed = PackedConv::with_kernel(isa, &g, &w, kernel);
            let ep = Epilogue {
                shift: bias,
                ..Epilogue::default()
            };
            conv2d(&g, &w, &packed, batch, &x, &mut y, &ep);
            for (i, (a, b)) in y.iter().zip(&want).enumerate() {
                assert!(
                    (a - b).abs() < 1e-4,
                    "{isa:?} {kernel:?} {g:?} at {i}: {a} vs {b}"
                );
            }
        }
    }

    // One argument per size keeps the test table below readable.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn geo(
        c_in: usize,
        c_out: usize,
        input: [usize; 2],
        kernel: [usize; 2],
        stride: [usize; 2],
        pad: [usize; 2],
        dilation: [usize; 2],
        groups: usize,
    ) -> ConvGeometry {
        let out = |a: usize| {
            cnn_shape::conv_out(input[a], kernel[a], stride[a], pad[a], pad[a], dilation[a])
                .unwrap()
        };
        ConvGeometry {
            c_in,
            c_out,
            input,
            output: [out(0), out(1)],
            kernel,
            stride,
            pad,
            dilation,
            groups,
        }
    }

    #[test]
    fn shallow_kernel_matches_reference() {
        // Widths 1 to 70: 1 to 4 vectors a tile, and a second tile; 1 to
        // 17 channels: groups of 1 to 8 (17 = 6 + 6 + 5); strides 1 and 2.
        for width in 1..=70 {
            for stride in [1, 2] {
                let c_out = 1 + width % 17;
                check(
                    geo(2, c_out, [4, width], [2, 3], [1, stride], [1, 1], [1, 1], 1),
                    2,
                    true,
                );
            }
        }
        // The first layers of the fixture models, dilation, and padding
        // wider than the kernel.
        check(
            geo(1, 16, [20, 20], [2, 2], [2, 2], [0, 0], [1, 1], 1),
            1,
            true,
        );
        check(
            geo(3, 10, [13, 13], [3, 3], [1, 1], [0, 0], [1, 1], 1),
            2,
            true,
        );
        check(
            geo(3, 16, [9, 11], [3, 5], [2, 1], [1, 2], [1, 1], 1),
            1,
            false,
        );
        check(
            geo(2, 8, [7, 19], [3, 3], [1, 2], [4, 5], [2, 2], 1),
            2,
            true,
        );
    }

    #[test]
    fn direct_kernel_matches_reference() {
        let check = |g: ConvGeometry, batch: usize, bias: bool| {
            if Isa::detect() == Isa::Avx512 {
                let w = values(g.c_out * g.patch_len(), 1);
                assert!(
                    super::super::direct::DirectConv::new(&g, &w).is_some(),
                    "{g:?}"
                );
            }
            check(g, batch, bias);
        };
        // Widths 1 to 25: tiles of every size from 1 to 12 pixels.
        for width in 1..=25 {
            check(
                geo(5, 32, [3, width], [3, 3], [1, 1], [1, 1], [1, 1], 1),
                2,
                true,
            );
        }
        // Groups of tiles across rows, several groups a task, `k` in
        // blocks (360 and 270 > 256).
        check(
            geo(40, 32, [11, 13], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            2,
            true,
        );
        check(
            geo(30, 32, [19, 6], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            1,
            false,
        );
        // Stride 2, dilation, rectangular kernels and padding, 64 channels.
        check(
            geo(8, 64, [15, 17], [5, 5], [2, 2], [1, 2], [1, 1], 1),
            1,
            true,
        );
        check(
            geo(7, 32, [11, 13], [3, 3], [1, 1], [2, 2], [2, 2], 1),
            2,
            false,
        );
        check(
            geo(3, 32, [9, 10], [3, 5], [2, 1], [0, 2], [1, 1], 1),
            1,
            true,
        );
        // 1x1 convolution with stride 2.
        check(
            geo(16, 32, [9, 9], [1, 1], [2, 2], [0, 0], [1, 1], 1),
            1,
            true,
        );
        // 16 and 48 channels: a half-filled last block.
        check(
            geo(6, 16, [14, 14], [5, 5], [1, 1], [0, 0], [1, 1], 1),
            2,
            true,
        );
        check(
            geo(4, 48, [9, 7], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            1,
            true,
        );
    }

    /// The kernels besides the GEMM that this CPU runs, all of which write
    /// output rows directly (and so can pool them band by band).
    fn row_kernels() -> Vec<(Isa, ConvKernel)> {
        match Isa::detect() {
            Isa::Avx512 => vec![
                (Isa::Avx512, ConvKernel::Direct),
                (Isa::Avx512, ConvKernel::Shallow),
            ],
            Isa::Avx2 => vec![
                (Isa::Avx2, ConvKernel::Direct),
                (Isa::Avx2, ConvKernel::Flat),
                (Isa::Avx2, ConvKernel::Winograd),
                (Isa::Avx2, ConvKernel::Patch),
            ],
            Isa::Portable => Vec::new(),
        }
    }

    /// Convolving and pooling band by band gives exactly the convolution
    /// then the pooling: every row kernel that takes the geometry, windows
    /// of 2x2 to 4x4 and 3x2, outputs that leave rows and columns out,
    /// several bands, batch 2, BatchNorm's scale and shift and an
    /// activation.
    #[test]
    fn pooled_convolution_matches_convolution_then_pooling() {
        let mut pooled = 0;
        for (g, pool) in [
            (
                geo(8, 32, [21, 23], [3, 3], [1, 1], [1, 1], [1, 1], 1),
                [2, 2],
            ),
            (
                geo(8, 16, [30, 19], [3, 3], [1, 1], [1, 1], [1, 1], 1),
                [3, 2],
            ),
            (
                geo(1, 16, [40, 40], [2, 2], [2, 2], [0, 0], [1, 1], 1),
                [2, 2],
            ),
            // Tile vectors that cross rows, an odd number of output
            // channel panels.
            (
                geo(5, 13, [36, 35], [3, 3], [1, 1], [1, 1], [1, 1], 1),
                [2, 2],
            ),
            (
                geo(3, 10, [35, 34], [3, 3], [1, 1], [0, 0], [1, 1], 1),
                [4, 4],
            ),
        ] {
            let w = values(g.c_out * g.patch_len(), 1);
            let x = values(2 * g.in_len(), 2);
            let scale = values(g.c_out, 3);
            let shift = values(g.c_out, 4);
            let ep = Epilogue {
                scale: Some(&scale),
                shift: Some(&shift),
                residual: None,
                act: Act::LeakyReLU(0.1),
            };
            let pooling = PoolGeometry {
                channels: g.c_out,
                input: g.output,
                output: [g.output[0] / pool[0], g.output[1] / pool[1]],
                kernel: pool,
                stride: pool,
                pad: [0, 0],
                dilation: [1, 1],
            };
            for (isa, kernel) in row_kernels() {
                let packed = PackedConv::with_kernel(isa, &g, &w, kernel);
                if packed.kernel() != kernel {
                    continue;
                }
                if kernel == ConvKernel::Winograd && pool != [2, 2] {
                    // Its tiles are 2x2 pooling windows, and no others.
                    assert!(!poolable(&g, &packed, &pooling), "{g:?}");
                    continue;
                }
                assert!(poolable(&g, &packed, &pooling), "{g:?}");
                let mut conv = vec![f32::NAN; 2 * g.out_len()];
                conv2d(&g, &w, &packed, 2, &x, &mut conv, &ep);
                let pooled_len = g.c_out * pooling.output[0] * pooling.output[1];
                let mut want = vec![f32::NAN; 2 * pooled_len];
                super::super::pool::max_pool2d(&pooling, 2, &conv, &mut want);
                let mut got = vec![f32::NAN; 2 * pooled_len];
                conv2d_max_pooled(&g, &packed, 2, &x, &mut got, &ep, &pooling);
                for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                    assert_eq!(
                        a.to_bits(),
                        b.to_bits(),
                        "{kernel:?} {g:?} at {i}: {a} vs {b}"
                    );
                }
                // Nor for overlapping windows.
                let overlapping = PoolGeometry {
                    stride: [1, 1],
                    output: [g.output[0] - pool[0] + 1, g.output[1] - pool[1] + 1],
                    ..pooling
                };
                assert!(!poolable(&g, &packed, &overlapping));
                pooled += 1;
            }
            // Not for the GEMM.
            let gemm = PackedConv::with_kernel(Isa::detect(), &g, &w, ConvKernel::Gemm);
            assert!(!poolable(&g, &gemm, &pooling));
        }
        if Isa::detect() == Isa::Portable {
            eprintln!("no AVX2 here: convolutions are not pooled in one pass");
        } else {
            assert!(pooled >= 6, "{pooled} kernels and geometries pooled");
        }
    }

    /// Every row kernel's epilogue (scale, shift, residual, activation)
    /// matches the GEMM's: 64 channels, and 13 over rows of 37 and 75
    /// columns at strides 1 and 2 (channel tiles that leave some out).
    #[test]
    fn row_kernels_epilogue() {
        for g in [
            geo(6, 64, [10, 14], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            geo(3, 13, [6, 37], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            geo(2, 13, [6, 75], [3, 3], [1, 2], [1, 1], [1, 1], 1),
            geo(5, 24, [9, 7], [3, 3], [2, 1], [1, 1], [1, 1], 1),
            // Windows that tile the input: a vector tail, 4 + 3 channels.
            geo(2, 7, [12, 41], [2, 2], [2, 2], [0, 0], [1, 1], 1),
        ] {
            let w = values(g.c_out * g.patch_len(), 4);
            let x = values(2 * g.in_len(), 5);
            let scale = values(g.c_out, 6);
            let shift = values(g.c_out, 7);
            let residual = values(2 * g.out_len(), 8);
            for act in [Act::None, Act::ReLU, Act::ReLU6, Act::LeakyReLU(0.1)] {
                let ep = Epilogue {
                    scale: Some(&scale),
                    shift: Some(&shift),
                    residual: Some(&residual),
                    act,
                };
                let run = |isa: Isa, kernel: ConvKernel| {
                    let packed = PackedConv::with_kernel(isa, &g, &w, kernel);
                    let mut y = vec![f32::NAN; 2 * g.out_len()];
                    conv2d(&g, &w, &packed, 2, &x, &mut y, &ep);
                    (packed.kernel() == kernel).then_some(y)
                };
                let gemm = run(Isa::detect(), ConvKernel::Gemm).expect("the GEMM runs anything");
                for (isa, kernel) in row_kernels() {
                    let Some(y) = run(isa, kernel) else {
                        continue;
                    };
                    for (i, (a, b)) in y.iter().zip(&gemm).enumerate() {
                        assert!(
                            (a - b).abs() < 1e-4,
                            "{kernel:?} {act:?} {g:?} at {i}: {a} vs {b}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn matches_reference() {
        check(
            geo(3, 4, [7, 9], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            2,
            true,
        );
        // windows that tile the input, rectangular, rows and columns
        // left over, 4 + 1 output channels
        check(
            geo(3, 5, [9, 40], [2, 3], [2, 3], [0, 0], [1, 1], 1),
            2,
            true,
        );
        // enough output channels for a small image's Winograd tasks to
        // share them out (17 panels of 6, in two tasks)
        check(
            geo(4, 100, [6, 7], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            2,
            true,
        );
        // stride larger than the kernel
        check(
            geo(2, 3, [11, 10], [2, 2], [3, 3], [0, 0], [1, 1], 1),
            1,
            true,
        );
        // padding on one axis only, odd sizes, rectangular kernel
        check(
            geo(3, 5, [5, 8], [3, 5], [2, 1], [0, 2], [1, 1], 1),
            3,
            false,
        );
        // dilation with groups
        check(
            geo(4, 6, [9, 9], [3, 3], [1, 1], [2, 2], [2, 2], 2),
            1,
            true,
        );
        // groups of 16 and of 8 output channels (blocks per group)
        check(
            geo(16, 32, [9, 11], [3, 3], [1, 1], [2, 2], [2, 2], 2),
            2,
            true,
        );
        check(
            geo(6, 24, [7, 8], [3, 3], [2, 1], [1, 1], [1, 1], 3),
            1,
            true,
        );
        // depthwise: groups = channels
        check(
            geo(5, 5, [6, 7], [3, 3], [1, 1], [1, 1], [1, 1], 5),
            2,
            true,
        );
        // depthwise over rows longer than a vector (a tail of 5), with a
        // multiplier, dilation, vertical stride, rectangular kernels and
        // padding wider than the kernel
        for (input, kernel, stride, pad, dilation, mult) in [
            ([9, 37], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            ([9, 21], [3, 3], [1, 1], [2, 2], [2, 2], 2),
            ([11, 18], [5, 3], [2, 1], [2, 1], [1, 1], 1),
            ([4, 5], [3, 3], [1, 1], [4, 3], [1, 2], 1),
            ([7, 16], [1, 7], [1, 1], [0, 3], [1, 1], 3),
        ] {
            check(
                geo(3, 3 * mult, input, kernel, stride, pad, dilation, 3),
                2,
                true,
            );
        }
        // depthwise multiplier 2, strided
        check(
            geo(3, 6, [6, 6], [3, 3], [2, 2], [1, 1], [1, 1], 3),
            1,
            true,
        );
        // 1x1 pointwise, and 1x1 with stride
        check(
            geo(4, 3, [5, 5], [1, 1], [1, 1], [0, 0], [1, 1], 1),
            2,
            true,
        );
        check(
            geo(4, 3, [5, 5], [1, 1], [2, 2], [0, 0], [1, 1], 1),
            2,
            true,
        );
        // kernel as large as the padded input
        check(
            geo(1, 2, [3, 3], [5, 5], [1, 1], [1, 1], [1, 1], 1),
            1,
            true,
        );
        // large padding: whole rows outside
        check(
            geo(2, 2, [2, 3], [3, 3], [1, 1], [3, 2], [1, 1], 1),
            1,
            true,
        );
        // big enough to be split into tasks
        check(
            geo(16, 40, [40, 40], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            2,
            true,
        );
        check(
            geo(64, 200, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            1,
            true,
        );
    }
}

#[cfg(test)]
mod gather_packing {
    use super::*;

    /// Packing by the gather table gives the very panels that packing run
    /// by run gives, over strided, padded, dilated, grouped and narrow
    /// geometries, for every `k` block and panel offset.
    #[test]
    fn gather_matches_runs() {
        if Isa::detect() != Isa::Avx512 {
            eprintln!("no AVX-512 here: the gather packing is not used");
            return;
        }
        let geometries = [
            ([3, 16], [32, 32], [3, 3], [2, 2], [1, 1], [1, 1], 1),
            ([16, 32], [15, 15], [5, 5], [2, 2], [1, 1], [1, 1], 1),
            ([1, 6], [28, 28], [5, 5], [1, 1], [2, 2], [1, 1], 1),
            ([4, 6], [9, 11], [3, 3], [1, 1], [2, 2], [2, 2], 2),
            ([32, 8], [14, 14], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            ([1, 16], [200, 200], [2, 2], [2, 2], [0, 0], [1, 1], 1),
        ];
        for ([c_in, c_out], input, kernel, stride, pad, dilation, groups) in geometries {
            let g = super::tests::geo(c_in, c_out, input, kernel, stride, pad, dilation, groups);
            let gathered = Patches::new(&g, 32);
            assert!(!gathered.gather.is_empty(), "{g:?} should pack by gathers");
            let by_runs = Patches {
                gather: Vec::new(),
                ..Patches::new(&g, 32)
            };
            let per_group = c_in / groups;
            let image: Vec<f32> = (0..per_group * input[0] * input[1])
                .map(|i| i as f32 + 1.0)
                .collect();
            let (k, n) = (per_group * kernel[0] * kernel[1], g.output[0] * g.output[1]);
            for (k0, kc) in super::super::gemm::k_blocks(k) {
                for n0 in (0..n).step_by(64) {
                    let nc = (n - n0).min(64);
                    let len = kc * nc.div_ceil(32) * 32;
                    let (mut a, mut b) = (vec![f32::NAN; len], vec![f32::NAN; len]);
                    let pack = |patches: &Patches, out: &mut [f32]| {
                        Im2col {
                            g: &g,
                            patches,
                            input: &image,
                        }
                        .pack(k0, kc, n0, nc, 32, out)
                    };
                    pack(&gathered, &mut a);
                    pack(&by_runs, &mut b);
                    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&a), bits(&b), "{g:?} k0 {k0} n0 {n0}");
                }
            }
        }
    }
}

#[cfg(test)]
mod pack_speed {
    use super::*;

    #[test]
    #[ignore]
    fn pack_speed() {
        for (c, hw) in [(32usize, 32usize), (64, 56), (256, 14)] {
            let g = ConvGeometry {
                c_in: c,
                c_out: 64,
                input: [hw, hw],
                output: [hw, hw],
                kernel: [3, 3],
                stride: [1, 1],
                pad: [1, 1],
                dilation: [1, 1],
                groups: 1,
            };
            let packed = PackedConv::new(&g, &vec![0.0; 64 * c * 9]);
            let input: Vec<f32> = (0..c * hw * hw).map(|i| i as f32).collect();
            let b = Im2col {
                g: &g,
                patches: &packed.patches,
                input: &input,
            };
            let k = c * 9;
            let n = hw * hw;
            let nc = n.min(512);
            let mut out = vec![0.0f32; 256 * nc.div_ceil(32) * 32 + 64];
            let t = std::time::Instant::now();
            let mut floats = 0usize;
            while t.elapsed().as_secs_f64() < 1.0 {
                let mut k0 = 0;
                while k0 < k {
                    let kc = 256.min(k - k0);
                    b.pack(k0, kc, 0, nc, 32, &mut out);
                    floats += kc * nc.div_ceil(32) * 32;
                    k0 += kc;
                }
            }
            println!(
                "c={c} hw={hw}: {:.3} ns/float",
                t.elapsed().as_secs_f64() * 1e9 / floats as f64
            );
        }
    }
}
