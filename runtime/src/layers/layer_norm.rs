//! `nn.LayerNorm(normalized_shape, eps, elementwise_affine, bias)` over the
//! last dimensions, and torchvision's `LayerNorm2d` over the channels of
//! each pixel (ConvNeXt's). Each group of values is normalised by its own
//! mean and biased variance, `(x - mean) / sqrt(var + eps) * weight + bias`,
//! the statistics summed in f64.
//!
//! ```
//! use cnn_runtime::{Batch, LayerNorm};
//! let norm = LayerNorm::new(&[2], 1e-5, true, true, false);
//! let x = Batch::<1, 1, 2>::from_vec(1, vec![1.0, 3.0]).unwrap();
//! let y = norm.forward(x);
//! assert!((y.as_slice()[0] + 1.0).abs() < 1e-4 && (y.as_slice()[1] - 1.0).abs() < 1e-4);
//! ```

use crate::kernels::isa::Isa;
use crate::kernels::simd::vectorized;
use crate::kernels::transpose::transpose;
use crate::module::{Module, TensorKind, TensorMut, TensorRef};
use crate::tensor::Batch;

/// A layer norm over `shape` (the last dimensions), or over channels
/// (`channels_first`: torchvision's `LayerNorm2d`, `shape` = `[C]`).
#[derive(Clone, Debug)]
pub struct LayerNorm {
    shape: Vec<usize>,
    weight: Vec<f32>,
    bias: Vec<f32>,
    eps: f64,
    affine: bool,
    has_bias: bool,
    channels_first: bool,
}

impl LayerNorm {
    /// Weight 1 and bias 0, as PyTorch initialises them.
    pub fn new(shape: &[usize], eps: f64, affine: bool, bias: bool, channels_first: bool) -> Self {
        let n = shape.iter().product();
        LayerNorm {
            shape: shape.to_vec(),
            weight: vec![1.0; n],
            bias: vec![0.0; n],
            eps,
            affine,
            has_bias: affine && bias,
            channels_first,
        }
    }

    fn len(&self) -> usize {
        self.weight.len()
    }

    /// Normalises in place.
    ///
    /// # Panics
    /// When the normalised shape does not end the input's (over channels:
    /// is not its channels); the `cnn!` checker refuses such a model.
    pub fn forward<const A: usize, const B: usize, const C: usize>(
        &self,
        mut x: Batch<A, B, C>,
    ) -> Batch<A, B, C> {
        let n = self.len();
        if self.channels_first {
            assert_eq!(n, A, "LayerNorm2d: the channels differ");
        } else {
            assert!(
                n > 0 && (A * B * C).is_multiple_of(n),
                "LayerNorm: the normalised shape does not end the input's"
            );
        }
        // Compiled for the CPU's vectors: the loops over lanes then run
        // four or eight doubles at a time, each lane's sums in the same
        // order as before.
        vectorized(
            #[inline(always)]
            || {
                if self.channels_first {
                    for image in x.images_mut() {
                        self.normalize_channels(image, B * C);
                    }
                } else {
                    for group in x.as_mut_slice().chunks_exact_mut(n) {
                        self.normalize(group);
                    }
                }
            },
        );
        x
    }

    #[inline(always)]
    fn normalize(&self, v: &mut [f32]) {
        let n = v.len() as f64;
        let mean = sum_f64(v, |x| x as f64) / n;
        let var = sum_f64(v, |x| (x as f64 - mean).powi(2)) / n;
        let rstd = 1.0 / (var + self.eps).sqrt();
        // One loop per case, without branches: the compiler vectorises it.
        let norm = |x: f32| (x as f64 - mean) * rstd;
        match (self.affine, self.has_bias) {
            (false, _) => v.iter_mut().for_each(|x| *x = norm(*x) as f32),
            (true, false) => {
                for (x, &w) in v.iter_mut().zip(&self.weight) {
                    *x = (norm(*x) * w as f64 + 0.0) as f32;
                }
            }
            (true, true) => {
                for ((x, &w), &b) in v.iter_mut().zip(&self.weight).zip(&self.bias) {
                    *x = (norm(*x) * w as f64 + b as f64) as f32;
                }
            }
        }
    }

    /// Normalises each pixel of `image` (`[C][plane]`) over its channels,
    /// a strip of pixels at a time across the lanes: the channels' planes
    /// are read in order, each summed in f64 as [`LayerNorm::normalize`]
    /// sums a group, giving the same values.
    #[inline(always)]
    fn normalize_channels(&self, image: &mut [f32], plane: usize) {
        const STRIP: usize = 64;
        let n = self.len() as f64;
        for p0 in (0..plane).step_by(STRIP) {
            let len = STRIP.min(plane - p0);
            let strips = || (0..self.len()).map(move |c| c * plane + p0..c * plane + p0 + len);
            let mut mean = [0.0f64; STRIP];
            for at in strips() {
                for (m, &x) in mean.iter_mut().zip(&image[at]) {
                    *m += x as f64;
                }
            }
            mean.iter_mut().for_each(|m| *m /= n);
            let mut rstd = [0.0f64; STRIP];
            for at in strips() {
                for ((r, &m), &x) in rstd.iter_mut().zip(&mean).zip(&image[at]) {
                    *r += (x as f64 - m).powi(2);
                }
            }
            rstd.iter_mut()
                .for_each(|r| *r = 1.0 / (*r / n + self.eps).sqrt());
            for (c, at) in strips().enumerate() {
                let (w, b) = if self.affine {
                    (
                        self.weight[c] as f64,
                        if self.has_bias {
                            self.bias[c] as f64
                        } else {
                            0.0
                        },
                    )
                } else {
                    (1.0, 0.0)
                };
                for ((x, &m), &r) in image[at].iter_mut().zip(&mean).zip(&rstd) {
                    let y = (*x as f64 - m) * r;
                    *x = if self.affine { y * w + b } else { y } as f32;
                }
            }
        }
    }

    fn names(&self) -> Vec<&'static str> {
        let mut t = Vec::new();
        if self.affine {
            t.push("weight");
        }
        if self.has_bias {
            t.push("bias");
        }
        t
    }
}

/// The sum of `f` over `v` in f64, eight partial sums across the lanes.
#[inline(always)]
fn sum_f64(v: &[f32], f: impl Fn(f32) -> f64) -> f64 {
    let mut lanes = [0.0f64; 8];
    let chunks = v.chunks_exact(8);
    let rest: f64 = chunks.remainder().iter().map(|&x| f(x)).sum();
    for chunk in chunks {
        for (l, &x) in lanes.iter_mut().zip(chunk) {
            *l += f(x);
        }
    }
    lanes.iter().sum::<f64>() + rest
}

impl Module for LayerNorm {
    fn tensors(&self) -> Vec<TensorRef<'_>> {
        self.names()
            .into_iter()
            .map(|name| TensorRef {
                name: name.into(),
                shape: self.shape.clone(),
                kind: TensorKind::Parameter,
                data: if name == "weight" {
                    &self.weight
                } else {
                    &self.bias
                },
            })
            .collect()
    }

    fn tensors_mut(&mut self) -> Vec<TensorMut<'_>> {
        let names = self.names();
        let shape = self.shape.clone();
        let (weight, bias) = (&mut self.weight, &mut self.bias);
        let mut t = Vec::new();
        if names.contains(&"weight") {
            t.push(TensorMut {
                name: "weight".into(),
                shape: shape.clone(),
                kind: TensorKind::Parameter,
                data: &mut weight[..],
            });
        }
        if names.contains(&"bias") {
            t.push(TensorMut {
                name: "bias".into(),
                shape,
                kind: TensorKind::Parameter,
                data: &mut bias[..],
            });
        }
        t
    }
}

/// torchvision's `Permute(dims)`: the per-image axes reordered (`dims`
/// without the batch's 0, each less one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Permute {
    /// Which input axis each output axis takes (`[1, 2, 0]` moves channels last).
    pub axes: [usize; 3],
}

impl Permute {
    /// A permutation of the per-image axes (the batch axis stays first).
    pub fn new(axes: [usize; 3]) -> Self {
        Permute { axes }
    }

    /// Output axis `i` is input axis `axes[i]`.
    ///
    /// # Panics
    /// When the output shape is not the permuted input shape (the `cnn!`
    /// checker gives the right one).
    pub fn forward<
        const A: usize,
        const B: usize,
        const C: usize,
        const D: usize,
        const E: usize,
        const F: usize,
    >(
        &self,
        x: Batch<A, B, C>,
    ) -> Batch<D, E, F> {
        let dims = [A, B, C];
        assert_eq!(
            [D, E, F],
            self.axes.map(|a| dims[a]),
            "Permute: the output shape is not the permuted input"
        );
        let mut out = Batch::<D, E, F>::for_overwrite(x.batch_size());
        // Channels to last and back are transposes of a matrix per image
        // (channels by pixels), and swapping the last two axes one per
        // plane: done a block of vectors at a time.
        let matrices = match self.axes {
            [1, 2, 0] => Some((A, B * C)),
            [2, 0, 1] => Some((A * B, C)),
            [0, 2, 1] => Some((B, C)),
            _ => None,
        };
        if let Some((rows, cols)) = matrices {
            let isa = Isa::detect();
            let (src, dst) = (x.as_slice(), out.as_mut_slice());
            for (src, dst) in src
                .chunks_exact(rows * cols)
                .zip(dst.chunks_exact_mut(rows * cols))
            {
                transpose(isa, src, rows, cols, dst);
            }
            return out;
        }
        let strides = [B * C, C, 1];
        let s = self.axes.map(|a| strides[a]);
        for (src, dst) in x.images().zip(out.images_mut()) {
            let mut o = 0;
            for i in 0..D {
                for j in 0..E {
                    let base = i * s[0] + j * s[1];
                    for k in 0..F {
                        dst[o] = src[base + k * s[2]];
                        o += 1;
                    }
                }
            }
        }
        out
    }
}

impl Module for Permute {}

/// A `[C, 1, 1]` parameter the input is multiplied by, held by its block
/// under the block's own name (ConvNeXt's `layer_scale`).
#[derive(Clone, Debug)]
pub struct LayerScale {
    scale: Vec<f32>,
}

impl LayerScale {
    /// Every channel's scale `value` (torchvision's `layer_scale` init).
    pub fn new(channels: usize, value: f32) -> Self {
        LayerScale {
            scale: vec![value; channels],
        }
    }

    /// Multiplies each channel by its scale.
    pub fn forward<const C: usize, const H: usize, const W: usize>(
        &self,
        mut x: Batch<C, H, W>,
    ) -> Batch<C, H, W> {
        assert_eq!(self.scale.len(), C, "LayerScale: the channels differ");
        for image in x.images_mut() {
            for (plane, &s) in image.chunks_exact_mut(H * W).zip(&self.scale) {
                plane.iter_mut().for_each(|v| *v *= s);
            }
        }
        x
    }
}

impl Module for LayerScale {
    fn tensors(&self) -> Vec<TensorRef<'_>> {
        vec![TensorRef {
            name: String::new(),
            shape: vec![self.scale.len(), 1, 1],
            kind: TensorKind::Parameter,
            data: &self.scale,
        }]
    }

    fn tensors_mut(&mut self) -> Vec<TensorMut<'_>> {
        vec![TensorMut {
            name: String::new(),
            shape: vec![self.scale.len(), 1, 1],
            kind: TensorKind::Parameter,
            data: &mut self.scale[..],
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_first_normalises_each_pixel_over_channels() {
        let norm = LayerNorm::new(&[2], 1e-5, true, true, true);
        let x = Batch::<2, 1, 2>::from_vec(1, vec![1.0, 5.0, 3.0, 5.0]).unwrap();
        let y = norm.forward(x);
        // Pixel 0 (channels 1 and 3) -> about (-1, 1); pixel 1 (5, 5) -> 0.
        let y = y.as_slice();
        assert!(
            (y[0] + 1.0).abs() < 1e-4 && (y[2] - 1.0).abs() < 1e-4,
            "{y:?}"
        );
        assert!(y[1].abs() < 1e-6 && y[3].abs() < 1e-6, "{y:?}");
    }

    /// Over channels (pixels a strip at a time, more than one strip) and
    /// over the last dimension (partial sums across lanes) the values are
    /// those of the textbook formula in f64, for each affine option.
    #[test]
    fn both_layouts_match_the_formula() {
        const C: usize = 11;
        const H: usize = 9;
        const W: usize = 13;
        let values: Vec<f32> = (0..C * H * W)
            .map(|i| ((i * 7919 % 1009) as f32 / 100.0) - 5.0)
            .collect();
        let formula = |group: &[f32], w: &[f32], b: &[f32]| -> Vec<f32> {
            let n = group.len() as f64;
            let mean = group.iter().map(|&x| x as f64).sum::<f64>() / n;
            let var = group
                .iter()
                .map(|&x| (x as f64 - mean).powi(2))
                .sum::<f64>()
                / n;
            let rstd = 1.0 / (var + 1e-6).sqrt();
            (0..group.len())
                .map(|i| ((group[i] as f64 - mean) * rstd * w[i] as f64 + b[i] as f64) as f32)
                .collect()
        };
        for (affine, bias) in [(false, false), (true, false), (true, true)] {
            let mut over_c = LayerNorm::new(&[C], 1e-6, affine, bias, true);
            over_c.weight = (0..C).map(|c| 0.5 + c as f32 / 10.0).collect();
            over_c.bias = (0..C).map(|c| c as f32 - 3.0).collect();
            let (w, b): (Vec<f32>, Vec<f32>) = if affine {
                let b = if bias {
                    over_c.bias.clone()
                } else {
                    vec![0.0; C]
                };
                (over_c.weight.clone(), b)
            } else {
                (vec![1.0; C], vec![0.0; C])
            };
            let y = over_c.forward(Batch::<C, H, W>::from_vec(1, values.clone()).unwrap());
            let plane = H * W;
            for p in 0..plane {
                let group: Vec<f32> = (0..C).map(|c| values[c * plane + p]).collect();
                let got: Vec<f32> = (0..C).map(|c| y.as_slice()[c * plane + p]).collect();
                let want = formula(&group, &w, &b);
                for (g, e) in got.iter().zip(&want) {
                    assert!(
                        (g - e).abs() <= 1e-6 * e.abs().max(1.0),
                        "pixel {p}: {g} vs {e}"
                    );
                }
            }
            let mut over_w = LayerNorm::new(&[W], 1e-6, affine, bias, false);
            over_w.weight = (0..W).map(|c| 0.5 + c as f32 / 10.0).collect();
            over_w.bias = (0..W).map(|c| c as f32 - 3.0).collect();
            let (w, b) = if affine {
                let b = if bias {
                    over_w.bias.clone()
                } else {
                    vec![0.0; W]
                };
                (over_w.weight.clone(), b)
            } else {
                (vec![1.0; W], vec![0.0; W])
            };
            let y = over_w.forward(Batch::<C, H, W>::from_vec(1, values.clone()).unwrap());
            for (row, got) in values.chunks(W).zip(y.as_slice().chunks(W)) {
                for (g, e) in got.iter().zip(formula(row, &w, &b)) {
                    assert!((g - e).abs() <= 1e-6 * e.abs().max(1.0), "{g} vs {e}");
                }
            }
        }
    }

    #[test]
    fn permute_moves_channels_last_and_back() {
        let x = Batch::<2, 2, 3>::from_vec(1, (0..12).map(|v| v as f32).collect()).unwrap();
        let last: Batch<2, 3, 2> = Permute::new([1, 2, 0]).forward(x.clone());
        // [h][w][c] = x[c][h][w]
        assert_eq!(&last.as_slice()[..4], &[0.0, 6.0, 1.0, 7.0]);
        let back: Batch<2, 2, 3> = Permute::new([2, 0, 1]).forward(last);
        assert_eq!(back.as_slice(), x.as_slice());
    }

    /// Planes and channel counts larger than a vector's lanes and not
    /// multiples of them, two images, every permutation: each value where
    /// the axes say.
    #[test]
    fn permutes_of_larger_images_put_every_value_in_place() {
        const C: usize = 17;
        const H: usize = 5;
        const W: usize = 20;
        let x =
            Batch::<C, H, W>::from_vec(2, (0..2 * C * H * W).map(|v| v as f32).collect()).unwrap();
        let at =
            |b: usize, c: usize, h: usize, w: usize| x.as_slice()[((b * C + c) * H + h) * W + w];
        let last: Batch<H, W, C> = Permute::new([1, 2, 0]).forward(x.clone());
        let turned: Batch<W, C, H> = Permute::new([2, 0, 1]).forward(x.clone());
        let swapped: Batch<C, W, H> = Permute::new([0, 2, 1]).forward(x.clone());
        // (Not transposes: the general loop.)
        let rows_first: Batch<H, C, W> = Permute::new([1, 0, 2]).forward(x.clone());
        let reversed: Batch<W, H, C> = Permute::new([2, 1, 0]).forward(x.clone());
        for b in 0..2 {
            for c in 0..C {
                for h in 0..H {
                    for w in 0..W {
                        let want = at(b, c, h, w);
                        assert_eq!(last.as_slice()[((b * H + h) * W + w) * C + c], want);
                        assert_eq!(turned.as_slice()[((b * W + w) * C + c) * H + h], want);
                        assert_eq!(swapped.as_slice()[((b * C + c) * W + w) * H + h], want);
                        assert_eq!(rows_first.as_slice()[((b * H + h) * C + c) * W + w], want);
                        assert_eq!(reversed.as_slice()[((b * W + w) * H + h) * C + c], want);
                    }
                }
            }
        }
        let back: Batch<C, H, W> = Permute::new([2, 0, 1]).forward(last);
        assert_eq!(back.as_slice(), x.as_slice());
    }
}
