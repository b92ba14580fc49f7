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

/// Max pooling; padded positions never win, and NaN propagates (as in
/// PyTorch, a NaN in the window makes the result NaN).
pub fn max_pool2d(g: &PoolGeometry, batch: usize, input: &[f32], output: &mut [f32]) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    for p in 0..g.planes(batch) {
        let src = &input[p * h * w..(p + 1) * h * w];
        let dst = &mut output[p * oh * ow..(p + 1) * oh * ow];
        for y in 0..oh {
            let y0 = (y * g.stride[0]) as isize - g.pad[0] as isize;
            for x in 0..ow {
                let x0 = (x * g.stride[1]) as isize - g.pad[1] as isize;
                let mut best = f32::NEG_INFINITY;
                for i in 0..g.kernel[0] {
                    let iy = y0 + (i * g.dilation[0]) as isize;
                    if iy < 0 || iy >= h as isize {
                        continue;
                    }
                    let row = &src[iy as usize * w..(iy as usize + 1) * w];
                    for j in 0..g.kernel[1] {
                        let ix = x0 + (j * g.dilation[1]) as isize;
                        if ix < 0 || ix >= w as isize {
                            continue;
                        }
                        let v = row[ix as usize];
                        if v > best || v.is_nan() {
                            best = v;
                            if v.is_nan() {
                                break;
                            }
                        }
                    }
                    if best.is_nan() {
                        break;
                    }
                }
                dst[y * ow + x] = best;
            }
        }
    }
}

/// Options of average pooling that do not change its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvgOptions {
    pub count_include_pad: bool,
    pub divisor_override: Option<usize>,
}

/// Average pooling with PyTorch's divisor: the window clipped to the padded
/// input (`count_include_pad`), or to the image, or `divisor_override`.
pub fn avg_pool2d(
    g: &PoolGeometry,
    options: AvgOptions,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let (hp, wp) = ((h + g.pad[0]) as isize, (w + g.pad[1]) as isize);
    for p in 0..g.planes(batch) {
        let src = &input[p * h * w..(p + 1) * h * w];
        let dst = &mut output[p * oh * ow..(p + 1) * oh * ow];
        for y in 0..oh {
            let y_start = (y * g.stride[0]) as isize - g.pad[0] as isize;
            let y_end = (y_start + g.kernel[0] as isize).min(hp);
            for x in 0..ow {
                let x_start = (x * g.stride[1]) as isize - g.pad[1] as isize;
                let x_end = (x_start + g.kernel[1] as isize).min(wp);
                let padded_size = (y_end - y_start) * (x_end - x_start);
                let (y0, y1) = (
                    y_start.max(0) as usize,
                    y_end.min(h as isize).max(0) as usize,
                );
                let (x0, x1) = (
                    x_start.max(0) as usize,
                    x_end.min(w as isize).max(0) as usize,
                );
                if y0 >= y1 || x0 >= x1 {
                    dst[y * ow + x] = 0.0;
                    continue;
                }
                let mut sum = 0.0f32;
                for iy in y0..y1 {
                    for v in &src[iy * w + x0..iy * w + x1] {
                        sum += v;
                    }
                }
                let divisor = match options.divisor_override {
                    Some(d) => d as f32,
                    None if options.count_include_pad => padded_size as f32,
                    None => ((y1 - y0) * (x1 - x0)) as f32,
                };
                dst[y * ow + x] = sum / divisor;
            }
        }
    }
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
