//! Pooling over windows of each channel plane, with PyTorch's exact window
//! rules (padding, dilation, ceil_mode, count_include_pad, adaptive windows).

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
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let pw = g.pad[1];
    let mut column = crate::pool::take(w + 2 * pw + kw * g.dilation[1] + ow * g.stride[1]);
    column.fill(f32::NEG_INFINITY);
    for p in 0..g.planes(batch) {
        let src = &input[p * h * w..(p + 1) * h * w];
        let dst = &mut output[p * oh * ow..(p + 1) * oh * ow];
        for (oy, out_row) in dst.chunks_exact_mut(ow).enumerate() {
            // The window's rows inside the image.
            let top = (oy * g.stride[0]) as isize - g.pad[0] as isize;
            let mut rows = (0..kh)
                .map(|i| top + (i * g.dilation[0]) as isize)
                .filter(|&iy| iy >= 0 && iy < h as isize)
                .map(|iy| &src[iy as usize * w..(iy as usize + 1) * w]);
            let col = &mut column[pw..pw + w];
            match rows.next() {
                Some(first) => col.copy_from_slice(first),
                None => col.fill(f32::NEG_INFINITY),
            }
            for row in rows {
                for (c, &v) in col.iter_mut().zip(row) {
                    *c = max_nan(*c, v);
                }
            }
            let d = g.dilation[1];
            match (kw, g.stride[1]) {
                (2, 2) => horizontal::<2, 2>(&column, d, out_row),
                (3, 2) => horizontal::<3, 2>(&column, d, out_row),
                (3, 1) => horizontal::<3, 1>(&column, d, out_row),
                (4, 4) => horizontal::<4, 4>(&column, d, out_row),
                (k, s) => horizontal_any(&column, k, s, d, out_row),
            }
        }
    }
    crate::pool::give(column);
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
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let mut column = crate::pool::take(w);
    super::simd::vectorized(|| {
        for p in 0..g.planes(batch) {
            let src = &input[p * h * w..(p + 1) * h * w];
            let dst = &mut output[p * oh * ow..(p + 1) * oh * ow];
            for oy in 0..oh {
                let (py, y0, y1) = avg_window(oy, g.stride[0], g.pad[0], kh, h);
                column.fill(0.0);
                for iy in y0..y1 {
                    for (c, v) in column.iter_mut().zip(&src[iy * w..(iy + 1) * w]) {
                        *c += v;
                    }
                }
                for ox in 0..ow {
                    let (px, x0, x1) = avg_window(ox, g.stride[1], g.pad[1], kw, w);
                    let sum: f32 = column[x0..x1].iter().sum();
                    let divisor = match options.divisor_override {
                        Some(d) => d,
                        None if options.count_include_pad => py * px,
                        None => (y1 - y0) * (x1 - x0),
                    };
                    dst[oy * ow + ox] = if y0 >= y1 || x0 >= x1 {
                        0.0
                    } else {
                        sum / divisor as f32
                    };
                }
            }
        }
    });
    crate::pool::give(column);
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
    for p in 0..batch * channels {
        let src = &input[p * h * w..(p + 1) * h * w];
        let dst = &mut output[p * oh * ow..(p + 1) * oh * ow];
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
                let mut acc = if max { f32::NEG_INFINITY } else { 0.0 };
                for iy in y0..y1 {
                    for &v in &src[iy * w + x0..iy * w + x1] {
                        if !max {
                            acc += v;
                        } else if v > acc || v.is_nan() {
                            acc = v;
                        }
                    }
                }
                dst[y * ow + x] = if max {
                    acc
                } else {
                    acc / ((y1 - y0) * (x1 - x0)) as f32
                };
            }
        }
    }
}
