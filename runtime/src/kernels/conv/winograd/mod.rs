//! 3x3 convolution with stride 1 by Winograd's minimal filtering, F(m x m,
//! 3x3), with tiles of `m = 2` or `m = 4` outputs a side
//! ([`Winograd::new`]), written once over the vector width and the tile
//! size: each tile of output pixels comes from the `(m + 2) x (m + 2)`
//! block of input around it by `(m + 2)²` products per input and output
//! channel instead of `9 m²` (2.25 times fewer multiply-adds with `m = 2`,
//! 4 times with `m = 4`). The matrices are in the `transform` module.
//!
//! The kernels' transforms `U = G g Gᵀ` are made once, in f64, at load
//! time. Each call transforms the inputs (`V = Bᵀ d B`), then for each of
//! the `(m + 2)²` positions `ξ` of a transformed tile multiplies the
//! matrices `U_ξ` (`C_OUT x C_IN`) and `V_ξ` (`C_IN x tiles`), 6 output
//! channels by two vectors of tiles at a time in 12 accumulators (16
//! tiles with AVX2, 32 with AVX-512, 8 with NEON) — or, where all the
//! tiles fit in one vector (a small plane), 12 output channels by one
//! vector, the same sums in the same order — and turns each tile's
//! sums back into its `m x m` outputs (`Aᵀ M A`) with the epilogue. The
//! transforms add rounding of their own: the results differ from a direct
//! convolution's by a few units in the last place of the sums with `m =
//! 2`, some more with `m = 4` (whose points 2 and -2 scale values by up to
//! 8; the fixture tests measure both against PyTorch's float64 run).
//!
//! Tiles are numbered image after image, row by row, a panel of one or
//! two vectors of them at a time; within a vector, each run of tiles that lies
//! in one row of tiles of one image is transformed with contiguous loads
//! from the input's copy (split by column phase, so that a tile's column
//! `j` is one load for all the run's tiles, lanes masked where the run
//! starts or ends mid-vector) and written back with contiguous stores. Each output value
//! is one sum over the input channels in order, whatever the tasks, so the
//! results do not depend on the thread count.

mod cut;
mod transform;

use super::geometry::{ConvGeometry, OutRows};
use super::kernel::Kernel;
use super::pooled;
use super::{LINE, PREFETCH_FROM};
use crate::kernels::epilogue::{Epilogue, Out};
use crate::kernels::isa::Isa;
use crate::kernels::pool::PoolGeometry;
use crate::kernels::simd::{Simd, activate, dispatch};
use crate::pool;
use crate::threads;

/// Output channels per microkernel tile.
const MR: usize = 6;
/// Tile panels per task, about, on one thread. With helpers each panel
/// is a task: a task's cost is its panels', and a few large ones leave a
/// thread idle at the end (ResNet-50's 56x56: 25 panels in tasks of 7, 7,
/// 7 and 4 ran at 1.56x on two threads).
const TASK_PANELS: usize = 8;

/// Output channel panels whose sums are made together, for tiles of `m`:
/// each position's input panel is read once per block. With `m = 2` their
/// 16 x 6 x 32 sums (12 KB a panel) stay in L1 until transformed (1.3 to
/// 1.45 times faster than all panels at once on ResNet-18's 3x3 layers,
/// whose sums spill to L2); with `m = 4` (27 KB a panel) three panels
/// are 1.05-1.1x one, warm and cold (ResNet's 56x56 and 28x28 layers,
/// GoogLeNet's 96->128, the VGG's 32x32 on a Xeon).
///
/// Panels of one vector of tiles take output channel panels in pairs (see
/// [`product_pair`]), two pairs with `m = 2` and one with `m = 4`, about
/// as many sums as above.
fn kp_block(m: usize, vectors: usize) -> usize {
    match (m, vectors) {
        (2, 1) => 4,
        (2, _) => 2,
        (_, 1) => 2,
        _ => 3,
    }
}

/// Vectors of tiles in a panel (1 or 2) for `tiles` tiles in all: one
/// where they all fit in one (a 7x7 plane with tiles of 2, or 14x14 with
/// tiles of 4, holds 16: with AVX-512 a panel of two vectors would run
/// half empty), else two. (Elsewhere panels of one vector would leave
/// fewer lanes empty at most in the last, but read the kernels' `U` once
/// per panel, twice as often: ResNet-18 at 56x56, 196 tiles in 13 panels
/// rather than 7, ran no faster.)
pub(super) fn panel_vectors(tiles: usize, lanes: usize) -> usize {
    if tiles <= lanes { 1 } else { 2 }
}

/// Rows and columns of the tiles of `m` of a geometry.
fn tiles(g: &ConvGeometry, m: usize) -> [usize; 2] {
    [g.output[0].div_ceil(m), g.output[1].div_ceil(m)]
}

/// The transformed kernels of a convolution for tiles of `m x m` outputs,
/// and the size of the input's padded, column-split copy.
#[derive(Clone, Debug)]
pub struct Winograd {
    isa: Isa,
    /// The tiles' side: 2 or 4.
    m: usize,
    /// `U`: `[ξ][panel of 6 output channels][c][6]`, zero beyond `C_OUT`.
    u: Vec<f32>,
    /// Rows of the padded copy, and columns of each of its `m` column
    /// phases (columns `m x + p` for phase `p`).
    rows: usize,
    width: usize,
}

impl Winograd {
    /// Transforms `weight` (`[C_OUT, C_IN, 3, 3]`) for tiles of `m` (2 or
    /// 4) and `isa` (or the best below it this CPU runs) when the
    /// geometry suits: a 3x3 kernel at stride 1, no dilation, one group.
    ///
    /// # Panics
    /// When `m` is neither 2 nor 4.
    pub fn new(isa: Isa, g: &ConvGeometry, weight: &[f32], m: usize) -> Option<Self> {
        assert!(m == 2 || m == 4, "Winograd: tiles of 2 or 4");
        if !Self::suits(g) {
            return None;
        }
        let [th, tw] = tiles(g, m);
        // Phase rows in whole vectors: the copy stores no partial ones.
        let isa = isa.or_below();
        let (rows, width) = (m * th + 2, (tw + 1).next_multiple_of(isa.lanes()));
        g.c_in.checked_mul(m * rows * width)?;
        let (c_in, c_out) = (g.c_in, g.c_out);
        let (n2, panels) = ((m + 2) * (m + 2), c_out.div_ceil(MR));
        let mut u = vec![0.0f32; n2 * panels * c_in * MR];
        for k in 0..c_out {
            for c in 0..c_in {
                let w = &weight[(k * c_in + c) * 9..][..9];
                let transformed = if m == 2 {
                    transform::kernel::<2>(w)
                } else {
                    transform::kernel::<4>(w)
                };
                for (xi, value) in transformed.into_iter().enumerate() {
                    u[((xi * panels + k / MR) * c_in + c) * MR + k % MR] = value;
                }
            }
        }
        Some(Winograd {
            isa,
            m,
            u,
            rows,
            width,
        })
    }

    /// Whether `g` suits the kernel.
    pub fn suits(g: &ConvGeometry) -> bool {
        g.kernel == [3, 3]
            && g.stride == [1, 1]
            && g.dilation == [1, 1]
            && g.groups == 1
            && g.c_in > 0
            && g.c_out > 0
            && !g.output.contains(&0)
    }

    /// Floats of one channel's copy: `m` phase planes.
    fn plane(&self) -> usize {
        self.m * self.rows * self.width
    }

    /// Convolves `batch` images (as [`super::conv2d`]); with `pooled`,
    /// max-pools each 2x2 window of the output into one value instead (as
    /// [`super::conv2d_max_pooled`] with 2x2 windows at stride 2).
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
        pooled: bool,
    ) {
        let [th, tw] = tiles(g, self.m);
        let one = panel_vectors(batch * th * tw, self.isa.lanes()) == 1;
        match (self.m, one) {
            (2, false) => conv2d::<2, 4, 2>(g, self, batch, input, output, ep, pooled),
            (2, true) => conv2d::<2, 4, 1>(g, self, batch, input, output, ep, pooled),
            (_, false) => conv2d::<4, 6, 2>(g, self, batch, input, output, ep, pooled),
            (_, true) => conv2d::<4, 6, 1>(g, self, batch, input, output, ep, pooled),
        }
    }
}

/// `batch` images of `input` zero-padded, each row split into its `M`
/// column phases (`[c][phase][row][column / M]`), so that the tiles of a
/// run in one row read each input of their blocks with one vector load.
/// Give the buffer back to the pool.
fn copies<const M: usize>(
    g: &ConvGeometry,
    d: &Winograd,
    batch: usize,
    input: &[f32],
) -> pool::Buffer {
    let [h, w] = g.input;
    let plane = d.plane();
    let mut copies = pool::take(batch * g.c_in * plane);
    // Shared like the convolution itself: made by one thread, ResNet's
    // 256 planes at 14x14 kept the other waiting a tenth of the layer.
    let out = Out::new(&mut copies);
    threads::for_each_range(batch * g.c_in, batch * g.macs(), |mine| {
        dispatch!(d.isa, s => {
            for i in mine {
                let src = &input[i * h * w..][..h * w];
                // SAFETY: plane `i` is this task's alone.
                let dst = unsafe { out.slice(i * plane, plane) };
                copy_plane::<_, M>(s, g, d, src, dst);
            }
        })
    });
    copies
}

/// One input plane `src` zero-padded and split into its `M` column phases
/// in `dst` (`[phase][row][column / M]`), a vector at a time.
#[inline(always)]
fn copy_plane<S: Simd, const M: usize>(
    s: S,
    g: &ConvGeometry,
    d: &Winograd,
    src: &[f32],
    dst: &mut [f32],
) {
    let [h, w] = g.input;
    let [top, left] = g.pad;
    let (rows, width) = (d.rows, d.width);
    let lanes = S::LANES;
    for r in 0..rows {
        let row = r
            .checked_sub(top)
            .filter(|&iy| iy < h)
            .map(|iy| &src[iy * w..][..w]);
        for x in (0..width).step_by(lanes) {
            // Values M x.. of the padded row, read from the row itself
            // (lanes in the padding zero), then split.
            let mut group = [s.zero(); M];
            for (k, v) in group.iter_mut().enumerate() {
                let Some(row) = row else { break };
                let start = M * x + k * lanes;
                let from = left.saturating_sub(start).min(lanes);
                let to = (w + left).saturating_sub(start).min(lanes);
                if from < to {
                    let p = row.as_ptr().wrapping_add(start).wrapping_sub(left);
                    // SAFETY: lanes `from..to` read `row[start + l - left]`,
                    // inside the row.
                    *v = unsafe { s.load_lanes(p, from, to) };
                }
            }
            let n = (width - x).min(lanes);
            for (p, &v) in phases::<_, M>(s, group).iter().enumerate() {
                let at = (p * rows + r) * width + x;
                s.store_first(&mut dst[at..at + n], v);
            }
        }
    }
}

/// `M` vectors of a row (`M * LANES` values in order) split into its `M`
/// column phases: phase `p` holds values `M x + p`.
#[inline(always)]
fn phases<S: Simd, const M: usize>(s: S, v: [S::F; M]) -> [S::F; M] {
    let mut out = v;
    if M == 2 {
        (out[0], out[1]) = s.unzip(v[0], v[1]);
    } else if M == 4 {
        // Even and odd values, then each of those split again.
        let (even_lo, odd_lo) = s.unzip(v[0], v[1]);
        let (even_hi, odd_hi) = s.unzip(v[2], v[3]);
        (out[0], out[2]) = s.unzip(even_lo, even_hi);
        (out[1], out[3]) = s.unzip(odd_lo, odd_hi);
    }
    out
}

/// Convolves `batch` images with tiles of `M`, in panels of `V` vectors
/// of tiles (as [`Winograd::run`]).
#[allow(clippy::too_many_arguments)]
fn conv2d<const M: usize, const N: usize, const V: usize>(
    g: &ConvGeometry,
    d: &Winograd,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
    pooled: bool,
) {
    assert!(!(pooled && ep.residual.is_some()));
    let [oh, ow] = g.output;
    let [dh, dw] = if pooled { [oh / 2, ow / 2] } else { [oh, ow] };
    let out_len = g.c_out * dh * dw;
    assert!(input.len() >= batch * g.in_len() && output.len() >= batch * out_len);
    let copies = copies::<M>(g, d, batch, input);
    let [th, tw] = tiles(g, M);
    let nr = V * d.isa.lanes();
    // The batch's tiles one sequence, image after image: small planes'
    // panels fill with the next image's tiles instead of running part
    // empty (ResNet's 14x14: 49 tiles, 1.5 panels, at batch 1).
    let panels = (batch * th * tw).div_ceil(nr);
    let kpanels = g.c_out.div_ceil(MR);
    let dest = Dest {
        out: Out::new(output),
        image_len: out_len,
        size: [dh, dw],
        residual: ep.residual,
        residual_len: g.out_len(),
    };
    let all = (batch, &copies[..batch * g.c_in * d.plane()]);
    let shared = threads::shared(batch * g.macs());
    if shared && panels < threads::threads() {
        shared_panels::<M, N, V>(g, d, all, panels, &dest, ep, pooled);
        pool::give(copies);
        return;
    }
    // One thread: tasks of a few tile panels and every output channel.
    // Shared: as `cut` decides. (Each output is made whole by one task
    // either way, so the values do not depend on the cut.)
    let (per_chunk, per_kchunk) = if shared {
        cut::cut(
            panels,
            kpanels,
            kp_block(M, V),
            M,
            threads::threads(),
            threads::TASKS_PER_THREAD,
        )
    } else {
        (
            panels.div_ceil(panels.div_ceil(TASK_PANELS).max(1)).max(1),
            kpanels,
        )
    };
    let chunks = panels.div_ceil(per_chunk);
    let kchunks = kpanels.div_ceil(per_kchunk);
    threads::for_each(chunks * kchunks, batch * g.macs(), |t| {
        let (chunk, kchunk) = (t / kchunks, t % kchunks);
        let panels = chunk * per_chunk..((chunk + 1) * per_chunk).min(panels);
        let kps = kchunk * per_kchunk..((kchunk + 1) * per_kchunk).min(kpanels);
        // SAFETY: each task writes the outputs of its own tiles; `copies`
        // holds every image's copy.
        dispatch!(d.isa, s => unsafe {
            task::<_, M, N, V>(s, g, d, all, panels, kps, &dest, ep, pooled)
        });
    });
    pool::give(copies);
}

/// A shared layer of fewer tile panels than threads (a small plane at
/// batch 1: the VGG's 16x16 and 8x8, ResNet's 14x14 and 7x7 with tiles
/// of 4): the panels' inputs are transformed first, once, their channels
/// shared out, and then the output channels, a block of panels a task,
/// each reading the transformed inputs they share. Cut otherwise, each
/// task would transform its panel's inputs again for its share of the
/// output channels, or, below a few output channel panels a task, one
/// thread would take the layer alone (the VGG's 64->64 at 16x16). The
/// transforms and the sums are those of one thread, so the values are
/// the same bit for bit.
#[allow(clippy::too_many_arguments)]
fn shared_panels<const M: usize, const N: usize, const V: usize>(
    g: &ConvGeometry,
    d: &Winograd,
    (batch, copies): (usize, &[f32]),
    panels: usize,
    dest: &Dest,
    ep: &Epilogue,
    pooled: bool,
) {
    let c_in = g.c_in;
    let lanes = d.isa.lanes();
    let panel_len = N * N * c_in * V * lanes;
    let work = batch * g.macs();
    let tiles = tiles(g, M);
    let mut transformed = pool::take(panels * panel_len);
    let out = Out::new(&mut transformed);
    // Channels a transform task takes: enough tasks for every thread to
    // choose from.
    let per_task = c_in.div_ceil(threads::min_tasks().div_ceil(panels)).max(1);
    let chunks = c_in.div_ceil(per_task);
    threads::for_each(panels * chunks, work, |t| {
        let (panel, chunk) = (t / chunks, t % chunks);
        let channels = chunk * per_task..((chunk + 1) * per_task).min(c_in);
        let v = out.offset(panel * panel_len);
        dispatch!(d.isa, s => {
            for (h, (runs, count)) in panel_runs::<V>(panel, lanes, batch, tiles).iter().enumerate() {
                // SAFETY: this task alone writes these channels of this
                // panel's transformed inputs.
                unsafe {
                    transform_inputs::<_, M, N, V>(s, g, d, copies, &runs[..*count], h, &v, channels.clone())
                };
            }
        });
    });
    let kpanels = g.c_out.div_ceil(MR);
    let block = kp_block(M, V);
    let per_kchunk = kpanels
        .div_ceil(threads::min_tasks().div_ceil(panels))
        .next_multiple_of(block)
        .max(block);
    let kchunks = kpanels.div_ceil(per_kchunk);
    let transformed_all = &transformed[..];
    threads::for_each(panels * kchunks, work, |t| {
        let (panel, kchunk) = (t / kchunks, t % kchunks);
        let kps = kchunk * per_kchunk..((kchunk + 1) * per_kchunk).min(kpanels);
        let v = &transformed_all[panel * panel_len..][..panel_len];
        let mut m = pool::take(block * N * N * MR * V * lanes);
        dispatch!(d.isa, s => {
            let vectors = panel_runs::<V>(panel, lanes, batch, tiles);
            // SAFETY: each task writes its own output channels of its
            // panel's tiles.
            unsafe { products::<_, M, N, V>(s, g, d, v, &vectors, kps, &mut m, dest, ep, pooled) };
        });
        pool::give(m);
    });
    pool::give(transformed);
}

/// Each vector's runs of tile panel `panel` (none past the last tile:
/// zeros there).
#[inline(always)]
fn panel_runs<const V: usize>(
    panel: usize,
    lanes: usize,
    batch: usize,
    tiles: [usize; 2],
) -> [([Run; 16], usize); V] {
    std::array::from_fn(|h| runs((panel * V + h) * lanes, lanes, batch, tiles))
}

/// Where a batch's outputs go: each image's planes (`image_len` floats of
/// `size` planes apart), and its residual (`residual_len` apart).
struct Dest<'a> {
    out: Out,
    image_len: usize,
    size: [usize; 2],
    residual: Option<&'a [f32]>,
    residual_len: usize,
}

impl<'a> Dest<'a> {
    /// Image `b`'s output planes.
    fn rows(&self, b: usize) -> OutRows {
        OutRows::planes(
            self.out.offset(b * self.image_len),
            self.size[0],
            self.size[1],
        )
    }

    /// Image `b`'s residual.
    fn residual(&self, b: usize) -> Option<&'a [f32]> {
        let len = self.residual_len;
        self.residual.map(|r| &r[b * len..][..len])
    }
}

/// Tiles of one vector that lie side by side in one row of tiles of one
/// image: lanes `lane..lane + n` of the vector, tiles `tx..tx + n` of row
/// `ty` of image `image`.
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    image: usize,
    lane: usize,
    ty: usize,
    tx: usize,
    n: usize,
}

/// The runs of the vector of tiles `first..` (`lanes` of them, fewer at
/// the end) of `batch` planes of `[th, tw]` tiles, in order: the array
/// and how many.
fn runs(first: usize, lanes: usize, batch: usize, [th, tw]: [usize; 2]) -> ([Run; 16], usize) {
    let end = (first + lanes).min(batch * th * tw);
    let (mut all, mut count) = ([Run::default(); 16], 0);
    let mut t = first;
    while t < end {
        let (image, rest) = (t / (th * tw), t % (th * tw));
        let (ty, tx) = (rest / tw, rest % tw);
        let n = (end - t).min(tw - tx);
        all[count] = Run {
            image,
            lane: t - first,
            ty,
            tx,
            n,
        };
        count += 1;
        t += n;
    }
    (all, count)
}

/// The tiles of panels `panels` (of `V` vectors of tiles), panel by panel,
/// for output channel panels `kps`: the panel's inputs transformed, then
/// [`products`].
///
/// # Safety
/// `copies` holds the `batch` images' copies (from [`copies`]); the
/// tiles' outputs in `dest` are this caller's alone.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn task<S: Simd, const M: usize, const N: usize, const V: usize>(
    s: S,
    g: &ConvGeometry,
    d: &Winograd,
    (batch, copies): (usize, &[f32]),
    panels: std::ops::Range<usize>,
    kps: std::ops::Range<usize>,
    dest: &Dest,
    ep: &Epilogue,
    pooled: bool,
) {
    let nr = V * S::LANES;
    let n2 = N * N;
    let tiles = tiles(g, M);
    let mut v = pool::take(n2 * g.c_in * nr);
    let mut m = pool::take(kp_block(M, V) * n2 * MR * nr);
    for panel in panels {
        let vectors = panel_runs::<V>(panel, S::LANES, batch, tiles);
        let out = Out::new(&mut v);
        for (h, (runs, count)) in vectors.iter().enumerate() {
            // SAFETY: `v` is this task's own.
            unsafe {
                transform_inputs::<S, M, N, V>(s, g, d, copies, &runs[..*count], h, &out, 0..g.c_in)
            };
        }
        // SAFETY: the panel's tiles are this task's (the caller's
        // contract).
        unsafe {
            products::<S, M, N, V>(s, g, d, &v, &vectors, kps.clone(), &mut m, dest, ep, pooled)
        };
    }
    pool::give(m);
    pool::give(v);
}

/// One tile panel's sums and outputs for output channel panels `kps`
/// from its transformed inputs `v` (`[ξ][c][V LANES]`): a block of panels
/// of 6 output channels at a time, their products (into `m`) and output
/// transforms (pooled with `pooled`). `vectors` are the panel's runs.
///
/// # Safety
/// The outputs of the panel's tiles for channels `kps` are this caller's
/// alone.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn products<S: Simd, const M: usize, const N: usize, const V: usize>(
    s: S,
    g: &ConvGeometry,
    d: &Winograd,
    v: &[f32],
    vectors: &[([Run; 16], usize); V],
    kps: std::ops::Range<usize>,
    m: &mut [f32],
    dest: &Dest,
    ep: &Epilogue,
    pooled: bool,
) {
    let c_in = g.c_in;
    let nr = V * S::LANES;
    let n2 = N * N;
    let kpanels = g.c_out.div_ceil(MR);
    let block = kp_block(M, V);
    let prefetch = d.u.len() >= PREFETCH_FROM;
    assert!(v.len() >= n2 * c_in * nr && m.len() >= block * n2 * MR * nr);
    for k0 in kps.clone().step_by(block) {
        let block_kps = k0..(k0 + block).min(kps.end);
        for xi in 0..n2 {
            let vp = &v[xi * c_in * nr..][..c_in * nr];
            let u = |kp: usize| &d.u[(xi * kpanels + kp) * c_in * MR..][..c_in * MR];
            let sums_at = |kp: usize| ((kp - k0) * n2 + xi) * MR * nr;
            let mut kp = block_kps.start;
            while kp < block_kps.end {
                // One-vector panels take two output channel panels at
                // once: 12 sums, as with two vectors.
                let pair = V == 1 && kp + 1 < block_kps.end;
                let after = kp + if pair { 2 } else { 1 };
                // The next product's kernels, asked for while this one
                // runs: each is a few KB of its own, too short for the
                // hardware's prefetcher, and kernels too large for the
                // caches come from memory (ResNet-18's 256->256: 4 MB).
                let next = if !prefetch {
                    None
                } else if after < block_kps.end {
                    Some((xi, after))
                } else if xi + 1 < n2 {
                    Some((xi + 1, k0))
                } else if block_kps.end < kps.end {
                    Some((0, block_kps.end))
                } else {
                    Some((0, kps.start))
                };
                let next = next.map(|(xi, kp)| d.u[(xi * kpanels + kp) * c_in * MR..].as_ptr());
                if pair {
                    let (first, second) =
                        m[sums_at(kp)..].split_at_mut(sums_at(kp + 1) - sums_at(kp));
                    product_pair(s, [u(kp), u(kp + 1)], vp, [first, second], next);
                } else {
                    product::<S, V>(s, u(kp), vp, &mut m[sums_at(kp)..][..MR * nr], next);
                }
                kp = after;
            }
        }
        for kp in block_kps {
            let sums = &m[(kp - k0) * n2 * MR * nr..][..n2 * MR * nr];
            for (h, (runs, count)) in vectors.iter().enumerate() {
                if *count > 0 {
                    let runs = &runs[..*count];
                    // SAFETY: the panel's tiles are this task's.
                    unsafe {
                        transform_outputs::<S, M, N, V>(s, g, sums, kp, runs, h, dest, ep, pooled)
                    };
                }
            }
        }
    }
}

/// `Bᵀ d B` for the tiles of one vector, its `runs`, input channels
/// `channels`, into lanes `LANES * half..` of `v` (`[ξ][c][V LANES]`);
/// zero in the lanes of no tile.
///
/// # Safety
/// Those lanes of those channels of `v` are this caller's alone while it
/// runs.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn transform_inputs<S: Simd, const M: usize, const N: usize, const V: usize>(
    s: S,
    g: &ConvGeometry,
    d: &Winograd,
    copies: &[f32],
    runs: &[Run],
    half: usize,
    v: &Out,
    channels: std::ops::Range<usize>,
) {
    const { assert!(N == M + 2) };
    let n = N;
    let lanes = S::LANES;
    let nr = V * lanes;
    let c_in = g.c_in;
    let (rows, width) = (d.rows, d.width);
    let plane = d.plane();
    assert!(v.len() >= n * n * c_in * nr && channels.end <= c_in);
    // One run of a whole vector (most of them on wide planes) loads each
    // value with one plain load, in loops the compiler unrolls.
    let whole = runs.len() == 1 && runs[0].n == lanes;
    // Row i of the blocks, column j: phase j % M, column tx + j / M
    // (inside the row: tx + n <= tw, and j / M <= 1). Where each run's
    // values start in channel 0's copy, less its first lane, and how far
    // past that block row i's column j lies: the indices are checked once
    // here rather than at each load (Winograd layers 1.05-1.2x faster).
    let mut starts = [0usize; 16];
    for (start, run) in starts.iter_mut().zip(runs) {
        *start = run.image * c_in * plane + M * run.ty * width + run.tx;
    }
    let offset = |i: usize, j: usize| ((j % M) * rows + i) * width + j / M;
    let farthest = (0..n).map(|j| offset(n - 1, j)).max().unwrap_or(0);
    for (start, run) in starts.iter().zip(runs) {
        assert!(
            run.lane + run.n <= lanes
                && start + (c_in - 1) * plane + farthest + run.n <= copies.len()
        );
    }
    let copies = copies.as_ptr();
    for c in channels {
        // Each run's values in its own lanes, zero in the others.
        let mut rows_b = [[s.zero(); N]; N];
        for (i, row) in rows_b.iter_mut().enumerate().take(n) {
            let mut a = [s.zero(); N];
            if whole {
                for (j, x) in a.iter_mut().enumerate().take(n) {
                    let at = starts[0] + c * plane + offset(i, j);
                    // SAFETY: `at..at + lanes` lies in the copy (asserted
                    // above, the run being a whole vector).
                    *x = unsafe { s.load(copies.add(at)) };
                }
            } else {
                for (j, x) in a.iter_mut().enumerate().take(n) {
                    for (start, run) in starts.iter().zip(runs) {
                        let at = start + c * plane + offset(i, j);
                        let p = copies.wrapping_add(at).wrapping_sub(run.lane);
                        // SAFETY: lanes `lane..lane + n` read `at..at + n`,
                        // in the copy (asserted above).
                        *x = s.add(*x, unsafe { s.load_lanes(p, run.lane, run.lane + run.n) });
                    }
                }
            }
            // Bᵀ along each row.
            *row = transform::input::<S, N>(s, a);
        }
        // Then down each column.
        #[allow(clippy::needless_range_loop)] // j picks a column of `rows_b`
        for j in 0..n {
            let mut col = [s.zero(); N];
            for (x, row) in col.iter_mut().zip(&rows_b).take(n) {
                *x = row[j];
            }
            let col = transform::input::<S, N>(s, col);
            for (i, &x) in col.iter().enumerate().take(n) {
                let to = ((n * i + j) * c_in + c) * nr + lanes * half;
                // SAFETY: `to + lanes` is inside `v` (asserted above),
                // and the caller's alone (contract).
                unsafe { s.store(v.ptr.add(to), x) };
            }
        }
    }
}

/// `sums[6][V L] = Σ_c u[c][0..6] ⊗ v[c][0..V L]`: 6 V accumulators, per
/// input channel `V` loads of `v` and six broadcasts of `u`; with `next`,
/// the `u` of the next product prefetched along the way.
#[inline(always)]
fn product<S: Simd, const V: usize>(
    s: S,
    u: &[f32],
    v: &[f32],
    sums: &mut [f32],
    next: Option<*const f32>,
) {
    let lanes = S::LANES;
    let c_in = u.len() / MR;
    assert!(v.len() >= c_in * V * lanes && sums.len() >= MR * V * lanes);
    let mut acc = [[s.zero(); V]; MR];
    let (mut up, mut vp) = (u.as_ptr(), v.as_ptr());
    // One cache line of the next `u` every other input channel (32 floats
    // of it for 12 of this one's), in a first run of channels of its own,
    // so that the rest loop as without it.
    let (mut ahead, lines) = match next {
        Some(p) => (p, (c_in * MR).div_ceil(LINE)),
        None => (up, 0),
    };
    let pairs = lines.min(c_in / 2);
    // (A macro, not a closure: the sums stay in registers.)
    macro_rules! step {
        () => {
            // SAFETY: `up` and `vp` walk the `c_in` rows of both (asserted).
            unsafe {
                let vv: [S::F; V] = std::array::from_fn(|h| s.load(vp.add(h * lanes)));
                for (i, a) in acc.iter_mut().enumerate() {
                    let ui = s.splat(*up.add(i));
                    for (a, &x) in a.iter_mut().zip(&vv) {
                        *a = s.mul_add(ui, x, *a);
                    }
                }
                up = up.add(MR);
                vp = vp.add(V * lanes);
            }
        };
    }
    for _ in 0..pairs {
        s.prefetch(ahead);
        ahead = ahead.wrapping_add(LINE);
        step!();
        step!();
    }
    for _ in 2 * pairs..c_in {
        step!();
    }
    for (i, a) in acc.iter().enumerate() {
        for (h, &x) in a.iter().enumerate() {
            // SAFETY: `sums` holds 6 rows of V L (asserted).
            unsafe { s.store(sums.as_mut_ptr().add((i * V + h) * lanes), x) };
        }
    }
}

/// [`product`] of one vector for two panels of output channels at once
/// (`u[0]`, `u[1]` into `sums[0]`, `sums[1]`): 12 accumulators, per input
/// channel one load of `v` and twelve broadcasts. Each sum runs over the
/// channels in the same order as in [`product`], so the values are the
/// same bit for bit.
#[inline(always)]
fn product_pair<S: Simd>(
    s: S,
    u: [&[f32]; 2],
    v: &[f32],
    sums: [&mut [f32]; 2],
    next: Option<*const f32>,
) {
    let lanes = S::LANES;
    let c_in = u[0].len() / MR;
    assert!(u[1].len() >= c_in * MR && v.len() >= c_in * lanes);
    assert!(sums[0].len() >= MR * lanes && sums[1].len() >= MR * lanes);
    let mut acc = [[s.zero(); MR]; 2];
    let (mut up, mut vp) = ([u[0].as_ptr(), u[1].as_ptr()], v.as_ptr());
    // One cache line of the next pair's `u` every input channel (12
    // floats of it for each), in a first run of channels of its own.
    let (mut ahead, lines) = match next {
        Some(p) => (p, (2 * c_in * MR).div_ceil(LINE)),
        None => (vp, 0),
    };
    // (A macro, not a closure: the sums stay in registers.)
    macro_rules! step {
        () => {
            // SAFETY: `up` and `vp` walk the `c_in` rows of each (asserted).
            unsafe {
                let x = s.load(vp);
                for (a, up) in acc.iter_mut().zip(&mut up) {
                    for (i, a) in a.iter_mut().enumerate() {
                        *a = s.mul_add(s.splat(*up.add(i)), x, *a);
                    }
                    *up = up.add(MR);
                }
                vp = vp.add(lanes);
            }
        };
    }
    let ahead_steps = lines.min(c_in);
    for _ in 0..ahead_steps {
        s.prefetch(ahead);
        ahead = ahead.wrapping_add(LINE);
        step!();
    }
    for _ in ahead_steps..c_in {
        step!();
    }
    for (a, sums) in acc.iter().zip(sums) {
        for (i, &x) in a.iter().enumerate() {
            // SAFETY: `sums` holds 6 rows of one vector (asserted).
            unsafe { s.store(sums.as_mut_ptr().add(i * lanes), x) };
        }
    }
}

/// `Aᵀ M A` of one vector of a panel's tiles (lanes `LANES * half..`),
/// its `runs`, for output channels `6 kp..`, with the epilogue, into
/// `dest` (this caller's, with the residual): each output row of a run's
/// tiles interleaved from one vector per tile column and stored whole up
/// to the image's edge (with `pooled`, each 2x2 window's maximum).
///
/// # Safety
/// The runs' outputs in `dest` are this caller's alone.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn transform_outputs<S: Simd, const M: usize, const N: usize, const V: usize>(
    s: S,
    g: &ConvGeometry,
    sums: &[f32],
    kp: usize,
    runs: &[Run],
    half: usize,
    dest: &Dest,
    ep: &Epilogue,
    pooled: bool,
) {
    const { assert!(N == M + 2) };
    let lanes = S::LANES;
    let n = N;
    let nr = V * lanes;
    assert!(sums.len() >= n * n * MR * nr);
    for mc in 0..MR.min(g.c_out - kp * MR) {
        let channel = kp * MR + mc;
        // Aᵀ down each column, then along the rows.
        let mut cols = [[s.zero(); N]; M];
        for j in 0..n {
            // (Loops, not closures: one is compiled without the
            // instruction set.)
            let mut col = [s.zero(); N];
            for (i, x) in col.iter_mut().enumerate().take(n) {
                let at = ((n * i + j) * MR + mc) * nr + lanes * half;
                // SAFETY: inside `sums` (asserted above).
                *x = unsafe { s.load(sums.as_ptr().add(at)) };
            }
            let col: [S::F; M] = transform::output::<S, N, M>(s, col);
            for (row, value) in cols.iter_mut().zip(col) {
                row[j] = value;
            }
        }
        let scale = s.splat(ep.scale.map_or(1.0, |x| x[channel]));
        let shift = s.splat(ep.shift.map_or(0.0, |x| x[channel]));
        let mut y = [[s.zero(); M]; M];
        for (y, row) in y.iter_mut().zip(&cols).take(M) {
            let row: [S::F; M] = transform::output::<S, N, M>(s, *row);
            for q in 0..M {
                y[q] = s.mul_add(row[q], scale, shift);
            }
        }
        if pooled {
            // SAFETY: these tiles' pooled outputs are this caller's.
            unsafe { store_pooled::<S, M>(s, g, dest, channel, runs, y, ep) };
            continue;
        }
        let [oh, ow] = g.output;
        for (r, y) in y.iter().enumerate().take(M) {
            let row = transform::interleave::<S, M>(s, *y);
            for run in runs {
                let oy = M * run.ty + r;
                if oy >= oh {
                    continue;
                }
                let ox = M * run.tx;
                let count = (M * run.n).min(ow - ox);
                let residual = dest.residual(run.image);
                let residual = residual.map(|res| &res[(channel * oh + oy) * ow + ox..][..count]);
                let rows = dest.rows(run.image);
                // SAFETY: these outputs are this caller's.
                let dst = unsafe { rows.out.slice(rows.at(channel, oy, ox), count) };
                store_run(s, &row, M * run.lane, dst, residual, ep);
            }
        }
    }
}

/// Values `from..from + dst.len()` of the vectors `row` (in order), plus
/// `residual`, through the activation, into `dst`.
#[inline(always)]
fn store_run<S: Simd>(
    s: S,
    row: &[S::F],
    from: usize,
    dst: &mut [f32],
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let lanes = S::LANES;
    // A run from lane 0 stores the vectors as they are; others store the
    // lanes of each vector that are theirs, where they belong.
    if from == 0 {
        for (k, dst) in dst.chunks_mut(lanes).enumerate() {
            let res = residual.map(|r| &r[k * lanes..][..dst.len()]);
            store_vector(s, row[k], dst, res, ep);
        }
        return;
    }
    let end = from + dst.len();
    for (k, &value) in row.iter().enumerate() {
        let (first, last) = (from.max(k * lanes), end.min((k + 1) * lanes));
        if first >= last {
            continue;
        }
        // Lanes `a..b` of vector `k` are values `first - from..` of `dst`.
        let (a, b) = (first - k * lanes, last - k * lanes);
        let mut value = value;
        if let Some(res) = residual {
            let p = res[first - from..].as_ptr().wrapping_sub(a);
            // SAFETY: lanes `a..b` read `res[first - from..last - from]`.
            value = s.add(value, unsafe { s.load_lanes(p, a, b) });
        }
        let p = dst[first - from..].as_mut_ptr().wrapping_sub(a);
        // SAFETY: lanes `a..b` write `dst[first - from..last - from]`.
        unsafe { s.store_lanes(p, activate(s, value, ep.act), a, b) };
    }
}

/// `value` plus `residual`, through the activation, into `dst` (its first
/// `dst.len()` lanes).
#[inline(always)]
fn store_vector<S: Simd>(
    s: S,
    value: S::F,
    dst: &mut [f32],
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let value = match residual {
        Some(res) => s.add(value, s.load_first(res)),
        None => value,
    };
    s.store_first(dst, activate(s, value, ep.act));
}

/// Each 2x2 window's maximum (down each column of the window, then across,
/// as the pooling's own order), after the activation, into the pooled
/// output `dest`: the runs' tiles hold `M / 2` windows a side each.
///
/// # Safety
/// The runs' pooled outputs in `dest` are this caller's alone.
#[inline(always)]
unsafe fn store_pooled<S: Simd, const M: usize>(
    s: S,
    g: &ConvGeometry,
    dest: &Dest,
    channel: usize,
    runs: &[Run],
    y: [[S::F; M]; M],
    ep: &Epilogue,
) {
    let q = M / 2;
    let [ph, pw] = [g.output[0] / 2, g.output[1] / 2];
    let no_act = Epilogue::default();
    for a in 0..q {
        // (No closures: one is compiled without the instruction set.)
        let mut windows = [s.zero(); 2];
        for (b, w) in windows.iter_mut().enumerate().take(q) {
            let (top, bottom) = (y[2 * a], y[2 * a + 1]);
            let left = s.max_nan(
                activate(s, top[2 * b], ep.act),
                activate(s, bottom[2 * b], ep.act),
            );
            let right = s.max_nan(
                activate(s, top[2 * b + 1], ep.act),
                activate(s, bottom[2 * b + 1], ep.act),
            );
            *w = s.max_nan(left, right);
        }
        if q == 2 {
            windows = transform::interleave::<S, 2>(s, windows);
        }
        let row = &windows[..q];
        for run in runs {
            let (py, px) = (q * run.ty + a, q * run.tx);
            if py >= ph || px >= pw {
                continue;
            }
            let count = (q * run.n).min(pw - px);
            let rows = dest.rows(run.image);
            // SAFETY: these pooled outputs are this caller's.
            let dst = unsafe { rows.out.slice(rows.at(channel, py, px), count) };
            store_run(s, row, q * run.lane, dst, None, &no_act);
        }
    }
}

impl Kernel for Winograd {
    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        Winograd::new(isa, g, weight, 2)
    }

    fn conv2d(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
    ) {
        self.run(g, batch, input, output, ep, false);
    }

    /// 2x2 windows side by side, each inside one tile.
    fn pools(&self, g: &ConvGeometry, pool: &PoolGeometry) -> bool {
        pool.kernel == [2, 2] && pooled::side_by_side(g, pool)
    }

    fn conv2d_max_pooled(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
        pool: &PoolGeometry,
    ) {
        if self.pools(g, pool) {
            self.run(g, batch, input, output, ep, true);
        } else {
            pooled::unfused(self, g, batch, input, output, ep, pool);
        }
    }
}
