//! The checker's output: each model with every layer's shapes, resolved
//! arguments and counts, for code generation, summaries and tools.

use proc_macro2::Span;
use syn::{Attribute, Ident, Visibility};

use crate::shape::Shape;
use crate::span::SpanRange;
use crate::spec::LayerSpec;

/// A checked model.
#[derive(Clone)]
pub struct CheckedModel {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub input: Shape,
    pub input_span: SpanRange,
    pub output: Shape,
    pub layers: Vec<CheckedLayer>,
    /// Trainable parameters (PyTorch's count; running statistics excluded).
    pub params: Option<usize>,
    /// Multiply-accumulates per image of the convolutions and linear layers.
    pub macs: Option<usize>,
    /// Whether any error was reported inside this model.
    pub has_errors: bool,
}

/// One checked layer.
#[derive(Clone)]
pub struct CheckedLayer {
    /// The state_dict prefix: the user's name, or its position when unnamed.
    pub name: String,
    pub named: bool,
    /// The struct field holding the layer.
    pub field: Ident,
    /// The PyTorch class name, or `"?"` for an entry that could not be read.
    pub kind: &'static str,
    /// The call, with inferred (`_`) sizes filled in: `Linear(1568, 10)`.
    pub text: String,
    pub attrs: Vec<Attribute>,
    pub input: Shape,
    pub output: Shape,
    pub spec: Option<LayerSpec>,
    pub params: Option<usize>,
    pub macs: Option<usize>,
    pub span: SpanRange,
    pub kind_span: Span,
}

impl CheckedModel {
    /// Every state_dict entry: full name and shape.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>)> {
        self.layers
            .iter()
            .filter_map(|l| Some((l, l.spec.as_ref()?)))
            .flat_map(|(l, spec)| {
                spec.tensors()
                    .into_iter()
                    .map(move |(suffix, shape)| (format!("{}.{suffix}", l.name), shape))
            })
            .collect()
    }
}
