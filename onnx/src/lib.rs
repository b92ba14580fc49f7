//! ONNX in and out for `cnn`.
//!
//! - [`import()`]: an ONNX graph (as PyTorch's `torch.onnx.export` writes it)
//!   read back into a `cnn!` model: runs of layers, residual adds,
//!   concatenations, gates (squeeze-excitation) and channel splits and
//!   shuffles, named from the graph's state_dict names, with the weights
//!   under the model's names. What `cnn!` cannot express is refused, node
//!   by node; nothing is approximated.
//! - [`export_onnx`]: a checked `cnn!` model and its weights as an ONNX
//!   graph (opset 17, any batch size).
//! - [`export_pytorch`]: a checked `cnn!` model as a PyTorch `nn.Module`
//!   whose `state_dict()` has the model's names and shapes.
//!
//! `cargo cnn import` and `cargo cnn export` run these.

pub mod error;
pub mod export;
pub mod graph;
pub mod import;
#[allow(clippy::all, missing_docs)]
pub mod proto;

pub use error::{Error, Unsupported};
pub use export::onnx::export_onnx;
pub use export::pytorch::export_pytorch;
pub use export::{Weights, read_weights};
pub use import::{ImportOptions, Imported, import};
