//! The runtime of `cnn` models: typed tensors ([`Batch`]), layers with
//! PyTorch's semantics, PyTorch-compatible initialisation, and state_dict
//! loading and saving in safetensors.
//!
//! Every layer is usable by hand; its sizes are const generics, and a size
//! that does not fit fails to compile:
//!
//! ```
//! use cnn_runtime::{Batch, Conv2d, Flatten, Init, Linear, ReLU};
//! let mut init = Init::new(7);
//! let conv: Conv2d<3, 16, 3, 3, 2, 2, 1, 1> = Conv2d::new(true, &mut init);
//! let fc: Linear<4096, 10> = Linear::new(true, &mut init);
//! let flatten: Flatten = Flatten;
//!
//! let x = Batch::<3, 32, 32>::zeros(4);
//! let h: Batch<16, 16, 16> = conv.forward(&x);
//! let y = fc.forward(&flatten.forward(ReLU.forward(h)));
//! assert_eq!(y.shape(), vec![4, 10]);
//! ```

#![warn(missing_docs)]

use cnn_core::checkpoint;
pub use cnn_core::error;
#[doc(hidden)]
pub mod kernels;
pub mod layers;
pub mod module;
mod names;
pub mod pool;
pub mod slices;
pub mod state_dict;
pub use cnn_core::summary;
pub mod tensor;
#[cfg(feature = "ndarray")]
mod tensor_ndarray;
pub mod threads;
#[cfg(feature = "image")]
pub mod vision;

pub use checkpoint::TorchFormat;
pub use cnn_core::PrefixHint;
pub use error::{Error, Result, StateDictMismatch, printable};
pub use kernels::epilogue::Act;
pub use kernels::isa::Isa;
pub use kernels::pad::PaddingMode;
pub use layers::activation::{
    ELU, Elementwise, GELU, Hardsigmoid, Hardswish, LeakyReLU, ReLU, ReLU6, SiLU, Sigmoid, Tanh,
};
pub use layers::adaptive_pool2d::{AdaptiveAvgPool2d, AdaptiveMaxPool2d};
pub use layers::avg_pool2d::AvgPool2d;
pub use layers::batch_norm2d::BatchNorm2d;
pub use layers::conv2d::Conv2d;
pub use layers::dropout::{Dropout, Dropout2d, Identity};
pub use layers::flatten::Flatten;
pub use layers::layer_norm::{LayerNorm, LayerScale, Permute};
pub use layers::linear::Linear;
pub use layers::max_pool2d::MaxPool2d;
pub use layers::merge::{add, gate};
pub use layers::shuffle::ChannelShuffle;
pub use layers::softmax::{LogSoftmax, Softmax};
pub use module::{Init, LayerInfo, Model, Module, TensorKind, TensorMut, TensorRef};
pub use names::LoadOptions;
pub use state_dict::{
    StateDict, Strictness, Tensor, load_safetensors, load_safetensors_with, load_state_dict,
    load_state_dict_with,
};
pub use summary::Summary;
pub use tensor::{ABSENT, AnyBatch, Batch};
pub use threads::{set_threads, threads};

/// The `ndarray` crate, at the version [`Batch::from_array`] and
/// [`Batch::into_ndarray`] take and give.
#[cfg(feature = "ndarray")]
pub use ndarray;

/// The shape formulas the checker and the const assertions share.
pub use cnn_shape as shape;
