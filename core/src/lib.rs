//! The parts of cnn that need no kernels: the runtime's errors, safetensors
//! checkpoints read a header and a tensor at a time, and the torchinfo-style
//! model summary. The runtime and the `cargo cnn` command both build on it;
//! users reach all of it through the `cnn` crate.

#![warn(missing_docs)]

pub mod checkpoint;
pub mod dtype;
pub mod error;
pub mod float16;
mod prefix_hint;
pub mod summary;
pub mod write;

pub use checkpoint::TorchFormat;
pub use dtype::Dtype;
pub use error::{Error, Result, StateDictMismatch, printable};
pub use prefix_hint::PrefixHint;
pub use summary::{LayerInfo, Summary};
