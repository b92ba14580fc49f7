//! Stage 2: shape inference over the syntax tree.
//!
//! The walk follows the tensor from the declared input through every layer,
//! with PyTorch's formulas in checked arithmetic. After a mismatch it goes on
//! from the layer's declared output, as a compiler goes on after a type
//! error, so one build reports every mistake; what an error leaves unknown
//! stays unknown and raises nothing further.

pub mod cx;

use std::collections::HashMap;

use syn::ext::IdentExt;

use crate::ast::{File, ModelDecl, Node};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::{NoNames, eval};
use crate::model::{CheckedLayer, CheckedModel};
use crate::shape::{Shape, grouped};
use crate::span::SpanRange;
use crate::spec::LayerSpec;
use crate::vocab::args::to_count;
use crate::vocab::{bind_layer, resolve_kind};
use cx::{Flow, InferCx, Inferred, LayerRef};

/// The most values one image's tensor may hold at any layer (2^36, 256 GiB
/// of f32): beyond this a size is certainly a mistake.
pub const MAX_ELEMENTS: usize = 1 << 36;

/// Checks every model in `file`.
pub fn check_file(file: &File, diags: &mut Diagnostics) -> Vec<CheckedModel> {
    file.models.iter().map(|m| check_model(m, diags)).collect()
}

fn check_input(decl: &ModelDecl, diags: &mut Diagnostics) -> Shape {
    let name = &decl.name;
    if decl.input.is_empty() || decl.input.len() > 3 {
        diags.push(
            Diagnostic::error(
                decl.input_span,
                format!(
                    "the input size must have 1 to 3 dimensions, but `{name}` declares {}",
                    decl.input.len()
                ),
            )
            .help(format!(
                "write `{name}<C, H, W>` for images, e.g. `{name}<3, 32, 32>`, or `{name}<N>` for N flat features"
            )),
        );
        return Shape::Unknown;
    }
    let dims = decl
        .input
        .iter()
        .map(|e| match eval(e, &NoNames) {
            Ok(v) => to_count(&v, "the input size", 1, diags).map(|d| d.value),
            Err(d) => {
                diags.push(*d);
                None
            }
        })
        .collect();
    Shape::Known(dims)
}

fn check_model(decl: &ModelDecl, diags: &mut Diagnostics) -> CheckedModel {
    let errors_before = diags.error_count();
    let input = check_input(decl, diags);
    let mut flow = Flow::new(input.clone());
    let mut names: HashMap<String, SpanRange> = HashMap::new();
    let mut layers = Vec::new();

    for (index, entry) in decl.layers.iter().enumerate() {
        let (name, named) = match &entry.name {
            Some(ident) => (ident.unraw().to_string(), true),
            None => (index.to_string(), false),
        };
        let field = match &entry.name {
            Some(ident) => ident.clone(),
            None => syn::Ident::new(&format!("_{index}"), entry.span.start),
        };
        if let Some(ident) = &entry.name
            && names.contains_key(&name)
        {
            diags.push(
                Diagnostic::error(
                    ident.span(),
                    format!("the layer name `{name}` is used twice in `{}`", decl.name),
                )
                .note("each layer's name becomes its state_dict prefix, so names must be unique")
                .help(format!("rename one of them, e.g. `{name}_2`")),
            );
        }
        // Unnamed layers become fields `_0`, `_1`, ...; those names are reserved.
        if named
            && name.len() > 1
            && name.starts_with('_')
            && name[1..].bytes().all(|b| b.is_ascii_digit())
        {
            diags.push(
                Diagnostic::error(field.span(), format!("the layer name `{name}` is reserved"))
                    .note("unnamed layers are stored in fields `_0`, `_1`, ... of the model")
                    .help("choose another name, or leave the name out"),
            );
        }
        names.entry(name.clone()).or_insert(entry.span);

        let received = flow.shape.clone();
        let (kind, kind_span, text, inferred, blame) = match &entry.node {
            Node::Invalid => (
                "?",
                entry.span.start,
                String::new(),
                Inferred::broken(Shape::Unknown),
                entry.span,
            ),
            Node::Call(call) => match resolve_kind(call, diags) {
                None => (
                    "?",
                    call.kind.span(),
                    String::new(),
                    Inferred::broken(Shape::Unknown),
                    entry.span,
                ),
                Some(sig) => {
                    let (args, layer_args) = bind_layer(call, sig, &NoNames, diags);
                    let layer = LayerRef {
                        name: name.clone(),
                        named,
                        kind: sig.name,
                    };
                    let mut cx = InferCx {
                        flow: &flow,
                        layer: &layer,
                        args: &args,
                        diags,
                    };
                    let inferred = layer_args.infer(&mut cx);
                    let text = filled_text(&args, inferred.spec.as_ref());
                    let blame = size_blame(&args, inferred.spec.as_ref());
                    (sig.name, call.kind.span(), text, inferred, blame)
                }
            },
        };
        let layer = LayerRef {
            name: name.clone(),
            named,
            kind,
        };
        let inferred = limit_tensors(inferred, &layer, blame, diags);
        let output = limit_size(inferred.output, &layer, entry.span, diags);
        let is_flatten =
            matches!(inferred.spec, Some(LayerSpec::Flatten { .. })) || kind == "Flatten";
        flow.advance(&layer, output.clone(), is_flatten);
        layers.push(CheckedLayer {
            name,
            named,
            field,
            kind,
            text,
            attrs: entry.attrs.clone(),
            input: received,
            output,
            spec: inferred.spec,
            params: inferred.params,
            macs: inferred.macs,
            span: entry.span,
            kind_span,
        });
    }

    let params = layers
        .iter()
        .try_fold(0usize, |acc, l| acc.checked_add(l.params?));
    let macs = layers
        .iter()
        .try_fold(0usize, |acc, l| acc.checked_add(l.macs?));
    CheckedModel {
        attrs: decl.attrs.clone(),
        vis: decl.vis.clone(),
        name: decl.name.clone(),
        input,
        input_span: decl.input_span,
        output: flow.shape,
        layers,
        params,
        macs,
        // Entries that did not parse reported their errors before this walk.
        has_errors: diags.error_count() > errors_before
            || decl.layers.iter().any(|l| match &l.node {
                Node::Invalid => true,
                Node::Call(call) => call.damaged,
            }),
    }
}

/// The call's text with `_` replaced by the inferred size.
fn filled_text(args: &crate::vocab::args::Args, spec: Option<&LayerSpec>) -> String {
    let mut text = args.text.clone();
    let inferred = match spec {
        Some(LayerSpec::Conv2d(c)) => Some(("in_channels", c.in_channels)),
        Some(LayerSpec::Linear(l)) => Some(("in_features", l.in_features)),
        Some(LayerSpec::BatchNorm2d(b)) => Some(("num_features", b.num_features)),
        _ => None,
    };
    if let Some((param, value)) = inferred
        && args
            .get(param)
            .is_some_and(|v| v.value == crate::eval::Value::Infer)
    {
        let rendered = text.with(param, &value.to_string());
        return rendered;
    }
    text.has_parens |= !text.args.is_empty();
    text.render()
}

/// Reports a tensor too large to be meant, and forgets its size.
fn limit_size(shape: Shape, layer: &LayerRef, span: SpanRange, diags: &mut Diagnostics) -> Shape {
    let Some(dims) = shape.concrete() else {
        return shape;
    };
    match cnn_shape::product(&dims) {
        Some(n) if n <= MAX_ELEMENTS => shape,
        _ => {
            diags.push(Diagnostic::error(
                span,
                format!(
                    "{} outputs {shape} per image, more than the {} values cnn can hold",
                    layer.quoted(),
                    grouped(MAX_ELEMENTS)
                ),
            ));
            Shape::Unknown
        }
    }
}

/// The argument to blame for a layer's tensors being too large.
fn size_blame(args: &crate::vocab::args::Args, spec: Option<&LayerSpec>) -> SpanRange {
    match spec {
        Some(LayerSpec::Linear(l)) if l.in_features > l.out_features => args.span("in_features"),
        Some(LayerSpec::Linear(_)) => args.span("out_features"),
        Some(LayerSpec::Conv2d(_)) => args.span("out_channels"),
        Some(LayerSpec::BatchNorm2d(_)) => args.span("num_features"),
        _ => args.call_span,
    }
}

/// Reports a layer whose weights are too large to be meant.
fn limit_tensors(
    inferred: Inferred,
    layer: &LayerRef,
    span: SpanRange,
    diags: &mut Diagnostics,
) -> Inferred {
    let Some(spec) = &inferred.spec else {
        return inferred;
    };
    for (_, shape) in spec.tensors() {
        match cnn_shape::product(&shape) {
            Some(n) if n <= MAX_ELEMENTS => {}
            n => {
                let n = n.map_or("too many".to_string(), grouped);
                diags.push(
                    Diagnostic::error(
                        span,
                        format!(
                            "{} would hold a tensor of {n} values, more than the {} cnn can hold",
                            layer.quoted(),
                            grouped(MAX_ELEMENTS)
                        ),
                    )
                    .help("no layer this large fits in memory; check its sizes"),
                );
                return Inferred::broken(inferred.output);
            }
        }
    }
    inferred
}
