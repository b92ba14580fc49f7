//! Depthwise convolution with channels across a vector's lanes, for small
//! planes (MobileNet's 28x28 and smaller), where an output row is a few
//! vectors or less and the plane kernel ([`super::depthwise`]) would leave
//! many of its lanes idle and spend more on each row than on its sums, and
//! for strided rows, which the plane kernel must split into phases.
//!
//! Sixteen output channels at a time: their input planes are copied,
//! zero-padded, into one interleaved buffer `[row][column][16]`, so that a
//! tap of an output pixel is one load of sixteen channels times one vector
//! of sixteen weights, for eight pixels at a time (four below sixteen
//! lanes: eight multiply-add chains in flight either way). Windows 3, 5
//! or 7 wide at stride 1 or 2 (all of torchvision's) go along output
//! rows instead, seven or eight pixels of one row a step, each input
//! pixel loaded once for every tap of the step that reads it. The sums go
//! back to the output planes a transpose of sixteen pixels at a time, and
//! through the epilogue there, a channel a vector (its scale and shift
//! splat, its residual read in place). Each output is one sum over the
//! taps in the weights' order, as in the plane kernel: both give the same
//! values, whatever the thread count.

use std::ops::Range;

use super::DEPTHWISE_COST;
use super::geometry::ConvGeometry;
use super::kernel::Kernel;
use crate::kernels::aligned::Aligned;
use crate::kernels::epilogue::{Act, Epilogue, Out};
use crate::kernels::isa::Isa;
use crate::kernels::simd::{Simd, activate, dispatch};
use crate::pool;
use crate::threads;

/// Channels a block: one vector of 16 lanes, two of 8, four of 4.
const BLOCK: usize = 16;
/// Output pixels a step over a band of `n` on `lanes`-wide vectors:
/// enough for eight multiply-add chains in flight (a block is one vector
/// of 16 lanes, two of 8, four of 4), to cover their latency at two a
/// cycle; fewer, four or one, where the band holds fewer pixels.
fn pixels_a_step(lanes: usize, n: usize) -> usize {
    let widest = if lanes >= 16 { 8 } else { 4 };
    [widest, 4, 1].into_iter().find(|&p| p <= n).unwrap_or(1)
}
/// Multiply-adds a task is worth at least: fewer are run by one thread.
/// Small enough that a shared layer makes four tasks a thread on two
/// (MobileNetV2's 960 channels at 7x7, 0.42M multiply-adds: 8 tasks).
const TASK_WORK: usize = 1 << 16;
/// What one of this kernel's multiply-adds is worth to the sharing rule,
/// in a dense kernel's: twice a depthwise one's ([`DEPTHWISE_COST`]), as
/// each value is also copied into the interleaved band and transposed
/// back (960 channels at 7x7: 52 us on one thread, where a dense layer
/// of as many multiply-adds takes about 7).
const LANES_COST: usize = 2 * DEPTHWISE_COST;

/// The weights of a depthwise convolution, interleaved by blocks of
/// sixteen output channels, and the instruction set they run on.
#[derive(Clone, Debug)]
pub struct DepthwiseLanes {
    isa: Isa,
    /// `[block][tap][16]`, zero in the lanes past the last channel.
    weight: Aligned,
    /// Where each tap reads, in pixels of the padded copy from the
    /// window's corner, in the weights' order.
    taps: Vec<usize>,
    /// Where each input pixel goes in the padded copy (`NOWHERE` for the
    /// pixels no window reaches), for rows narrower than a block (empty
    /// for wider ones: [`copied_by_rows`]).
    input_at: Vec<u32>,
    /// Where each output pixel's window starts in the padded copy.
    corners: Vec<u32>,
    /// The band copy's shape, which the offsets above were made for.
    padded: Padded,
    /// How output rows are summed, where [`Block::row`] takes them.
    rows: Option<RowSteps>,
}

/// Steps along output rows for [`Block::row`]: `step` pixels of one row at
/// a time, under a window `width` wide at horizontal stride `stride`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RowSteps {
    width: usize,
    stride: usize,
    step: usize,
}

impl RowSteps {
    /// Windows 3, 5 or 7 wide (every depthwise layer of torchvision's),
    /// undilated across, at stride 1 or 2, onto rows of 4 pixels or more.
    /// Steps of 8 pixels where 8 divide the row, else of 7 where 7 do
    /// (rows of 7, 14 and 28), else of 8 with the last overlapping the one
    /// before; rows of 4 to 6 pixels take steps of 4.
    fn of(g: &ConvGeometry) -> Option<Self> {
        let (width, stride, ow) = (g.kernel[1], g.stride[1], g.output[1]);
        let takes =
            matches!(width, 3 | 5 | 7) && matches!(stride, 1 | 2) && g.dilation[1] == 1 && ow >= 4;
        let step = if ow % 8 == 0 || (ow > 8 && ow % 7 != 0) {
            8
        } else if ow % 7 == 0 {
            7
        } else {
            4
        };
        takes.then_some(RowSteps {
            width,
            stride,
            step,
        })
    }
}

/// An input pixel no window reaches.
const NOWHERE: u32 = u32::MAX;

/// Whether input rows are copied row by row ([`Padded::fill`]): rows of a
/// block's width or more, without the pixel table's look-ups (`conv_probe`,
/// AVX-512, 16x16 to 112x112, warm: 1.05-1.19x, from memory 1.0-1.09x;
/// AVX2 0.97-1.1x). Narrower ones go pixel by pixel across the ends of
/// rows ([`Padded::fill_pixels`]), where a row a transpose would leave its
/// lanes mostly empty (AVX2 at 10x10 and 12x12: 0.9x).
fn copied_by_rows(g: &ConvGeometry) -> bool {
    g.input[1] >= BLOCK
}

/// The padded copy of one block's input planes, `[row][column][16]`, a
/// band of output rows at a time: a large plane's whole copy would not
/// stay in cache while its sums are made.
#[derive(Clone, Copy, Debug)]
struct Padded {
    cols: usize,
    /// Output rows a band.
    band: usize,
    /// Padded rows a band's copy holds.
    rows: usize,
}

/// Values a band's copy holds at most (128 KB), unless one output row
/// needs more.
const BAND_VALUES: usize = 1 << 15;

impl Padded {
    fn of(g: &ConvGeometry) -> Self {
        let reach =
            |a: usize, n: usize| (n - 1) * g.stride[a] + (g.kernel[a] - 1) * g.dilation[a] + 1;
        let cols = reach(1, g.output[1]);
        let fits = |band: usize| reach(0, band) * cols * BLOCK <= BAND_VALUES;
        let band = (1..=g.output[0])
            .take_while(|&b| fits(b))
            .last()
            .unwrap_or(1);
        Padded {
            cols,
            band,
            rows: reach(0, band),
        }
    }

    fn len(self) -> usize {
        self.rows * self.cols * BLOCK
    }

    /// The padded rows a band of output rows reads: from its first, as
    /// many.
    fn rows_of(self, g: &ConvGeometry, out_rows: &Range<usize>) -> (usize, usize) {
        let first = out_rows.start * g.stride[0];
        let count = (out_rows.len() - 1) * g.stride[0] + (g.kernel[0] - 1) * g.dilation[0] + 1;
        (first, count)
    }

    /// Zeros the padding of the band copy of padded rows `first..first +
    /// count`: every value no input plane lands on.
    fn zero_border(self, g: &ConvGeometry, copy: &mut [f32], first: usize, count: usize) {
        let [h, w] = g.input;
        let [top, left] = g.pad;
        let row = self.cols * BLOCK;
        for (r, row) in copy[..count * row].chunks_exact_mut(row).enumerate() {
            let r = first + r;
            if r < top || r >= top + h {
                row.fill(0.0);
            } else {
                let (left, right) = (left.min(self.cols), (left + w).min(self.cols));
                row[..left * BLOCK].fill(0.0);
                row[right * BLOCK..].fill(0.0);
            }
        }
    }

    /// Copies the input pixels `pixels` (whole input rows) of the planes
    /// `planes[lane]` into the band copy that starts at padded pixel
    /// `origin`, pixel by pixel across the lanes: `S::LANES` pixels of
    /// `S::LANES` channels a transpose, running on across the ends of rows
    /// (for rows narrower than a block, which [`Padded::fill`] would
    /// transpose mostly empty), each stored where `input_at` says.
    #[inline(always)]
    fn fill_pixels<S: Simd>(
        self,
        s: S,
        input_at: &[u32],
        pixels: Range<usize>,
        origin: usize,
        planes: &[&[f32]; BLOCK],
        copy: &mut [f32],
    ) {
        let input_at = &input_at[pixels.clone()];
        assert!(planes.iter().all(|p| p.len() >= pixels.end));
        assert!(copy.len() >= self.len());
        assert!(input_at.iter().all(|&at| {
            at == NOWHERE || (origin..origin + self.rows * self.cols).contains(&(at as usize))
        }));
        let l = S::LANES;
        for v in 0..BLOCK / l {
            let planes = &planes[v * l..];
            let mut q = pixels.start;
            while q < pixels.end {
                let n = l.min(pixels.end - q);
                let rows = std::array::from_fn(|j| match planes.get(j).filter(|_| j < l) {
                    // SAFETY: `q + LANES <= pixels.end`, inside the plane.
                    Some(p) if n == l => unsafe { s.load(p.as_ptr().add(q)) },
                    Some(p) => s.load_first(&p[q..q + n]),
                    None => s.zero(),
                });
                let columns = s.transpose(&rows);
                let at = &input_at[q - pixels.start..];
                for (column, &at) in columns[..n].iter().zip(at) {
                    if at != NOWHERE {
                        let at = (at as usize - origin) * BLOCK + v * l;
                        // SAFETY: `at` is a pixel of the band's copy
                        // (asserted), a whole block from its start.
                        unsafe { s.store(copy.as_mut_ptr().add(at), *column) };
                    }
                }
                q += n;
            }
        }
    }

    /// Copies input rows `in_rows` of the planes `planes[lane]` into the
    /// band copy whose first row is padded row `first`, row by row:
    /// `S::LANES` pixels of `S::LANES` channels a transpose, stored side by
    /// side where the row lands (its columns past the copy's, which no
    /// window reaches, left out).
    #[inline(always)]
    fn fill<S: Simd>(
        self,
        s: S,
        g: &ConvGeometry,
        in_rows: Range<usize>,
        first: usize,
        planes: &[&[f32]; BLOCK],
        copy: &mut [f32],
    ) {
        let [h, w] = g.input;
        let [top, left] = g.pad;
        assert!(in_rows.end <= h && planes.iter().all(|p| p.len() >= h * w));
        assert!(copy.len() >= self.len());
        // The columns that land in the copy.
        let n_cols = w.min(self.cols.saturating_sub(left));
        let l = S::LANES;
        for iy in in_rows {
            let Some(r) = (iy + top).checked_sub(first).filter(|&r| r < self.rows) else {
                continue;
            };
            let dst = &mut copy[(r * self.cols + left) * BLOCK..][..n_cols * BLOCK];
            for v in 0..BLOCK / l {
                let planes = &planes[v * l..];
                for x0 in (0..n_cols).step_by(l) {
                    let n = l.min(n_cols - x0);
                    let at = iy * w + x0;
                    let rows = std::array::from_fn(|j| match planes.get(j).filter(|_| j < l) {
                        // SAFETY: `at + LANES <= iy * w + n_cols`, inside the
                        // plane (asserted).
                        Some(p) if n == l => unsafe { s.load(p.as_ptr().add(at)) },
                        Some(p) => s.load_first(&p[at..at + n]),
                        None => s.zero(),
                    });
                    let columns = s.transpose(&rows);
                    let dst = &mut dst[x0 * BLOCK..][..n * BLOCK];
                    for (i, column) in columns[..n].iter().enumerate() {
                        // SAFETY: pixel `i` of the `n` in `dst`, a whole
                        // block each.
                        unsafe { s.store(dst.as_mut_ptr().add(i * BLOCK + v * l), *column) };
                    }
                }
            }
        }
    }
}

/// The epilogue of one block's output planes, applied as the sums go back
/// to them.
struct Ends<'a> {
    /// Per lane (1 and 0 in the lanes past the block's channels).
    scale: [f32; BLOCK],
    shift: [f32; BLOCK],
    /// The residual of the block's output planes, `[lane][pixel]`.
    residual: Option<&'a [f32]>,
    plane: usize,
    act: Act,
}

impl<'a> Ends<'a> {
    /// The epilogue of the `lanes` channels from `first`, whose output
    /// planes (of `plane` pixels) `residual` holds.
    fn of(
        ep: &Epilogue,
        first: usize,
        lanes: usize,
        plane: usize,
        residual: Option<&'a [f32]>,
    ) -> Self {
        let per_lane = |v: Option<&[f32]>, or: f32| {
            let mut lanes_of = [or; BLOCK];
            if let Some(v) = v {
                lanes_of[..lanes].copy_from_slice(&v[first..first + lanes]);
            }
            lanes_of
        };
        if let Some(r) = residual {
            assert!(
                r.len() >= lanes * plane,
                "depthwise: the residual is too short"
            );
        }
        Ends {
            scale: per_lane(ep.scale, 1.0),
            shift: per_lane(ep.shift, 0.0),
            residual,
            plane,
            act: ep.act,
        }
    }
}

/// Writes `sums` (`[pixel][16]`, output pixels `pixels`) back to the
/// output planes of the block's first `dst.len()` lanes through the
/// epilogue, `S::LANES` pixels of `S::LANES` channels a transpose.
#[inline(always)]
fn unfill<S: Simd>(s: S, sums: &[f32], pixels: Range<usize>, ends: &Ends, dst: &mut [&mut [f32]]) {
    assert!(sums.len() >= pixels.len() * BLOCK && dst.len() <= BLOCK);
    assert!(dst.iter().all(|d| d.len() >= pixels.end));
    let l = S::LANES;
    for (v, dst) in dst.chunks_mut(l).enumerate() {
        let mut q = pixels.start;
        while q < pixels.end {
            let n = l.min(pixels.end - q);
            let at = q - pixels.start;
            let rows = std::array::from_fn(|i| {
                if i < n {
                    // SAFETY: pixel `at + i < pixels.len()` of the sums
                    // holds a whole block.
                    unsafe { s.load(sums.as_ptr().add((at + i) * BLOCK + v * l)) }
                } else {
                    s.zero()
                }
            });
            // Vector `i`: pixels `q..q + n` of channel `v * l + i`.
            let lanes = s.transpose(&rows);
            for (i, (d, &y)) in dst.iter_mut().zip(&lanes).enumerate() {
                let c = v * l + i;
                let mut y = s.mul_add(y, s.splat(ends.scale[c]), s.splat(ends.shift[c]));
                if let Some(res) = ends.residual {
                    y = s.add(y, s.load_first(&res[c * ends.plane + q..][..n]));
                }
                let y = activate(s, y, ends.act);
                if n == l {
                    // SAFETY: `q + LANES <= pixels.end`, inside the plane.
                    unsafe { s.store(d.as_mut_ptr().add(q), y) };
                } else {
                    s.store_first(&mut d[q..q + n], y);
                }
            }
            q += n;
        }
    }
}

impl Kernel for DepthwiseLanes {
    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        let takes = g.is_depthwise_with_extent()
            // Pixel offsets are kept as u32.
            && (g.input[0] + 2 * g.pad[0])
                .checked_mul(g.input[1] + 2 * g.pad[1])
                .is_some_and(|n| n < NOWHERE as usize / 2);
        takes.then(|| {
            let padded = Padded::of(g);
            let [kh, kw] = g.kernel;
            let taps = kh * kw;
            let blocks = g.c_out.div_ceil(BLOCK);
            let mut packed = Aligned::zeros(blocks * taps * BLOCK);
            let data = packed.as_mut_slice();
            for o in 0..g.c_out {
                for t in 0..taps {
                    data[((o / BLOCK) * taps + t) * BLOCK + o % BLOCK] = weight[o * taps + t];
                }
            }
            let [h, w] = g.input;
            let [top, left] = g.pad;
            let rows = (g.output[0] - 1) * g.stride[0] + (g.kernel[0] - 1) * g.dilation[0] + 1;
            let input_at = (0..if copied_by_rows(g) { 0 } else { h * w })
                .map(|q| {
                    let (r, c) = (q / w + top, q % w + left);
                    if r < rows && c < padded.cols {
                        (r * padded.cols + c) as u32
                    } else {
                        NOWHERE
                    }
                })
                .collect();
            let ow = g.output[1];
            let corners = (0..g.output[0] * ow)
                .map(|q| ((q / ow) * g.stride[0] * padded.cols + (q % ow) * g.stride[1]) as u32)
                .collect();
            DepthwiseLanes {
                isa: isa.or_below(),
                weight: packed,
                input_at,
                corners,
                padded,
                rows: RowSteps::of(g),
                taps: (0..taps)
                    .map(|t| (t / kw) * g.dilation[0] * padded.cols + (t % kw) * g.dilation[1])
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
        let padded = self.padded;
        let [h, w] = g.input;
        let plane = g.output[0] * g.output[1];
        let mult = g.c_out / g.c_in;
        let blocks = g.c_out.div_ceil(BLOCK);
        // Tasks of whole blocks, by the shape alone.
        let work = g.out_len() * g.kernel[0] * g.kernel[1];
        let pieces = (work / TASK_WORK).clamp(1, 8).min(blocks);
        let per_piece = blocks.div_ceil(pieces);
        let out = Out::new(output);
        let by_rows = copied_by_rows(g);
        threads::for_each(batch * pieces, batch * g.macs() * LANES_COST, |t| {
            let (b, piece) = (t / pieces, t % pieces);
            // From a cache line's start (the pool's buffers are), as the copy's
            // and the sums' blocks then are, a whole line each.
            let mut scratch = pool::take(padded.len() + padded.band * g.output[1] * BLOCK);
            let (copy, sums) = scratch.split_at_mut(padded.len());
            for block in piece * per_piece..((piece + 1) * per_piece).min(blocks) {
                let first = block * BLOCK;
                let lanes = BLOCK.min(g.c_out - first);
                // The lanes past the last channel repeat its plane: their
                // weights are zero and their sums are dropped.
                let planes = std::array::from_fn(|lane| {
                    let c = (first + lane.min(lanes - 1)) / mult;
                    &input[(b * g.c_in + c) * h * w..][..h * w]
                });
                let at = (b * g.c_out + first) * plane;
                let residual = ep.residual.map(|r| &r[at..][..lanes * plane]);
                let ends = Ends::of(ep, first, lanes, plane, residual);
                let mut dst: [&mut [f32]; BLOCK] = std::array::from_fn(|lane| {
                    if lane >= lanes {
                        return &mut [][..];
                    }
                    // SAFETY: each task writes the planes of its own blocks
                    // of its own image, one slice a plane, inside `output`
                    // (the caller asserts its length).
                    unsafe { out.slice(at + lane * plane, plane) }
                });
                for oy in (0..g.output[0]).step_by(padded.band) {
                    let out_rows = oy..(oy + padded.band).min(g.output[0]);
                    let (row, rows) = padded.rows_of(g, &out_rows);
                    // The input rows those padded rows hold.
                    let in_rows = row.saturating_sub(g.pad[0]).min(h)
                        ..(row + rows).saturating_sub(g.pad[0]).min(h);
                    let band = Band {
                        origin: row * padded.cols,
                        pixels: out_rows.start * g.output[1]..out_rows.end * g.output[1],
                    };
                    padded.zero_border(g, copy, row, rows);
                    dispatch!(self.isa, s => {
                        if by_rows {
                            padded.fill(s, g, in_rows.clone(), row, &planes, copy);
                        } else {
                            padded.fill_pixels(s, &self.input_at, in_rows.start * w..in_rows.end * w, band.origin, &planes, copy);
                        }
                        block_sums(s, g, padded, copy, self, block, &band, sums);
                        unfill(s, sums, band.pixels.clone(), &ends, &mut dst[..lanes]);
                    });
                }
            }
            pool::give(scratch);
        });
    }
}

/// A band of output rows: its output pixels, and where its copy starts
/// in the whole padded plane.
struct Band {
    origin: usize,
    pixels: Range<usize>,
}

/// The sums of block `block`'s outputs in `band` into `sums` (`[pixel][16]`
/// from the band's first).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn block_sums<S: Simd>(
    s: S,
    g: &ConvGeometry,
    padded: Padded,
    copy: &[f32],
    d: &DepthwiseLanes,
    block: usize,
    band: &Band,
    sums: &mut [f32],
) {
    let plane = g.output[0] * g.output[1];
    let taps = d.taps.len();
    let corners = &d.corners[band.pixels.clone()];
    // The furthest read: the band's last pixel's last tap, a whole block.
    let last = corners.last().map_or(0, |&c| c as usize) + d.taps[taps - 1];
    assert!(corners.iter().all(|&c| c as usize >= band.origin));
    assert!(copy.len() >= padded.len() && (last - band.origin + 1) * BLOCK <= padded.len());
    assert!(sums.len() >= band.pixels.len() * BLOCK && band.pixels.end <= plane);
    let block = Block {
        weight: &d.weight.as_slice()[block * taps * BLOCK..][..taps * BLOCK],
        taps: &d.taps,
    };
    let corner = |p: usize| corners[p] as usize - band.origin;
    if let Some(steps) = d.rows {
        // One instance of `Block::row` for each step `RowSteps::of` makes.
        macro_rules! row {
            ($c:expr, $at:expr; $($w:literal, $s:literal, $p:literal);*) => {
                match (steps.width, steps.stride, steps.step) {
                    $(($w, $s, $p) => block.row::<S, $p, $w, $s>(s, copy, $c, $at, sums),)*
                    _ => unreachable!("RowSteps::of makes no other steps"),
                }
            };
        }
        let ow = g.output[1];
        for oy in band.pixels.start / ow..band.pixels.end / ow {
            for ox in (0..ow).step_by(steps.step) {
                // The last step of a row ends at its last pixel,
                // overlapping the one before where the step does not
                // divide the row: its pixels are summed again, to the
                // same values.
                let at = oy * ow + ox.min(ow - steps.step) - band.pixels.start;
                row!(corner(at), at;
                     3, 1, 8; 3, 1, 7; 3, 1, 4; 3, 2, 8; 3, 2, 7; 3, 2, 4;
                     5, 1, 8; 5, 1, 7; 5, 1, 4; 5, 2, 8; 5, 2, 7; 5, 2, 4;
                     7, 1, 8; 7, 1, 7; 7, 1, 4; 7, 2, 8; 7, 2, 7; 7, 2, 4);
            }
        }
        return;
    }
    let n = corners.len();
    // A last step ends at the band's last pixel, overlapping the one
    // before where the step does not divide the band: its pixels are
    // summed again, to the same values.
    let step = pixels_a_step(S::LANES, n);
    let mut p = 0;
    while p < n {
        let at = p.min(n - step);
        match step {
            8 => block.pixels::<S, 8>(s, copy, at, std::array::from_fn(|i| corner(at + i)), sums),
            4 => block.pixels::<S, 4>(s, copy, at, std::array::from_fn(|i| corner(at + i)), sums),
            _ => block.pixels::<S, 1>(s, copy, at, [corner(at)], sums),
        }
        p += step;
    }
}

/// What every pixel of a block shares.
struct Block<'a> {
    /// `[tap][16]`.
    weight: &'a [f32],
    taps: &'a [usize],
}

impl Block<'_> {
    /// The sums of `P` neighbouring output pixels of one row, whose
    /// windows (`W` wide, `STRIDE` apart) start at `corner` in the band's
    /// copy, into `sums` from its pixel `at`: each input pixel of a window
    /// row is loaded once for every output it feeds, where
    /// [`Block::pixels`] loads it once per tap (`W` times at stride 1), so
    /// that the multiply-adds, not the loads, bound the step. (The loops
    /// below name a pixel once per tap that reads it; fully unrolled, as
    /// their constant bounds make them, the repeated loads are one, and
    /// the pixels stay in registers between taps.) Each output still sums
    /// its taps in the weights' order, row by row and left to right.
    #[inline(always)]
    fn row<S: Simd, const P: usize, const W: usize, const STRIDE: usize>(
        &self,
        s: S,
        copy: &[f32],
        corner: usize,
        at: usize,
        sums: &mut [f32],
    ) {
        let l = S::LANES;
        let rows = self.taps.len() / W;
        let last = corner + self.taps[self.taps.len() - 1] + (P - 1) * STRIDE;
        assert!((last + 1) * BLOCK <= copy.len() && sums.len() >= (at + P) * BLOCK);
        assert!(self.weight.len() >= rows * W * BLOCK);
        for v in 0..BLOCK / l {
            let mut acc = [s.zero(); P];
            for i in 0..rows {
                // Tap `(i, j)` reads `j` pixels on from tap `(i, 0)`: the
                // window is undilated across.
                let row = &copy[(corner + self.taps[i * W]) * BLOCK + v * l..];
                let weight = &self.weight[i * W * BLOCK + v * l..];
                // SAFETY: `weight` holds `W` taps of a whole block each
                // from here (asserted).
                let w: [S::F; W] =
                    std::array::from_fn(|j| unsafe { s.load(weight.as_ptr().add(j * BLOCK)) });
                for (j, &w) in w.iter().enumerate() {
                    for (p, acc) in acc.iter_mut().enumerate() {
                        // SAFETY: pixel `p * STRIDE + j` of this window
                        // row is at most the step's last pixel's last
                        // tap, inside the copy (asserted), a whole block
                        // of it.
                        let x = unsafe { s.load(row.as_ptr().add((p * STRIDE + j) * BLOCK)) };
                        *acc = s.mul_add(w, x, *acc);
                    }
                }
            }
            for (p, &a) in acc.iter().enumerate() {
                // SAFETY: `sums` holds a whole block a pixel (asserted).
                unsafe { s.store(sums.as_mut_ptr().add((at + p) * BLOCK + v * l), a) };
            }
        }
    }

    /// The sums of `P` output pixels, whose windows start at `corner` in
    /// the band's copy, into `sums` from its pixel `at`: each tap's `P`
    /// multiply-adds independent of one another.
    #[inline(always)]
    fn pixels<S: Simd, const P: usize>(
        &self,
        s: S,
        copy: &[f32],
        at: usize,
        corner: [usize; P],
        sums: &mut [f32],
    ) {
        let vectors = BLOCK / S::LANES;
        let mut acc = [[s.zero(); 4]; P];
        // Each pixel's window corner, so that a tap's loads are one offset
        // from each.
        let corner = corner.map(|c| copy[c * BLOCK..].as_ptr());
        for (t, &tap) in self.taps.iter().enumerate() {
            for v in 0..vectors {
                // SAFETY: `weight` holds a whole block a tap.
                let wv = unsafe { s.load(self.weight.as_ptr().add(t * BLOCK + v * S::LANES)) };
                let at = tap * BLOCK + v * S::LANES;
                for (acc, &c) in acc.iter_mut().zip(&corner) {
                    // SAFETY: the caller asserted that the last pixel's last
                    // tap lies inside the copy, a whole block of it.
                    let x = unsafe { s.load(c.add(at)) };
                    acc[v] = s.mul_add(wv, x, acc[v]);
                }
            }
        }
        assert!(sums.len() >= (at + P) * BLOCK);
        for (p, acc) in acc.iter().enumerate() {
            for (v, &a) in acc.iter().enumerate().take(vectors) {
                // SAFETY: `sums` holds a whole block a pixel (asserted).
                unsafe { s.store(sums.as_mut_ptr().add((at + p) * BLOCK + v * S::LANES), a) };
            }
        }
    }
}
