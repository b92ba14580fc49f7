//! `nn.BatchNorm2d` in inference mode: per channel `c`,
//! `y = (x - running_mean[c]) / sqrt(running_var[c] + eps) * weight[c] + bias[c]`.
//!
//! Tensors: `weight`, `bias` (parameters, only when affine), `running_mean`,
//! `running_var` (buffers), each `[C]`.
//!
//! ```
//! use cnn_runtime::{Batch, BatchNorm2d};
//! let bn: BatchNorm2d<2> = BatchNorm2d::new(1e-5, true);
//! let x = Batch::<2, 1, 1>::from_vec(1, vec![3.0, -1.0]).unwrap();
//! let y = bn.forward(x); // fresh statistics: mean 0, var 1
//! assert!((y.as_slice()[0] - 3.0 / (1.0f32 + 1e-5).sqrt()).abs() < 1e-6);
//! ```

use crate::kernels::simd::vectorized;
use crate::module::{Init, Module, TensorKind, TensorMut, TensorRef};
use crate::pool;
use crate::tensor::Batch;

/// Batch normalisation over `C` channels.
#[derive(Clone, Debug)]
pub struct BatchNorm2d<const C: usize> {
    weight: Vec<f32>,
    bias: Vec<f32>,
    running_mean: Vec<f32>,
    running_var: Vec<f32>,
    eps: f64,
    affine: bool,
}

impl<const C: usize> BatchNorm2d<C> {
    /// Fresh statistics (mean 0, variance 1) and PyTorch's initial affine
    /// parameters (weight 1, bias 0).
    pub fn new(eps: f64, affine: bool) -> Self {
        const { assert!(C > 0, "BatchNorm2d needs at least one channel") };
        BatchNorm2d {
            weight: vec![1.0; C],
            bias: vec![0.0; C],
            running_mean: vec![0.0; C],
            running_var: vec![1.0; C],
            eps,
            affine,
        }
    }

    /// The `eps` added to the running variance.
    pub fn eps(&self) -> f64 {
        self.eps
    }

    /// Per channel `(scale, shift)` with `y = x * scale + shift`.
    pub fn scale_shift(&self) -> (Vec<f32>, Vec<f32>) {
        let (mut scale, mut shift) = (vec![0.0; C], vec![0.0; C]);
        self.scale_shift_into(&mut scale, &mut shift);
        (scale, shift)
    }

    /// [`BatchNorm2d::scale_shift`] into `C`-long buffers.
    pub fn scale_shift_into(&self, scale: &mut [f32], shift: &mut [f32]) {
        for c in 0..C {
            let inv_std = 1.0 / (self.running_var[c] as f64 + self.eps).sqrt();
            let s = inv_std * self.weight[c] as f64;
            scale[c] = s as f32;
            shift[c] = (self.bias[c] as f64 - self.running_mean[c] as f64 * s) as f32;
        }
    }

    /// Normalises a batch in place.
    pub fn forward<const H: usize, const W: usize>(&self, mut x: Batch<C, H, W>) -> Batch<C, H, W> {
        self.normalise(None, x.as_mut_slice(), H * W);
        x
    }

    /// Normalises a batch into a new one (from the buffer pool), leaving
    /// `x` as it is: one pass, where a copy then [`BatchNorm2d::forward`]
    /// takes two (a DenseNet layer's input, which the concatenation after
    /// it reads too).
    ///
    /// ```
    /// use cnn_runtime::{Batch, BatchNorm2d};
    /// let bn: BatchNorm2d<2> = BatchNorm2d::new(1e-5, true);
    /// let x = Batch::<2, 1, 1>::from_vec(1, vec![3.0, -1.0]).unwrap();
    /// assert_eq!(bn.forward_from(&x), bn.forward(x.clone()));
    /// ```
    pub fn forward_from<const H: usize, const W: usize>(
        &self,
        x: &Batch<C, H, W>,
    ) -> Batch<C, H, W> {
        let mut y = Batch::for_overwrite(x.batch_size());
        self.normalise(Some(x.as_slice()), y.as_mut_slice(), H * W);
        y
    }

    /// `out = source * scale + shift` per channel, `source` being `out`
    /// itself when `None`.
    fn normalise(&self, source: Option<&[f32]>, out: &mut [f32], plane: usize) {
        let (mut scale, mut shift) = (pool::take(C), pool::take(C));
        self.scale_shift_into(&mut scale, &mut shift);
        vectorized(
            #[inline(always)]
            || {
                for (i, values) in out.chunks_exact_mut(plane).enumerate() {
                    let (s, t) = (scale[i % C], shift[i % C]);
                    match source {
                        Some(src) => {
                            let src = &src[i * plane..][..plane];
                            for (v, &x) in values.iter_mut().zip(src) {
                                *v = x * s + t;
                            }
                        }
                        None => values.iter_mut().for_each(|v| *v = *v * s + t),
                    }
                }
            },
        );
        pool::give(scale);
        pool::give(shift);
    }

    fn tensor_list(&self) -> Vec<(&'static str, TensorKind)> {
        let mut t = Vec::new();
        if self.affine {
            t.push(("weight", TensorKind::Parameter));
            t.push(("bias", TensorKind::Parameter));
        }
        t.push(("running_mean", TensorKind::Buffer));
        t.push(("running_var", TensorKind::Buffer));
        t
    }
}

impl<const C: usize> Module for BatchNorm2d<C> {
    fn tensors(&self) -> Vec<TensorRef<'_>> {
        self.tensor_list()
            .into_iter()
            .map(|(name, kind)| TensorRef {
                name: name.into(),
                shape: vec![C],
                kind,
                data: match name {
                    "weight" => &self.weight,
                    "bias" => &self.bias,
                    "running_mean" => &self.running_mean,
                    _ => &self.running_var,
                },
            })
            .collect()
    }

    fn tensors_mut(&mut self) -> Vec<TensorMut<'_>> {
        let mut t = Vec::new();
        let tensor = |name: &str, kind, data| TensorMut {
            name: name.into(),
            shape: vec![C],
            kind,
            data,
        };
        if self.affine {
            t.push(tensor(
                "weight",
                TensorKind::Parameter,
                &mut self.weight[..],
            ));
            t.push(tensor("bias", TensorKind::Parameter, &mut self.bias[..]));
        }
        t.push(tensor(
            "running_mean",
            TensorKind::Buffer,
            &mut self.running_mean[..],
        ));
        t.push(tensor(
            "running_var",
            TensorKind::Buffer,
            &mut self.running_var[..],
        ));
        t
    }

    fn reset_parameters(&mut self, _init: &mut Init) {
        self.weight.fill(1.0);
        self.bias.fill(0.0);
        self.running_mean.fill(0.0);
        self.running_var.fill(1.0);
    }
}
