//! `nn.Softmax(dim)` and `nn.LogSoftmax(dim)`, computed stably:
//! `exp(x - max) / sum(exp(x - max))` and `x - max - ln(sum(exp(x - max)))`
//! along dimension `DIM` (counted with the batch as 0; negative counts from
//! the end). No tensors.
//!
//! ```
//! use cnn_runtime::{Batch, Softmax};
//! let x = Batch::<2>::from_vec(1, vec![0.0, 0.0]).unwrap();
//! let softmax: Softmax = Softmax;
//! assert_eq!(softmax.forward(x).as_slice(), &[0.5, 0.5]);
//! ```

use crate::kernels::math;
use crate::module::Module;
use crate::tensor::Batch;

/// Softmax along dimension `DIM` (default 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Softmax<const DIM: isize = 1>;

/// Log-softmax along dimension `DIM` (default 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogSoftmax<const DIM: isize = 1>;

/// The per-image axis of PyTorch dimension `dim` for a rank-`rank` image,
/// or `None` when out of range or the batch dimension.
pub const fn image_axis(dim: isize, rank: usize) -> Option<usize> {
    let ndim = rank as isize + 1;
    let d = if dim < 0 { dim + ndim } else { dim };
    if d >= 1 && d < ndim {
        Some(d as usize - 1)
    } else {
        None
    }
}

/// Applies (log-)softmax along `axis` of every image of shape `dims`.
fn softmax(values: &mut [f32], dims: &[usize], axis: usize, log: bool) {
    let len = dims[axis];
    let inner: usize = dims[axis + 1..].iter().product();
    let outer_stride = len * inner;
    // Compiled with the CPU's vector instructions: `exp`'s fused
    // multiply-adds are single instructions there.
    crate::kernels::simd::vectorized(
        #[inline(always)]
        || softmax_blocks(values, len, inner, outer_stride, log),
    );
}

#[inline(always)]
fn softmax_blocks(values: &mut [f32], len: usize, inner: usize, outer_stride: usize, log: bool) {
    for block in values.chunks_exact_mut(outer_stride) {
        for i in 0..inner {
            let at = |k: usize| k * inner + i;
            let max = (0..len)
                .map(|k| block[at(k)])
                .fold(
                    f32::NEG_INFINITY,
                    |m, v| {
                        if v > m || v.is_nan() { v } else { m }
                    },
                );
            let sum: f32 = (0..len).map(|k| math::exp(block[at(k)] - max)).sum();
            if log {
                let log_sum = sum.ln();
                (0..len).for_each(|k| block[at(k)] = block[at(k)] - max - log_sum);
            } else {
                (0..len).for_each(|k| block[at(k)] = math::exp(block[at(k)] - max) / sum);
            }
        }
    }
}

macro_rules! softmax_layer {
    ($ty:ident, $log:expr) => {
        impl<const DIM: isize> $ty<DIM> {
            /// Applies the function along `dim` (PyTorch's numbering, batch included).
            pub fn forward<const A: usize, const B: usize, const C: usize>(
                &self,
                mut x: Batch<A, B, C>,
            ) -> Batch<A, B, C> {
                let axis = const {
                    match image_axis(DIM, Batch::<A, B, C>::RANK) {
                        Some(a) => a,
                        None => panic!("softmax: DIM is out of range, or the batch dimension"),
                    }
                };
                softmax(
                    x.as_mut_slice(),
                    &[A, B, C][..Batch::<A, B, C>::RANK],
                    axis,
                    $log,
                );
                x
            }
        }
        impl<const DIM: isize> Module for $ty<DIM> {}
    };
}

softmax_layer!(Softmax, false);
softmax_layer!(LogSoftmax, true);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_for_large_inputs() {
        // exp(1000) overflows f32; subtracting the max first keeps it finite.
        let x = Batch::<3>::from_vec(1, vec![1000.0, 1000.0, 1001.0]).unwrap();
        let y = Softmax::<1>.forward(x.clone());
        let e = std::f32::consts::E;
        let want = [1.0 / (2.0 + e), 1.0 / (2.0 + e), e / (2.0 + e)];
        for (a, b) in y.as_slice().iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
        let ly = LogSoftmax::<-1>.forward(x);
        assert!((ly.as_slice()[2] - want[2].ln()).abs() < 1e-6);
    }

    #[test]
    fn along_channels_of_an_image() {
        // [2, 1, 2]: softmax over the 2 channels at each position.
        let x = Batch::<2, 1, 2>::from_vec(1, vec![0.0, 1.0, 0.0, 3.0]).unwrap();
        let y = Softmax::<1>.forward(x);
        let s = y.as_slice();
        assert!((s[0] - 0.5).abs() < 1e-6 && (s[2] - 0.5).abs() < 1e-6);
        assert!((s[1] + s[3] - 1.0).abs() < 1e-6 && s[3] > s[1]);
    }
}
