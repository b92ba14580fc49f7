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

use crate::kernels::epilogue::{Act, Out};
use crate::kernels::simd::vectorized;
use crate::module::{Init, Module, TensorKind, TensorMut, TensorRef};
use crate::pool;
use crate::tensor::Batch;
use crate::threads;

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
    pub fn forward<const H: usize, const W: usize>(&self, x: Batch<C, H, W>) -> Batch<C, H, W> {
        self.forward_fused(x, Act::None)
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
        self.forward_fused_from(x, Act::None)
    }

    /// [`BatchNorm2d::forward`] and then `act`, in one pass: a BatchNorm2d
    /// and the activation after it where no convolution comes before
    /// them to take both into its epilogue (DenseNet's `norm1 -> relu1`).
    ///
    /// ```
    /// use cnn_runtime::{Act, Batch, BatchNorm2d};
    /// let bn: BatchNorm2d<2> = BatchNorm2d::new(0.0, true);
    /// let x = Batch::<2, 1, 1>::from_vec(1, vec![3.0, -1.0]).unwrap();
    /// assert_eq!(bn.forward_fused(x, Act::ReLU).as_slice(), &[3.0, 0.0]);
    /// ```
    pub fn forward_fused<const H: usize, const W: usize>(
        &self,
        mut x: Batch<C, H, W>,
        act: Act,
    ) -> Batch<C, H, W> {
        self.normalise(None, x.as_mut_slice(), H * W, act);
        x
    }

    /// [`BatchNorm2d::forward_fused`] into a new batch, leaving `x` as it
    /// is (see [`BatchNorm2d::forward_from`]).
    pub fn forward_fused_from<const H: usize, const W: usize>(
        &self,
        x: &Batch<C, H, W>,
        act: Act,
    ) -> Batch<C, H, W> {
        let mut y = Batch::for_overwrite(x.batch_size());
        self.normalise(Some(x.as_slice()), y.as_mut_slice(), H * W, act);
        y
    }

    /// `out = act(source * scale + shift)` per channel, `source` being
    /// `out` itself when `None`; planes shared between threads as an
    /// element-wise pass is (each value computed alone, so the results do
    /// not depend on the sharing).
    fn normalise(&self, source: Option<&[f32]>, out: &mut [f32], plane: usize, act: Act) {
        if plane == 0 {
            return;
        }
        let (mut scale, mut shift) = (pool::take(C), pool::take(C));
        self.scale_shift_into(&mut scale, &mut shift);
        let planes = out.len() / plane;
        let dst = Out::new(out);
        // About two multiply-adds' time a value: a load, the sum, a store.
        threads::for_each_range(planes, planes * plane * 2, |range| {
            // SAFETY: planes `range` of `out` are this task's alone.
            let out = unsafe { dst.slice(range.start * plane, range.len() * plane) };
            let src = source.map(|s| &s[range.start * plane..][..out.len()]);
            let first = range.start;
            let (scale, shift) = (&scale[..], &shift[..]);
            // One loop per activation, its function known inside it, so
            // that each is compiled for the CPU's vectors.
            vectorized(
                #[inline(always)]
                || match act {
                    Act::None => planes_by(src, out, plane, first, scale, shift, |v| v),
                    Act::ReLU => {
                        planes_by(src, out, plane, first, scale, shift, |v| Act::ReLU.apply(v))
                    }
                    Act::ReLU6 => planes_by(src, out, plane, first, scale, shift, |v| {
                        Act::ReLU6.apply(v)
                    }),
                    other => planes_by(src, out, plane, first, scale, shift, |v| other.apply(v)),
                },
            );
        });
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

/// `out = f(source * scale + shift)` over whole planes, the first being
/// plane `first` of the batch (channel `first % C`), `source` being `out`
/// itself when `None`.
#[inline(always)]
fn planes_by(
    source: Option<&[f32]>,
    out: &mut [f32],
    plane: usize,
    first: usize,
    scale: &[f32],
    shift: &[f32],
    f: impl Fn(f32) -> f32,
) {
    let channels = scale.len();
    for (i, values) in out.chunks_exact_mut(plane).enumerate() {
        let c = (first + i) % channels;
        let (s, t) = (scale[c], shift[c]);
        match source {
            Some(src) => {
                let src = &src[i * plane..][..plane];
                for (v, &x) in values.iter_mut().zip(src) {
                    *v = f(x * s + t);
                }
            }
            None => {
                for v in values.iter_mut() {
                    *v = f(*v * s + t);
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch large enough to share between threads gets the same bits on
    /// 1, 2 and 3 threads, each plane its own channel's statistics and the
    /// activation, in place and into a new batch alike.
    #[test]
    fn a_shared_pass_gives_each_plane_its_channel_on_any_thread_count() {
        const C: usize = 5;
        let batch = 64;
        assert!(batch * C * 64 * 64 * 2 >= crate::threads::MIN_SHARED_WORK);
        let mut bn: BatchNorm2d<C> = BatchNorm2d::new(1e-5, true);
        for c in 0..C {
            bn.running_mean[c] = c as f32 * 0.5 - 1.0;
            bn.running_var[c] = 0.5 + c as f32;
            bn.weight[c] = 1.0 + c as f32 * 0.25;
            bn.bias[c] = c as f32 * 0.1;
        }
        let values: Vec<f32> = (0..batch * C * 64 * 64)
            .map(|i| ((i * 7919) % 1001) as f32 / 250.0 - 2.0)
            .collect();
        let x = Batch::<C, 64, 64>::from_vec(batch, values).unwrap();
        let runs: Vec<(Vec<u32>, Vec<u32>)> = [1, 2, 3]
            .into_iter()
            .map(|threads| {
                crate::set_threads(threads);
                let bits =
                    |b: &Batch<C, 64, 64>| b.as_slice().iter().map(|v| v.to_bits()).collect();
                let from = bn.forward_fused_from(&x, Act::ReLU);
                let in_place = bn.forward_fused(x.clone(), Act::ReLU);
                (bits(&from), bits(&in_place))
            })
            .collect();
        crate::set_threads(1);
        for run in &runs {
            assert!(run.0 == runs[0].0 && run.1 == runs[0].0);
        }
        for (i, (&got, &x)) in runs[0].0.iter().zip(x.as_slice()).enumerate() {
            let c = i / (64 * 64) % C;
            let inv = 1.0 / (bn.running_var[c] as f64 + 1e-5).sqrt();
            let want = ((x as f64 - bn.running_mean[c] as f64) * inv * bn.weight[c] as f64
                + bn.bias[c] as f64)
                .max(0.0);
            let got = f32::from_bits(got) as f64;
            assert!(
                (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
                "value {i}: {got} vs {want}"
            );
        }
    }
}
