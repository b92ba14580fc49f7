//! Convolution over flattened rows, written once over the vector width (any
//! convolution that is not depthwise; the shallow ones, such as a
//! network's first layer, are where it wins): tiles of `M` output channels
//! by `V` vectors of output pixels, each pixel vector read with one
//! unaligned load straight from a zero-padded copy of the image, times each
//! channel's broadcast weight. Nothing is packed per call and nothing is
//! transposed: where the GEMM and the direct kernel pay per tile for
//! packing or storing sums, this one has only its loads.
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

use super::geometry::{ConvGeometry, OutRows, max_offset};
use super::kernel::RowKernel;
use crate::kernels::epilogue::{Epilogue, Out};
use crate::kernels::gemm::k_blocks_of;
use crate::kernels::isa::Isa;
use crate::kernels::simd::{Simd, activate_n, dispatch, unzip_row};
use crate::pool;
use crate::threads;

/// Rows of the patch matrix summed per pass: the image values they read
/// for one tile (a few KB) stay in L1 across the channel tiles.
const K_BLOCK: usize = 256;
/// Channel tiles one task sums together (their partial sums stay in L1).
const CHUNK_TILES: usize = 32;
/// Output pixels per task, about.
const TASK_PIXELS: usize = 512;
/// The most sums a tile keeps (`M * V`), over every instruction set.
const MAX_SUMS: usize = 24;

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

/// The tile shape on `isa` for `channels` output channels a group: `M`
/// channels by `V` vectors, as many sums as the vector registers hold
/// beside the loaded pixels and a weight, with one to spare (without it
/// LLVM spills a sum on every step): 24 of 32 registers, 12 of 16. With 32
/// registers `M` is the one of 5 to 8 that leaves the fewest channels
/// empty (the larger of equals).
fn tile_shape(isa: Isa, channels: usize) -> (usize, usize) {
    if matches!(isa, Isa::Avx512 | Isa::Neon) {
        let m = if channels <= 8 {
            channels
        } else {
            (5..=8)
                .rev()
                .min_by_key(|&m| channels.div_ceil(m) * m - channels)
                .unwrap_or(8)
        };
        return (m, (24 / m).min(4));
    }
    let m = channels.min(6);
    let v = match m {
        1 => 8,
        2 => 6,
        3 => 4,
        4 => 3,
        _ => 2,
    };
    (m, v)
}

/// [`tile_shape`] for a layer whose tasks take whole rows of `per_row`
/// vectors of pixels, `band` rows a task (`oh` rows in all), each task's
/// vectors in whole tiles: with 32 registers, the shape of 16 sums or
/// more that computes the fewest values (channels and vectors rounded up
/// to whole tiles) where it computes at least a twentieth fewer. The
/// tutorial models' first layers, 16 rows of one vector into 16
/// channels: 4 x 4 computes 16 vectors where 8 x 3 computes 18, and runs
/// at 1.1x its speed (`conv_probe`, AMD Zen 4); on 15 rows, where it
/// computes 16 and 8 x 3 computes 15, at 0.96x. A multiply-add costs
/// about the same in either shape.
fn rows_tile_shape(
    isa: Isa,
    channels: usize,
    oh: usize,
    band: usize,
    per_row: usize,
) -> (usize, usize) {
    let shape = tile_shape(isa, channels);
    if !matches!(isa, Isa::Avx512 | Isa::Neon) || band == 0 {
        return shape;
    }
    let values = |(m, v): (usize, usize)| {
        let vectors: usize = (0..oh)
            .step_by(band)
            .map(|y| ((oh - y).min(band) * per_row).div_ceil(v) * v)
            .sum();
        channels.div_ceil(m) * m * vectors
    };
    let fewest = (4..=8)
        .map(|m| (m, (24 / m).min(4)))
        .min_by_key(|&s| values(s))
        .unwrap_or(shape);
    if values(fewest) * 20 <= values(shape) * 19 {
        fewest
    } else {
        shape
    }
}

/// The weights of a convolution packed for the kernel, and where each row
/// of the patch matrix reads in the image's copy.
#[derive(Clone, Debug)]
pub struct FlatConv {
    isa: Isa,
    /// `[group][tile][k][M]`, zero beyond each group's channels.
    weights: Vec<f32>,
    /// Channels a tile (`M`) and vectors of pixels a tile (`V`).
    m: usize,
    v: usize,
    /// Channel tiles per group.
    tiles: usize,
    /// Whether vectors start at each row's start (else they run on across
    /// the ends of rows): where the rows' vectors compute no more columns
    /// than the copy's rows hold.
    by_rows: bool,
    /// Per `k = (c, i, j)` of one group: where it reads for pixel 0,
    /// from the group's first channel.
    offsets: Vec<u32>,
    /// The largest of `offsets` (each task's reads are checked against
    /// it).
    max_offset: usize,
    layout: Layout,
}

impl FlatConv {
    /// Packs `weight` (`[C_OUT, C_IN/G, KH, KW]`) for `isa` (or the best
    /// below it this CPU runs) when the geometry suits the kernel (not
    /// depthwise, sizes that fit its offsets).
    pub fn new(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        let isa = isa.or_below();
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
        let lanes = isa.lanes();
        let by_rows = g.output[1].div_ceil(lanes) * lanes <= layout.cols;
        let (m, v) = if by_rows {
            let (_, band) = bands_of(g.output[0], layout.cols);
            rows_tile_shape(isa, og, g.output[0], band, g.output[1].div_ceil(lanes))
        } else {
            tile_shape(isa, og)
        };
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
            isa,
            weights,
            m,
            v,
            tiles,
            by_rows,
            max_offset: max_offset(&offsets),
            offsets,
            layout,
        })
    }

    /// Whether `g` suits the kernel.
    fn suits(g: &ConvGeometry) -> bool {
        !g.is_depthwise()
            && g.groups > 0
            && g.c_in.is_multiple_of(g.groups)
            && g.c_out.is_multiple_of(g.groups)
            && g.has_extent()
            && g.c_in > 0
            && g.c_out > 0
    }

    /// Pixels a tile.
    fn width(&self) -> usize {
        self.isa.lanes() * self.v
    }

    /// Channel tiles a task takes: [`CHUNK_TILES`], or fewer where the
    /// layer (of `work` multiply-adds) is shared and would otherwise make
    /// too few tasks (`others`: tasks along images and rows) to keep every
    /// thread busy, such as ResNet-50's 1024->256 at 14x14 (one task of
    /// 32 tiles).
    fn chunk_tiles(&self, others: usize, work: usize) -> usize {
        let tiles = self.tiles.max(1);
        let whole = tiles.min(CHUNK_TILES);
        let min_tasks = threads::min_tasks();
        if !threads::shared(work) || others * tiles.div_ceil(whole) >= min_tasks {
            return whole;
        }
        tiles.div_ceil(min_tasks.div_ceil(others)).max(1)
    }

    /// Whether the input is read as it is, with no copy: where no read
    /// reaches past it.
    fn reads_input(&self, g: &ConvGeometry) -> bool {
        let lanes = self.isa.lanes();
        let reach = if self.by_rows {
            // The last group's channels start this far into the image.
            let last_group = (g.groups - 1)
                * (g.c_in / g.groups)
                * self.layout.phases.len()
                * self.layout.plane();
            last_group
                + (g.output[0] - 1) * self.layout.cols
                + g.output[1].div_ceil(lanes) * lanes
                + self.max_offset
        } else {
            0
        };
        self.layout.as_is && self.layout.end(g) >= self.width() && reach <= g.in_len()
    }
}

/// Values after the last image's copy that the last tile may read (for
/// pixels that are not stored).
fn slack(g: &ConvGeometry) -> usize {
    128 + g.output[1]
}

/// The images as the kernel reads them: copies made once per call, or
/// the input itself.
pub(crate) struct Images<'a> {
    values: pool::Copied<'a>,
    image_len: usize,
}

impl Images<'_> {
    /// Image `b` and everything after it (its last tiles read past it).
    fn image(&self, b: usize) -> &[f32] {
        &self.values[b * self.image_len..]
    }

    /// Gives the copies' buffer back to the pool.
    fn give(self) {
        self.values.give();
    }
}

/// `batch` images of `input` as the kernel reads them.
fn images<'a>(g: &ConvGeometry, d: &FlatConv, batch: usize, input: &'a [f32]) -> Images<'a> {
    let layout = &d.layout;
    if d.reads_input(g) {
        return Images {
            values: pool::Copied::Input(&input[..batch * g.in_len()]),
            image_len: g.in_len(),
        };
    }
    let image_len = g.c_in * layout.phases.len() * layout.plane();
    let mut copies = pool::take(batch * image_len + slack(g));
    for b in 0..batch {
        let src = &input[b * g.in_len()..][..g.in_len()];
        let copy = &mut copies[b * image_len..][..image_len];
        dispatch!(d.isa, s => copy_image(s, g, layout, src, copy));
    }
    copies[batch * image_len..].fill(0.0);
    Images {
        values: pool::Copied::Copy(copies),
        image_len,
    }
}

/// Writes every value of one image's copy: each phase plane of each
/// channel, zero wherever it lies in the padding.
#[inline(always)]
fn copy_image<S: Simd>(s: S, g: &ConvGeometry, layout: &Layout, image: &[f32], copy: &mut [f32]) {
    let pairs = layout
        .phases
        .chunks(2)
        .all(|p| p.len() == 2 && p[0][1] == 0 && p[1][1] == 1);
    if g.stride[1] == 2 && pairs {
        copy_pairs(s, g, layout, image, copy);
    } else {
        copy_planes(s, g, layout, image, copy);
    }
}

/// [`copy_image`] one phase plane at a time.
#[inline(always)]
fn copy_planes<S: Simd>(s: S, g: &ConvGeometry, layout: &Layout, image: &[f32], copy: &mut [f32]) {
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
                2 => every_second(s, &line[first..], &mut row[lo..hi]),
                _ => {
                    for (v, d) in row[lo..hi].iter_mut().enumerate() {
                        *d = line[first + v * sx];
                    }
                }
            }
        }
    }
}

/// [`copy_image`] at a column stride of 2 where the taps read both
/// column phases (a 3x3 at stride 2, say): each input row is split once
/// into its even and odd columns, one plane's row each. Column `v` of
/// phase `px` reads input column `2v + px - left`, so input column `j`
/// lands in phase `(j + left) % 2` at column `(j + left) / 2`.
#[inline(always)]
fn copy_pairs<S: Simd>(s: S, g: &ConvGeometry, layout: &Layout, image: &[f32], copy: &mut [f32]) {
    let [h, w] = g.input;
    let sy = g.stride[0];
    let [top, left] = g.pad;
    let (rows, cols, plane) = (layout.rows, layout.cols, layout.plane());
    // Where the even and the odd input columns start, and how many fit.
    let even_at = (left / 2).min(cols);
    let odd_at = left.div_ceil(2).min(cols);
    let evens = w.div_ceil(2).min(cols - even_at);
    let odds = (w / 2).min(cols - odd_at);
    let pairs = layout.phases.len() / 2;
    for (c, channel) in copy
        .chunks_exact_mut(2 * pairs * plane)
        .enumerate()
        .take(g.c_in)
    {
        let src = &image[c * h * w..][..h * w];
        // Row `u` of every pair in turn: the input rows in their order
        // (at a row stride of 2, rows `2u - top` and `2u + 1 - top`), a
        // stream the hardware prefetches, where a pair at a time reads
        // every other row (MobileNetV2's first layer, its input from
        // memory: 1.07x).
        for u in 0..rows {
            for (pair, p) in channel
                .chunks_exact_mut(2 * plane)
                .zip(layout.phases.iter().step_by(2))
            {
                let (first, second) = pair.split_at_mut(plane);
                // Phase 0 takes the even columns when `left` is even.
                let (even, odd) = if left % 2 == 0 {
                    (first, second)
                } else {
                    (second, first)
                };
                let re = &mut even[u * cols..][..cols];
                let ro = &mut odd[u * cols..][..cols];
                let Some(r) = (u * sy + p[0]).checked_sub(top).filter(|&r| r < h) else {
                    re.fill(0.0);
                    ro.fill(0.0);
                    continue;
                };
                zero(s, &mut re[..even_at]);
                zero(s, &mut re[even_at + evens..]);
                zero(s, &mut ro[..odd_at]);
                zero(s, &mut ro[odd_at + odds..]);
                unzip_row(
                    s,
                    &src[r * w..][..w],
                    &mut re[even_at..][..evens],
                    &mut ro[odd_at..][..odds],
                );
            }
        }
    }
}

/// Zeroes a few values with vector stores (`fill` calls `memset`, dear
/// for the one or two values of a row's padding).
#[inline(always)]
fn zero<S: Simd>(s: S, d: &mut [f32]) {
    for part in d.chunks_mut(S::LANES) {
        s.store_first(part, s.zero());
    }
}

/// `dst[v] = src[2 * v]`: a vector at a time, the even lanes of two.
#[inline(always)]
fn every_second<S: Simd>(s: S, src: &[f32], dst: &mut [f32]) {
    let n = dst.len();
    let lanes = S::LANES;
    assert!(
        n == 0 || src.len() > 2 * (n - 1),
        "every_second: src is too short"
    );
    let whole = (src.len() / (2 * lanes)).min(n / lanes);
    for c in 0..whole {
        // SAFETY: chunk `c` is in both (`whole` chunks fit).
        unsafe {
            let a = s.load(src.as_ptr().add(2 * lanes * c));
            let b = s.load(src.as_ptr().add(2 * lanes * c + lanes));
            s.store(dst.as_mut_ptr().add(lanes * c), s.unzip(a, b).0);
        }
    }
    // The rest a vector at a time too, the loads and the store masked to
    // the row (a row of 32 values at padding 1 has 31 after its first
    // read, one short of two whole vectors).
    for q in (lanes * whole..n).step_by(lanes) {
        let a = s.load_first(&src[2 * q..]);
        let b = s.load_first(&src[(2 * q + lanes).min(src.len())..]);
        s.store_first(&mut dst[q..], s.unzip(a, b).0);
    }
}

/// Whether a task runs its channel tiles one after another over all its
/// pixels, rather than every tile at each step of pixels: for first
/// layers (at most 4 input channels a group, one block of `k`) onto
/// planes of 56x56 and up. Tile by tile, the output is written `M` planes
/// at a time, a few long streams the hardware prefetches, where every
/// tile at each step writes a short piece of each of the chunk's planes
/// (64 for SqueezeNet's 3->64 at 111x111), and planes that large come
/// from memory inside a model. The few input planes a task reads stay
/// in L1 between the tiles; deeper patches keep the other order, whose
/// pixels are loaded once for every tile.
fn tile_by_tile(g: &ConvGeometry, d: &FlatConv) -> bool {
    g.c_in / g.groups <= 4 && d.offsets.len() <= K_BLOCK && g.output[0] * g.output[1] >= 56 * 56
}

/// Tasks per image along its rows: bands of about [`TASK_PIXELS`], as
/// even as the rows allow (a short last band leaves a thread idle).
fn bands(g: &ConvGeometry, d: &FlatConv) -> (usize, usize) {
    bands_of(g.output[0], d.layout.cols)
}

/// [`bands`] for `oh` output rows of a copy `cols` wide.
fn bands_of(oh: usize, cols: usize) -> (usize, usize) {
    let rows = TASK_PIXELS.div_ceil(cols.max(1)).clamp(1, oh.max(1));
    let bands = oh.div_ceil(rows);
    (bands, oh.div_ceil(bands.max(1)))
}

/// Convolves `batch` images (as [`super::conv2d`]) with the kernel.
fn conv2d(
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
    let per_chunk = d.chunk_tiles(batch * bands, batch * g.macs());
    let chunks = g.groups * d.tiles.div_ceil(per_chunk);
    let out = Out::new(output);
    // Chunk by chunk, then image by image: a chunk's weights stay in cache
    // while every image of the batch uses them.
    threads::for_each(chunks * batch * bands, batch * g.macs(), |t| {
        let (chunk, rest) = (t / (batch * bands), t % (batch * bands));
        let (b, band) = (rest / bands, rest % bands);
        let dest = OutRows::whole(g, out.offset(b * g.out_len()));
        let residual = ep.residual.map(|r| &r[b * g.out_len()..][..g.out_len()]);
        let ys = band * rows..((band + 1) * rows).min(oh);
        // SAFETY: `images` was made with `d`; each task writes its own
        // rows of its own channels of its own image.
        unsafe {
            self::rows(
                g,
                d,
                &images,
                b,
                ys,
                (chunk, per_chunk),
                &dest,
                residual,
                ep,
            )
        };
    });
    images.give();
}

/// Output rows `ys` of image `b`, chunk `chunk.0` of channel tiles (of
/// `chunk.1` tiles each, at most [`CHUNK_TILES`]), into
/// `dest`; `residual` (if any) is laid out like one image's whole output.
///
/// # Safety
/// `d` must have been made for `g` and `images` by [`images`] with `d`;
/// the rows' part of `dest` must be this caller's alone.
#[allow(clippy::too_many_arguments)]
unsafe fn rows(
    g: &ConvGeometry,
    d: &FlatConv,
    images: &Images,
    b: usize,
    ys: Range<usize>,
    (chunk, per_chunk): (usize, usize),
    dest: &OutRows,
    residual: Option<&[f32]>,
    ep: &Epilogue,
) {
    let per_group = d.tiles.div_ceil(per_chunk);
    let (gi, c) = (chunk / per_group, chunk % per_group);
    let tiles = c * per_chunk..((c + 1) * per_chunk).min(d.tiles);
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
    macro_rules! shapes {
        ($s:ident; $(($m:literal, $v:literal))*) => {
            match (d.m, d.v) {
                $(($m, $v) => task.run::<_, $m, $v>($s),)*
                _ => unreachable!("tile shapes come from tile_shape"),
            }
        };
    }
    // SAFETY: the reads lie in the image's copy (`run` asserts it); the
    // writes are the caller's.
    dispatch!(d.isa, s => unsafe {
        shapes!(s; (1, 8) (2, 6) (3, 4) (4, 3) (5, 2) (6, 2)
            (1, 4) (2, 4) (4, 4) (5, 4) (6, 4) (7, 3) (8, 3))
    });
}

/// One task: some rows of one image, some channel tiles of one group.
struct Task<'a> {
    g: &'a ConvGeometry,
    d: &'a FlatConv,
    image: &'a [f32],
    group: usize,
    tiles: Range<usize>,
    ys: Range<usize>,
    dest: &'a OutRows,
    residual: Option<&'a [f32]>,
    ep: &'a Epilogue<'a>,
}

impl Task<'_> {
    /// Every tile of the task's pixels, `V` vectors at a time, each over
    /// every channel tile, block of `k` by block.
    ///
    /// # Safety
    /// As for [`rows`].
    #[inline(always)]
    unsafe fn run<S: Simd, const M: usize, const V: usize>(&self, s: S) {
        let (g, d) = (self.g, self.d);
        let lanes = S::LANES;
        let width = lanes * V;
        let cols = d.layout.cols;
        let ow = g.output[1];
        if self.ys.is_empty() || self.tiles.is_empty() {
            return;
        }
        // The tiles of each pass over the pixels: all of them, or one a pass.
        let one_by_one = tile_by_tile(g, d);
        let passes = if one_by_one { self.tiles.len() } else { 1 };
        let tiles_of = |pass: usize| {
            if one_by_one {
                let t = self.tiles.start + pass;
                t..t + 1
            } else {
                self.tiles.clone()
            }
        };
        assert!(M * V <= MAX_SUMS && d.isa == s.isa() && self.tiles.len() <= CHUNK_TILES);
        let cg = g.c_in / g.groups;
        let group_start = self.group * cg * d.layout.phases.len() * d.layout.plane();
        let image = &self.image[group_start..];
        // Partial sums kept between blocks of `k` only where there are
        // several (the shallow layers, with one, keep none).
        let blocks = d.offsets.len().div_ceil(K_BLOCK).max(1);
        // (Left uninitialised, unlike an array of zeros, which would cost
        // the shallow layers a clear of up to 48 KB a task; each slot is
        // written in a block before it is read in the next.)
        let mut kept = std::mem::MaybeUninit::<[[[S::F; V]; M]; CHUNK_TILES]>::uninit();
        let kept = kept.as_mut_ptr().cast::<[[S::F; V]; M]>();
        if d.by_rows {
            // Each row's pixels in vectors from its start, the last one
            // partly filled.
            let per_row = ow.div_ceil(lanes);
            let total = self.ys.len() * per_row;
            let furthest = (self.ys.end - 1) * cols + per_row * lanes;
            assert!(
                furthest + d.max_offset <= image.len(),
                "flat conv: the tiles read past the image"
            );
            for (pass, t0) in (0..passes).flat_map(|p| (0..total).step_by(V).map(move |t0| (p, t0)))
            {
                let mut starts = [0usize; V];
                let mut plan = [Placement::default(); V];
                for (v, (start, place)) in starts.iter_mut().zip(&mut plan).enumerate() {
                    // Past the task's last vector: its reads again, unstored.
                    let i = (t0 + v).min(total - 1);
                    let (y, x) = (self.ys.start + i / per_row, i % per_row * lanes);
                    *start = y * cols + x;
                    if t0 + v < total {
                        place.count = lanes.min(ow - x);
                        place.in_order = true;
                        (place.y, place.x) = (y, x);
                        place.whole = place.count == lanes;
                    }
                }
                // SAFETY: every read is at `image + start + offset + lane`,
                // below `furthest + max_offset` (asserted).
                unsafe {
                    self.tile::<S, M, V>(s, image, &starts, &plan, blocks, kept, tiles_of(pass))
                };
            }
            return;
        }
        // The task's pixels, and the last start a tile may have: its reads
        // then end where the last output pixel's do.
        let (lo, hi) = (self.ys.start * cols, (self.ys.end - 1) * cols + ow);
        let last_start = d.layout.end(g).saturating_sub(width);
        let furthest = (hi - 1).min(last_start) + width;
        assert!(
            furthest + d.max_offset <= image.len(),
            "flat conv: the tiles read past the image"
        );
        for pass in 0..passes {
            let mut done = lo;
            while done < hi {
                let q0 = done.min(last_start);
                let store = done..(q0 + width).min(hi);
                let mut starts = [0usize; V];
                let mut plan = [Placement::default(); V];
                for (v, (start, place)) in starts.iter_mut().zip(&mut plan).enumerate() {
                    *start = q0 + lanes * v;
                    *place = self.place(*start, lanes, &store);
                }
                // SAFETY: every read is at `image + offset + q` for an offset of
                // the table and `q < q0 + width <= furthest` (asserted).
                unsafe {
                    self.tile::<S, M, V>(s, image, &starts, &plan, blocks, kept, tiles_of(pass))
                };
                done = store.end;
            }
        }
    }

    /// The vectors of pixels from `starts` of the channel tiles `tiles`
    /// (the task's, or some of them), summed over `k` and stored as `plan`
    /// places them.
    ///
    /// # Safety
    /// `image + start + offset + lane` must be readable for every start,
    /// offset and lane; the placed pixels are the task's own; `kept` must
    /// hold a slot for each of `tiles`.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn tile<S: Simd, const M: usize, const V: usize>(
        &self,
        s: S,
        image: &[f32],
        starts: &[usize; V],
        plan: &[Placement; V],
        blocks: usize,
        kept: *mut [[S::F; V]; M],
        tiles: Range<usize>,
    ) {
        let d = self.d;
        let k = d.offsets.len();
        let src: [*const f32; V] = std::array::from_fn(|v| image.as_ptr().wrapping_add(starts[v]));
        for (bi, (k0, kc)) in k_blocks_of(k, K_BLOCK).enumerate() {
            let offsets = &d.offsets[k0..k0 + kc];
            for (slot, t) in tiles.clone().enumerate() {
                let at = ((self.group * d.tiles + t) * k + k0) * M;
                let w = &d.weights[at..at + kc * M];
                // SAFETY: the slot was written in the previous block.
                let from = (bi > 0).then(|| unsafe { &*kept.add(slot) });
                // SAFETY: the contract.
                let acc = s.isolate(
                    #[inline(always)]
                    || unsafe { sum::<S, M, V>(s, offsets, w, &src, from) },
                );
                if bi + 1 == blocks {
                    // SAFETY: the stored pixels are the task's own.
                    unsafe { self.finish::<S, M, V>(s, &acc, t, plan) };
                } else {
                    // SAFETY: a slot of `kept` (contract).
                    unsafe { kept.add(slot).write(acc) };
                }
            }
        }
    }

    /// Where the `lanes` lanes of the vector of pixels from `qv` go, of
    /// those in `store`: the pixels a vector stores are consecutive in the
    /// output even where they cross the end of a row (the columns between
    /// are not stored), so they are put together by a permute and stored
    /// as one vector. The values it writes past its own pixels belong to
    /// the task's next pixels, stored later; only at the end of the task's
    /// rows are just its own values stored.
    fn place(&self, qv: usize, lanes: usize, store: &Range<usize>) -> Placement {
        let cols = self.d.layout.cols;
        let ow = self.g.output[1];
        let (mut y, mut x) = (qv / cols, qv % cols);
        let mut p = Placement::default();
        if x + lanes <= ow && store.contains(&qv) && qv + lanes <= store.end {
            // The common case: every lane a pixel of one row.
            p.count = lanes;
            p.in_order = true;
            (p.y, p.x) = (y, x);
            p.whole = true;
            return p;
        }
        let mut at = None;
        for l in 0..lanes {
            if store.contains(&(qv + l)) && x < ow {
                p.lanes[p.count] = l as i32;
                p.count += 1;
                at.get_or_insert((y, x));
            }
            x += 1;
            if x == cols {
                (x, y) = (0, y + 1);
            }
        }
        let (y, x) = at.unwrap_or((self.ys.start, 0));
        p.y = y;
        p.x = x;
        // Lanes `0..count` in order need no gathering.
        p.in_order = p.lanes[..p.count]
            .iter()
            .enumerate()
            .all(|(i, &l)| i as i32 == l);
        p.whole = (y - self.ys.start) * ow + x + lanes <= self.ys.len() * ow;
        p
    }

    /// `act(sum * scale + shift + residual)` of one tile's sums into their
    /// output rows, each vector as `plan` places it.
    ///
    /// # Safety
    /// The placed pixels are this task's.
    #[inline(always)]
    unsafe fn finish<S: Simd, const M: usize, const V: usize>(
        &self,
        s: S,
        acc: &[[S::F; V]; M],
        tile: usize,
        plan: &[Placement; V],
    ) {
        let (g, ep, dest) = (self.g, self.ep, self.dest);
        let lanes = S::LANES;
        let og = g.c_out / g.groups;
        let first = self.group * og + tile * M;
        let count = M.min(og - tile * M);
        let [oh, ow] = g.output;
        // Each channel's scale and shift once a tile, not once a vector
        // (plain loops: a closure is not compiled with the vector features).
        let (mut scale, mut shift) = ([s.splat(1.0); M], [s.zero(); M]);
        for m in 0..count {
            if let Some(f) = ep.scale {
                scale[m] = s.splat(f[first + m]);
            }
            if let Some(f) = ep.shift {
                shift[m] = s.splat(f[first + m]);
            }
        }
        // A vector of pixels at a time, its `count` channels together: one
        // bounds check, one dispatch on the activation, and plain stores
        // (value by value, the epilogue took longer than the sums of a 1x1
        // convolution from 16 channels).
        for (v, place) in plan.iter().enumerate() {
            if place.count == 0 {
                continue;
            }
            let (y, x) = (place.y, place.x);
            let stored = if place.whole { lanes } else { place.count };
            let at = dest.at(first, y, x);
            assert!(
                at + (count - 1) * dest.plane + stored <= dest.out.len(),
                "flat conv: a tile stores past the output"
            );
            let mut values = [s.zero(); M];
            for m in 0..count {
                values[m] = s.mul_add(acc[m][v], scale[m], shift[m]);
                if !place.in_order {
                    values[m] = s.permute(values[m], &place.lanes, place.count);
                }
            }
            if let Some(r) = self.residual {
                let from = first * oh * ow + y * ow + x;
                for (m, value) in values.iter_mut().enumerate().take(count) {
                    let from = from + m * oh * ow;
                    *value = s.add(*value, s.load_first(&r[from..from + stored]));
                }
            }
            let values = activate_n(s, values, ep.act);
            let out = dest.out.ptr.wrapping_add(at);
            // SAFETY: the `stored` values from the first placed pixel of
            // each of the tile's channels are this task's (`whole`, or the
            // placed ones; those past the placed pixels are stored again
            // later), and in the output (asserted).
            unsafe {
                if stored == lanes {
                    for (m, &value) in values.iter().enumerate().take(count) {
                        s.store(out.add(m * dest.plane), value);
                    }
                } else {
                    for (m, &value) in values.iter().enumerate().take(count) {
                        s.store_lanes(out.add(m * dest.plane), value, 0, stored);
                    }
                }
            }
        }
    }
}

/// Where one vector of a tile's sums goes (see [`Task::place`]).
#[derive(Clone, Copy, Debug, Default)]
struct Placement {
    /// The lanes stored, in order: pixels of the task inside the output's
    /// width.
    lanes: [i32; 16],
    count: usize,
    /// Whether those are the first `count` lanes, so the vector is stored
    /// as it is.
    in_order: bool,
    /// The first stored pixel's row and column.
    y: usize,
    x: usize,
    /// Whether a store of a whole vector from there stays in the task's
    /// rows.
    whole: bool,
}

/// The sums of `M` output channels by `V` vectors of pixels, vector `v`
/// from `src[v]`, over the rows of `offsets` (weights `[k][M]`), added to
/// `from` (or from zero). (Its own function, returning the sums by value, so
/// that they stay in registers.)
///
/// # Safety
/// `src[v] + offsets[kk] + i` must be readable for every `v`, `kk` and
/// `i < LANES`.
#[inline(always)]
unsafe fn sum<S: Simd, const M: usize, const V: usize>(
    s: S,
    offsets: &[u32],
    weights: &[f32],
    src: &[*const f32; V],
    from: Option<&[[S::F; V]; M]>,
) -> [[S::F; V]; M] {
    let k = offsets.len();
    assert!(weights.len() >= k * M);
    let mut acc = [[s.zero(); V]; M];
    if let Some(from) = from {
        acc = *from;
    }
    let src = *src;
    // Plain pointers and a counted loop: the sums stay in registers.
    let (mut op, mut wp) = (offsets.as_ptr(), weights.as_ptr());
    for _ in 0..k {
        // SAFETY: `op` and `wp` walk the `k` offsets and `k * M` weights;
        // the reads are in bounds by the contract.
        unsafe {
            let offset = *op as usize;
            let mut x = [s.zero(); V];
            for v in 0..V {
                x[v] = s.load(src[v].add(offset));
            }
            for (m, a) in acc.iter_mut().enumerate() {
                let wm = s.splat(*wp.add(m));
                for (a, &x) in a.iter_mut().zip(&x) {
                    *a = s.mul_add(wm, x, *a);
                }
            }
            op = op.add(1);
            wp = wp.add(M);
        }
    }
    acc
}

impl RowKernel for FlatConv {
    type Images<'a> = Images<'a>;

    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        FlatConv::new(isa, g, weight)
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
        let per_chunk = self.tiles.clamp(1, CHUNK_TILES);
        for chunk in 0..g.groups * self.tiles.div_ceil(per_chunk) {
            // SAFETY: the trait's contract.
            unsafe {
                rows(
                    g,
                    self,
                    images,
                    b,
                    ys.clone(),
                    (chunk, per_chunk),
                    dest,
                    None,
                    ep,
                )
            };
        }
    }

    fn give(images: Images) {
        images.give();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_take_the_tile_shape_that_computes_fewest_values() {
        // 16 rows of one vector into 16 channels (the tutorial models'
        // first layers): 4 x 4 computes 16 vectors, 8 x 3 would compute 18.
        for isa in [Isa::Avx512, Isa::Neon] {
            assert_eq!(rows_tile_shape(isa, 16, 16, 16, 1), (4, 4), "{isa:?}");
            // 15 rows: 8 x 3 computes 15 vectors, 4 x 4 would compute 16.
            assert_eq!(rows_tile_shape(isa, 16, 15, 15, 1), (8, 3), "{isa:?}");
            // MobileNetV2's first layer, bands of 5 rows of 7 vectors:
            // 36 vectors a band either way, the usual shape stays.
            assert_eq!(rows_tile_shape(isa, 32, 112, 5, 7), (8, 3), "{isa:?}");
            // Three channels: tiles of three (of four, one would be empty).
            assert_eq!(rows_tile_shape(isa, 3, 16, 16, 1), (3, 4), "{isa:?}");
        }
        // 16 registers: the shape that fills them, whatever the rows.
        assert_eq!(
            rows_tile_shape(Isa::Avx2, 16, 16, 16, 1),
            tile_shape(Isa::Avx2, 16)
        );
        // The packed kernel takes it on every instruction set the CPU
        // runs, its rows counted in its own vectors (NEON's 4 lanes make
        // 64 vectors of the 16 rows, 66 in tiles of 8 x 3: under a
        // twentieth more, so 8 x 3 stays there).
        let g = super::super::tests::geo(3, 16, [32, 32], [3, 3], [2, 2], [1, 1], [1, 1], 1);
        for &isa in Isa::available() {
            let d = FlatConv::new(isa, &g, &[0.5; 16 * 27]).expect("the flat kernel takes it");
            let (_, band) = bands_of(16, d.layout.cols);
            let per_row = 16usize.div_ceil(isa.lanes());
            assert!(d.by_rows, "{isa:?}");
            assert_eq!(
                (d.m, d.v),
                rows_tile_shape(isa, 16, 16, band, per_row),
                "{isa:?}"
            );
        }
        assert_eq!(rows_tile_shape(Isa::Neon, 16, 16, 16, 4), (8, 3));
    }

    #[test]
    fn rows_split_in_pairs_copy_as_plane_by_plane() {
        // Widths odd and even, left padding even and odd, kernels that
        // reach past the row and short of it, row strides 1 and 2.
        for (w, left, kw, sy) in [
            (7, 0, 3, 2),
            (8, 1, 3, 2),
            (9, 1, 3, 1),
            (32, 1, 3, 2),
            (33, 2, 5, 2),
            (35, 3, 7, 2),
            (40, 0, 2, 2),
            (17, 3, 4, 1),
            (1, 1, 3, 2),
        ] {
            let g = ConvGeometry {
                c_in: 2,
                c_out: 4,
                input: [5, w],
                kernel: [3, kw],
                stride: [sy, 2],
                pad: [1, left],
                dilation: [1, 1],
                groups: 1,
                output: [(5 + 2 - 3) / sy + 1, (w + 2 * left - kw) / 2 + 1],
            };
            let layout = Layout::of(&g);
            assert_eq!(layout.phases.len() % 2, 0, "{g:?}");
            let image: Vec<f32> = (0..2 * 5 * w).map(|v| v as f32 + 1.0).collect();
            let len = 2 * layout.phases.len() * layout.plane();
            for &isa in Isa::available() {
                let (mut pairs, mut planes) = (vec![-1.0; len], vec![-2.0; len]);
                dispatch!(isa, s => copy_pairs(s, &g, &layout, &image, &mut pairs));
                dispatch!(isa, s => copy_planes(s, &g, &layout, &image, &mut planes));
                assert_eq!(pairs, planes, "{isa:?} {g:?}");
            }
        }
    }

    #[test]
    fn every_second_takes_the_even_values_of_any_row() {
        let src: Vec<f32> = (0..100).map(|v| v as f32).collect();
        for &isa in Isa::available() {
            for n in 0..40usize {
                // As short as the values read allow, and longer.
                for len in (2 * n).saturating_sub(1)..2 * n + 3 {
                    let mut dst = vec![-1.0; n + 1];
                    dispatch!(isa, s => every_second(s, &src[..len], &mut dst[..n]));
                    let want: Vec<f32> = (0..n).map(|v| 2.0 * v as f32).collect();
                    assert_eq!(dst[..n], want[..], "{isa:?} n {n} len {len}");
                    assert_eq!(dst[n], -1.0, "{isa:?} n {n} len {len}: wrote past");
                }
            }
        }
    }
}
