//! What can go wrong moving a model in or out.

use std::fmt;

/// A node the importer cannot express in `cnn!`, and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsupported {
    /// The node's name (its module path when PyTorch wrote the file).
    pub node: String,
    /// Its operator.
    pub op: String,
    /// Why it cannot be written as a layer.
    pub why: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`: {}", self.op, self.node, self.why)
    }
}

/// Why a model could not be imported or exported.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes are not an ONNX model.
    #[error("not an ONNX model: {0}")]
    Decode(String),
    /// A part of the file contradicts itself.
    #[error("{what} {problem}")]
    Malformed { what: String, problem: String },
    /// The graph has other than one data input.
    #[error(
        "the graph has {} data inputs ({}); a cnn! model takes one",
        .0.len(),
        .0.join(", ")
    )]
    Inputs(Vec<String>),
    /// The input's per-image size is not fixed in the file.
    #[error("the input's size is not fixed in the file ({0}); give it, as in `--input 3,224,224`")]
    InputSize(String),
    /// Nodes with no `cnn!` equivalent; nothing is approximated.
    #[error("{} node{} cannot be written in cnn!:\n{}",
        .0.len(),
        if .0.len() == 1 { "" } else { "s" },
        .0.iter().map(|u| format!("  {u}")).collect::<Vec<_>>().join("\n"))]
    Unsupported(Vec<Unsupported>),
    /// The model written from the graph does not check: a bug in the
    /// importer, reported with the checker's messages.
    #[error("the model written from the graph does not check:\n{0}")]
    Check(String),
    /// A model to export has errors.
    #[error("`{0}` has errors; `cargo cnn check` shows them")]
    Broken(String),
    /// Weights to export are missing or of the wrong shape.
    #[error("weights: {0}")]
    Weights(String),
}
