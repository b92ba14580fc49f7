//! Convolution for AVX2 and FMA (any convolution that is not depthwise):
//! tiles of `M` output channels by `V` vectors of 8 output pixels, each
//! pixel vector read with one unaligned load straight from a zero-padded
//! copy of the image, times each channel's broadcast weight. Nothing is
//! packed per call and nothing is transposed.
//!
//! The copy makes every read contiguous. Its rows are as wide as the
//! windows reach, and a stride `s` splits each row and column into `s`
//! phases (columns `0, s, 2s, ...`, then `1, s + 1, ...`), each a plane of
//! its own: output pixel `(y, x)` with kernel tap `(i, j)` then reads plane
//! `(i % s, j % s)` (dilation included) at row `y + i / s`, column
//! `x + j / s`. Numbering the output pixels `q = y * QW + x` with `QW` the
//! planes' width, the tap reads `offset(tap) + q`: consecutive pixels are
//! consecutive values, across the ends of rows too. The few `q` whose `x`
//! lies past the output's width are computed and never stored, so narrow
//! outputs (ResNet's 7x7) fill whole vectors. An unpadded convolution with
//! stride 1 reads its input as it is.
//!
//! Deep patch matrices are summed in blocks of `K_BLOCK` rows, each block
//! over every channel tile of the task before the next, so that the image
//! values a block reads stay in L1 while all the tiles use them. Each
//! output value is one sum over `k` in order, whatever the tasks, so the
//! results do not depend on the thread count.

use std::ops::Range;

use super::geometry::{ConvGeometry, OutRows};
use super::kernel::RowKernel;
use crate::kernels::epilogue::{Epilogue, Out};
use crate::kernels::gemm::k_blocks_of;
use crate::kernels::isa::Isa;
use crate::pool;
use crate::threads;

/// Rows of the patch matrix summed per pass: the image values they read
/// for one tile (a few KB) stay in L1 across the channel tiles.
const K_BLOCK: usize = 256;
/// Channel tiles one task sums together (its partial sums, at most 12 KB).
const CHUNK_TILES: usize = 32;
/// Output pixels per task, about.
const TASK_PIXELS: usize = 512;

/// How the image is copied: the phase planes' size, and which phases.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Layout {
    /// Rows and columns of each phase plane.
    rows: usize,
    cols: usize,
    /// The `(row, column)` phases the taps read, one plane each per input
    /// channel, in this order.
    phases: Vec<[usize; 2]>,
    /// The input is read as it is (stride 1, no padding).
    as_is: bool,
}

impl Layout {
    fn of(g: &ConvGeometry) -> Self {
        let [oh, ow] = g.output;
        let [sy, sx] = g.stride;
        let [dy, dx] = g.dilation;
        let [kh, kw] = g.kernel;
        let mut rows_phases: Vec<usize> = (0..kh).map(|i| i * dy % sy).collect();
        rows_phases.sort_unstable();
        rows_phases.dedup();
        let mut cols_phases: Vec<usize> = (0..kw).map(|j| j * dx % sx).collect();
        cols_phases.sort_unstable();
        cols_phases.dedup();
        let phases = rows_phases
            .iter()
            .flat_map(|&py| cols_phases.iter().map(move |&px| [py, px]))
            .collect();
        Layout {
            rows: oh + (kh - 1) * dy / sy,
            cols: ow + (kw - 1) * dx / sx,
            phases,
            as_is: g.stride == [1, 1] && g.pad == [0, 0],
        }
    }

    fn plane(&self) -> usize {
        self.rows * self.cols
    }

    /// Where tap `(i, j)` of input channel `c` reads for output pixel 0.
    fn offset(&self, g: &ConvGeometry, c: usize, i: usize, j: usize) -> usize {
        let [sy, sx] = g.stride;
        let (ry, rx) = (i * g.dilation[0], j * g.dilation[1]);
        let slot = self
            .phases
            .iter()
            .position(|&p| p == [ry % sy, rx % sx])
            .unwrap_or(0);
        (c * self.phases.len() + slot) * self.plane() + ry / sy * self.cols + rx / sx
    }

    /// One `q` past the last output pixel.
    fn end(&self, g: &ConvGeometry) -> usize {
        (g.output[0] - 1) * self.cols + g.output[1]
    }
}

/// The tile shape for `channels` output channels a group: `M` channels
/// (one that divides them where one can) by `V` vectors, at most 12 sums
/// in registers beside the loaded pixels and a weight.
fn tile_shape(channels: usize) -> (usize, usize) {
    let m = if channels >= 6 { 6 } else { channels };
    let v = match m {
        1 => 8,
        2 => 6,
        3 => 4,
        4 => 3,
        _ => 2,
    };
    (m, v)
}

/// The weights of a convolution packed for [`conv2d`], and where each row
/// of the patch matrix reads in the image's copy.
#[derive(Clone, Debug)]
pub struct FlatConv {
    /// `[group][tile][k][M]`, zero beyond each group's channels.
    weights: Vec<f32>,
    /// Channels a tile (`M`) and vectors of 8 pixels a tile (`V`).
    m: usize,
    v: usize,
    /// Channel tiles per group.
    tiles: usize,
    /// Per `k = (c, i, j)` of one group: where it reads for pixel 0,
    /// from the group's first channel.
    offsets: Vec<u32>,
    layout: Layout,
}

impl FlatConv {
    /// Packs `weight` (`[C_OUT, C_IN/G, KH, KW]`) when the CPU has AVX2 and
    /// FMA and the geometry suits the kernel (not depthwise, sizes that
    /// fit its offsets).
    pub fn new(g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        if !Self::suits(g) {
            return None;
        }
        let layout = Layout::of(g);
        let cg = g.c_in / g.groups;
        let image_len = g
            .c_in
            .checked_mul(layout.phases.len())?
            .checked_mul(layout.plane())?;
        if image_len.checked_add(slack(g))? > u32::MAX as usize {
            return None;
        }
        let [kh, kw] = g.kernel;
        let mut offsets = Vec::with_capacity(g.patch_len());
        for c in 0..cg {
            for i in 0..kh {
                for j in 0..kw {
                    offsets.push(layout.offset(g, c, i, j) as u32);
                }
            }
        }
        let og = g.c_out / g.groups;
        let (m, v) = tile_shape(og);
        let tiles = og.div_ceil(m);
        let k = g.patch_len();
        let mut weights = vec![0.0; g.groups * tiles * k * m];
        for gi in 0..g.groups {
            for t in 0..tiles {
                let packed = &mut weights[(gi * tiles + t) * k * m..][..k * m];
                for ch in 0..m.min(og - t * m) {
                    let row = &weight[(gi * og + t * m + ch) * k..][..k];
                    for (kk, &w) in row.iter().enumerate() {
                        packed[kk * m + ch] = w;
                    }
                }
            }
        }
        Some(FlatConv {
            weights,
            m,
            v,
            tiles,
            offsets,
            layout,
        })
    }

    /// Whether this CPU and `g` suit the kernel (sizes permitting).
    pub fn suits(g: &ConvGeometry) -> bool {
        Isa::Avx2.runs()
            && !g.is_depthwise()
            && g.groups > 0
            && g.c_in.is_multiple_of(g.groups)
            && g.c_out.is_multiple_of(g.groups)
            && !g.output.contains(&0)
            && !g.kernel.contains(&0)
            && !g.stride.contains(&0)
            && !g.dilation.contains(&0)
            && g.c_in > 0
            && g.c_out > 0
    }

    /// Pixels a tile.
    fn width(&self) -> usize {
        8 * self.v
    }

    /// Tasks of channels: chunks of tiles, per group.
    fn chunks_per_group(&self) -> usize {
        self.tiles.div_ceil(CHUNK_TILES)
    }

    /// Whether the input is read as it is, with no copy.
    fn reads_input(&self, g: &ConvGeometry) -> bool {
        self.layout.as_is && self.layout.end(g) >= self.width()
    }
}

/// Values after the last image's copy that the last tile may read (for
/// pixels that are not stored).
fn slack(g: &ConvGeometry) -> usize {
    64 + g.output[1]
}

/// The images as the kernel reads them: copies made once per call, or
/// the input itself.
pub(crate) struct Images<'a> {
    copies: Vec<f32>,
    input: &'a [f32],
    image_len: usize,
}

impl Images<'_> {
    /// Image `b` and everything after it (its last tiles read past it).
    fn image(&self, b: usize) -> &[f32] {
        let all = if self.copies.is_empty() {
            self.input
        } else {
            &self.copies
        };
        &all[b * self.image_len..]
    }

    /// Gives the copies' buffer back to the pool.
    pub fn give(self) {
        pool::give(self.copies);
    }
}

/// `batch` images of `input` as the kernel reads them.
pub(crate) fn images<'a>(
    g: &ConvGeometry,
    d: &FlatConv,
    batch: usize,
    input: &'a [f32],
) -> Images<'a> {
    let layout = &d.layout;
    if d.reads_input(g) {
        return Images {
            copies: Vec::new(),
            input: &input[..batch * g.in_len()],
            image_len: g.in_len(),
        };
    }
    let image_len = g.c_in * layout.phases.len() * layout.plane();
    let mut copies = pool::take(batch * image_len + slack(g));
    for b in 0..batch {
        let src = &input[b * g.in_len()..][..g.in_len()];
        copy_image(g, layout, src, &mut copies[b * image_len..][..image_len]);
    }
    copies[batch * image_len..].fill(0.0);
    Images {
        copies,
        input: &[],
        image_len,
    }
}

/// Writes every value of one image's copy: each phase plane of each
/// channel, zero wherever it lies in the padding.
fn copy_image(g: &ConvGeometry, layout: &Layout, image: &[f32], copy: &mut [f32]) {
    let [h, w] = g.input;
    let [sy, sx] = g.stride;
    let [top, left] = g.pad;
    let (rows, cols) = (layout.rows, layout.cols);
    let planes = copy.chunks_exact_mut(layout.plane());
    let sources = (0..g.c_in).flat_map(|c| layout.phases.iter().map(move |&p| (c, p)));
    for (plane, (c, [py, px])) in planes.zip(sources) {
        let src = &image[c * h * w..][..h * w];
        // The plane's columns that read the image: `v * sx + px - left`
        // in `0..w`.
        let lo = left.saturating_sub(px).div_ceil(sx).min(cols);
        let hi = (w + left).saturating_sub(px).div_ceil(sx).clamp(lo, cols);
        for (u, row) in plane.chunks_exact_mut(cols).enumerate().take(rows) {
            let r = (u * sy + py).checked_sub(top).filter(|&r| r < h);
            let Some(r) = r else {
                row.fill(0.0);
                continue;
            };
            let line = &src[r * w..][..w];
            row[..lo].fill(0.0);
            row[hi..].fill(0.0);
            let first = lo * sx + px - left;
            match sx {
                1 => row[lo..hi].copy_from_slice(&line[first..first + hi - lo]),
                2 => every_second(&line[first..], &mut row[lo..hi]),
                _ => {
                    for (v, d) in row[lo..hi].iter_mut().enumerate() {
                        *d = line[first + v * sx];
                    }
                }
            }
        }
    }
}

/// `dst[v] = src[2 * v]`: eight at a time from two vectors, the even
/// values pulled out by a shuffle and a permute.
pub(crate) fn every_second(src: &[f32], dst: &mut [f32]) {
    let n = dst.len();
    assert!(
        n == 0 || src.len() > 2 * (n - 1),
        "every_second: src is too short"
    );
    let mut done = 0;
    if Isa::Avx2.runs() {
        /// # Safety
        /// AVX2 must be present; `src` holds `16 * chunks` values and `dst`
        /// `8 * chunks`.
        #[target_feature(enable = "avx2")]
        unsafe fn chunks(src: &[f32], dst: &mut [f32], chunks: usize) {
            for c in 0..chunks {
                // SAFETY: chunk `c` is in both (contract).
                unsafe {
                    let a = _mm256_loadu_ps(src.as_ptr().add(16 * c));
                    let b = _mm256_loadu_ps(src.as_ptr().add(16 * c + 8));
                    // Per 128-bit half: a0 a2 b0 b2 | a4 a6 b4 b6.
                    let t = _mm256_castps_pd(_mm256_shuffle_ps::<0b10_00_10_00>(a, b));
                    let even = _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(t));
                    _mm256_storeu_ps(dst.as_mut_ptr().add(8 * c), even);
                }
            }
        }
        let whole = (src.len() / 16).min(n / 8);
        // SAFETY: AVX2 is present (every ISA above the portable one has
        // it); `whole` chunks fit in both slices.
        unsafe { chunks(src, dst, whole) };
        done = 8 * whole;
    }
    for (v, d) in dst.iter_mut().enumerate().skip(done) {
        *d = src[2 * v];
    }
}

/// Tasks per image along its rows: bands of about [`TASK_PIXELS`].
fn bands(g: &ConvGeometry, d: &FlatConv) -> (usize, usize) {
    let oh = g.output[0];
    let rows = TASK_PIXELS.div_ceil(d.layout.cols).clamp(1, oh);
    (oh.div_ceil(rows), rows)
}

/// Convolves `batch` images (as [`super::conv2d`]) with the kernel.
pub fn conv2d(
    g: &ConvGeometry,
    d: &FlatConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
) {
    let images = images(g, d, batch, input);
    let oh = g.output[0];
    let (bands, rows) = bands(g, d);
    let chunks = g.groups * d.chunks_per_group();
    let out = Out::new(output);
    // Chunk by chunk, then image by image: a chunk's weights stay in cache
    // while every image of the batch uses them.
    threads::for_each(chunks * batch * bands, |t| {
        let (chunk, rest) = (t / (batch * bands), t % (batch * bands));
        let (b, band) = (rest / bands, rest % bands);
        let dest = OutRows::whole(g, out.offset(b * g.out_len()));
        let residual = ep.residual.map(|r| &r[b * g.out_len()..][..g.out_len()]);
        let ys = band * rows..((band + 1) * rows).min(oh);
        // SAFETY: `images` was made with `d`; each task writes its own
        // rows of its own channels of its own image.
        unsafe { self::rows(g, d, &images, b, ys, chunk, &dest, residual, ep) };
    });
    images.give();
}

/// Every chunk of output channels of output rows `ys` of image `b`.
///
/// # Safety
/// As for [`rows`].
pub(crate) unsafe fn all_rows(
    g: &ConvGeometry,
    d: &FlatConv,
    images: &Images,
    b: usize,
    ys: std::ops::Range<usize>,
    dest: &OutRows,
    ep: &Epilogue,
) {
    for chunk in 0..g.groups * d.chunks_per_group() {
        // SAFETY: as for this function.
        unsafe { rows(g, d, images, b, ys.clone(), chunk, dest, None, ep) };
    }
}

/// Output rows `ys` of image `b`, chunk `chunk` of channel tiles, into
/// `dest`; `residual` (if any) is laid out like one image's whole output.
///
/// # Safety
/// `d` must have been made for `g` and `images` by [`images`] with `d`;
/// the rows' part of `dest` must be this caller's alone.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn rows(
    g: &ConvGeometry,
    d: &FlatConv,
    images: &Images,
    b: usize,
    ys: std::ops::Range<usize>,
    chunk: usize,
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let per_group = d.chunks_per_group();
    let (gi, c) = (chunk / per_group, chunk % per_group);
    let tiles = c * CHUNK_TILES..((c + 1) * CHUNK_TILES).min(d.tiles);
    let task = Task {
        g,
        d,
        image: images.image(b),
        group: gi,
        tiles,
        ys,
        dest,
        residual,
        ep,
    };
    // SAFETY: AVX2 and FMA were detected when `d` was made; the reads lie
    // in the image's copy (`run` asserts it); the writes are the caller's.
    unsafe {
        match (d.m, d.v) {
            (1, 8) => task.run::<1, 8>(),
            (2, 6) => task.run::<2, 6>(),
            (3, 4) => task.run::<3, 4>(),
            (4, 3) => task.run::<4, 3>(),
            (5, 2) => task.run::<5, 2>(),
            (6, 2) => task.run::<6, 2>(),
            _ => unreachable!("tile shapes come from tile_shape"),
        }
    }
}

/// One task: some rows of one image, some channel tiles of one group.
struct Task<'a> {
    g: &'a ConvGeometry,
    d: &'a FlatConv,
    image: &'a [f32],
    group: usize,
    tiles: std::ops::Range<usize>,
    ys: std::ops::Range<usize>,
    dest: &'a OutRows,
    residual: Option<&'a [f32]>,
    ep: &'a Epilogue<'a>,
}

use std::arch::x86_64::*;

impl Task<'_> {
    /// Every tile of the task's pixels, `8 * V` at a time, each over every
    /// channel tile, block of `k` by block.
    ///
    /// # Safety
    /// AVX2 and FMA must be present; as for [`rows`].
    #[target_feature(enable = "avx2,fma")]
    unsafe fn run<const M: usize, const V: usize>(&self) {
        let (g, d) = (self.g, self.d);
        let width = 8 * V;
        let k = d.offsets.len();
        let cols = d.layout.cols;
        let ow = g.output[1];
        if self.ys.is_empty() || self.tiles.is_empty() {
            return;
        }
        let cg = g.c_in / g.groups;
        let group_start = self.group * cg * d.layout.phases.len() * d.layout.plane();
        let image = &self.image[group_start..];
        // The task's pixels, and the last start a tile may have: its reads
        // then end where the last output pixel's do.
        let (lo, hi) = (self.ys.start * cols, (self.ys.end - 1) * cols + ow);
        let last_start = d.layout.end(g).saturating_sub(width);
        let furthest = (hi - 1).min(last_start) + width;
        let reach = d.offsets.iter().max().map_or(0, |&o| o as usize) + furthest;
        assert!(
            reach <= image.len(),
            "flat conv: the tiles read past the image"
        );
        let mut sums = [[[_mm256_setzero_ps(); V]; M]; CHUNK_TILES];
        let mut done = lo;
        while done < hi {
            let q0 = done.min(last_start);
            let store = done..(q0 + width).min(hi);
            // SAFETY: every read is at `image + offset + q` for an offset of
            // the table and `q < q0 + width <= furthest` (asserted).
            let src = unsafe { image.as_ptr().add(q0) };
            let plan: [Placement; V] = std::array::from_fn(|v| self.place(q0 + 8 * v, &store));
            let blocks = k.div_ceil(K_BLOCK).max(1);
            for (bi, (k0, kc)) in k_blocks_of(k, K_BLOCK).enumerate() {
                let offsets = &d.offsets[k0..k0 + kc];
                for (slot, t) in self.tiles.clone().enumerate() {
                    let at = ((self.group * d.tiles + t) * k + k0) * M;
                    let w = &d.weights[at..at + kc * M];
                    // SAFETY: as above.
                    unsafe { sum::<M, V>(offsets, w, src, &mut sums[slot], bi == 0) };
                    if bi + 1 == blocks {
                        // SAFETY: the stored pixels are the task's own.
                        unsafe { self.finish::<M, V>(&sums[slot], t, &plan) };
                    }
                }
            }
            done = store.end;
        }
    }

    /// Where the lanes of the vector of pixels from `qv` go, of those in
    /// `store`: the pixels a vector stores are consecutive in the output
    /// even where they cross the end of a row (the columns between are not
    /// stored), so they are moved together and stored as one vector. The
    /// values it writes past its own pixels belong to the task's next
    /// pixels, stored later; only at the end of the task's rows are its
    /// values stored one by one.
    fn place(&self, qv: usize, store: &std::ops::Range<usize>) -> Placement {
        let cols = self.d.layout.cols;
        let ow = self.g.output[1];
        let (mut y, mut x) = (qv / cols, qv % cols);
        let (mut mask, mut at) = (0usize, None);
        for l in 0..8 {
            if store.contains(&(qv + l)) && x < ow {
                mask |= 1 << l;
                at.get_or_insert((y, x));
            }
            x += 1;
            if x == cols {
                (x, y) = (0, y + 1);
            }
        }
        let (y, x) = at.unwrap_or((self.ys.start, 0));
        Placement {
            mask,
            y,
            x,
            whole: (y - self.ys.start) * ow + x + 8 <= self.ys.len() * ow,
        }
    }

    /// `act(sum * scale + shift + residual)` of one tile's sums into their
    /// output rows, each vector as `plan` places it.
    ///
    /// # Safety
    /// AVX2 and FMA must be present; the placed pixels are this task's.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn finish<const M: usize, const V: usize>(
        &self,
        acc: &[[__m256; V]; M],
        tile: usize,
        plan: &[Placement; V],
    ) {
        let (g, ep, dest) = (self.g, self.ep, self.dest);
        let og = g.c_out / g.groups;
        let first = tile * M;
        let count = M.min(og - first);
        let [oh, ow] = g.output;
        for (v, place) in plan.iter().enumerate() {
            if place.mask == 0 {
                continue;
            }
            let (y, x) = (place.y, place.x);
            // SAFETY: the table has 256 entries of 8 bytes.
            let lanes = unsafe {
                _mm256_cvtepu8_epi32(_mm_loadl_epi64(COMPACT[place.mask].as_ptr().cast()))
            };
            for (m, row) in acc.iter().enumerate().take(count) {
                let channel = self.group * og + first + m;
                let scale = ep.scale.map_or(1.0, |s| s[channel]);
                let shift = ep.shift.map_or(0.0, |s| s[channel]);
                let mut value =
                    _mm256_fmadd_ps(row[v], _mm256_set1_ps(scale), _mm256_set1_ps(shift));
                if place.mask != 0xff {
                    value = _mm256_permutevar8x32_ps(value, lanes);
                }
                let to = dest.at(channel, y, x);
                let from = channel * oh * ow + y * ow + x;
                if place.whole {
                    if let Some(r) = self.residual {
                        let r = &r[from..from + 8];
                        // SAFETY: `r` holds 8 values.
                        value = _mm256_add_ps(value, unsafe { _mm256_loadu_ps(r.as_ptr()) });
                    }
                    // SAFETY: the 8 values from `to` are this task's
                    // (`whole`); those past the placed pixels are stored
                    // again later.
                    unsafe {
                        let dst = dest.out.slice(to, 8);
                        _mm256_storeu_ps(
                            dst.as_mut_ptr(),
                            crate::kernels::simd::activate_avx2(value, ep.act),
                        );
                    }
                    continue;
                }
                let mut values = [0.0f32; 8];
                // SAFETY: `values` holds 8 values.
                unsafe { _mm256_storeu_ps(values.as_mut_ptr(), value) };
                // SAFETY: the placed values from `to` are this task's.
                let dst = unsafe { dest.out.slice(to, place.mask.count_ones() as usize) };
                for (l, (d, &v)) in dst.iter_mut().zip(&values).enumerate() {
                    let v = match self.residual {
                        Some(r) => v + r[from + l],
                        None => v,
                    };
                    *d = ep.act.apply(v);
                }
            }
        }
    }
}

/// Where one vector of a tile's sums goes (see [`Task::place`]).
#[derive(Clone, Copy, Debug)]
struct Placement {
    /// The lanes stored: pixels of the task inside the output's width.
    mask: usize,
    /// The first stored pixel's row and column.
    y: usize,
    x: usize,
    /// Whether a store of 8 values from there stays in the task's rows.
    whole: bool,
}

/// Per mask of 8 lanes, the lanes that are set, in order, as byte indices
/// for a permute that moves them to the front.
const COMPACT: [[u8; 8]; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut mask = 0;
    while mask < 256 {
        let (mut lane, mut next) = (0, 0);
        while lane < 8 {
            if mask & (1 << lane) != 0 {
                table[mask][next] = lane as u8;
                next += 1;
            }
            lane += 1;
        }
        mask += 1;
    }
    table
};

/// The sums of `M` output channels by `V` vectors of pixels from `src`
/// over the rows of `offsets` (weights `[k][M]`), added to `sums` (or from
/// zero when `first`) and stored there.
///
/// # Safety
/// AVX2 and FMA must be present; `src + offsets[kk] + i` must be readable
/// for every `kk` and `i < 8 * V`.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn sum<const M: usize, const V: usize>(
    offsets: &[u32],
    weights: &[f32],
    src: *const f32,
    sums: &mut [[__m256; V]; M],
    first: bool,
) {
    let k = offsets.len();
    assert!(weights.len() >= k * M);
    let mut acc = [[_mm256_setzero_ps(); V]; M];
    if !first {
        acc = *sums;
    }
    // Plain pointers and a counted loop: the sums stay in registers.
    let (mut op, mut wp) = (offsets.as_ptr(), weights.as_ptr());
    for _ in 0..k {
        // SAFETY: `op` and `wp` walk the `k` offsets and `k * M` weights;
        // the reads are in bounds by the contract.
        unsafe {
            let base = src.add(*op as usize);
            // (A loop, not `from_fn`: a closure is compiled without AVX2.)
            let mut x = [_mm256_setzero_ps(); V];
            for (v, x) in x.iter_mut().enumerate() {
                *x = _mm256_loadu_ps(base.add(8 * v));
            }
            for (m, a) in acc.iter_mut().enumerate() {
                let wm = _mm256_broadcast_ss(&*wp.add(m));
                for (a, &x) in a.iter_mut().zip(&x) {
                    *a = _mm256_fmadd_ps(wm, x, *a);
                }
            }
            op = op.add(1);
            wp = wp.add(M);
        }
    }
    *sums = acc;
}

impl RowKernel for FlatConv {
    type Images<'a> = Images<'a>;

    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        (isa == Isa::Avx2).then(|| FlatConv::new(g, weight))?
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
        unsafe { all_rows(g, self, images, b, ys, dest, ep) };
    }

    fn give(images: Images) {
        images.give();
    }
}
