//! 2-d convolution as matrix multiplication: each group's output
//! `[C_OUT/G, OH*OW]` is its weights `[C_OUT/G, C_IN/G*KH*KW]` times the
//! unfolded input patches `[C_IN/G*KH*KW, OH*OW]` (im2col).

use super::gemm::{MatMut, MatRef, gemm};

/// Every size of one convolution. Pairs are `[height, width]`; `pad` is the
/// padding before the first row/column (after the last it is implied by the
/// output size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeometry {
    pub c_in: usize,
    pub c_out: usize,
    pub input: [usize; 2],
    pub output: [usize; 2],
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub pad: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
}

impl ConvGeometry {
    /// Rows of the unfolded patch matrix of one group: `C_IN/G * KH * KW`.
    pub fn patch_len(&self) -> usize {
        self.c_in / self.groups * self.kernel[0] * self.kernel[1]
    }

    pub fn in_len(&self) -> usize {
        self.c_in * self.input[0] * self.input[1]
    }

    pub fn out_len(&self) -> usize {
        self.c_out * self.output[0] * self.output[1]
    }

    /// A 1x1 convolution with stride 1 and no padding reads its input as is.
    fn is_pointwise(&self) -> bool {
        self.kernel == [1, 1]
            && self.stride == [1, 1]
            && self.pad == [0, 0]
            && self.input == self.output
    }

    /// The output positions `o` along one axis whose input index
    /// `o * stride + k * dilation - pad` falls inside `0..len`.
    fn valid_range(&self, axis: usize, k: usize) -> (usize, usize) {
        let (s, d, p, len, out) = (
            self.stride[axis],
            self.dilation[axis],
            self.pad[axis],
            self.input[axis],
            self.output[axis],
        );
        let offset = k * d; // input index = o*s + offset - p
        // first o with o*s + offset >= p
        let lo = if offset >= p {
            0
        } else {
            (p - offset).div_ceil(s)
        };
        // last o with o*s + offset - p <= len - 1
        let hi = if len + p > offset {
            ((len + p - offset - 1) / s + 1).min(out)
        } else {
            0
        };
        (lo.min(hi), hi)
    }
}

/// Unfolds the patches of `channels` input planes into `cols`
/// (`channels*KH*KW` rows of `OH*OW`), zero outside the image.
fn im2col(g: &ConvGeometry, input: &[f32], channels: usize, cols: &mut [f32]) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let n = oh * ow;
    for c in 0..channels {
        let plane = &input[c * h * w..(c + 1) * h * w];
        for i in 0..kh {
            let (y_lo, y_hi) = g.valid_range(0, i);
            for j in 0..kw {
                let (x_lo, x_hi) = g.valid_range(1, j);
                let row = &mut cols[((c * kh + i) * kw + j) * n..][..n];
                row[..y_lo * ow].fill(0.0);
                row[y_hi * ow..].fill(0.0);
                for oy in y_lo..y_hi {
                    let iy = oy * g.stride[0] + i * g.dilation[0] - g.pad[0];
                    let src = &plane[iy * w..(iy + 1) * w];
                    let dst = &mut row[oy * ow..(oy + 1) * ow];
                    dst[..x_lo].fill(0.0);
                    dst[x_hi.max(x_lo)..].fill(0.0);
                    let x0 = (x_lo * g.stride[1] + j * g.dilation[1]) as isize - g.pad[1] as isize;
                    if g.stride[1] == 1 && x_hi > x_lo {
                        let x0 = x0 as usize;
                        dst[x_lo..x_hi].copy_from_slice(&src[x0..x0 + (x_hi - x_lo)]);
                    } else {
                        for ox in x_lo..x_hi {
                            dst[ox] = src[ox * g.stride[1] + j * g.dilation[1] - g.pad[1]];
                        }
                    }
                }
            }
        }
    }
}

/// Convolves `batch` images: `input` is `batch x C_IN x H x W`, `output`
/// is `batch x C_OUT x OH x OW`, `weight` is `C_OUT x C_IN/G x KH x KW`.
/// `scratch` is grown to the patch matrix's size as needed.
pub fn conv2d(
    g: &ConvGeometry,
    weight: &[f32],
    bias: Option<&[f32]>,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    scratch: &mut Vec<f32>,
) {
    let cg = g.c_in / g.groups;
    let og = g.c_out / g.groups;
    let k = g.patch_len();
    let n = g.output[0] * g.output[1];
    let plane = g.input[0] * g.input[1];
    if !g.is_pointwise() && scratch.len() < k * n {
        scratch.resize(k * n, 0.0);
    }
    for b in 0..batch {
        let x = &input[b * g.in_len()..(b + 1) * g.in_len()];
        let y = &mut output[b * g.out_len()..(b + 1) * g.out_len()];
        for gi in 0..g.groups {
            let x_group = &x[gi * cg * plane..(gi + 1) * cg * plane];
            let cols: &[f32] = if g.is_pointwise() {
                x_group
            } else {
                im2col(g, x_group, cg, scratch);
                &scratch[..k * n]
            };
            gemm(
                og,
                k,
                n,
                MatRef {
                    data: &weight[gi * og * k..(gi + 1) * og * k],
                    rs: k,
                    cs: 1,
                },
                MatRef {
                    data: cols,
                    rs: n,
                    cs: 1,
                },
                MatMut {
                    data: &mut y[gi * og * n..(gi + 1) * og * n],
                    rs: n,
                    cs: 1,
                },
                false,
            );
        }
        if let Some(bias) = bias {
            for (o, row) in y.chunks_exact_mut(n).enumerate() {
                let v = bias[o];
                row.iter_mut().for_each(|y| *y += v);
            }
        }
    }
}

/// The definition, loop by loop: a reference for tests.
pub fn conv2d_reference(
    g: &ConvGeometry,
    weight: &[f32],
    bias: Option<&[f32]>,
    batch: usize,
    input: &[f32],
) -> Vec<f32> {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    let cg = g.c_in / g.groups;
    let og = g.c_out / g.groups;
    let mut out = vec![0.0f32; batch * g.out_len()];
    for b in 0..batch {
        for o in 0..g.c_out {
            let gi = o / og;
            for y in 0..oh {
                for x in 0..ow {
                    let mut acc = bias.map_or(0.0, |b| b[o]) as f64;
                    for c in 0..cg {
                        for i in 0..kh {
                            for j in 0..kw {
                                let iy = (y * g.stride[0] + i * g.dilation[0]) as isize
                                    - g.pad[0] as isize;
                                let ix = (x * g.stride[1] + j * g.dilation[1]) as isize
                                    - g.pad[1] as isize;
                                if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
                                    continue;
                                }
                                let v = input[((b * g.c_in + gi * cg + c) * h + iy as usize) * w
                                    + ix as usize];
                                let wt = weight[((o * cg + c) * kh + i) * kw + j];
                                acc += v as f64 * wt as f64;
                            }
                        }
                    }
                    out[((b * g.c_out + o) * oh + y) * ow + x] = acc as f32;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, seed: usize) -> Vec<f32> {
        (0..n)
            .map(|i| (((i * 7919 + seed * 104729) % 2003) as f32 / 1001.0) - 1.0)
            .collect()
    }

    fn check(g: ConvGeometry, batch: usize, bias: bool) {
        let w = values(g.c_out * g.patch_len(), 1);
        let b = values(g.c_out, 2);
        let x = values(batch * g.in_len(), 3);
        let bias = bias.then_some(&b[..]);
        let mut y = vec![f32::NAN; batch * g.out_len()];
        let mut scratch = Vec::new();
        conv2d(&g, &w, bias, batch, &x, &mut y, &mut scratch);
        let want = conv2d_reference(&g, &w, bias, batch, &x);
        for (i, (a, b)) in y.iter().zip(&want).enumerate() {
            assert!((a - b).abs() < 1e-4, "{g:?} at {i}: {a} vs {b}");
        }
    }

    // One argument per size keeps the test table below readable.
    #[allow(clippy::too_many_arguments)]
    fn geo(
        c_in: usize,
        c_out: usize,
        input: [usize; 2],
        kernel: [usize; 2],
        stride: [usize; 2],
        pad: [usize; 2],
        dilation: [usize; 2],
        groups: usize,
    ) -> ConvGeometry {
        let out = |a: usize| {
            cnn_shape::conv_out(input[a], kernel[a], stride[a], pad[a], pad[a], dilation[a])
                .unwrap()
        };
        ConvGeometry {
            c_in,
            c_out,
            input,
            output: [out(0), out(1)],
            kernel,
            stride,
            pad,
            dilation,
            groups,
        }
    }

    #[test]
    fn matches_reference() {
        check(
            geo(3, 4, [7, 9], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            2,
            true,
        );
        // stride larger than the kernel
        check(
            geo(2, 3, [11, 10], [2, 2], [3, 3], [0, 0], [1, 1], 1),
            1,
            true,
        );
        // padding on one axis only, odd sizes, rectangular kernel
        check(
            geo(3, 5, [5, 8], [3, 5], [2, 1], [0, 2], [1, 1], 1),
            3,
            false,
        );
        // dilation with groups
        check(
            geo(4, 6, [9, 9], [3, 3], [1, 1], [2, 2], [2, 2], 2),
            1,
            true,
        );
        // depthwise: groups = channels
        check(
            geo(5, 5, [6, 7], [3, 3], [1, 1], [1, 1], [1, 1], 5),
            2,
            true,
        );
        // depthwise multiplier 2
        check(
            geo(3, 6, [6, 6], [3, 3], [2, 2], [1, 1], [1, 1], 3),
            1,
            true,
        );
        // 1x1 pointwise, and 1x1 with stride
        check(
            geo(4, 3, [5, 5], [1, 1], [1, 1], [0, 0], [1, 1], 1),
            2,
            true,
        );
        check(
            geo(4, 3, [5, 5], [1, 1], [2, 2], [0, 0], [1, 1], 1),
            2,
            true,
        );
        // kernel as large as the padded input
        check(
            geo(1, 2, [3, 3], [5, 5], [1, 1], [1, 1], [1, 1], 1),
            1,
            true,
        );
        // large padding: whole rows outside
        check(
            geo(2, 2, [2, 3], [3, 3], [1, 1], [3, 2], [1, 1], 1),
            1,
            true,
        );
    }
}
