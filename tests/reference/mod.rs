//! Loop-by-loop reference computations in f64 on one image `[C, H, W]`,
//! written from PyTorch's definitions, to check generated models against.

#![allow(dead_code)]

/// An image `[C, H, W]` in f64.
#[derive(Clone, Debug)]
pub struct Image {
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub data: Vec<f64>,
}

impl Image {
    pub fn new(c: usize, h: usize, w: usize, data: Vec<f64>) -> Self {
        assert_eq!(data.len(), c * h * w);
        Image { c, h, w, data }
    }

    pub fn at(&self, c: usize, y: isize, x: isize) -> Option<f64> {
        if y < 0 || x < 0 || y >= self.h as isize || x >= self.w as isize {
            return None;
        }
        Some(self.data[(c * self.h + y as usize) * self.w + x as usize])
    }
}

/// `Conv2d(c_in, weight.len() / ..., k, stride, padding)`, square kernel, no groups.
pub fn conv(
    x: &Image,
    weight: &[f32],
    bias: Option<&[f32]>,
    c_out: usize,
    k: usize,
    stride: usize,
    pad: usize,
) -> Image {
    let oh = (x.h + 2 * pad - k) / stride + 1;
    let ow = (x.w + 2 * pad - k) / stride + 1;
    let mut data = Vec::with_capacity(c_out * oh * ow);
    for o in 0..c_out {
        for y in 0..oh {
            for xx in 0..ow {
                let mut acc = bias.map_or(0.0, |b| b[o] as f64);
                for c in 0..x.c {
                    for i in 0..k {
                        for j in 0..k {
                            let iy = (y * stride + i) as isize - pad as isize;
                            let ix = (xx * stride + j) as isize - pad as isize;
                            if let Some(v) = x.at(c, iy, ix) {
                                acc += v * weight[((o * x.c + c) * k + i) * k + j] as f64;
                            }
                        }
                    }
                }
                data.push(acc);
            }
        }
    }
    Image::new(c_out, oh, ow, data)
}

/// `MaxPool2d(k, stride, padding)`; padding never wins.
pub fn max_pool(x: &Image, k: usize, stride: usize, pad: usize) -> Image {
    let oh = (x.h + 2 * pad - k) / stride + 1;
    let ow = (x.w + 2 * pad - k) / stride + 1;
    let mut data = Vec::new();
    for c in 0..x.c {
        for y in 0..oh {
            for xx in 0..ow {
                let mut m = f64::NEG_INFINITY;
                for i in 0..k {
                    for j in 0..k {
                        let iy = (y * stride + i) as isize - pad as isize;
                        let ix = (xx * stride + j) as isize - pad as isize;
                        if let Some(v) = x.at(c, iy, ix) {
                            m = m.max(v);
                        }
                    }
                }
                data.push(m);
            }
        }
    }
    Image::new(x.c, oh, ow, data)
}

/// BatchNorm2d in eval mode.
pub fn batch_norm(
    x: &Image,
    weight: &[f32],
    bias: &[f32],
    mean: &[f32],
    var: &[f32],
    eps: f64,
) -> Image {
    let plane = x.h * x.w;
    let data = x
        .data
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let c = i / plane;
            (v - mean[c] as f64) / (var[c] as f64 + eps).sqrt() * weight[c] as f64 + bias[c] as f64
        })
        .collect();
    Image::new(x.c, x.h, x.w, data)
}

pub fn relu(x: &Image) -> Image {
    Image::new(x.c, x.h, x.w, x.data.iter().map(|v| v.max(0.0)).collect())
}

/// Joins images along channels.
pub fn concat(parts: &[Image]) -> Image {
    let (h, w) = (parts[0].h, parts[0].w);
    let c = parts.iter().map(|p| p.c).sum();
    Image::new(c, h, w, parts.iter().flat_map(|p| p.data.clone()).collect())
}

/// The largest difference between `ours` and the reference, NaN if any
/// value is NaN (so a NaN fails).
pub fn max_diff(ours: &[f32], reference: &Image) -> f64 {
    ours.iter()
        .zip(&reference.data)
        .map(|(a, b)| (*a as f64 - b).abs())
        .fold(0.0, |m, d| if d > m || d.is_nan() { d } else { m })
}
