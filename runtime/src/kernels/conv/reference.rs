//! The definition of a convolution, loop by loop, in f64: what every
//! kernel is tested against.

use super::geometry::ConvGeometry;

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
