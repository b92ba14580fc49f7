//! 3x3 convolution with stride 1 by Winograd's minimal filtering,
//! F(2x2, 3x3), written once over the vector width: each 2x2 block of output pixels (a
//! tile) comes from the 4x4 block of input around it by 16 products per
//! input and output channel instead of 36, 2.25 times fewer multiply-adds.
//!
//! With `d` a tile's 4x4 input of one channel and `g` a 3x3 kernel,
//! `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`, where
//!
//! ```text
//!      | 1  0 -1  0 |        | 1    0    0  |
//! Bᵀ = | 0  1  1  0 |    G = | 1/2  1/2  1/2|    Aᵀ = | 1  1  1  0 |
//!      | 0 -1  1  0 |        | 1/2 -1/2  1/2|         | 0  1 -1 -1 |
//!      | 0  1  0 -1 |        | 0    0    1  |
//! ```
//!
//! The kernels' transforms `U = G g Gᵀ` are made once, in f64, at load
//! time. Each call transforms the inputs (`V = Bᵀ d B`, additions only),
//! then for each of the 16 positions `ξ` of a transformed tile multiplies
//! the matrices `U_ξ` (`C_OUT x C_IN`) and `V_ξ` (`C_IN x tiles`), 6
//! output channels by two vectors of tiles at a time in 12 accumulators
//! (16 tiles with AVX2, 32 with AVX-512, 8 with NEON), and turns
//! each tile's 16 sums back into its 2x2 outputs (`Aᵀ M A`, additions
//! only) with the epilogue. The transforms add rounding of their own: the
//! results differ from a direct convolution's by a few units in the last
//! place of the sums (the fixture tests measure it against PyTorch's
//! float64 run).
//!
//! Tiles are numbered row by row; a vector of consecutive tiles that
//! crosses the end of a row of tiles is read with gathers. Each output
//! value is one sum over the input channels in order, whatever the tasks,
//! so the results do not depend on the thread count.

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
/// Output channel panels whose sums are made together: their 16 x 6 x 16
/// sums (12 KB) stay in L1 until transformed, while each position's
/// input panel is read once per block (measured: 1.3 to 1.45 times faster
/// than all panels at once on ResNet-18's 3x3 layers, whose sums spill to
/// L2).
const KP_BLOCK: usize = 2;
/// Tile panels per task, about, on one thread. With helpers each panel
/// is a task: a task's cost is its panels', and a few large ones leave a
/// thread idle at the end (ResNet-50's 56x56: 25 panels in tasks of 7, 7,
/// 7 and 4 ran at 1.56x on two threads).
const TASK_PANELS: usize = 8;
/// Output channel panels a task takes at least when channels are shared
/// out: with fewer, transforming the inputs again costs more than a second
/// thread saves (the VGG's 32-channel layers at batch 1 in three tasks of
/// two panels: 0.94x on two threads).
const MIN_TASK_KPANELS: usize = 8;

/// Rows and columns of the tiles of a geometry.
fn tiles(g: &ConvGeometry) -> [usize; 2] {
    [g.output[0].div_ceil(2), g.output[1].div_ceil(2)]
}

/// The transformed kernels of a convolution, and the size of the input's
/// padded, column-split copy.
#[derive(Clone, Debug)]
pub struct Winograd {
    isa: Isa,
    /// `U`: `[ξ][panel of 6 output channels][c][6]`, zero beyond `C_OUT`.
    u: Vec<f32>,
    /// Rows of the padded copy, and columns of each of its two column
    /// phases (even and odd columns).
    rows: usize,
    half: usize,
}

impl Winograd {
    /// Transforms `weight` (`[C_OUT, C_IN, 3, 3]`) for `isa` (or the best
    /// below it this CPU runs) when the geometry suits: a 3x3 kernel at
    /// stride 1, no dilation, one group.
    pub fn new(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        if !Self::suits(g) {
            return None;
        }
        let [th, tw] = tiles(g);
        let (rows, half) = (2 * th + 2, tw + 1);
        // Offsets and tile indices are i32 in the gathers.
        if g.c_in
            .checked_mul(2 * rows * half)
            .is_none_or(|n| n > i32::MAX as usize)
        {
            return None;
        }
        let (c_in, c_out) = (g.c_in, g.c_out);
        let panels = c_out.div_ceil(MR);
        let mut u = vec![0.0f32; 16 * panels * c_in * MR];
        for k in 0..c_out {
            for c in 0..c_in {
                let w = &weight[(k * c_in + c) * 9..][..9];
                for (xi, value) in transform_kernel(w).into_iter().enumerate() {
                    u[((xi * panels + k / MR) * c_in + c) * MR + k % MR] = value;
                }
            }
        }
        Some(Winograd {
            isa: isa.or_below(),
            u,
            rows,
            half,
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

    fn plane(&self) -> usize {
        2 * self.rows * self.half
    }

    /// Tiles a product takes at once: two vectors.
    fn nr(&self) -> usize {
        2 * self.isa.lanes()
    }
}

/// `G g Gᵀ` for one 3x3 kernel `g`, in f64.
fn transform_kernel(g: &[f32]) -> [f32; 16] {
    let g: Vec<f64> = g.iter().map(|&v| v as f64).collect();
    // G applied down the columns: 4 rows of 3.
    let mut gg = [[0.0f64; 3]; 4];
    for j in 0..3 {
        let (a, b, c) = (g[j], g[3 + j], g[6 + j]);
        gg[0][j] = a;
        gg[1][j] = (a + b + c) / 2.0;
        gg[2][j] = (a - b + c) / 2.0;
        gg[3][j] = c;
    }
    // Then along the rows.
    let mut u = [0.0f32; 16];
    for (i, row) in gg.iter().enumerate() {
        let [a, b, c] = *row;
        u[4 * i] = a as f32;
        u[4 * i + 1] = ((a + b + c) / 2.0) as f32;
        u[4 * i + 2] = ((a - b + c) / 2.0) as f32;
        u[4 * i + 3] = c as f32;
    }
    u
}

/// `batch` images of `input` zero-padded, each row split into its even and
/// odd columns (`[c][phase][row][column / 2]`), so that the 8 tiles of a
/// row read each input of their 4x4 blocks with one vector load. Give the
/// buffer back to the pool.
fn copies(g: &ConvGeometry, d: &Winograd, batch: usize, input: &[f32]) -> Vec<f32> {
    let [h, w] = g.input;
    let [top, left] = g.pad;
    let (rows, half) = (d.rows, d.half);
    let plane = d.plane();
    let mut copies = pool::take(batch * g.c_in * plane);
    let mut line = pool::take(2 * half + 1);
    // Plain loops, compiled for the instruction set so they vectorise.
    dispatch!(d.isa, _s => {
        for (src, dst) in input
            .chunks_exact(h * w)
            .zip(copies.chunks_exact_mut(plane))
            .take(batch * g.c_in)
        {
            let (even, odd) = dst.split_at_mut(rows * half);
            for (r, (even, odd)) in even
                .chunks_exact_mut(half)
                .zip(odd.chunks_exact_mut(half))
                .enumerate()
            {
                line.fill(0.0);
                if let Some(iy) = r.checked_sub(top).filter(|&iy| iy < h) {
                    let n = w.min(line.len().saturating_sub(left));
                    line[left..left + n].copy_from_slice(&src[iy * w..iy * w + n]);
                }
                for ((e, o), pair) in even.iter_mut().zip(odd).zip(line.chunks_exact(2)) {
                    *e = pair[0];
                    *o = pair[1];
                }
            }
        }
    });
    pool::give(line);
    copies
}

/// Convolves `batch` images (as [`super::conv2d`]); with `pooled`,
/// max-pools each 2x2 tile of the output into one value instead (as
/// [`super::conv2d_max_pooled`] with 2x2 windows at stride 2).
#[allow(clippy::too_many_arguments)]
fn conv2d(
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
    let copies = copies(g, d, batch, input);
    let [th, tw] = tiles(g);
    let panels = (th * tw).div_ceil(d.nr());
    // Tasks of a few tile panels each, as even as possible, and of every
    // output channel unless that leaves too few tasks. (Each output is
    // made whole by one task either way.)
    let sharing = threads::shared(batch * g.macs());
    let chunks = if sharing {
        panels
    } else {
        panels.div_ceil(TASK_PANELS)
    };
    let per_chunk = panels.div_ceil(chunks);
    let kpanels = g.c_out.div_ceil(MR);
    // Too few panels for every thread to take several (ResNet's 14x14
    // holds 2 with AVX-512, its 28x28 7): blocks of output channels too, each task transforming the
    // inputs of its panels again. One thread gains nothing from more
    // tasks. (Each output is made whole by one task either way, so the
    // values do not depend on the cut.)
    let min_tasks = if sharing { threads::min_tasks() } else { 1 };
    let kchunks = min_tasks
        .div_ceil(batch * chunks)
        .min(kpanels / MIN_TASK_KPANELS)
        .max(1);
    let per_kchunk = kpanels.div_ceil(kchunks).next_multiple_of(KP_BLOCK);
    let kchunks = kpanels.div_ceil(per_kchunk);
    let out = Out::new(output);
    threads::for_each(batch * chunks * kchunks, batch * g.macs(), |t| {
        let (b, rest) = (t / (chunks * kchunks), t % (chunks * kchunks));
        let (chunk, kchunk) = (rest / kchunks, rest % kchunks);
        let panels = chunk * per_chunk..((chunk + 1) * per_chunk).min(panels);
        let kps = kchunk * per_kchunk..((kchunk + 1) * per_kchunk).min(kpanels);
        let image = &copies[b * g.c_in * d.plane()..][..g.c_in * d.plane()];
        let dest = OutRows::planes(out.offset(b * out_len), dh, dw);
        let residual = ep.residual.map(|r| &r[b * g.out_len()..][..g.out_len()]);
        // SAFETY: each task writes the outputs of its own tiles of its own
        // image; `image` is its copy.
        dispatch!(d.isa, s => unsafe {
            task(s, g, d, image, panels, kps, &dest, residual, ep, pooled)
        });
    });
    pool::give(copies);
}

/// The tiles of panels `panels` of one image, panel by panel, for output
/// channel panels `kps`: the panel's inputs transformed, then,
/// [`KP_BLOCK`] panels of 6 output channels at a time, their 16 products
/// and output transforms (pooled with `pooled`).
///
/// # Safety
/// `image` is the image's copy (from [`copies`]); the tiles' outputs in
/// `dest` are this caller's alone.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn task<S: Simd>(
    s: S,
    g: &ConvGeometry,
    d: &Winograd,
    image: &[f32],
    panels: std::ops::Range<usize>,
    kps: std::ops::Range<usize>,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
    pooled: bool,
) {
    let c_in = g.c_in;
    let nr = 2 * S::LANES;
    let kpanels = g.c_out.div_ceil(MR);
    // One tile panel's transformed inputs, `[ξ][c][nr]`, and a block's
    // sums, `[output channel panel][ξ][6][nr]`.
    let block = KP_BLOCK;
    let prefetch = d.u.len() >= PREFETCH_FROM;
    let mut v = pool::take(16 * c_in * nr);
    let mut m = pool::take(block * 16 * MR * nr);
    for panel in panels {
        for half in 0..2 {
            transform_inputs(s, g, d, image, panel * nr + S::LANES * half, &mut v, half);
        }
        for k0 in kps.clone().step_by(block) {
            let block_kps = k0..(k0 + block).min(kps.end);
            for xi in 0..16 {
                let vp = &v[xi * c_in * nr..][..c_in * nr];
                for kp in block_kps.clone() {
                    let u = &d.u[(xi * kpanels + kp) * c_in * MR..][..c_in * MR];
                    let sums = &mut m[((kp - k0) * 16 + xi) * MR * nr..][..MR * nr];
                    // The next product's kernels, asked for while this one
                    // runs: each is a few KB of its own, too short for the
                    // hardware's prefetcher, and kernels too large for the
                    // caches come from memory (ResNet-18's 256->256: 4 MB).
                    let next = if !prefetch {
                        None
                    } else if kp + 1 < block_kps.end {
                        Some((xi, kp + 1))
                    } else if xi < 15 {
                        Some((xi + 1, k0))
                    } else if block_kps.end < kps.end {
                        Some((0, block_kps.end))
                    } else {
                        Some((0, kps.start))
                    };
                    let next = next.map(|(xi, kp)| d.u[(xi * kpanels + kp) * c_in * MR..].as_ptr());
                    product(s, u, vp, sums, next);
                }
            }
            for kp in block_kps {
                let sums = &m[(kp - k0) * 16 * MR * nr..][..16 * MR * nr];
                // SAFETY: the panel's tiles are this task's.
                unsafe { transform_outputs(s, g, sums, kp, panel, dest, residual, ep, pooled) };
            }
        }
    }
    pool::give(m);
    pool::give(v);
}

/// `Bᵀ d B` for tiles `t0..t0 + LANES` (row by row) of every input channel,
/// into lanes `LANES * half..` of `v` (`[ξ][c][2 * LANES]`). Tiles past the
/// last are zero.
#[inline(always)]
fn transform_inputs<S: Simd>(
    s: S,
    g: &ConvGeometry,
    d: &Winograd,
    image: &[f32],
    t0: usize,
    v: &mut [f32],
    half: usize,
) {
    let lanes = S::LANES;
    let nr = 2 * lanes;
    let [th, tw] = tiles(g);
    let total = th * tw;
    let c_in = g.c_in;
    let (rows, w2) = (d.rows, d.half);
    let plane = d.plane();
    assert!(image.len() >= c_in * plane && v.len() >= 16 * c_in * nr);
    // Where each lane's block starts in a phase plane: row 2 ty, column tx.
    let mut at = [0i32; 16];
    let mut valid = 0;
    for (l, a) in at.iter_mut().enumerate().take(lanes) {
        let t = t0 + l;
        if t < total {
            *a = (2 * (t / tw) * w2 + t % tw) as i32;
            valid += 1;
        }
    }
    let contiguous = valid == lanes && (1..lanes).all(|l| at[l] == at[0] + l as i32);
    for c in 0..c_in {
        let base = image[c * plane..].as_ptr();
        // d[i][j]: row i of the block, column j (phase j % 2, j / 2 on).
        let mut dd = [[s.zero(); 4]; 4];
        for (i, row) in dd.iter_mut().enumerate() {
            for (j, x) in row.iter_mut().enumerate() {
                let offset = (j % 2) * rows * w2 + i * w2 + j / 2;
                // SAFETY: every valid lane's block lies inside the plane:
                // rows 2 ty + i < rows, columns tx + j / 2 < w2.
                unsafe {
                    let p = base.add(offset);
                    *x = if contiguous {
                        s.load(p.add(at[0] as usize))
                    } else {
                        s.gather(p, &at, valid)
                    };
                }
            }
        }
        // Bᵀ along each row, then down each column.
        let mut e = [[s.zero(); 4]; 4];
        for (e, row) in e.iter_mut().zip(dd) {
            *e = bt(s, row);
        }
        #[allow(clippy::needless_range_loop)] // j picks a column of `e`
        for j in 0..4 {
            let col = bt(s, [e[0][j], e[1][j], e[2][j], e[3][j]]);
            for (i, &x) in col.iter().enumerate() {
                let xi = 4 * i + j;
                let to = (xi * c_in + c) * nr + lanes * half;
                // SAFETY: `to + lanes` is inside `v` (asserted above).
                unsafe { s.store(v.as_mut_ptr().add(to), x) };
            }
        }
    }
}

/// `Bᵀ a` for one column (or row) `a` of a block.
#[inline(always)]
fn bt<S: Simd>(s: S, a: [S::F; 4]) -> [S::F; 4] {
    [
        s.sub(a[0], a[2]),
        s.add(a[1], a[2]),
        s.sub(a[2], a[1]),
        s.sub(a[1], a[3]),
    ]
}

/// `sums[6][2 L] = Σ_c u[c][0..6] ⊗ v[c][0..2 L]`: 12 accumulators, per
/// input channel two loads of `v` and six broadcasts of `u`; with `next`,
/// the `u` of the next product prefetched along the way.
#[inline(always)]
fn product<S: Simd>(s: S, u: &[f32], v: &[f32], sums: &mut [f32], next: Option<*const f32>) {
    let lanes = S::LANES;
    let c_in = u.len() / MR;
    assert!(v.len() >= c_in * 2 * lanes && sums.len() >= MR * 2 * lanes);
    let mut acc = [[s.zero(); 2]; MR];
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
                let v0 = s.load(vp);
                let v1 = s.load(vp.add(lanes));
                for (i, a) in acc.iter_mut().enumerate() {
                    let ui = s.splat(*up.add(i));
                    a[0] = s.mul_add(ui, v0, a[0]);
                    a[1] = s.mul_add(ui, v1, a[1]);
                }
                up = up.add(MR);
                vp = vp.add(2 * lanes);
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
        // SAFETY: `sums` holds 6 rows of 2 L (asserted).
        unsafe {
            s.store(sums.as_mut_ptr().add(i * 2 * lanes), a[0]);
            s.store(sums.as_mut_ptr().add(i * 2 * lanes + lanes), a[1]);
        }
    }
}

/// `Aᵀ M A` of one tile panel's sums for output channels `6 kp..`, with
/// the epilogue, into `dest` (this caller's): where a vector of tiles lies
/// side by side in one row of tiles, inside the output, their 2x2 outputs
/// are interleaved into two rows of two vectors and stored whole (with
/// `pooled`, each tile's maximum: one vector); elsewhere value by value.
///
/// # Safety
/// The panel's outputs in `dest` are this caller's alone.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn transform_outputs<S: Simd>(
    s: S,
    g: &ConvGeometry,
    sums: &[f32],
    kp: usize,
    panel: usize,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
    pooled: bool,
) {
    let lanes = S::LANES;
    let nr = 2 * lanes;
    let [oh, ow] = g.output;
    let [th, tw] = tiles(g);
    let total = th * tw;
    assert!(sums.len() >= 16 * MR * nr);
    for half in 0..2 {
        let t0 = panel * nr + lanes * half;
        if t0 >= total {
            break;
        }
        let (ty, tx) = (t0 / tw, t0 % tw);
        // A vector of tiles in one row, all of whose outputs exist.
        let whole = tx + lanes <= tw && 2 * ty + 1 < oh && 2 * (tx + lanes) <= ow;
        for m in 0..MR.min(g.c_out - kp * MR) {
            let channel = kp * MR + m;
            let mut sm = [[s.zero(); 4]; 4];
            for (i, row) in sm.iter_mut().enumerate() {
                for (j, x) in row.iter_mut().enumerate() {
                    let at = ((4 * i + j) * MR + m) * nr + lanes * half;
                    // SAFETY: inside `sums` (asserted above).
                    *x = unsafe { s.load(sums.as_ptr().add(at)) };
                }
            }
            // Aᵀ down each column, then along the two rows.
            let mut a = [[s.zero(); 4]; 2];
            for j in 0..4 {
                a[0][j] = s.add(s.add(sm[0][j], sm[1][j]), sm[2][j]);
                a[1][j] = s.sub(s.sub(sm[1][j], sm[2][j]), sm[3][j]);
            }
            let scale = s.splat(ep.scale.map_or(1.0, |x| x[channel]));
            let shift = s.splat(ep.shift.map_or(0.0, |x| x[channel]));
            let mut y = [[s.zero(); 2]; 2];
            for (y, a) in y.iter_mut().zip(&a) {
                let y0 = s.add(s.add(a[0], a[1]), a[2]);
                let y1 = s.sub(s.sub(a[1], a[2]), a[3]);
                y[0] = s.mul_add(y0, scale, shift);
                y[1] = s.mul_add(y1, scale, shift);
            }
            if pooled {
                // SAFETY: these tiles' pooled outputs are this caller's.
                unsafe { store_pooled(s, g, dest, channel, t0, y, ep) };
                continue;
            }
            let plane = channel * oh * ow;
            if whole {
                for (r, y) in y.iter().enumerate() {
                    let (oy, ox) = (2 * ty + r, 2 * tx);
                    // Pixels 2 tx, 2 tx + 1, ... of the row.
                    let (lo, hi) = s.zip(y[0], y[1]);
                    let mut row = [lo, hi];
                    if let Some(res) = residual {
                        let res = &res[plane + oy * ow + ox..][..nr];
                        for (h, v) in row.iter_mut().enumerate() {
                            // SAFETY: `res` holds 2 L values.
                            *v = s.add(*v, unsafe { s.load(res.as_ptr().add(lanes * h)) });
                        }
                    }
                    // SAFETY: these 2 L outputs are this caller's.
                    let dst = unsafe { dest.out.slice(dest.at(channel, oy, ox), nr) };
                    for (h, &v) in row.iter().enumerate() {
                        // SAFETY: `dst` holds 2 L values.
                        unsafe { s.store(dst.as_mut_ptr().add(lanes * h), activate(s, v, ep.act)) };
                    }
                }
                continue;
            }
            // Tile by tile, each of its outputs inside the image.
            let values = [
                [s.to_array(y[0][0]), s.to_array(y[0][1])],
                [s.to_array(y[1][0]), s.to_array(y[1][1])],
            ];
            for l in 0..lanes {
                let t = t0 + l;
                if t >= total {
                    break;
                }
                let (ty, tx) = (t / tw, t % tw);
                for (r, vr) in values.iter().enumerate() {
                    for (q, v) in vr.iter().enumerate() {
                        let (oy, ox) = (2 * ty + r, 2 * tx + q);
                        if oy >= oh || ox >= ow {
                            continue;
                        }
                        let mut value = v[l];
                        if let Some(res) = residual {
                            value += res[plane + oy * ow + ox];
                        }
                        // SAFETY: this output is this caller's.
                        unsafe {
                            dest.out.slice(dest.at(channel, oy, ox), 1)[0] = ep.act.apply(value)
                        };
                    }
                }
            }
        }
    }
}

/// Each of the vector of tiles `t0..`'s maximum (down each column of the
/// tile, then across, as the pooling's own order), after the activation,
/// into the pooled output `dest`: one vector where the tiles lie in one
/// row of pooled outputs, else value by value.
///
/// # Safety
/// The tiles' pooled outputs in `dest` are this caller's alone.
#[inline(always)]
unsafe fn store_pooled<S: Simd>(
    s: S,
    g: &ConvGeometry,
    dest: &OutRows,
    channel: usize,
    t0: usize,
    y: [[S::F; 2]; 2],
    ep: &Epilogue,
) {
    let lanes = S::LANES;
    let [oh, ow] = g.output;
    let [th, tw] = tiles(g);
    let (ty, tx) = (t0 / tw, t0 % tw);
    let [ph, pw] = [oh / 2, ow / 2];
    // (No closures: one is compiled without the instruction set.)
    let left = s.max_nan(activate(s, y[0][0], ep.act), activate(s, y[1][0], ep.act));
    let right = s.max_nan(activate(s, y[0][1], ep.act), activate(s, y[1][1], ep.act));
    let m = s.max_nan(left, right);
    if tx + lanes <= pw && ty < ph {
        // SAFETY: these pooled outputs are this caller's.
        let dst = unsafe { dest.out.slice(dest.at(channel, ty, tx), lanes) };
        // SAFETY: `dst` holds a vector.
        unsafe { s.store(dst.as_mut_ptr(), m) };
        return;
    }
    let values = s.to_array(m);
    for (l, &value) in values.iter().enumerate().take(lanes) {
        let t = t0 + l;
        let (ty, tx) = (t / tw, t % tw);
        if t < th * tw && ty < ph && tx < pw {
            // SAFETY: this pooled output is this caller's.
            unsafe { dest.out.slice(dest.at(channel, ty, tx), 1)[0] = value };
        }
    }
}

impl Kernel for Winograd {
    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        Winograd::new(isa, g, weight)
    }

    fn conv2d(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
    ) {
        conv2d(g, self, batch, input, output, ep, false);
    }

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
            // Each 2x2 tile of the output is one pooling window.
            conv2d(g, self, batch, input, output, ep, true);
        } else {
            pooled::unfused(self, g, batch, input, output, ep, pool);
        }
    }
}
