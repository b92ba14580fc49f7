//! Stage 3: lints. Warnings about models that build and run but are
//! probably not what their author meant, each with a name, a one-line reason
//! and a fix. They run only on models without errors, and are silenced per
//! model, block or entry with `#[allow(name)]` in the model's source.
//!
//! One lint a module; [`LINTS`] lists them for documentation and tools.

pub mod allow;
mod bias_before_batchnorm;
mod double_activation;
mod huge_linear;
mod linear_on_spatial;
mod pool_stride_gaps;
mod softmax_not_last;
mod unused_pixels;

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{CheckedLayer, CheckedModel, Op};

/// A lint: its name (what `#[allow(...)]` takes) and why it exists.
#[derive(Clone, Copy, Debug)]
pub struct Lint {
    pub name: &'static str,
    pub reason: &'static str,
}

/// Every lint, in the order they run.
pub const LINTS: &[Lint] = &[
    unused_pixels::LINT,
    bias_before_batchnorm::LINT,
    linear_on_spatial::LINT,
    double_activation::LINT,
    pool_stride_gaps::LINT,
    softmax_not_last::LINT,
    huge_linear::LINT,
];

/// Runs every lint on the models without errors.
pub fn run(models: &[CheckedModel], diags: &mut Diagnostics) {
    for model in models.iter().filter(|m| !m.has_errors) {
        let mut cx = LintCx {
            model,
            diags: &mut *diags,
            seen: HashSet::new(),
        };
        unused_pixels::check(&mut cx);
        bias_before_batchnorm::check(&mut cx);
        linear_on_spatial::check(&mut cx);
        double_activation::check(&mut cx);
        pool_stride_gaps::check(&mut cx);
        softmax_not_last::check(&mut cx);
        huge_linear::check(&mut cx);
    }
}

/// What a lint sees: the model, and where its warnings go.
pub struct LintCx<'a> {
    pub model: &'a CheckedModel,
    diags: &'a mut Diagnostics,
    /// Warnings raised, by lint and place: a layer inside a block used
    /// several times is warned about once.
    seen: HashSet<(&'static str, String)>,
}

impl LintCx<'_> {
    /// Raises `diag` (a warning made by `warning`, naming its lint) about
    /// `layer`, unless an `#[allow]` around the layer silences it or it was
    /// raised already.
    pub fn warn(&mut self, layer: &CheckedLayer, diag: Diagnostic) {
        let Some(lint) = diag.lint else {
            self.diags.push(diag);
            return;
        };
        if layer.allow.iter().any(|a| a == lint) {
            return;
        }
        let mut diag = diag;
        let allow = format!("#[allow({lint})]");
        if !diag.notes.iter().any(|n| n.contains(&allow)) {
            diag = diag.note(format!(
                "`{allow}` on the entry, its block or the model silences this"
            ));
        }
        // Spans have no equality; their debug form names the source range.
        let place = format!("{:?}", diag.span.start);
        if self.seen.insert((lint, place)) {
            self.diags.push(diag);
        }
    }

    pub fn layer(&self, index: usize) -> &CheckedLayer {
        &self.model.layers[index]
    }

    /// Every run of layers one after another (the model's own list, each
    /// branch of an add or concatenation), as layer indices: what "directly
    /// followed by" means.
    pub fn sequences(&self) -> Vec<Vec<usize>> {
        fn walk(ops: &[Op], out: &mut Vec<Vec<usize>>) {
            let mut run = Vec::new();
            for op in ops {
                match op {
                    Op::Layer { layer, .. } => run.push(*layer),
                    Op::Residual { main, shortcut, .. } => {
                        out.push(std::mem::take(&mut run));
                        walk(main, out);
                        walk(shortcut, out);
                    }
                    Op::Concat { branches, .. } => {
                        out.push(std::mem::take(&mut run));
                        for (branch, _) in branches {
                            walk(branch, out);
                        }
                    }
                    Op::Gate { branch, .. } => {
                        out.push(std::mem::take(&mut run));
                        walk(branch, out);
                    }
                }
            }
            out.push(run);
        }
        let mut out = Vec::new();
        walk(&self.model.program, &mut out);
        out.retain(|run| !run.is_empty());
        out
    }
}

/// The warning every lint raises: the headline, with the lint's name.
fn warning(lint: Lint, layer: &CheckedLayer, message: String) -> Diagnostic {
    Diagnostic::warning(lint.name, layer.call_span, message)
}

/// `3x32x32`
fn dims_text(dims: &[usize]) -> String {
    dims.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("x")
}

/// A pair argument as PyTorch users write it: `2` when both are equal.
fn pair_text([a, b]: [usize; 2]) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("({a}, {b})")
    }
}
