//! `nn.Linear`: `y = x W^T + b` on the last dimension.
//!
//! Weight `[OUT, IN]` (PyTorch's layout, not transposed), bias `[OUT]`.
//!
//! ```
//! use cnn_runtime::{Batch, Init, Linear};
//! let fc: Linear<1568, 10> = Linear::new(true, &mut Init::new(0));
//! let x = Batch::<1568>::zeros(2);
//! let y: Batch<10> = fc.forward(&x);
//! assert_eq!(y.shape(), vec![2, 10]);
//! ```

use std::sync::OnceLock;

use crate::kernels::epilogue::{Act, Epilogue};
use crate::kernels::gemm::{PackedA, Transposed, gemm};
use crate::kernels::gemv::{gemv, gemv_batch};
use crate::kernels::gemv_packed::{PackedRows, gemv_packed};
use crate::kernels::isa::Isa;
use crate::kernels::transpose::transpose;
use crate::module::{Init, Module, TensorKind, TensorMut, TensorRef};
use crate::pool;
use crate::tensor::Batch;

/// The most outputs and weights (`OUT x IN`) a batch multiplies with
/// [`gemv_batch`] rather than the GEMM: a classifier's few outputs (the
/// GEMM's tiles of 8 or 6 rows run part empty, and it packs every
/// vector), from weights that stay in a core's second-level cache (256
/// KB) beside the batch. With more outputs the GEMM's reuse of each
/// vector wins (LeNet-5's 400 -> 120 at batch 64: 0.93x with
/// [`gemv_batch`]).
const BATCH_GEMV_OUT: usize = 32;
/// The most weights for [`gemv_batch`] (see [`BATCH_GEMV_OUT`]).
const BATCH_GEMV_MAX: usize = 64 * 1024;
/// The most weights one vector multiplies packed in blocks of rows
/// ([`gemv_packed`]: 1.2-2x [`gemv`], about even for 8 MB read from
/// memory): 16 MiB.
/// Larger ones come from memory on every pass whichever way they are
/// read, and a packed copy would only double them (VGG's first
/// classifier layer, 400 MB).
const PACKED_ROWS_MAX: usize = 4 * 1024 * 1024;

/// A fully connected layer from `IN` to `OUT` features.
#[derive(Clone, Debug)]
pub struct Linear<const IN: usize, const OUT: usize> {
    weight: Vec<f32>,
    bias: Option<Vec<f32>>,
    /// The weight packed for the GEMM, made on first use after any change.
    packed: OnceLock<PackedA>,
    /// The weight packed for one vector, made likewise.
    rows: OnceLock<PackedRows>,
}

impl<const IN: usize, const OUT: usize> Linear<IN, OUT> {
    /// Values in the weight, `OUT * IN`.
    pub const WEIGHT_LEN: usize = {
        assert!(IN > 0 && OUT > 0, "Linear sizes must be at least 1");
        IN * OUT
    };

    /// PyTorch's default initialisation: `U(-1/sqrt(IN), 1/sqrt(IN))`.
    pub fn new(bias: bool, init: &mut Init) -> Self {
        let mut layer = Self::zeros(bias);
        layer.reset_parameters(init);
        layer
    }

    /// A layer with zero weights (and bias, if any).
    pub fn zeros(bias: bool) -> Self {
        Linear {
            weight: vec![0.0; Self::WEIGHT_LEN],
            bias: bias.then(|| vec![0.0; OUT]),
            packed: OnceLock::new(),
            rows: OnceLock::new(),
        }
    }

    /// The weight, `[OUT, IN]` row-major.
    pub fn weight(&self) -> &[f32] {
        &self.weight
    }

    /// The weight, `[OUT, IN]` row-major as PyTorch stores it, to change in place.
    pub fn weight_mut(&mut self) -> &mut [f32] {
        self.unpack();
        &mut self.weight
    }

    /// The bias, `[OUT]`, if the layer has one.
    pub fn bias(&self) -> Option<&[f32]> {
        self.bias.as_deref()
    }

    /// The bias, to change in place.
    pub fn bias_mut(&mut self) -> Option<&mut [f32]> {
        self.bias.as_deref_mut()
    }

    /// Drops the packed copies of the weight, which is about to change.
    fn unpack(&mut self) {
        self.packed.take();
        self.rows.take();
    }

    /// `rows` vectors of `IN` values in, `rows` of `OUT` out, with `act`.
    fn apply(&self, rows: usize, x: &[f32], y: &mut [f32], act: Act) {
        let epilogue = Epilogue {
            shift: self.bias.as_deref(),
            act,
            ..Epilogue::default()
        };
        if rows == 0 {
            return;
        }
        let small = OUT <= BATCH_GEMV_OUT && OUT * IN <= BATCH_GEMV_MAX;
        if rows == 1 && !small && OUT * IN <= PACKED_ROWS_MAX {
            let packed = self
                .rows
                .get_or_init(|| PackedRows::new(Isa::detect(), OUT, IN, &self.weight));
            gemv_packed(packed, x, y, &epilogue);
            return;
        }
        if rows == 1 {
            // A small weight gives one vector what [`gemv_batch`] gives
            // each of a batch, bit for bit; a very large one is read as
            // stored rather than copied.
            gemv(Isa::detect(), &self.weight, OUT, IN, x, y, &epilogue);
            return;
        }
        if small {
            // A weight this small stays in cache while the vectors share
            // its loads, and the GEMM's packing and tiles would cost more.
            gemv_batch(Isa::detect(), &self.weight, OUT, IN, x, rows, y, &epilogue);
            return;
        }
        let packed = self
            .packed
            .get_or_init(|| PackedA::new(Isa::detect(), OUT, IN, &self.weight));
        // `W x^T` is `OUT x rows`; the output wants it the other way round.
        let mut t = pool::take(OUT * rows);
        pool::with_scratch(|scratch| {
            gemm(
                packed,
                &Transposed { data: x, ld: IN },
                rows,
                &mut t,
                rows,
                &epilogue,
                scratch,
            )
        });
        transpose(Isa::detect(), &t, OUT, rows, y);
        pool::give(t);
    }

    /// Applies the layer, then `act`, to a batch of feature vectors.
    pub fn forward_fused(&self, x: &Batch<IN>, act: Act) -> Batch<OUT> {
        let mut y = Batch::uninit(x.batch_size());
        self.apply(x.batch_size(), x.as_slice(), y.as_mut_slice(), act);
        y
    }

    /// Applies the layer to a batch of feature vectors.
    pub fn forward(&self, x: &Batch<IN>) -> Batch<OUT> {
        self.forward_fused(x, Act::None)
    }

    /// Applies the layer to the last dimension of a `[A, IN]` tensor.
    pub fn forward2<const A: usize>(&self, x: &Batch<A, IN>) -> Batch<A, OUT> {
        let mut y = Batch::uninit(x.batch_size());
        self.apply(
            x.batch_size() * A,
            x.as_slice(),
            y.as_mut_slice(),
            Act::None,
        );
        y
    }

    /// Applies the layer to the last dimension of a `[A, B, IN]` tensor.
    pub fn forward3<const A: usize, const B: usize>(
        &self,
        x: &Batch<A, B, IN>,
    ) -> Batch<A, B, OUT> {
        let mut y = Batch::uninit(x.batch_size());
        self.apply(
            x.batch_size() * A * B,
            x.as_slice(),
            y.as_mut_slice(),
            Act::None,
        );
        y
    }
}

impl<const IN: usize, const OUT: usize> Module for Linear<IN, OUT> {
    fn tensors(&self) -> Vec<TensorRef<'_>> {
        let mut t = vec![TensorRef {
            name: "weight".into(),
            shape: vec![OUT, IN],
            kind: TensorKind::Parameter,
            data: &self.weight,
        }];
        if let Some(bias) = &self.bias {
            t.push(TensorRef {
                name: "bias".into(),
                shape: vec![OUT],
                kind: TensorKind::Parameter,
                data: bias,
            });
        }
        t
    }

    fn tensors_mut(&mut self) -> Vec<TensorMut<'_>> {
        self.unpack();
        let mut t = vec![TensorMut {
            name: "weight".into(),
            shape: vec![OUT, IN],
            kind: TensorKind::Parameter,
            data: &mut self.weight,
        }];
        if let Some(bias) = &mut self.bias {
            t.push(TensorMut {
                name: "bias".into(),
                shape: vec![OUT],
                kind: TensorKind::Parameter,
                data: bias,
            });
        }
        t
    }

    fn reset_parameters(&mut self, init: &mut Init) {
        self.unpack();
        init.fan_in_uniform(IN, &mut self.weight);
        if let Some(bias) = &mut self.bias {
            init.fan_in_uniform(IN, bias);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `x W^T + b` in f64, then `act`.
    fn reference<const IN: usize, const OUT: usize>(
        fc: &Linear<IN, OUT>,
        x: &[f32],
        act: Act,
    ) -> Vec<f32> {
        x.chunks_exact(IN)
            .flat_map(|x| {
                (0..OUT).map(move |o| {
                    let w = &fc.weight()[o * IN..][..IN];
                    let dot: f64 = w.iter().zip(x).map(|(&w, &x)| w as f64 * x as f64).sum();
                    act.apply((dot + fc.bias().map_or(0.0, |b| b[o] as f64)) as f32)
                })
            })
            .collect()
    }

    fn close(got: &[f32], want: &[f32], what: &str) {
        assert_eq!(got.len(), want.len());
        for (i, (a, b)) in got.iter().zip(want).enumerate() {
            assert!(
                (a - b).abs() <= 1e-5 * (1.0 + b.abs()),
                "{what} at {i}: {a} vs {b}"
            );
        }
    }

    /// One vector through a layer read packed in blocks of rows (more
    /// outputs than a small layer's), a few through the GEMM, each against
    /// the reference; and after the weight and the bias change in place,
    /// the packed copies follow them.
    #[test]
    fn one_vector_and_a_batch_match_the_reference_after_changes_too() {
        let mut fc: Linear<300, 70> = Linear::new(true, &mut Init::new(3));
        let x: Vec<f32> = (0..3 * 300)
            .map(|i| ((i * 37) % 23) as f32 / 11.0 - 1.0)
            .collect();
        let one = Batch::<300>::from_vec(1, x[..300].to_vec()).expect("one vector");
        let three = Batch::<300>::from_vec(3, x.clone()).expect("three vectors");
        for round in 0..2 {
            let y = fc.forward_fused(&one, Act::ReLU);
            close(y.as_slice(), &reference(&fc, &x[..300], Act::ReLU), "one");
            let y = fc.forward(&three);
            close(y.as_slice(), &reference(&fc, &x, Act::None), "three");
            if round == 0 {
                for w in fc.weight_mut() {
                    *w = -*w * 0.5;
                }
                for b in fc.bias_mut().expect("a bias") {
                    *b += 0.25;
                }
            }
        }
    }
}
