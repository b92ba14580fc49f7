//! The checker's output: each model with every layer's shapes, resolved
//! arguments and counts, for code generation, summaries and tools.

use proc_macro2::Span;
use syn::{Attribute, Ident, Visibility};

use crate::shape::Shape;
use crate::span::SpanRange;
use crate::spec::LayerSpec;
use crate::vocab::args::CallText;

/// A checked model.
#[derive(Clone)]
pub struct CheckedModel {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub input: Shape,
    pub input_span: SpanRange,
    pub output: Shape,
    /// Every distinct layer (a struct field), in order of first use.
    pub layers: Vec<CheckedLayer>,
    /// The forward pass: what runs on what, in order.
    pub program: Vec<Op>,
    /// The summary's rows, in execution order: modules that hold others
    /// (Sequentials, blocks) before their contents, and a layer used twice
    /// (a shared ReLU) twice, as torchinfo lists them.
    pub rows: Vec<Row>,
    /// Trainable parameters (PyTorch's count; running statistics excluded).
    pub params: Option<usize>,
    /// Multiply-accumulates per image of the convolutions and linear layers.
    pub macs: Option<usize>,
    /// Whether any error was reported inside this model.
    pub has_errors: bool,
}

/// One step of the forward pass.
#[derive(Clone, Debug)]
pub enum Op {
    /// Run layer `layer` (an index into [`CheckedModel::layers`]).
    Layer {
        layer: usize,
        input: Shape,
        output: Shape,
    },
    /// `main(x) + shortcut(x)`; an empty shortcut is `x` itself.
    Residual {
        input: Shape,
        main: Vec<Op>,
        shortcut: Vec<Op>,
        output: Shape,
    },
    /// `x * branch(x)`, the branch's output broadcast over `x`.
    Gate {
        input: Shape,
        branch: Vec<Op>,
        output: Shape,
    },
    /// The branches' outputs joined along channels, in order; with
    /// `split`, branch `i` reads part `i` of the input's channels.
    Concat {
        split: bool,
        input: Shape,
        branches: Vec<(Vec<Op>, Shape)>,
        output: Shape,
    },
}

impl Op {
    /// The shape the step reads.
    pub fn input(&self) -> &Shape {
        match self {
            Op::Layer { input, .. }
            | Op::Residual { input, .. }
            | Op::Gate { input, .. }
            | Op::Concat { input, .. } => input,
        }
    }

    /// The shape the step gives.
    pub fn output(&self) -> &Shape {
        match self {
            Op::Layer { output, .. }
            | Op::Residual { output, .. }
            | Op::Gate { output, .. }
            | Op::Concat { output, .. } => output,
        }
    }
}

/// A row of the summary.
#[derive(Clone, Debug)]
pub struct Row {
    /// The dotted state_dict prefix: `layer2.0.downsample.0`.
    pub name: String,
    /// The PyTorch class (`Conv2d`), `Sequential`, or the block's name.
    pub kind: String,
    pub text: String,
    pub output: Shape,
    pub params: Option<usize>,
    pub buffers: usize,
    pub macs: Option<usize>,
    /// Mult-adds per image as torchinfo counts them
    /// ([`LayerSpec::mult_adds`]; for modules, their layers').
    pub mult_adds: Option<usize>,
    /// 1 for the model's own layers, one more per module level.
    pub depth: usize,
    /// Whether this is a layer (not a module holding others).
    pub leaf: bool,
}

/// One checked layer.
#[derive(Clone)]
pub struct CheckedLayer {
    /// The dotted state_dict prefix (`conv1`, `layer1.0.conv1`, `3` when unnamed).
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
    /// The call, from the kind to the closing parenthesis.
    pub call_span: SpanRange,
    /// The call as written, to print corrected versions of it.
    pub call: CallText,
    /// Where each written argument's value is, by parameter name.
    pub arg_spans: Vec<(String, SpanRange)>,
    /// The `#[allow(...)]` and `#[warn(...)]` of cnn lints and lint groups
    /// on the layer and around it (its model, block and enclosing
    /// entries), outermost first: the last that names a lint decides.
    pub levels: Vec<crate::lint::Level>,
}

impl CheckedModel {
    /// Every state_dict entry: full name and shape.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>)> {
        self.layers
            .iter()
            .filter_map(|l| Some((l, l.spec.as_ref()?)))
            .flat_map(|(l, spec)| {
                spec.tensors().into_iter().map(move |(suffix, shape)| {
                    // An empty suffix: the tensor is named by its holder.
                    let name = if suffix.is_empty() {
                        l.name.clone()
                    } else {
                        format!("{}.{suffix}", l.name)
                    };
                    (name, shape)
                })
            })
            .collect()
    }
}
