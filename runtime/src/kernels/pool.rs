//! Pooling over windows of each channel plane, with PyTorch's exact window
//! rules (padding, dilation, ceil_mode, count_include_pad, adaptive windows).

use super::epilogue::Out;
use super::isa::Isa;
use super::simd::{Simd, dispatch, vectorized};

/// Every size of one pooling layer. Pairs are `[height, width]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolGeometry {
    pub channels: usize,
    pub input: [usize; 2],
    pub output: [usize; 2],
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub pad: [usize; 2],
    pub dilation: [usize; 2],
}

impl PoolGeometry {
    fn planes(&self, batch: usize) -> usize {
        batch * self.channels
    }

    /// 2x2 windows at stride 2, no padding or dilation: `MaxPool2d(2)`.
    fn is_plain_2x2(&self) -> bool {
        self.kernel == [2, 2]
            && self.stride == [2, 2]
            && self.pad == [0, 0]
            && self.dilation == [1, 1]
            && self.output[0] * 2 <= self.input[0]
            && self.output[1] * 2 <= self.input[1]
    }
}

/// The larger of two values, or NaN if either is NaN (as PyTorch's max
/// pooling propagates it).
#[inline(always)]
fn max_nan(a: f32, b: f32) -> f32 {
    if a > b || a.is_nan() { a } else { b }
}

/// `out[x] = max over j < K of row[x * S + j * dil]`, for constant `K` and
/// `S` so that the compiler vectorises it.
#[inline(always)]
fn horizontal<const K: usize, const S: usize>(row: &[f32], dil: usize, out: &mut [f32]) {
    for (x, o) in out.iter_mut().enumerate() {
        let mut m = row[x * S];
        for j in 1..K {
            m = max_nan(m, row[x * S + j * dil]);
        }
        *o = m;
    }
}

/// [`horizontal`] for any `k` and `s`.
fn horizontal_any(row: &[f32], k: usize, s: usize, dil: usize, out: &mut [f32]) {
    for (x, o) in out.iter_mut().enumerate() {
        let mut m = row[x * s];
        for j in 1..k {
            m = max_nan(m, row[x * s + j * dil]);
        }
        *o = m;
    }
}

/// Max pooling; padded positions never win, and NaN propagates (as in
/// PyTorch, a NaN in the window makes the result NaN). Each output row
/// first takes the maximum down the window's rows (padded with -inf at the
/// sides), then across the window's columns.
pub fn max_pool2d(g: &PoolGeometry, batch: usize, input: &[f32], output: &mut [f32]) {
    max_pool2d_on(Isa::detect(), g, batch, input, output);
}

/// [`max_pool2d`] on `isa` (or the best below it this CPU runs).
fn max_pool2d_on(isa: Isa, g: &PoolGeometry, batch: usize, input: &[f32], output: &mut [f32]) {
    if g.is_plain_2x2() {
        return pool_2x2_on(isa, &Max, g, batch, input, output);
    }
    max_pool2d_any(isa, g, batch, input, output);
}

/// Planes per task of [`by_planes`], about: enough that a task costs far
/// more than taking it.
const POOL_TASK_VALUES: usize = 1 << 15;

/// Runs `pool` over `batch` images' planes, a few whole planes a task:
/// `pool(input planes, output planes)`. Planes are shared between threads
/// where the layer is large; each output value is computed alone, so the
/// sharing changes nothing.
fn by_planes(
    g: &PoolGeometry,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    pool: impl Fn(&[f32], &mut [f32]) + Sync,
) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let planes = g.planes(batch);
    let per_task = POOL_TASK_VALUES
        .div_ceil((h * w).max(1))
        .clamp(1, planes.max(1));
    let out = Out::new(&mut output[..planes * oh * ow]);
    let work = planes * oh * ow * g.kernel[0] * g.kernel[1];
    crate::threads::for_each(planes.div_ceil(per_task), work, |t| {
        let ps = t * per_task..((t + 1) * per_task).min(planes);
        // SAFETY: the planes `ps` of the output are this task's alone.
        let dst = unsafe { out.slice(ps.start * oh * ow, ps.len() * oh * ow) };
        pool(&input[ps.start * h * w..ps.end * h * w], dst);
    });
}

/// [`max_pool2d`] for any window: vertical maxima into a padded row, then
/// horizontal ones, [`by_planes`].
fn max_pool2d_any(isa: Isa, g: &PoolGeometry, batch: usize, input: &[f32], output: &mut [f32]) {
    by_planes(g, batch, input, output, |src, dst| {
        max_pool_planes(isa, g, src, dst)
    });
}

/// 3x3 windows at stride 1 and padding 1 (GoogLeNet's branches), on planes
/// of 2x2 or more: [`max_pool_3x3_same`] pools each plane whole.
fn is_3x3_same(g: &PoolGeometry) -> bool {
    g.kernel == [3, 3]
        && g.stride == [1, 1]
        && g.pad == [1, 1]
        && g.dilation == [1, 1]
        && g.output == g.input
        && g.input[0] >= 2
        && g.input[1] >= 2
}

/// One plane where [`is_3x3_same`]: the maxima down each window's rows in
/// three long passes (first row, inner rows, last row; the rows are
/// independent, so one pass serves all the inner ones), then across its
/// columns in one pass over the plane, the first and last value of each
/// row redone from their two columns. The values are combined in the
/// general path's order, so they are the same.
#[inline(always)]
fn max_pool_3x3_same<S: Simd>(
    s: S,
    [h, w]: [usize; 2],
    src: &[f32],
    dst: &mut [f32],
    v: &mut [f32],
) {
    let (src, dst, v) = (&src[..h * w], &mut dst[..h * w], &mut v[..h * w]);
    let row = |y: usize| &src[y * w..(y + 1) * w];
    vertical_max3(s, &mut v[..w], [row(0), row(1), row(1)]);
    let inner = (h - 2) * w;
    vertical_max3(s, &mut v[w..w + inner], [src, &src[w..], &src[2 * w..]]);
    vertical_max3(
        s,
        &mut v[(h - 1) * w..],
        [row(h - 2), row(h - 1), row(h - 1)],
    );
    let n = h * w - 2;
    vertical_max3(s, &mut dst[1..1 + n], [&v[..], &v[1..], &v[2..]]);
    for y in 0..h {
        let r = &v[y * w..(y + 1) * w];
        dst[y * w] = max_nan(r[0], r[1]);
        dst[y * w + w - 1] = max_nan(r[w - 2], r[w - 1]);
    }
}

/// [`max_pool2d_any`] over whole planes `input` into `output`.
fn max_pool_planes(isa: Isa, g: &PoolGeometry, input: &[f32], output: &mut [f32]) {
    let [h, w] = g.input;
    if is_3x3_same(g) {
        let mut v = crate::pool::take(h * w);
        dispatch!(isa, s => {
            for (src, dst) in input.chunks_exact(h * w).zip(output.chunks_exact_mut(h * w)) {
                max_pool_3x3_same(s, g.input, src, dst, &mut v);
            }
        });
        crate::pool::give(v);
        return;
    }
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let pw = g.pad[1];
    // Long enough for the windows, and for whole vectors of stride-1
    // windows past the last output (of 16 lanes at most).
    let reach = (ow.next_multiple_of(16) + (kw - 1) * g.dilation[1]).max(w + 2 * pw);
    let mut column = crate::pool::take(w + 2 * pw + kw * g.dilation[1] + ow * g.stride[1] + reach);
    column.fill(f32::NEG_INFINITY);
    dispatch!(isa, s => {
        for (src, dst) in input.chunks_exact(h * w).zip(output.chunks_exact_mut(oh * ow)) {
            for (oy, out_row) in dst.chunks_exact_mut(ow).enumerate() {
                // The window's rows inside the image.
                let top = (oy * g.stride[0]) as isize - g.pad[0] as isize;
                let mut rows = (0..kh)
                    .map(|i| top + (i * g.dilation[0]) as isize)
                    .filter(|&iy| iy >= 0 && iy < h as isize)
                    .map(|iy| &src[iy as usize * w..(iy as usize + 1) * w]);
                let col = &mut column[pw..pw + w];
                // Up to three rows in one pass, any more one by one.
                match (rows.next(), rows.next(), rows.next()) {
                    (Some(a), Some(b), Some(c)) => vertical_max3(s, col, [a, b, c]),
                    (Some(a), Some(b), None) => vertical_max3(s, col, [a, b, b]),
                    (Some(a), None, _) => col.copy_from_slice(a),
                    (None, ..) => col.fill(f32::NEG_INFINITY),
                }
                for row in rows {
                    vertical_max(s, col, row);
                }
                let d = g.dilation[1];
                match (kw, g.stride[1], d) {
                    (2, 2, 1) => horizontal_s2::<_, 2>(s, &column, out_row),
                    (3, 2, 1) => horizontal_s2::<_, 3>(s, &column, out_row),
                    (k, 1, d) => horizontal_s1(s, &column, k, d, out_row),
                    (2, 2, _) => horizontal::<2, 2>(&column, d, out_row),
                    (3, 2, _) => horizontal::<3, 2>(&column, d, out_row),
                    (4, 4, _) => horizontal::<4, 4>(&column, d, out_row),
                    (k, s, _) => horizontal_any(&column, k, s, d, out_row),
                }
            }
        }
    });
    crate::pool::give(column);
}

/// `col[x] = max(col[x], row[x])`, NaN propagating, a vector at a time.
#[inline(always)]
fn vertical_max<S: Simd>(s: S, col: &mut [f32], row: &[f32]) {
    let lanes = S::LANES;
    let n = col.len().min(row.len());
    let whole = n / lanes * lanes;
    for x in (0..whole).step_by(lanes) {
        // SAFETY: `x + LANES <= n` values of both.
        unsafe {
            let m = s.max_nan(s.load(col.as_ptr().add(x)), s.load(row.as_ptr().add(x)));
            s.store(col.as_mut_ptr().add(x), m);
        }
    }
    if whole < n {
        let m = s.max_nan(s.load_first(&col[whole..n]), s.load_first(&row[whole..n]));
        s.store_first(&mut col[whole..n], m);
    }
}

/// `col[x] = max(rows[0][x], rows[1][x], rows[2][x])`, NaN propagating, in
/// that order (as [`vertical_max`] row after row), a vector at a time.
#[inline(always)]
fn vertical_max3<S: Simd>(s: S, col: &mut [f32], rows: [&[f32]; 3]) {
    let lanes = S::LANES;
    let n = col.len();
    let [r0, r1, r2] = rows;
    assert!(
        r0.len().min(r1.len()).min(r2.len()) >= n,
        "vertical_max3: rows too short"
    );
    let whole = n / lanes * lanes;
    for x in (0..whole).step_by(lanes) {
        // SAFETY: `x + LANES <= n` values of the column and of each row.
        unsafe {
            let a = s.load(r0.as_ptr().add(x));
            let b = s.load(r1.as_ptr().add(x));
            let c = s.load(r2.as_ptr().add(x));
            s.store(col.as_mut_ptr().add(x), s.max_nan(s.max_nan(a, b), c));
        }
    }
    // The rest in one masked vector (small planes are mostly rest).
    if whole < n {
        let (a, b, c) = (
            s.load_first(&r0[whole..n]),
            s.load_first(&r1[whole..n]),
            s.load_first(&r2[whole..n]),
        );
        s.store_first(&mut col[whole..n], s.max_nan(s.max_nan(a, b), c));
    }
}

/// `out[x] = max over j < k of row[x + j * dil]` (stride 1), in order of
/// `j`, a vector of outputs at a time.
#[inline(always)]
fn horizontal_s1<S: Simd>(s: S, row: &[f32], k: usize, dil: usize, out: &mut [f32]) {
    let lanes = S::LANES;
    assert!(
        k >= 1 && out.len().next_multiple_of(lanes) + (k - 1) * dil <= row.len(),
        "horizontal_s1: the row must hold whole vectors past the windows"
    );
    for x0 in (0..out.len()).step_by(lanes) {
        let n = (out.len() - x0).min(lanes);
        // SAFETY: `x0 + j * dil + LANES <= row.len()` for every `j < k`
        // (asserted): lanes past the windows read the row's slack.
        let m = unsafe {
            let at = row.as_ptr().add(x0);
            (1..k).fold(s.load(at), |m, j| s.max_nan(m, s.load(at.add(j * dil))))
        };
        if n == lanes {
            // SAFETY: `out` holds a whole vector from `x0`.
            unsafe { s.store(out[x0..x0 + n].as_mut_ptr(), m) };
        } else {
            s.store_first(&mut out[x0..x0 + n], m);
        }
    }
}

/// [`horizontal`] at stride 2 for windows of `K` = 2 or 3 adjacent
/// columns: a vector of outputs from two vectors of the row pulled apart
/// into even and odd columns (and, for 3, the even ones one further on).
#[inline(always)]
fn horizontal_s2<S: Simd, const K: usize>(s: S, row: &[f32], out: &mut [f32]) {
    let lanes = S::LANES;
    // The values the windows read, and no further.
    let row = &row[..(2 * out.len() + K - 2).min(row.len())];
    for x0 in (0..out.len()).step_by(lanes) {
        let n = (out.len() - x0).min(lanes);
        let (even, odd) = s.unzip(inputs(s, row, 2 * x0), inputs(s, row, 2 * x0 + lanes));
        let mut m = s.max_nan(even, odd);
        if K == 3 {
            let (next, _) = s.unzip(
                inputs(s, row, 2 * x0 + 2),
                inputs(s, row, 2 * x0 + 2 + lanes),
            );
            m = s.max_nan(m, next);
        }
        if n == lanes {
            // SAFETY: `out` holds a whole vector from `x0`.
            unsafe { s.store(out[x0..x0 + n].as_mut_ptr(), m) };
        } else {
            s.store_first(&mut out[x0..x0 + n], m);
        }
    }
}

/// How 2x2 pooling at stride 2 combines a window: down its two rows, then
/// across the two columns (pulled apart into even and odd ones).
trait Window2x2 {
    fn rows<S: Simd>(&self, s: S, top: S::F, bottom: S::F) -> S::F;
    fn columns<S: Simd>(&self, s: S, even: S::F, odd: S::F) -> S::F;
}

/// The maximum, NaN propagating.
struct Max;

impl Window2x2 for Max {
    #[inline(always)]
    fn rows<S: Simd>(&self, s: S, top: S::F, bottom: S::F) -> S::F {
        s.max_nan(top, bottom)
    }

    #[inline(always)]
    fn columns<S: Simd>(&self, s: S, even: S::F, odd: S::F) -> S::F {
        s.max_nan(even, odd)
    }
}

/// The mean, with the general path's sums (the two rows, then the two
/// columns, each from zero) and its division: the same values.
struct Mean {
    divisor: f32,
}

impl Window2x2 for Mean {
    #[inline(always)]
    fn rows<S: Simd>(&self, s: S, top: S::F, bottom: S::F) -> S::F {
        s.add(s.add(s.zero(), top), bottom)
    }

    #[inline(always)]
    fn columns<S: Simd>(&self, s: S, even: S::F, odd: S::F) -> S::F {
        s.div(s.add(s.add(s.zero(), even), odd), s.splat(self.divisor))
    }
}

/// [`pool_2x2`] on `isa` (or the best below it this CPU runs), over the
/// `batch` images' planes.
fn pool_2x2_on(
    isa: Isa,
    window: &impl Window2x2,
    g: &PoolGeometry,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
) {
    let planes = g.planes(batch);
    let input = &input[..planes * g.input[0] * g.input[1]];
    let output = &mut output[..planes * g.output[0] * g.output[1]];
    dispatch!(isa, s => pool_2x2(s, window, g, input, output))
}

/// 2x2 windows at stride 2 without padding or dilation (the commonest max
/// pooling, and LeNet's and DenseNet's average pooling): from two rows of
/// two vectors of inputs, the window's rows combined, then each pair of
/// columns (pulled apart into even and odd ones): a vector of outputs at a
/// time, the last few in a partial one.
#[inline(always)]
fn pool_2x2<S: Simd>(
    s: S,
    window: &impl Window2x2,
    g: &PoolGeometry,
    input: &[f32],
    output: &mut [f32],
) {
    let lanes = S::LANES;
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    for (src, dst) in input
        .chunks_exact(h * w)
        .zip(output.chunks_exact_mut(oh * ow))
    {
        for (oy, out_row) in dst.chunks_exact_mut(ow).enumerate() {
            let top = &src[2 * oy * w..][..2 * ow];
            let bottom = &src[(2 * oy + 1) * w..][..2 * ow];
            for x0 in (0..ow).step_by(lanes) {
                let n = (ow - x0).min(lanes);
                // The window's two rows, the first and second vector of each.
                let (t, b) = (&top[2 * x0..2 * (x0 + n)], &bottom[2 * x0..2 * (x0 + n)]);
                let v0 = window.rows(s, inputs(s, t, 0), inputs(s, b, 0));
                let v1 = window.rows(s, inputs(s, t, lanes), inputs(s, b, lanes));
                let (even, odd) = s.unzip(v0, v1);
                let m = window.columns(s, even, odd);
                if n == lanes {
                    // SAFETY: `out_row` holds a whole vector from `x0`.
                    unsafe { s.store(out_row[x0..x0 + n].as_mut_ptr(), m) };
                } else {
                    s.store_first(&mut out_row[x0..x0 + n], m);
                }
            }
        }
    }
}

/// The vector of `row` from `from` on: whole where it holds one, else its
/// last few values (or none).
#[inline(always)]
fn inputs<S: Simd>(s: S, row: &[f32], from: usize) -> S::F {
    let rest = &row[from.min(row.len())..];
    if rest.len() >= S::LANES {
        // SAFETY: `rest` holds a whole vector.
        unsafe { s.load(rest.as_ptr()) }
    } else {
        s.load_first(rest)
    }
}

/// Options of average pooling that do not change its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvgOptions {
    pub count_include_pad: bool,
    pub divisor_override: Option<usize>,
}

/// The window of output `o` along one axis: its start and end in padded
/// coordinates clipped as PyTorch clips them, and the part inside the image.
/// Returns `(padded_len, image_start, image_end)`.
fn avg_window(
    o: usize,
    stride: usize,
    pad: usize,
    kernel: usize,
    len: usize,
) -> (usize, usize, usize) {
    let start = (o * stride) as isize - pad as isize;
    let end = (start + kernel as isize).min((len + pad) as isize);
    let padded = (end - start).max(0) as usize;
    let (s, e) = (start.max(0) as usize, end.clamp(0, len as isize) as usize);
    (padded, s, e.max(s))
}

/// Average pooling with PyTorch's divisor: the window clipped to the padded
/// input (`count_include_pad`), or to the image, or `divisor_override`.
/// Each output row sums the window's rows first, then across columns.
pub fn avg_pool2d(
    g: &PoolGeometry,
    options: AvgOptions,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
) {
    if g.is_plain_2x2() {
        // Every window lies whole in the image: one divisor for all.
        let divisor = options.divisor_override.unwrap_or(4) as f32;
        return pool_2x2_on(Isa::detect(), &Mean { divisor }, g, batch, input, output);
    }
    avg_pool2d_any(Isa::detect(), g, options, batch, input, output);
}

/// [`avg_pool2d`] for any window: sums down the window's rows into a padded
/// row, then across its columns, then the divisions, [`by_planes`].
fn avg_pool2d_any(
    isa: Isa,
    g: &PoolGeometry,
    options: AvgOptions,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
) {
    by_planes(g, batch, input, output, |src, dst| {
        avg_pool_planes(isa, g, options, src, dst)
    });
}

/// [`avg_pool2d_any`] over whole planes `input` into `output`: at strides
/// 1 and 2 a vector of outputs at a time (sums in the same order as the
/// scalar path's, from zero, so the same values).
fn avg_pool_planes(
    isa: Isa,
    g: &PoolGeometry,
    options: AvgOptions,
    input: &[f32],
    output: &mut [f32],
) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let (sx, px) = (g.stride[1], g.pad[1]);
    // The column sums with the padding's zeros on both sides, room for
    // windows that ceil_mode lets run past it (they add zeros), and for
    // whole vectors (of 16 lanes at most) past the last window.
    let reach = (ow.next_multiple_of(16) * sx + kw + 16).max(w + 2 * px);
    let mut column = crate::pool::take(reach);
    column.fill(0.0);
    // Each column's share of the divisor (0 for a window wholly outside the
    // image, whose average is 0), worked out once; zeros past the last.
    let mut x_divisor = crate::pool::take(ow.next_multiple_of(16));
    x_divisor.fill(0.0);
    for (ox, d) in x_divisor.iter_mut().enumerate().take(ow) {
        let (padded_len, x0, x1) = avg_window(ox, sx, px, kw, w);
        *d = match (x0 < x1, options.count_include_pad) {
            (false, _) => 0.0,
            (true, true) => padded_len as f32,
            (true, false) => (x1 - x0) as f32,
        };
    }
    dispatch!(isa, s => {
        for (src, dst) in input.chunks_exact(h * w).zip(output.chunks_exact_mut(oh * ow)) {
            for (oy, out_row) in dst.chunks_exact_mut(ow).enumerate() {
                let (padded_len, y0, y1) = avg_window(oy, g.stride[0], g.pad[0], kh, h);
                vertical_sum(s, &mut column[px..px + w], src, y0..y1);
                let y_divisor = match (y0 < y1, options.count_include_pad) {
                    (false, _) => 0.0,
                    (true, true) => padded_len as f32,
                    (true, false) => (y1 - y0) as f32,
                };
                let means = Means {
                    y_divisor,
                    x_divisor: &x_divisor,
                    divisor_override: options.divisor_override.map(|d| d as f32),
                };
                match sx {
                    1 => means.row::<_, 1>(s, &column, kw, out_row),
                    2 => means.row::<_, 2>(s, &column, kw, out_row),
                    _ => means.row_any(&column, kw, sx, out_row),
                }
            }
        }
    });
    crate::pool::give(x_divisor);
    crate::pool::give(column);
}

/// `col[x]` = the sum of `src`'s rows `rows` (planes as wide as `col`) at
/// column `x`, from zero, row after row; zero for no rows.
#[inline(always)]
fn vertical_sum<S: Simd>(s: S, col: &mut [f32], src: &[f32], rows: std::ops::Range<usize>) {
    let (w, lanes) = (col.len(), S::LANES);
    assert!(rows.end * w <= src.len());
    let whole = w - w % lanes;
    for x0 in (0..whole).step_by(lanes) {
        let mut sum = s.zero();
        for iy in rows.clone() {
            // SAFETY: `iy * w + x0 + lanes <= rows.end * w <= src.len()`.
            sum = s.add(sum, unsafe { s.load(src.as_ptr().add(iy * w + x0)) });
        }
        // SAFETY: `col` holds a whole vector from `x0 < whole`.
        unsafe { s.store(col.as_mut_ptr().add(x0), sum) };
    }
    if whole < w {
        let sum = rows.fold(s.zero(), |sum, iy| {
            s.add(sum, s.load_first(&src[iy * w + whole..(iy + 1) * w]))
        });
        s.store_first(&mut col[whole..], sum);
    }
}

/// The divisors of one output row of averages.
struct Means<'a> {
    /// The window's rows' share of the divisor.
    y_divisor: f32,
    /// Each column's share, zero past the row's last (whole vectors).
    x_divisor: &'a [f32],
    divisor_override: Option<f32>,
}

impl Means<'_> {
    /// `out[x]` = the sum over `j < k` of `col[x * STRIDE + j]`, in order
    /// of `j` from zero, divided, a vector of outputs at a time (at stride
    /// 2 the row's even and odd columns pulled apart, as for max pooling).
    #[inline(always)]
    fn row<S: Simd, const STRIDE: usize>(&self, s: S, col: &[f32], k: usize, out: &mut [f32]) {
        let lanes = S::LANES;
        let ow = out.len();
        assert!(
            ow.next_multiple_of(lanes) * STRIDE + k + lanes <= col.len()
                && ow.next_multiple_of(lanes) <= self.x_divisor.len(),
            "Means::row: the row must hold whole vectors past the windows"
        );
        for x0 in (0..ow).step_by(lanes) {
            let at = col[x0 * STRIDE..].as_ptr();
            let sum = (0..k).fold(s.zero(), |sum, j| {
                // SAFETY: `x0 * STRIDE + j + STRIDE * lanes <= col.len()`
                // (asserted): lanes past the windows read the row's slack.
                let v = unsafe {
                    if STRIDE == 1 {
                        s.load(at.add(j))
                    } else {
                        s.unzip(s.load(at.add(j)), s.load(at.add(j + lanes))).0
                    }
                };
                s.add(sum, v)
            });
            // SAFETY: `x_divisor` holds whole vectors to the row's end.
            let xd = unsafe { s.load(self.x_divisor.as_ptr().add(x0)) };
            let divisor = s.mul(s.splat(self.y_divisor), xd);
            let mean = s.div(sum, self.divisor_override.map_or(divisor, |d| s.splat(d)));
            // A window wholly outside the image averages to 0.
            let mean = s.select_lt(s.zero(), divisor, mean, s.zero());
            let n = (ow - x0).min(lanes);
            if n == lanes {
                // SAFETY: `out` holds a whole vector from `x0`.
                unsafe { s.store(out[x0..].as_mut_ptr(), mean) };
            } else {
                s.store_first(&mut out[x0..x0 + n], mean);
            }
        }
    }

    /// [`Means::row`] at any stride, a value at a time.
    fn row_any(&self, col: &[f32], k: usize, stride: usize, out: &mut [f32]) {
        for (x, o) in out.iter_mut().enumerate() {
            let sum = (0..k).fold(0.0, |sum, j| sum + col[x * stride + j]);
            // Products of small integers: exact in f32, as PyTorch's
            // integer divisor is.
            let divisor = self.y_divisor * self.x_divisor[x];
            *o = if divisor == 0.0 {
                0.0
            } else {
                sum / self.divisor_override.unwrap_or(divisor)
            };
        }
    }
}

/// The sum of a window's rows, `count` values in all: one after another
/// for a small window, else in sixteen running sums added pairwise at the
/// end, which vectorises for a wide window (a global average over a whole
/// plane, say) where one running sum waits on each addition. The order is
/// fixed by the window's shape, so the sum is the same on every run and
/// every CPU.
#[inline(always)]
fn window_sum<'a>(rows: impl Iterator<Item = &'a [f32]>, count: usize) -> f32 {
    const LANES: usize = 16;
    if count < LANES {
        return rows.flatten().fold(0.0, |sum, &v| sum + v);
    }
    let mut lanes = [0.0f32; LANES];
    for row in rows {
        let mut chunks = row.chunks_exact(LANES);
        for chunk in &mut chunks {
            for (l, &v) in lanes.iter_mut().zip(chunk) {
                *l += v;
            }
        }
        for (l, &v) in lanes.iter_mut().zip(chunks.remainder()) {
            *l += v;
        }
    }
    // Halves added together until one is left.
    let mut n = lanes.len();
    while n > 1 {
        n /= 2;
        for i in 0..n {
            lanes[i] += lanes[i + n];
        }
    }
    lanes[0]
}

/// Adaptive pooling: output cell `(y, x)` covers input rows
/// `floor(y*H/OH) .. ceil((y+1)*H/OH)` and likewise columns.
pub fn adaptive_pool2d(
    max: bool,
    channels: usize,
    input_size: [usize; 2],
    output_size: [usize; 2],
    batch: usize,
    input: &[f32],
    output: &mut [f32],
) {
    let [h, w] = input_size;
    let [oh, ow] = output_size;
    let planes = batch * channels;
    assert!(input.len() >= planes * h * w && output.len() >= planes * oh * ow);
    // Compiled for the CPU's vectors: the window sums are most of the work.
    vectorized(
        #[inline(always)]
        || {
            // Each window once, then every plane through it.
            for y in 0..oh {
                let (y0, y1) = (
                    cnn_shape::adaptive_start(y, h, oh),
                    cnn_shape::adaptive_end(y, h, oh),
                );
                for x in 0..ow {
                    let (x0, x1) = (
                        cnn_shape::adaptive_start(x, w, ow),
                        cnn_shape::adaptive_end(x, w, ow),
                    );
                    let count = (y1 - y0) * (x1 - x0);
                    // A window of whole rows (a global pooling's) is one
                    // run of the plane: summed as one row, with no short
                    // remainder at the end of each.
                    let whole_rows = x0 == 0 && x1 == w;
                    for p in 0..planes {
                        let src = &input[p * h * w..(p + 1) * h * w];
                        let value = if whole_rows {
                            let run = &src[y0 * w..y1 * w];
                            if max {
                                run.iter().fold(f32::NEG_INFINITY, |m, &v| max_nan(v, m))
                            } else {
                                window_sum(std::iter::once(run), count) / count as f32
                            }
                        } else {
                            let rows = (y0..y1).map(|iy| &src[iy * w + x0..iy * w + x1]);
                            if max {
                                rows.flatten()
                                    .fold(f32::NEG_INFINITY, |m, &v| max_nan(v, m))
                            } else {
                                window_sum(rows, count) / count as f32
                            }
                        };
                        output[p * oh * ow + y * ow + x] = value;
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adaptive average and max pooling against their definition: windows
    /// of fewer and more than sixteen values, sizes the output does not
    /// divide (overlapping windows), global pooling, two images.
    #[test]
    fn adaptive_pooling_matches_definition() {
        for (input, output) in [
            ([2, 2], [1, 1]),
            ([7, 7], [1, 1]),
            ([5, 40], [1, 1]),
            ([7, 9], [3, 4]),
            ([10, 33], [2, 5]),
            ([4, 4], [4, 4]),
            ([3, 5], [6, 7]),
        ] {
            let ([h, w], [oh, ow]) = (input, output);
            let (batch, channels) = (2, 3);
            let x: Vec<f32> = (0..batch * channels * h * w)
                .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
                .collect();
            for max in [false, true] {
                let mut y = vec![f32::NAN; batch * channels * oh * ow];
                adaptive_pool2d(max, channels, input, output, batch, &x, &mut y);
                for p in 0..batch * channels {
                    for (oy, ox) in (0..oh).flat_map(|oy| (0..ow).map(move |ox| (oy, ox))) {
                        let ys = cnn_shape::adaptive_start(oy, h, oh)
                            ..cnn_shape::adaptive_end(oy, h, oh);
                        let xs = cnn_shape::adaptive_start(ox, w, ow)
                            ..cnn_shape::adaptive_end(ox, w, ow);
                        let window: Vec<f64> = ys
                            .flat_map(|iy| xs.clone().map(move |ix| (iy, ix)))
                            .map(|(iy, ix)| x[p * h * w + iy * w + ix] as f64)
                            .collect();
                        let want = if max {
                            window.iter().copied().fold(f64::MIN, f64::max)
                        } else {
                            window.iter().sum::<f64>() / window.len() as f64
                        };
                        let got = y[p * oh * ow + oy * ow + ox] as f64;
                        assert!(
                            (got - want).abs() < 1e-5,
                            "{input:?}->{output:?} max={max}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    /// Two channels of `input` pooled by square `k x k` windows at stride
    /// `s` with `pad` on every side, in ceil mode (the last window may
    /// start in the padding's reach).
    fn ceil_mode_geometry(k: usize, s: usize, pad: usize, input: [usize; 2]) -> PoolGeometry {
        let out = |n: usize| (n + 2 * pad - k).div_ceil(s) + 1;
        PoolGeometry {
            channels: 2,
            input,
            output: [out(input[0]), out(input[1])],
            kernel: [k, k],
            stride: [s, s],
            pad: [pad, pad],
            dilation: [1, 1],
        }
    }

    /// Max pooling against its definition: 2- and 3-wide windows at
    /// stride 2 and at stride 1 (the vector paths), with padding and
    /// windows past the edge (ceil mode), widths around the 8- and 16-lane
    /// steps, a NaN that propagates; and other windows (the scalar paths);
    /// on every instruction set this CPU runs.
    #[test]
    fn max_pooling_matches_definition() {
        for (k, s, pad, w) in [
            (3, 2, 0, 7),
            (3, 2, 0, 16),
            (3, 2, 1, 17),
            (3, 2, 0, 33),
            (3, 2, 0, 55),
            (3, 2, 1, 111),
            (2, 2, 1, 9),
            (2, 2, 1, 40),
            (3, 1, 1, 20),
            (3, 1, 1, 3),
            (3, 1, 1, 1),
            (5, 1, 2, 5),
            (7, 1, 3, 9),
            (3, 1, 1, 7),
            (3, 1, 1, 14),
            (3, 1, 1, 33),
            (3, 1, 0, 17),
            (2, 1, 0, 9),
            (5, 1, 2, 19),
            (5, 3, 2, 31),
        ] {
            let h = 6;
            let g = ceil_mode_geometry(k, s, pad, [h, w]);
            let mut x: Vec<f32> = (0..2 * h * w)
                .map(|i| ((i * 7919) % 101) as f32 - 50.5)
                .collect();
            x[h * w + w + 3] = f32::NAN;
            let [oh, ow] = g.output;
            for &isa in Isa::available() {
                let mut y = vec![0.0; 2 * oh * ow];
                max_pool2d_on(isa, &g, 1, &x, &mut y);
                for p in 0..2 {
                    for (oy, ox) in (0..oh).flat_map(|oy| (0..ow).map(move |ox| (oy, ox))) {
                        let inside = |o: usize, n: usize| {
                            (0..k)
                                .map(move |i| (o * s + i) as isize - pad as isize)
                                .filter(move |&v| v >= 0 && v < n as isize)
                                .map(|v| v as usize)
                        };
                        let window: Vec<f32> = inside(oy, h)
                            .flat_map(|iy| inside(ox, w).map(move |ix| (iy, ix)))
                            .map(|(iy, ix)| x[p * h * w + iy * w + ix])
                            .collect();
                        let got = y[p * oh * ow + oy * ow + ox];
                        if window.iter().any(|v| v.is_nan()) {
                            assert!(got.is_nan(), "{isa:?} k{k} s{s} w{w}: a NaN must propagate");
                        } else {
                            let want = window.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                            assert_eq!(
                                got, want,
                                "{isa:?} k{k} s{s} pad{pad} w{w} at {p},{oy},{ox}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// Average pooling against its definition: 2-, 3- and 5-wide windows
    /// at strides 1 and 2 (the vector paths) and 3 (the scalar one), with
    /// padding counted or not, windows past the edge (ceil mode, one wholly
    /// in the padding), a divisor override, widths around the 8- and
    /// 16-lane steps; the same values on every instruction set this CPU
    /// runs.
    #[test]
    fn average_pooling_matches_definition() {
        for (k, s, pad, w) in [
            (3, 2, 1, 32),
            (3, 2, 1, 17),
            (3, 2, 0, 7),
            (2, 2, 1, 9),
            (3, 2, 1, 111),
            (5, 2, 2, 40),
            (3, 1, 1, 35),
            (3, 1, 1, 16),
            (3, 1, 1, 1),
            (3, 1, 0, 9),
            (5, 1, 2, 19),
            (2, 1, 0, 33),
            (3, 3, 1, 31),
            (5, 3, 2, 8),
        ] {
            let h = 7;
            let g = ceil_mode_geometry(k, s, pad, [h, w]);
            let [oh, ow] = g.output;
            let batch = 2;
            let x: Vec<f32> = (0..batch * 2 * h * w)
                .map(|i| (((i * 7919) % 101) as f32 - 50.5) / 3.0)
                .collect();
            for (count_include_pad, divisor_override) in
                [(true, None), (false, None), (true, Some(5))]
            {
                let options = AvgOptions {
                    count_include_pad,
                    divisor_override,
                };
                let mut first: Option<Vec<u32>> = None;
                for &isa in Isa::available() {
                    let mut y = vec![f32::NAN; batch * 2 * oh * ow];
                    avg_pool2d_any(isa, &g, options, batch, &x, &mut y);
                    for (p, (oy, ox)) in (0..batch * 2).flat_map(|p| {
                        (0..oh).flat_map(move |oy| (0..ow).map(move |ox| (p, (oy, ox))))
                    }) {
                        // The window in padded coordinates, clipped to the
                        // padded input, and its part inside the image.
                        let span = |o: usize, n: usize| {
                            let start = (o * s) as isize - pad as isize;
                            let end = (start + k as isize).min((n + pad) as isize);
                            (start, end)
                        };
                        let ((y0, y1), (x0, x1)) = (span(oy, h), span(ox, w));
                        let inside = |a: isize, b: isize, n: usize| a.max(0)..b.min(n as isize);
                        let (ys, xs) = (inside(y0, y1, h), inside(x0, x1, w));
                        let mut sum = 0.0f64;
                        for iy in ys.clone() {
                            for ix in xs.clone() {
                                sum += x[p * h * w + iy as usize * w + ix as usize] as f64;
                            }
                        }
                        let count = (ys.len() * xs.len()) as f64;
                        let want = if count == 0.0 {
                            0.0
                        } else if let Some(d) = divisor_override {
                            sum / d as f64
                        } else if count_include_pad {
                            sum / ((y1 - y0) * (x1 - x0)) as f64
                        } else {
                            sum / count
                        };
                        let got = y[p * oh * ow + oy * ow + ox] as f64;
                        assert!(
                            (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
                            "{isa:?} k{k} s{s} pad{pad} w{w} {options:?} at {p},{oy},{ox}: \
                             {got} vs {want}"
                        );
                    }
                    let bits: Vec<u32> = y.iter().map(|v| v.to_bits()).collect();
                    match &first {
                        Some(first) => {
                            assert!(*first == bits, "{isa:?} k{k} s{s} w{w}: other values")
                        }
                        None => first = Some(bits),
                    }
                }
            }
        }
    }

    /// The 2x2 fast paths against the general ones, bit for bit: odd sizes
    /// (a column and a row left over), widths around the 8- and 16-lane
    /// steps, NaNs (max pooling keeps them), negative zeros (averages of
    /// them are +0, as the sums start from zero), a divisor override.
    #[test]
    fn plain_2x2_matches_general_path() {
        for (h, w) in [
            (2, 2),
            (5, 7),
            (4, 18),
            (4, 32),
            (6, 33),
            (3, 64),
            (9, 65),
            (2, 200),
        ] {
            let g = PoolGeometry {
                channels: 3,
                input: [h, w],
                output: [h / 2, w / 2],
                kernel: [2, 2],
                stride: [2, 2],
                pad: [0, 0],
                dilation: [1, 1],
            };
            assert!(g.is_plain_2x2());
            let batch = 2;
            let mut input: Vec<f32> = (0..batch * 3 * h * w)
                .map(|i| ((i * 7919) % 101) as f32 - 50.0)
                .collect();
            let len = input.len();
            input[5 % len] = f32::NAN;
            input[(3 * w + 1) % len] = f32::NAN;
            let len = batch * 3 * (h / 2) * (w / 2);
            let mut general = vec![0.0; len];
            max_pool2d_any(Isa::detect(), &g, batch, &input, &mut general);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            for &isa in Isa::available() {
                let mut fast = vec![0.0; len];
                pool_2x2_on(isa, &Max, &g, batch, &input, &mut fast);
                assert_eq!(bits(&fast), bits(&general), "{isa:?} {h}x{w}");
                assert!(
                    fast.iter().any(|v| v.is_nan()),
                    "{isa:?} {h}x{w}: a NaN must propagate"
                );
            }
            for (i, v) in input.iter_mut().enumerate() {
                if i % 5 == 0 {
                    *v = -0.0;
                }
                *v /= 3.0;
            }
            input[..(2 * w).min(len)].fill(-0.0);
            for divisor_override in [None, Some(3)] {
                let options = AvgOptions {
                    count_include_pad: true,
                    divisor_override,
                };
                avg_pool2d_any(Isa::detect(), &g, options, batch, &input, &mut general);
                for &isa in Isa::available() {
                    let mut fast = vec![0.0; len];
                    let divisor = divisor_override.unwrap_or(4) as f32;
                    pool_2x2_on(isa, &Mean { divisor }, &g, batch, &input, &mut fast);
                    assert_eq!(bits(&fast), bits(&general), "{isa:?} {h}x{w} average");
                }
            }
        }
    }

    /// Adaptive pooling against sums and maxima in f64: uneven windows
    /// (10 rows into 3), a whole plane wider than the eight running sums,
    /// and a NaN that max pooling keeps.
    #[test]
    fn adaptive_pooling_matches_f64() {
        let (c, h, w) = (3, 10, 21);
        let mut x: Vec<f32> = (0..c * h * w)
            .map(|i| ((i * 37) % 101) as f32 / 7.0 - 6.0)
            .collect();
        for out in [[3, 4], [1, 1], [10, 21]] {
            for max in [false, true] {
                let mut y = vec![0.0; c * out[0] * out[1]];
                adaptive_pool2d(max, c, [h, w], out, 1, &x, &mut y);
                for (i, &got) in y.iter().enumerate() {
                    let (p, oy, ox) = (i / (out[0] * out[1]), i / out[1] % out[0], i % out[1]);
                    let ys = cnn_shape::adaptive_start(oy, h, out[0])
                        ..cnn_shape::adaptive_end(oy, h, out[0]);
                    let xs = cnn_shape::adaptive_start(ox, w, out[1])
                        ..cnn_shape::adaptive_end(ox, w, out[1]);
                    let window: Vec<f64> = ys
                        .flat_map(|iy| xs.clone().map(move |ix| (iy, ix)))
                        .map(|(iy, ix)| x[(p * h + iy) * w + ix] as f64)
                        .collect();
                    let want = if max {
                        window.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
                    } else {
                        window.iter().sum::<f64>() / window.len() as f64
                    };
                    assert!(
                        (got as f64 - want).abs() < 1e-5,
                        "{out:?} {max} at {i}: {got} vs {want}"
                    );
                }
            }
        }
        x[5] = f32::NAN;
        let mut y = vec![0.0; c];
        adaptive_pool2d(true, c, [h, w], [1, 1], 1, &x, &mut y);
        assert!(y[0].is_nan() && !y[1].is_nan());
    }
}
