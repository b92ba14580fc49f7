//! `nn.Dropout(p)`, `nn.Dropout2d(p)` and `nn.Identity()`: at inference all
//! three pass their input through unchanged. No tensors.
//!
//! ```
//! use cnn_runtime::{Batch, Dropout};
//! let x = Batch::<3>::from_vec(1, vec![1.0, 2.0, 3.0]).unwrap();
//! assert_eq!(Dropout::new(0.5).forward(x.clone()), x);
//! ```

use crate::module::Module;
use crate::tensor::Batch;

/// Dropout: identity at inference; `p` is kept for reference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    /// The drop probability; unused at inference.
    pub p: f32,
}

/// Channel dropout: identity at inference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout2d {
    /// The drop probability; unused at inference.
    pub p: f32,
}

/// Passes its input through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Identity;

impl Dropout {
    /// A dropout of probability `p`.
    pub fn new(p: f32) -> Self {
        Dropout { p }
    }

    /// The identity: inference never drops.
    pub fn forward<const A: usize, const B: usize, const C: usize>(
        &self,
        x: Batch<A, B, C>,
    ) -> Batch<A, B, C> {
        x
    }
}

impl Dropout2d {
    /// A channel dropout of probability `p`.
    pub fn new(p: f32) -> Self {
        Dropout2d { p }
    }

    /// The identity: inference never drops.
    pub fn forward<const A: usize, const B: usize, const C: usize>(
        &self,
        x: Batch<A, B, C>,
    ) -> Batch<A, B, C> {
        x
    }
}

impl Identity {
    /// The identity.
    pub fn forward<const A: usize, const B: usize, const C: usize>(
        &self,
        x: Batch<A, B, C>,
    ) -> Batch<A, B, C> {
        x
    }
}

impl Module for Dropout {}
impl Module for Dropout2d {}
impl Module for Identity {}
