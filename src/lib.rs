#![doc = include_str!("docs/crate.md")]
#![warn(missing_docs)]

#[doc = include_str!("docs/cnn.md")]
pub use cnn_macros::cnn;
pub use cnn_runtime::*;
