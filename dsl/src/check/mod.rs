//! Stage 2: shape inference over the syntax tree.
//!
//! The walk follows the tensor from the declared input through every layer,
//! with PyTorch's formulas in checked arithmetic. After a mismatch it goes on
//! from the layer's declared output, as a compiler goes on after a type
//! error, so one build reports every mistake; what an error leaves unknown
//! stays unknown and raises nothing further.

mod block;
pub mod cx;
mod squeeze;
mod walk;

use crate::ast::{File, ModelDecl};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::{NoNames, eval};
use crate::lint::allow;
use crate::model::CheckedModel;
use crate::shape::Shape;
use crate::span::SpanRange;
use crate::vocab::args::to_count;
use block::Blocks;
use cx::Flow;
use walk::{Scope, Walker};

/// The most values one image's tensor may hold at any layer (2^36, 256 GiB
/// of f32): beyond this a size is certainly a mistake.
pub const MAX_ELEMENTS: usize = 1 << 36;

/// The most copies a `[node; n]` may make.
pub const MAX_REPEAT: usize = 1024;

/// The most entries a model may have once its repeats and block uses are
/// expanded (torchvision's largest CNNs have under 1,000).
pub const MAX_ENTRIES: usize = 10_000;

/// Checks every model in `file`.
pub fn check_file(file: &File, diags: &mut Diagnostics) -> Vec<CheckedModel> {
    let blocks = Blocks::new(&file.blocks, diags);
    file.models
        .iter()
        .map(|m| check_model(m, &blocks, diags))
        .collect()
}

fn check_input(decl: &ModelDecl, diags: &mut Diagnostics) -> Shape {
    let name = &decl.name;
    if decl.input.is_empty() || decl.input.len() > 3 {
        let diag =
            Diagnostic::error(
                decl.input_span,
                format!(
                    "the input size must have 1 to 3 dimensions, but `{name}` declares {}",
                    decl.input.len()
                ),
            )
            .help(format!(
                "write `{name}<C, H, W>` for images, e.g. `{name}<3, 32, 32>`, or `{name}<N>` for N flat features"
            ));
        // Four numbers starting with 1 are most likely a batch of one.
        let diag = match decl.input.as_slice() {
            [first, rest @ ..] if rest.len() == 3 && first.to_string() == "1" => {
                let dims: Vec<String> = rest.iter().map(ToString::to_string).collect();
                let text = format!("<{}>", dims.join(", "));
                diag.guess(
                    decl.input_span,
                    text.clone(),
                    format!("the batch size is not part of the input size: write `{name}{text}`"),
                )
            }
            _ => diag,
        };
        diags.push(diag);
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
    let shape = Shape::Known(dims);
    // Each dimension is within bounds; their product must be too.
    if let Some(dims) = shape.concrete()
        && cnn_shape::product(&dims).is_none_or(|n| n > MAX_ELEMENTS)
    {
        diags.push(
            Diagnostic::error(
                decl.input_span,
                format!(
                    "`{name}`'s input {shape} is more than the {} values per image cnn can hold",
                    crate::shape::grouped(MAX_ELEMENTS)
                ),
            )
            .help("check the input size: `<C, H, W>` for images, `<N>` for N features"),
        );
        return Shape::Unknown;
    }
    shape
}

/// The first size or count of a model without errors that does not fit a
/// `usize` (the generated constants and types need them all).
fn uncountable(
    decl: &ModelDecl,
    layers: &[crate::model::CheckedLayer],
    rows: &[crate::model::Row],
    params: Option<usize>,
    macs: Option<usize>,
) -> Option<Diagnostic> {
    let too_large = |span: SpanRange, what: &str, whose: &str| {
        Diagnostic::error(
            span,
            format!("{whose} {what} is too large to count (it overflows a 64-bit size)"),
        )
        .help("check the sizes: no model this large fits in memory")
    };
    for layer in layers {
        let whose = format!("`{}`'s", layer.name);
        if layer.input.concrete().is_none() || layer.output.concrete().is_none() {
            return Some(too_large(layer.call_span, "shape", &whose));
        }
        if layer.params.is_none() {
            return Some(too_large(layer.call_span, "parameter count", &whose));
        }
        if layer.macs.is_none() {
            return Some(too_large(
                layer.call_span,
                "multiply-accumulate count",
                &whose,
            ));
        }
    }
    let name_span: SpanRange = decl.name.span().into();
    for row in rows {
        let what = if row.output.concrete().is_none() {
            "shape"
        } else if row.params.is_none() || row.macs.is_none() || row.mult_adds.is_none() {
            "count of parameters or operations"
        } else {
            continue;
        };
        let span = layers
            .iter()
            .find(|l| l.name == row.name)
            .map_or(name_span, |l| l.call_span);
        return Some(too_large(span, what, &format!("`{}`'s", row.name)));
    }
    let whose = format!("`{}`'s", decl.name);
    if params.is_none() {
        return Some(too_large(name_span, "parameter count", &whose));
    }
    if macs.is_none() {
        return Some(too_large(name_span, "multiply-accumulate count", &whose));
    }
    None
}

fn check_model(decl: &ModelDecl, blocks: &Blocks, diags: &mut Diagnostics) -> CheckedModel {
    let errors_before = diags.error_count();
    let input = check_input(decl, diags);
    let mut flow = Flow::new(input.clone());
    let (allowed, attrs) = allow::split(&decl.attrs, diags);
    let mut walker = Walker::new(blocks, diags);
    walker.allow = allowed;
    walker.input_span = Some(decl.input_span);
    let program = walker.entries(
        &decl.layers,
        &mut Scope::root(&decl.name.to_string()),
        &mut flow,
        &NoNames,
    );
    let Walker {
        layers,
        rows,
        damaged,
        ..
    } = walker;
    let params = layers
        .iter()
        .try_fold(0usize, |acc, l| acc.checked_add(l.params?));
    let macs = rows
        .iter()
        .filter(|r| r.leaf)
        .try_fold(0usize, |acc, r| acc.checked_add(r.macs?));
    if diags.error_count() == errors_before && !damaged {
        // What the generated code states must be countable; a model whose
        // counts overflow is an error here, never a failure of the macro.
        if let Some(diag) = uncountable(decl, &layers, &rows, params, macs) {
            diags.push(diag);
        }
    }
    CheckedModel {
        attrs,
        vis: decl.vis.clone(),
        name: decl.name.clone(),
        input,
        input_span: decl.input_span,
        output: flow.shape,
        layers,
        program,
        rows,
        params,
        macs,
        // Entries that did not parse reported their errors before this walk.
        has_errors: diags.error_count() > errors_before || damaged,
    }
}
