//! Depthwise convolution (`groups == C_IN`, each output channel reads one
//! input channel: MobileNet's 3x3 layers), at any stride, dilation and
//! padding, written once over the vector width.
//!
//! Each input plane is copied once, zero-padded and split into the
//! horizontal stride's column phases (column `x * S + p` of the padded
//! plane goes to phase `p`, column `x`), so that every tap of every output
//! column reads consecutive values: 16 output columns of 4 output rows (8
//! with AVX-512) at a time, each in registers across all the kernel's
//! taps, then the epilogue, stored as whole vectors. With AVX-512, 3x3
//! and 5x5 windows at stride 1 and 2 skip the copy: each input row is read in
//! place once for all the output rows it feeds, the padding made by masked
//! loads, its columns shifted or split into even and odd ones in
//! registers. Each output is one sum over the taps in order, so the
//! results do not depend on the thread count or the path.

use super::DEPTHWISE_COST;
use super::geometry::ConvGeometry;
use super::kernel::Kernel;
use crate::kernels::epilogue::{Act, Epilogue, Out};
use crate::kernels::isa::Isa;
use crate::kernels::simd::{Simd, activate_rows, dispatch, unzip_row};
use crate::pool;
use crate::threads;

/// Output columns a step: a vector of 16 lanes, two of 8, four of 4.
const COLS: usize = 16;
/// Output rows a step: four FMA chains in flight per column vector.
const ROWS: usize = 4;
/// Multiply-adds a task is worth at least: fewer are run by one thread.
/// Small enough that a shared layer makes four tasks a thread on two
/// (MobileNetV2's 576 channels at 14x14: 8 tasks, where 3 kept one thread
/// idle a third of the layer).
const TASK_WORK: usize = 1 << 16;

/// The weights of a depthwise convolution, `[C_OUT][KH * KW]` as PyTorch
/// holds them, and the instruction set they run on.
#[derive(Clone, Debug)]
pub struct DepthwiseConv {
    isa: Isa,
    weight: Vec<f32>,
    /// Where each tap of output `(0, 0)` reads in the phase-split copy, in
    /// the weights' order: the same step on for every other output.
    taps: Vec<usize>,
}

/// Where the phase-split copy of one padded plane keeps its values:
/// `[phase][row][column]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Phases {
    /// Horizontal stride: the number of phases.
    count: usize,
    rows: usize,
    /// Columns of each phase.
    cols: usize,
}

impl Phases {
    fn of(g: &ConvGeometry) -> Self {
        let [oh, ow] = g.output;
        let (sx, dx) = (g.stride[1], g.dilation[1]);
        Phases {
            count: sx,
            rows: (oh - 1) * g.stride[0] + (g.kernel[0] - 1) * g.dilation[0] + 1,
            // Whole steps of output columns, plus the furthest tap's reach.
            cols: ow.div_ceil(COLS) * COLS + (g.kernel[1] - 1) * dx / sx + 1,
        }
    }

    fn len(self) -> usize {
        self.count * self.rows * self.cols
    }

    /// Where tap `(i, j)` of output `(oy, ox)` reads.
    fn at(self, g: &ConvGeometry, oy: usize, ox: usize, i: usize, j: usize) -> usize {
        let col = j * g.dilation[1];
        let (phase, shift) = (col % self.count, col / self.count);
        let row = oy * g.stride[0] + i * g.dilation[0];
        (phase * self.rows + row) * self.cols + ox + shift
    }

    /// Values of the scratch [`Phases::fill`] needs beside the copy: one
    /// padded input row, in whole vector pairs.
    fn line_len(self) -> usize {
        (self.count * self.cols).next_multiple_of(2 * COLS)
    }

    /// Copies `plane` into `copy`, zeros wherever a window reaches past it,
    /// row by row through `line` (of [`Phases::line_len`] values): the row
    /// padded, then split into its phases (at stride 2 by vector unzips).
    #[inline(always)]
    fn fill<S: Simd>(
        self,
        s: S,
        g: &ConvGeometry,
        plane: &[f32],
        copy: &mut [f32],
        line: &mut [f32],
    ) {
        let [h, w] = g.input;
        let [top, left] = g.pad;
        let (count, cols) = (self.count, self.cols);
        let line = &mut line[..self.line_len()];
        // The input columns the padded row holds (all but those no window
        // reaches).
        let lead = left.min(line.len());
        let n = w.min(line.len() - lead);
        for r in 0..self.rows {
            let Some(iy) = r.checked_sub(top).filter(|&iy| iy < h) else {
                for p in 0..count {
                    copy[(p * self.rows + r) * cols..][..cols].fill(0.0);
                }
                continue;
            };
            if count == 1 {
                // Stride 1: zeros, the row, zeros, straight into the copy.
                let row = &mut copy[r * cols..][..cols];
                let (left, n) = (left.min(cols), w.min(cols.saturating_sub(left)));
                row[..left].fill(0.0);
                row[left..left + n].copy_from_slice(&plane[iy * w..][..n]);
                row[left + n..].fill(0.0);
                continue;
            }
            line[..lead].fill(0.0);
            line[lead..lead + n].copy_from_slice(&plane[iy * w..][..n]);
            line[lead + n..].fill(0.0);
            if count == 2 {
                let (even, odd) = copy.split_at_mut((self.rows + r) * cols);
                let (even, odd) = (&mut even[r * cols..][..cols], &mut odd[..cols]);
                unzip_row(s, line, even, odd);
                continue;
            }
            for p in 0..count {
                // Phase p holds padded columns p, p + S, ...
                let row = &mut copy[(p * self.rows + r) * cols..][..cols];
                for (v, x) in row.iter_mut().zip(line[p..].iter().step_by(count)) {
                    *v = *x;
                }
            }
        }
    }
}

impl Kernel for DepthwiseConv {
    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        g.is_depthwise_with_extent().then(|| {
            let phases = Phases::of(g);
            let [kh, kw] = g.kernel;
            DepthwiseConv {
                isa: isa.or_below(),
                weight: weight[..g.c_out * kh * kw].to_vec(),
                taps: (0..kh * kw)
                    .map(|t| phases.at(g, 0, 0, t / kw, t % kw))
                    .collect(),
            }
        })
    }

    fn conv2d(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
    ) {
        let phases = Phases::of(g);
        let [h, w] = g.input;
        let mult = g.c_out / g.c_in;
        // Tasks of whole input channels, by the shape alone.
        let work = g.out_len() * g.kernel[0] * g.kernel[1];
        let pieces = (work / TASK_WORK).clamp(1, 8).min(g.c_in);
        let per_piece = g.c_in.div_ceil(pieces);
        let out = Out::new(output);
        let in_place = self.isa.lanes() == 16 && reads_in_place(g);
        threads::for_each(batch * pieces, batch * g.macs() * DEPTHWISE_COST, |t| {
            let (b, piece) = (t / pieces, t % pieces);
            // (Empty for the last pieces where `c_in` splits unevenly.)
            let channels = (piece * per_piece).min(g.c_in)..((piece + 1) * per_piece).min(g.c_in);
            let mut scratch = if in_place {
                pool::Buffer::default()
            } else {
                pool::take(phases.len() + phases.line_len())
            };
            let at = phases.len().min(scratch.len());
            let (copy, line) = scratch.split_at_mut(at);
            // The input planes this task reads, in the order it reads them.
            let planes = &input[(b * g.c_in + channels.start) * h * w..][..channels.len() * h * w];
            for c in channels.clone() {
                let ahead = &planes[(c - channels.start) * h * w..];
                let src = &ahead[..h * w];
                if !in_place {
                    dispatch!(self.isa, s => phases.fill(s, g, src, copy, line));
                }
                for o in c * mult..(c + 1) * mult {
                    let plane = (b * g.c_out + o) * g.output[0] * g.output[1];
                    // SAFETY: each task writes the planes of its own
                    // channels of its own image, inside `output` (the
                    // caller asserts its length).
                    let dst = unsafe { out.slice(plane, g.output[0] * g.output[1]) };
                    let residual = ep.residual.map(|r| &r[plane..][..dst.len()]);
                    if in_place {
                        dispatch!(self.isa, s => plane_in_place(s, g, ahead, self, o, dst, residual, ep));
                    } else {
                        dispatch!(self.isa, s => output_plane(s, g, phases, copy, self, o, dst, residual, ep));
                    }
                }
            }
            if !in_place {
                pool::give(scratch);
            }
        });
    }
}

/// Runs `$rows` for each block of output rows `$oy..$oy + $r` down a
/// plane of `$oh` rows: eight at a time where `$eight`, else four (`$r` a
/// constant, for the sums' registers). Rows left over run as one more
/// block moved back to end at the last row, eight of them where more than
/// four are left, else four: it makes a few rows a second time (the same
/// sums, stored again) where blocks of single rows would each wait out
/// the whole chain of their taps (MobileNetV2's 384 channels at 14x14,
/// AVX-512: 8 + 8 rows rather than 8 + 4 + 1 + 1). Planes of fewer than
/// four rows go a row at a time.
macro_rules! row_blocks {
    ($oh:expr, $eight:expr, |$r:ident, $oy:ident| $rows:expr) => {{
        let oh: usize = $oh;
        let eight = $eight && oh >= 2 * ROWS;
        let step = if eight { 2 * ROWS } else { ROWS };
        let whole = if oh >= ROWS { oh - oh % step } else { 0 };
        for $oy in (0..whole).step_by(step) {
            if eight {
                const $r: usize = 2 * ROWS;
                $rows;
            } else {
                const $r: usize = ROWS;
                $rows;
            }
        }
        let left = oh - whole;
        if left > ROWS && eight {
            let $oy = oh - 2 * ROWS;
            const $r: usize = 2 * ROWS;
            $rows;
        } else if left > 0 && oh >= ROWS {
            let $oy = oh - ROWS;
            const $r: usize = ROWS;
            $rows;
        } else {
            for $oy in whole..oh {
                const $r: usize = 1;
                $rows;
            }
        }
    }};
}

/// Output plane `o` from its input plane's copy, with the epilogue.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn output_plane<S: Simd>(
    s: S,
    g: &ConvGeometry,
    phases: Phases,
    copy: &[f32],
    d: &DepthwiseConv,
    o: usize,
    dst: &mut [f32],
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    // Eight rows where the vectors are wide enough to leave registers for
    // the eight sums.
    row_blocks!(g.output[0], S::LANES == 16, |R, oy| rows::<S, R>(
        s, g, phases, copy, d, o, oy, dst, residual, ep
    ));
}

/// Output rows `oy..oy + R` of plane `o`: `COLS` columns at a time.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn rows<S: Simd, const R: usize>(
    s: S,
    g: &ConvGeometry,
    phases: Phases,
    copy: &[f32],
    d: &DepthwiseConv,
    o: usize,
    oy: usize,
    dst: &mut [f32],
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let kernel = &d.weight[o * kh * kw..][..kh * kw];
    // The furthest read: the last row's last tap, a whole step on.
    let last = phases.at(
        g,
        oy + R - 1,
        ow.div_ceil(COLS) * COLS - COLS,
        kh - 1,
        kw - 1,
    );
    assert!(
        oy + R <= oh
            && dst.len() >= oh * ow
            && copy.len() >= phases.len()
            && last + COLS <= phases.len()
    );
    // Each output row on from the first reads `stride` rows further down.
    let row_step = g.stride[0] * phases.cols;
    let first = oy * row_step;
    debug_assert_eq!(first + d.taps[0], phases.at(g, oy, 0, 0, 0));
    let tail = Tail::new(s, ep, o, ow, oy);
    for x0 in (0..ow).step_by(COLS) {
        // SAFETY: every read lies at or before `last + COLS` (asserted
        // above; `taps` holds `Phases::at` of each tap).
        let base = unsafe { copy.as_ptr().add(first + x0) };
        match S::LANES {
            16 => {
                let acc = window_sums::<S, R, 1>(s, base, row_step, kernel, &d.taps, kw);
                tail.store(s, acc, x0, dst, residual);
            }
            8 => {
                let acc = window_sums::<S, R, 2>(s, base, row_step, kernel, &d.taps, kw);
                tail.store(s, acc, x0, dst, residual);
            }
            _ => {
                let acc = window_sums::<S, R, 4>(s, base, row_step, kernel, &d.taps, kw);
                tail.store(s, acc, x0, dst, residual);
            }
        }
    }
}

/// The epilogue of one output plane's rows.
struct Tail<F> {
    ow: usize,
    /// The first of the rows.
    oy: usize,
    scale: F,
    shift: F,
    act: Act,
}

impl<F: Copy> Tail<F> {
    /// The epilogue of output plane `o` (`ow` columns) from row `oy`.
    #[inline(always)]
    fn new<S: Simd<F = F>>(s: S, ep: &Epilogue, o: usize, ow: usize, oy: usize) -> Self {
        Tail {
            ow,
            oy,
            scale: s.splat(ep.scale.map_or(1.0, |x| x[o])),
            shift: s.splat(ep.shift.map_or(0.0, |x| x[o])),
            act: ep.act,
        }
    }

    /// Stores `R` rows of `V` vectors of sums from column `x0` into `dst`
    /// (the plane), with the epilogue; whole vectors where the row has
    /// room for them.
    #[inline(always)]
    fn store<S: Simd<F = F>, const R: usize, const V: usize>(
        &self,
        s: S,
        acc: [[F; V]; R],
        x0: usize,
        dst: &mut [f32],
        residual: Option<&[f32]>,
    ) {
        let n = S::LANES;
        // The step's columns inside the row.
        let width = (self.ow - x0).min(V * n);
        let at = |r: usize| (self.oy + r) * self.ow + x0;
        // (Rebound here: `mut acc` in the signature compiled the stride-1
        // rows 0.86x as fast, AVX-512, MNASNet's 48 channels at 56x56.)
        let mut acc = acc;
        for (r, y) in acc.iter_mut().enumerate() {
            for y in y.iter_mut() {
                *y = s.mul_add(*y, self.scale, self.shift);
            }
            if let Some(res) = residual {
                let res = &res[at(r)..at(r) + width];
                for (y, res) in y.iter_mut().zip(res.chunks(n)) {
                    *y = s.add(*y, s.load_first(res));
                }
            }
        }
        // The activation chosen once for every row: chosen per row, the
        // rows' sums went through memory between them.
        let acc = activate_rows(s, acc, self.act);
        for (r, y) in acc.into_iter().enumerate() {
            if width == V * n {
                let dst = &mut dst[at(r)..at(r) + V * n];
                for (v, y) in y.into_iter().enumerate() {
                    // SAFETY: `dst` holds `V` whole vectors.
                    unsafe { s.store(dst.as_mut_ptr().add(v * n), y) };
                }
            } else {
                let row = &mut dst[at(r)..at(r) + width];
                for (chunk, y) in row.chunks_mut(n).zip(y) {
                    s.store_first(chunk, y);
                }
            }
        }
    }
}

/// The sums of `R` output rows of `COLS` columns (`V` vectors) from `base`
/// over every tap, a kernel row of `kw` taps at a time where `kw` is a
/// common width (the loops then unroll and the loads fold into the
/// multiply-adds). Its own function, returning the sums by value: indexed
/// by constants only, they stay in registers.
#[inline(always)]
fn window_sums<S: Simd, const R: usize, const V: usize>(
    s: S,
    base: *const f32,
    row_step: usize,
    kernel: &[f32],
    taps: &[usize],
    kw: usize,
) -> [[S::F; V]; R] {
    let mut acc = [[s.zero(); V]; R];
    match kw {
        3 => taps_by::<S, R, V, 3>(s, &mut acc, base, row_step, kernel, taps),
        5 => taps_by::<S, R, V, 5>(s, &mut acc, base, row_step, kernel, taps),
        7 => taps_by::<S, R, V, 7>(s, &mut acc, base, row_step, kernel, taps),
        _ => taps_by::<S, R, V, 1>(s, &mut acc, base, row_step, kernel, taps),
    }
    acc
}

/// Adds the taps' weights times the copy's values to `acc`, `T` taps at a
/// time.
#[inline(always)]
fn taps_by<S: Simd, const R: usize, const V: usize, const T: usize>(
    s: S,
    acc: &mut [[S::F; V]; R],
    base: *const f32,
    row_step: usize,
    kernel: &[f32],
    taps: &[usize],
) {
    for (ws, ts) in kernel.chunks_exact(T).zip(taps.chunks_exact(T)) {
        for t in 0..T {
            let w = s.splat(ws[t]);
            for (r, row) in acc.iter_mut().enumerate() {
                // SAFETY: inside the copy (the caller's bound on `base`).
                let at = unsafe { base.add(r * row_step + ts[t]) };
                for (v, a) in row.iter_mut().enumerate() {
                    // SAFETY: as above.
                    let x = unsafe { s.load(at.add(v * S::LANES)) };
                    *a = s.mul_add(w, x, *a);
                }
            }
        }
    }
}

/// Whether [`rows_in_place`] prefetches the input rows it reads next: at
/// stride 2, over planes larger than an L1 cache (more than this many
/// values) of a layer whose input is more than this many values an image
/// (more than a second-level cache holds, so the producer left it further
/// away). A block of output rows reads a short stretch of each of many
/// input rows at once, streams the hardware follows late, and at stride 2
/// it reads four times as much input a sum as at stride 1 (MobileNetV2's
/// 96 channels at 112x112, AVX-512, in the model: 360-373 to 298-302 us).
/// Smaller planes or inputs, already near, gain nothing from it (MNASNet's
/// 24 channels at 112x112: 0.81-1.01x).
const PREFETCH_PLANE: usize = 8 << 10;
const PREFETCH_INPUT: usize = 512 << 10;

/// How far ahead the prefetch runs, in blocks of output rows.
const PREFETCH_BLOCKS: usize = 4;

/// Whether `g` is prefetched (see [`PREFETCH_PLANE`]).
fn prefetches(g: &ConvGeometry) -> bool {
    let plane = g.input[0] * g.input[1];
    g.stride[0] == 2 && plane > PREFETCH_PLANE && g.c_in * plane > PREFETCH_INPUT
}

/// Whether [`plane_in_place`] runs `g` (with 16 lanes): 3x3 and 5x5
/// windows at dilation 1 and stride 1 or 2, whose rows it reads straight
/// from the input plane.
pub(super) fn reads_in_place(g: &ConvGeometry) -> bool {
    matches!(g.kernel, [3, 3] | [5, 5])
        && g.dilation == [1, 1]
        && matches!(g.stride, [1, 1] | [2, 2])
}

/// Output plane `o` straight from its input plane, the start of `ahead`
/// (the planes the task reads next follow it), 16 lanes and
/// [`reads_in_place`]: no copy (calls to copy a few values a row cost as
/// much as the row's sums, and a strided row must be split), the padding's
/// zeros made by masked loads and zero vectors.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn plane_in_place<S: Simd>(
    s: S,
    g: &ConvGeometry,
    ahead: &[f32],
    d: &DepthwiseConv,
    o: usize,
    dst: &mut [f32],
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let oh = g.output[0];
    // (Its own instances of the rows' code, which keep every register
    // for the sums where there is nothing to prefetch.)
    let fetch = prefetches(g);
    // Blocks whose input rows all lie inside the plane (all but the first
    // and last few) take the rows' code without testing each row and its
    // bounds: these layers are bound by their instructions, not by their
    // multiply-adds or memory (`conv_probe`, AVX-512, MobileNetV2's 32
    // channels at 112x112 1.1x, 96 at stride 2 1.14x).
    macro_rules! in_place {
        ($r:ident, $oy:ident, $st:literal, $k:literal, $f:literal) => {
            if rows_inside(g, $oy, $r, $st, $k) {
                rows_in_place::<S, $r, $st, $k, $f, true>(s, g, ahead, d, o, $oy, dst, residual, ep)
            } else {
                rows_in_place::<S, $r, $st, $k, $f, false>(
                    s, g, ahead, d, o, $oy, dst, residual, ep,
                )
            }
        };
    }
    match (g.stride[0], g.kernel[0]) {
        (1, 3) => row_blocks!(oh, true, |R, oy| in_place!(R, oy, 1, 3, false)),
        // Four rows at a time, not eight: over eight the loop of 17
        // input rows keeps the sums in memory (MobileNetV2's 96 channels
        // at 112x112, AVX-512: 1.16-1.19x); every other shape runs faster
        // with eight (0.82-0.93x with four).
        (2, 3) if fetch => row_blocks!(oh, false, |R, oy| in_place!(R, oy, 2, 3, true)),
        (2, 3) => row_blocks!(oh, false, |R, oy| in_place!(R, oy, 2, 3, false)),
        (1, _) => row_blocks!(oh, true, |R, oy| in_place!(R, oy, 1, 5, false)),
        _ if fetch => row_blocks!(oh, true, |R, oy| in_place!(R, oy, 2, 5, true)),
        _ => row_blocks!(oh, true, |R, oy| in_place!(R, oy, 2, 5, false)),
    }
}

/// Whether every input row that output rows `oy..oy + r` read (stride
/// `stride`, windows of `k` rows, dilation 1) lies inside the plane, none
/// in the padding.
fn rows_inside(g: &ConvGeometry, oy: usize, r: usize, stride: usize, k: usize) -> bool {
    let [h, top] = [g.input[0], g.pad[0]];
    oy * stride >= top && (oy + r - 1) * stride + k <= h + top
}

/// Output rows `oy..oy + R` of plane `o` for [`plane_in_place`], a `K x
/// K` kernel at stride `STRIDE`, a vector of columns at a time: each input
/// row they read is loaded once and multiplied into every output row it
/// feeds. At stride 1 its two vectors' shifts by `1..K` columns are made
/// in registers; at stride 2 its three vectors are split into even and
/// odd columns, shifted by one and two for the taps further on. Output row
/// `r` sums its taps in the weights' order (kernel row `q - STRIDE * r`
/// rises with the input row `q`) over the same zeros a padded copy holds,
/// so the sums are [`taps_by`]'s, bit for bit. The plane is the start of
/// `ahead`; with `FETCH` it prefetches along the way the rows of `ahead`
/// [`PREFETCH_BLOCKS`] blocks on. With `INSIDE` every input row the block
/// reads lies inside the plane (asserted), and none is tested.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn rows_in_place<
    S: Simd,
    const R: usize,
    const STRIDE: usize,
    const K: usize,
    const FETCH: bool,
    const INSIDE: bool,
>(
    s: S,
    g: &ConvGeometry,
    ahead: &[f32],
    d: &DepthwiseConv,
    o: usize,
    oy: usize,
    dst: &mut [f32],
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [top, left] = g.pad;
    assert!(oy + R <= oh && ahead.len() >= h * w && dst.len() >= oh * ow && S::LANES == COLS);
    let src = &ahead[..h * w];
    assert!(!INSIDE || rows_inside(g, oy, R, STRIDE, K));
    let k = &d.weight[o * K * K..][..K * K];
    let tail = Tail::new(s, ep, o, ow, oy);
    // The input rows the block `PREFETCH_BLOCKS` on reads for the first
    // time (past the plane's last row: the next plane's first rows; no
    // further than `ahead` goes), a share at each step of columns.
    let row_start = |r: usize| (r * w).min(ahead.len());
    let fetch = if FETCH {
        row_start((oy + PREFETCH_BLOCKS * R) * STRIDE)
            ..row_start((oy + (PREFETCH_BLOCKS + 1) * R) * STRIDE)
    } else {
        0..0
    };
    let fetch_step = fetch
        .len()
        .div_ceil(ow.div_ceil(COLS))
        .next_multiple_of(COLS);
    // The lanes of a vector from column `start` that lie inside a row.
    let inside = |start: isize| {
        let from = start.clamp(-(COLS as isize), 0).unsigned_abs();
        let to = (w as isize - start).clamp(0, COLS as isize) as usize;
        (from, to.max(from))
    };
    for x0 in (0..ow).step_by(COLS) {
        // Output column `x0`'s window starts `left` columns before its
        // first input column.
        let start = (x0 * STRIDE) as isize - left as isize;
        let lanes: [(usize, usize); 3] =
            std::array::from_fn(|v| inside(start + (v * COLS) as isize));
        let from = fetch.start + x0 / COLS * fetch_step;
        if FETCH {
            for at in (from..(from + fetch_step).min(fetch.end)).step_by(COLS) {
                s.prefetch(ahead[at..].as_ptr());
            }
        }
        let mut acc = [[s.zero(); 1]; R];
        for q in 0..(R - 1) * STRIDE + K {
            let iy = if INSIDE {
                Some(oy * STRIDE + q - top)
            } else {
                (oy * STRIDE + q).checked_sub(top).filter(|&iy| iy < h)
            };
            let v = match iy {
                Some(iy) => {
                    let row = if INSIDE {
                        // SAFETY: row `iy` lies inside `src` (asserted).
                        unsafe { src.as_ptr().add(iy * w) }
                    } else {
                        src[iy * w..][..w].as_ptr()
                    };
                    // SAFETY: the lanes loaded are columns inside row `iy`
                    // of `src` (`inside`); the others are neither read nor
                    // faulted on.
                    let load = |v: usize| unsafe {
                        s.load_lanes(
                            row.wrapping_offset(start + (v * COLS) as isize),
                            lanes[v].0,
                            lanes[v].1,
                        )
                    };
                    [
                        load(0),
                        load(1),
                        if STRIDE == 2 { load(2) } else { s.zero() },
                    ]
                }
                // A row of the padding.
                _ => [s.zero(); 3],
            };
            // The taps' columns, `x[j]` for tap `j` (those past `K` go
            // unused and unmade).
            let x = if STRIDE == 1 {
                let (a, b) = (v[0], v[1]);
                [
                    a,
                    s.shift_in::<1>(a, b),
                    s.shift_in::<2>(a, b),
                    s.shift_in::<3>(a, b),
                    s.shift_in::<4>(a, b),
                ]
            } else {
                let (even, odd) = s.unzip(v[0], v[1]);
                // The next columns on: the third vector's first even one
                // is its first lane; 5x5 needs its first two of each.
                let (even2, odd2) = if K > 3 {
                    s.unzip(v[2], v[2])
                } else {
                    (v[2], v[2])
                };
                [
                    even,
                    odd,
                    s.shift_in::<1>(even, even2),
                    s.shift_in::<1>(odd, odd2),
                    s.shift_in::<2>(even, even2),
                ]
            };
            for i in 0..K {
                if i <= q && (q - i) % STRIDE == 0 && (q - i) / STRIDE < R {
                    let r = (q - i) / STRIDE;
                    for (j, x) in x.iter().enumerate().take(K) {
                        let w = s.splat(k[i * K + j]);
                        acc[r][0] = s.mul_add(w, *x, acc[r][0]);
                    }
                }
            }
        }
        tail.store(s, acc, x0, dst, residual);
    }
}
