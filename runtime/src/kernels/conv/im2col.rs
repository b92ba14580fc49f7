//! The packed GEMM over an image's patches (an implicit im2col): each
//! group's output `[C_OUT/G, OH*OW]` is its weights `[C_OUT/G, K]` times the
//! input's patches `[K, OH*OW]` (`K = C_IN/G * KH * KW`), packed panel by
//! panel straight from the image. It takes any geometry on any CPU.

use super::geometry::ConvGeometry;
use super::kernel::Kernel;
use crate::kernels::epilogue::{Epilogue, Out};
use crate::kernels::gemm::{Matrix, PackB, PackedA, gemm_part, mr, nr};
use crate::kernels::isa::Isa;
use crate::pool;
use crate::threads;

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
    /// gather per half panel (AVX-512 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
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
        let avx512 = nr == 32 && Isa::Avx512.runs();
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

/// How one image's GEMM is cut into tasks (row pieces, column pieces): by
/// its size, and into `least` pieces at least where panels allow (a layer
/// shared with helpers). Pieces hold whole panels, so every tile, and
/// every sum, is the same however many there are.
fn split(m: usize, k: usize, n: usize, mr: usize, nr: usize, least: usize) -> (usize, usize) {
    // Below about a million multiply-adds a task costs more than it saves.
    let work = m * k * n;
    let pieces = (work / (1 << 20)).clamp(1, 4);
    if n >= 4 * nr * pieces || m < 2 * mr * pieces {
        (1, pieces.max(least).min(n.div_ceil(nr)).max(1))
    } else {
        (pieces.max(least).min(m.div_ceil(mr)).max(1), 1)
    }
}

/// The weights packed per group for the GEMM, and what the patches of the
/// geometry read, worked out once.
#[derive(Clone, Debug)]
pub struct GemmConv {
    groups: Vec<PackedA>,
    patches: Patches,
}

impl GemmConv {
    /// Packs `weight` for `isa` (or the best below it this CPU runs): the
    /// GEMM takes every geometry.
    pub fn new(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Self {
        let isa = isa.or_below();
        let og = g.c_out / g.groups;
        let k = g.patch_len();
        let groups = (0..g.groups)
            .map(|gi| PackedA::new(isa, og, k, &weight[gi * og * k..(gi + 1) * og * k]))
            .collect();
        GemmConv {
            groups,
            patches: Patches::new(g, nr(isa)),
        }
    }
}

impl Kernel for GemmConv {
    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        Some(GemmConv::new(isa, g, weight))
    }

    fn conv2d(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        epilogue: &Epilogue,
    ) {
        let Some(first) = self.groups.first() else {
            return;
        };
        let og = g.c_out / g.groups;
        let cg = g.c_in / g.groups;
        let k = g.patch_len();
        let n = g.output[0] * g.output[1];
        let plane = g.input[0] * g.input[1];
        let (mr, nr) = (mr(first.isa()), nr(first.isa()));
        let least = if threads::shared(batch * g.macs()) {
            threads::min_tasks().div_ceil(batch * g.groups)
        } else {
            1
        };
        let (row_pieces, col_pieces) = split(og, k, n, mr, nr, least);
        let panels = og.div_ceil(mr);
        let rows_per = panels.div_ceil(row_pieces);
        let cols_per = n.div_ceil(nr).div_ceil(col_pieces) * nr;
        let tasks_per_image = g.groups * row_pieces * col_pieces;
        let out = Out::new(output);
        threads::for_each(batch * tasks_per_image, batch * g.macs(), |t| {
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
                        gemm_part(&self.groups[gi], panel_range, &b, cols, &c, n, &ep, scratch)
                    };
                } else {
                    let b = Im2col {
                        g,
                        patches: &self.patches,
                        input: group_input,
                    };
                    // SAFETY: as above.
                    unsafe {
                        gemm_part(&self.groups[gi], panel_range, &b, cols, &c, n, &ep, scratch)
                    };
                }
            });
        });
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
        if !Isa::Avx512.runs() {
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
            let g =
                super::super::tests::geo(c_in, c_out, input, kernel, stride, pad, dilation, groups);
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
            for (k0, kc) in crate::kernels::gemm::k_blocks(k) {
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
