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

/// A lint: its name (what `#[allow(...)]` takes), its group and why it
/// exists.
#[derive(Clone, Copy, Debug)]
pub struct Lint {
    pub name: &'static str,
    pub group: Group,
    pub reason: &'static str,
}

/// Lint groups, as clippy has them: the first two warn by default, so a
/// faithful copy of a torchvision model builds with `-D warnings`; the
/// pedantic ones are asked for with `#[warn(pedantic)]` or `cargo cnn
/// check --pedantic`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Almost surely a mistake: the model computes something else than
    /// what it says.
    Correctness,
    /// Probably a mistake, and cheap to change if it was meant.
    Suspicious,
    /// Often deliberate, in well-known models too: off by default.
    Pedantic,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Correctness, Group::Suspicious, Group::Pedantic];

    /// The name attributes use: `#[warn(pedantic)]`.
    pub fn name(self) -> &'static str {
        match self {
            Group::Correctness => "correctness",
            Group::Suspicious => "suspicious",
            Group::Pedantic => "pedantic",
        }
    }

    pub fn warns_by_default(self) -> bool {
        self != Group::Pedantic
    }

    pub fn by_name(name: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.name() == name)
    }
}

/// One `#[allow(name)]` or `#[warn(name)]`: `name` is a lint or a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    pub name: String,
    pub warn: bool,
}

impl Level {
    pub fn allow(name: &str) -> Self {
        Level {
            name: name.to_string(),
            warn: false,
        }
    }

    pub fn warn(name: &str) -> Self {
        Level {
            name: name.to_string(),
            warn: true,
        }
    }
}

/// Whether `lint` warns (as a member of `group`) under `levels`, outermost
/// first: a directive naming the lint itself beats one naming its group.
pub fn warns(lint: &str, group: Group, levels: &[Level]) -> bool {
    let by_lint = levels.iter().rev().find(|l| l.name == lint);
    let by_group = levels.iter().rev().find(|l| l.name == group.name());
    match (by_lint, by_group) {
        (Some(l), _) | (None, Some(l)) => l.warn,
        (None, None) => group.warns_by_default(),
    }
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

/// Runs every lint on the models without errors; `levels` hold before
/// any attribute in the source (`--pedantic` is `[Level::warn("pedantic")]`).
pub fn run(models: &[CheckedModel], levels: &[Level], diags: &mut Diagnostics) {
    for model in models.iter().filter(|m| !m.has_errors) {
        let mut cx = LintCx {
            model,
            levels,
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
    levels: &'a [Level],
    diags: &'a mut Diagnostics,
    /// Warnings raised, by lint and place: a layer inside a block used
    /// several times is warned about once.
    seen: HashSet<(&'static str, String)>,
}

impl LintCx<'_> {
    /// Raises `diag` (a warning made by `warning`, naming its lint) about
    /// `layer`, unless the lint's level there (its group's default, then
    /// the attributes around the layer) is allow, or it was raised already.
    pub fn warn(&mut self, layer: &CheckedLayer, diag: Diagnostic) {
        let group = LINTS
            .iter()
            .find(|l| Some(l.name) == diag.lint)
            .map_or(Group::Correctness, |l| l.group);
        self.warn_in(group, layer, diag);
    }

    /// As [`LintCx::warn`], for an instance of a lint that counts as a
    /// member of `group` rather than the lint's own (a milder case of it).
    pub fn warn_in(&mut self, group: Group, layer: &CheckedLayer, diag: Diagnostic) {
        let Some(lint) = diag.lint else {
            self.diags.push(diag);
            return;
        };
        let levels: Vec<Level> = self.levels.iter().chain(&layer.levels).cloned().collect();
        if !warns(lint, group, &levels) {
            return;
        }
        // A lint's fix changes the model's numbers or its weights' names:
        // never applied without the user.
        let mut diag = diag.maybe_incorrect();
        let allow = format!("#[allow({lint})]");
        if !diag.notes.iter().any(|n| n.contains(&allow)) {
            let group = match group {
                Group::Pedantic => "a pedantic lint, on here by request".to_string(),
                g => format!("a {} lint, on by default", g.name()),
            };
            diag = diag.note(format!(
                "`{lint}` is {group}; `{allow}` on the entry, its block or the model silences it"
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
