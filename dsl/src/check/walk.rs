//! The walk: follows the tensor through a list of entries, recursing into
//! Sequentials, blocks, residual adds and concatenations, and records the
//! layers, the forward program and the summary rows.

use std::collections::HashMap;

use super::block::{Blocks, bind_use};
use super::cx::{Flow, InferCx, Inferred, LayerRef};
use super::{MAX_ELEMENTS, MAX_ENTRIES, MAX_REPEAT};
use crate::ast::{Call, LayerEntry, Node};
use crate::diagnostic::{Applicability, Diagnostic, Diagnostics, Edit, Placement};
use crate::eval::{Env, Value, eval};
use crate::lint::allow;
use crate::model::{CheckedLayer, Op, Row};
use crate::shape::{Shape, grouped};
use crate::span::SpanRange;
use crate::spec::LayerSpec;
use crate::vocab::args::{Args, LayerKind};
use crate::vocab::{bind_layer, resolve_kind};

/// What the walk of one model collects.
pub struct Walker<'a, 'd> {
    pub blocks: &'a Blocks<'a>,
    pub diags: &'d mut Diagnostics,
    pub layers: Vec<CheckedLayer>,
    pub rows: Vec<Row>,
    /// Blocks being expanded, innermost last: a block may not use itself.
    active: Vec<String>,
    /// An entry did not parse: its error is reported, the model is broken.
    pub damaged: bool,
    /// Field names taken, with the layer path that took each.
    fields: HashMap<String, String>,
    /// The cnn lint levels set around the current entry, outermost first.
    pub allow: Vec<crate::lint::Level>,
    /// Where the model's input size is written (`<784>`), for fixes of it.
    pub input_span: Option<SpanRange>,
    /// Entries read so far, counting each copy of a repeat and each use of
    /// a block: the work is bounded by [`MAX_ENTRIES`].
    expanded: usize,
    /// The repeats' counts and blocks' uses being expanded, outermost first.
    multipliers: Vec<SpanRange>,
    /// The model crossed [`MAX_ENTRIES`]: it is not read further.
    exhausted: bool,
}

/// A module's namespace: where its layers are named, and its unnamed
/// entries numbered as `nn.Sequential` numbers them.
pub struct Scope {
    /// The dotted prefix ("" for the model itself).
    prefix: String,
    /// The summary depth of this module's entries.
    depth: usize,
    /// Names already taken here: the layer index and its call, for layers.
    names: HashMap<String, Option<(usize, String)>>,
    next_index: usize,
    /// How messages name the module: the model's name, or the path.
    title: String,
}

impl Scope {
    pub fn root(model: &str) -> Self {
        let mut scope = Scope::new(String::new(), 1);
        scope.title = model.to_string();
        scope
    }

    fn new(prefix: String, depth: usize) -> Self {
        Scope {
            title: prefix.clone(),
            prefix,
            depth,
            names: HashMap::new(),
            next_index: 0,
        }
    }

    fn path(&self, local: &str) -> String {
        if self.prefix.is_empty() {
            local.to_string()
        } else {
            format!("{}.{local}", self.prefix)
        }
    }
}

/// `layer1.0.conv1` -> `layer1_0_conv1`; `3` -> `_3`; `block1-0` ->
/// `block1_0` (a quoted name's other characters become `_`); a keyword
/// (`"fn"`) or `_` gets a `_` after it.
fn field_name(path: &str) -> String {
    let joined: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if joined.is_empty() || joined.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{joined}")
    } else if syn::parse_str::<syn::Ident>(&joined).is_err() {
        format!("{joined}_")
    } else {
        joined
    }
}

impl<'a, 'd> Walker<'a, 'd> {
    pub fn new(blocks: &'a Blocks<'a>, diags: &'d mut Diagnostics) -> Self {
        Walker {
            blocks,
            diags,
            layers: Vec::new(),
            rows: Vec::new(),
            input_span: None,
            expanded: 0,
            multipliers: Vec::new(),
            exhausted: false,
            active: Vec::new(),
            damaged: false,
            fields: HashMap::new(),
            allow: Vec::new(),
        }
    }

    /// Walks `entries` in order.
    pub fn entries(
        &mut self,
        entries: &[LayerEntry],
        scope: &mut Scope,
        flow: &mut Flow,
        env: &dyn Env,
    ) -> Vec<Op> {
        let mut ops = Vec::new();
        for entry in entries {
            ops.extend(self.entry(entry, scope, flow, env));
        }
        ops
    }

    /// Whether the entry's `if` condition holds (an unknown or invalid
    /// condition leaves the entry out; its error is reported).
    fn condition_holds(&mut self, entry: &LayerEntry, env: &dyn Env) -> bool {
        let Some(cond) = &entry.condition else {
            return true;
        };
        match eval(cond, env) {
            Ok(v) => match v.value {
                Value::Bool(b) => b,
                Value::Unknown => false,
                other => {
                    let diag = Diagnostic::error(
                        v.span,
                        format!(
                            "an `if` condition must be `true` or `false`, not {}",
                            other.describe()
                        ),
                    );
                    // Python's truth of a number, written out; the check
                    // goes on as if it were.
                    let truth = matches!(other, Value::Int(i) if i != 0);
                    let diag = match other {
                        Value::Int(_) => diag.edits(
                            vec![Edit::after(v.span, " != 0")],
                            Applicability::MachineApplicable,
                            format!(
                                "write `{cond} != 0`, which is how Python reads it, or the comparison you mean (e.g. `{cond} != 1`)"
                            ),
                        ),
                        _ => diag,
                    };
                    self.diags.push(diag);
                    truth
                }
            },
            Err(d) => {
                self.diags.push(*d);
                false
            }
        }
    }

    fn entry(
        &mut self,
        entry: &LayerEntry,
        scope: &mut Scope,
        flow: &mut Flow,
        env: &dyn Env,
    ) -> Vec<Op> {
        if self.exhausted {
            flow.forget();
            return Vec::new();
        }
        self.expanded += 1;
        if self.expanded > MAX_ENTRIES {
            // Reported once, at the outermost repeat or block use that made
            // the model this large, before it is built in memory.
            self.exhausted = true;
            self.damaged = true;
            let span = self.multipliers.first().copied().unwrap_or(entry.span);
            self.diags.push(
                Diagnostic::error(
                    span,
                    format!(
                        "the model grows past {} layers once its repeats and blocks are expanded",
                        grouped(MAX_ENTRIES)
                    ),
                )
                .note("each copy of a repeat and each use of a block counts; nested repeats multiply")
                .help("check the number of copies: the largest torchvision models have under 1,000 layers"),
            );
            flow.forget();
            return Vec::new();
        }
        let (allowed, _) = allow::split(&entry.attrs, self.diags);
        let outer = self.allow.len();
        self.allow.extend(allowed);
        let ops = self.entry_allowed(entry, scope, flow, env);
        self.allow.truncate(outer);
        ops
    }

    /// [`Walker::entry`] once the entry's `#[allow]`s are in force.
    fn entry_allowed(
        &mut self,
        entry: &LayerEntry,
        scope: &mut Scope,
        flow: &mut Flow,
        env: &dyn Env,
    ) -> Vec<Op> {
        if !self.condition_holds(entry, env) {
            return Vec::new();
        }
        let index = scope.next_index;
        if !entry.is_inlined() {
            scope.next_index += 1;
        }
        let (local, named) = match entry.local_name() {
            Some((name, _)) => (name, true),
            None => (index.to_string(), false),
        };
        if entry.name.is_some()
            && local.len() > 1
            && local.starts_with('_')
            && local[1..].bytes().all(|b| b.is_ascii_digit())
        {
            self.diags.push(
                Diagnostic::error(
                    entry.span.start,
                    format!("the layer name `{local}` is reserved"),
                )
                .note("unnamed layers are stored in fields `_0`, `_1`, ... of the model")
                .edits(
                    vec![Edit {
                        span: SpanRange::new(entry.span.start, entry.node_span().start),
                        text: String::new(),
                        placement: Placement::Head,
                    }],
                    Applicability::MaybeIncorrect,
                    "choose another name, or leave the name out",
                ),
            );
        }
        let path = scope.path(&local);
        match &entry.node {
            Node::Invalid => {
                self.damaged = true;
                flow.forget();
                Vec::new()
            }
            Node::Call(call) => {
                if call.damaged {
                    self.damaged = true;
                }
                match self.blocks.get(&call.kind.to_string()) {
                    Some(_) => self.block_use(entry, call, &local, &path, scope, flow, env),
                    None if call.kind == super::squeeze::NAME => {
                        self.claim_module_name(entry, &local, scope);
                        self.squeeze_excitation(call, &path, scope, flow, env)
                    }
                    None => self.layer(entry, call, &local, named, &path, scope, flow, env),
                }
            }
            Node::Sequential { items, .. } => {
                self.claim_module_name(entry, &local, scope);
                self.module(
                    &path,
                    "Sequential",
                    String::new(),
                    scope,
                    flow,
                    |w, inner, flow| w.entries(items, inner, flow, env),
                )
            }
            Node::Repeat {
                item,
                count,
                spread: true,
                ..
            } if !named => {
                let n = self.repeat_count(count, env);
                let mut ops = Vec::new();
                self.multipliers.push(count.span);
                for _ in 0..n {
                    if self.exhausted {
                        break;
                    }
                    ops.extend(self.entry(item, scope, flow, env));
                }
                self.multipliers.pop();
                ops
            }
            Node::Repeat { item, count, .. } => {
                let n = self.repeat_count(count, env);
                self.claim_module_name(entry, &local, scope);
                self.multipliers.push(count.span);
                let ops = self.module(
                    &path,
                    "Sequential",
                    String::new(),
                    scope,
                    flow,
                    |w, inner, flow| {
                        let mut ops = Vec::new();
                        for _ in 0..n {
                            if w.exhausted {
                                break;
                            }
                            ops.extend(w.entry(item, inner, flow, env));
                        }
                        ops
                    },
                );
                self.multipliers.pop();
                ops
            }
            Node::Path { items, .. } if named => {
                self.claim_module_name(entry, &local, scope);
                self.module(
                    &path,
                    "Sequential",
                    String::new(),
                    scope,
                    flow,
                    |w, inner, flow| w.entries(items, inner, flow, env),
                )
            }
            Node::Path { items, .. } => self.entries(items, scope, flow, env),
            Node::Residual {
                keyword,
                main,
                shortcut,
                ..
            } => {
                let label = if named {
                    local.clone()
                } else {
                    "residual".to_string()
                };
                if named {
                    self.claim_module_name(entry, &local, scope);
                    self.module(
                        &path,
                        "Residual",
                        String::new(),
                        scope,
                        flow,
                        |w, inner, flow| {
                            w.residual(
                                *keyword,
                                entry.node_span(),
                                main,
                                shortcut.as_deref(),
                                &label,
                                inner,
                                flow,
                                env,
                            )
                        },
                    )
                } else {
                    self.residual(
                        *keyword,
                        entry.node_span(),
                        main,
                        shortcut.as_deref(),
                        &label,
                        scope,
                        flow,
                        env,
                    )
                }
            }
            Node::Gate {
                keyword, branch, ..
            } => {
                if named {
                    self.claim_module_name(entry, &local, scope);
                    self.module(
                        &path,
                        "Gate",
                        String::new(),
                        scope,
                        flow,
                        |w, inner, flow| w.gate(*keyword, branch, inner, flow, env),
                    )
                } else {
                    self.gate(*keyword, branch, scope, flow, env)
                }
            }
            Node::Concat {
                keyword,
                branches,
                split,
                ..
            } => {
                let split = *split;
                let label = if named {
                    local.clone()
                } else if split {
                    "split".to_string()
                } else {
                    "concat".to_string()
                };
                if named {
                    self.claim_module_name(entry, &local, scope);
                    self.module(
                        &path,
                        "Concat",
                        String::new(),
                        scope,
                        flow,
                        |w, inner, flow| {
                            w.concat(*keyword, branches, split, &label, inner, flow, env)
                        },
                    )
                } else {
                    self.concat(*keyword, branches, split, &label, scope, flow, env)
                }
            }
        }
    }

    fn repeat_count(&mut self, count: &crate::ast::Expr, env: &dyn Env) -> usize {
        match eval(count, env) {
            Ok(v) => match v.value {
                Value::Int(n) if (0..=MAX_REPEAT as i128).contains(&n) => n as usize,
                Value::Unknown => 0,
                other => {
                    self.diags.push(Diagnostic::error(
                        v.span,
                        format!(
                            "the number of copies must be a whole number from 0 to {MAX_REPEAT}, not {}",
                            other.describe()
                        ),
                    ));
                    0
                }
            },
            Err(d) => {
                self.diags.push(*d);
                0
            }
        }
    }

    /// Reports a module name already taken in `scope`.
    fn claim_module_name(&mut self, entry: &LayerEntry, local: &str, scope: &mut Scope) {
        if let Some((_, span)) = entry.local_name() {
            if scope.names.contains_key(local) {
                self.duplicate_name(span.into(), local, &scope.title);
            }
            scope.names.insert(local.to_string(), None);
        }
    }

    fn duplicate_name(&mut self, span: SpanRange, local: &str, module: &str) {
        // A Rust name is renamed as it is written; a quoted one keeps its
        // quotes.
        let renamed = if local.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !local.starts_with(|c: char| c.is_ascii_digit())
        {
            format!("{local}_2")
        } else {
            format!("{:?}", format!("{local}_2"))
        };
        self.diags.push(
            Diagnostic::error(span, format!("the layer name `{local}` is used twice in `{module}`"))
                .note("each name becomes a state_dict prefix, so it must be unique; only a layer without weights (like `ReLU`) may be used twice under one name")
                .fix(span, renamed.clone(), format!("rename one of them, e.g. `{renamed}`")),
        );
    }

    /// A module holding others (a Sequential, a block's use, a named
    /// residual or concat): a summary row, then its contents one level down.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn module(
        &mut self,
        path: &str,
        kind: &str,
        text: String,
        scope: &mut Scope,
        flow: &mut Flow,
        body: impl FnOnce(&mut Self, &mut Scope, &mut Flow) -> Vec<Op>,
    ) -> Vec<Op> {
        let row = self.rows.len();
        let layers_before = self.layers.len();
        self.rows.push(Row {
            name: path.to_string(),
            kind: kind.to_string(),
            text,
            output: Shape::Unknown,
            params: None,
            buffers: 0,
            macs: None,
            mult_adds: None,
            depth: scope.depth,
            leaf: false,
        });
        let mut inner = Scope::new(path.to_string(), scope.depth + 1);
        let mut inner_flow = flow.branch();
        let ops = body(self, &mut inner, &mut inner_flow);
        let params = self.layers[layers_before..]
            .iter()
            .try_fold(0usize, |acc, l| acc.checked_add(l.params?));
        let leaves = self.rows[row + 1..].iter().filter(|r| r.leaf);
        let macs = leaves
            .clone()
            .try_fold(0usize, |acc, r| acc.checked_add(r.macs?));
        let mult_adds = leaves
            .clone()
            .try_fold(0usize, |acc, r| acc.checked_add(r.mult_adds?));
        let buffers = self.layers[layers_before..]
            .iter()
            .map(|l| {
                l.spec.as_ref().map_or(0, |s| {
                    s.tensors()
                        .iter()
                        .filter(|(n, _)| !LayerSpec::is_parameter(n))
                        .map(|(_, sh)| sh.iter().product::<usize>())
                        .sum()
                })
            })
            .sum();
        let r = &mut self.rows[row];
        r.output = inner_flow.shape.clone();
        r.params = params;
        r.macs = macs;
        r.mult_adds = mult_adds;
        r.buffers = buffers;
        flow.advance(&LayerRef::module(path), inner_flow.shape, false);
        ops
    }

    /// A use of a block: its parameters bound, its layers walked one level
    /// down; errors inside say which use made them.
    #[allow(clippy::too_many_arguments)]
    fn block_use(
        &mut self,
        entry: &LayerEntry,
        call: &Call,
        local: &str,
        path: &str,
        scope: &mut Scope,
        flow: &mut Flow,
        caller: &dyn Env,
    ) -> Vec<Op> {
        let Some(block) = self.blocks.get(&call.kind.to_string()) else {
            return Vec::new();
        };
        let name = block.name.to_string();
        if self.active.contains(&name) {
            self.diags.push(
                Diagnostic::error(call.kind.span(), format!("the block `{name}` uses itself"))
                    .note(format!("blocks in use: {}", self.active.join(" -> "))),
            );
            flow.forget();
            return Vec::new();
        }
        self.claim_module_name(entry, local, scope);
        let (args, env) = bind_use(block, call, caller, self.diags);
        let text = args.text.resolved().render();
        let errors_before = self.diags.len();
        self.active.push(name.clone());
        self.multipliers.push(call.span);
        // The block's own `#[allow]`s hold for every use; their errors (a
        // misspelt lint) were reported with the block's declaration.
        let outer = self.allow.len();
        self.allow
            .extend(allow::split(&block.attrs, &mut Diagnostics::new()).0);
        let ops = self.module(path, &name, text.clone(), scope, flow, |w, inner, flow| {
            w.entries(&block.layers, inner, flow, &env)
        });
        self.allow.truncate(outer);
        self.active.pop();
        self.multipliers.pop();
        self.blame_use(errors_before, path, &text, call.span);
        ops
    }

    /// Errors raised inside a block's layers also name the use that made
    /// them, and get a twin at the use itself; the same error from several
    /// uses is reported once, listing them.
    fn blame_use(&mut self, errors_before: usize, path: &str, text: &str, use_span: SpanRange) {
        // A model too large to read is one error, at its outermost cause.
        if self.exhausted {
            return;
        }
        let context = format!("in `{path}`, which is `{text}`");
        let mut first: Option<String> = None;
        let mut count = 0;
        // The twin carries the fixes of the errors inside, when all have one.
        let mut fixes: Option<(Vec<Edit>, Applicability, String)> =
            Some((Vec::new(), Applicability::MachineApplicable, String::new()));
        let mut i = errors_before;
        while i < self.diags.len() {
            let diag = &self.diags.as_slice()[i];
            if !diag.is_error() || diag.message.starts_with("error in this use of") {
                i += 1;
                continue;
            }
            count += 1;
            first.get_or_insert_with(|| diag.message.clone());
            fixes = match (fixes, &diag.fix) {
                (Some((mut edits, sure, help)), Some(fix)) => {
                    edits.extend(fix.edits.iter().cloned());
                    let sure = if fix.applicability == Applicability::MachineApplicable {
                        sure
                    } else {
                        Applicability::MaybeIncorrect
                    };
                    let help = if help.is_empty() {
                        diag.help.clone().unwrap_or_default()
                    } else {
                        help
                    };
                    Some((edits, sure, help))
                }
                _ => None,
            };
            let key = (format!("{:?}", diag.span.start), diag.message.clone());
            let twin = (0..errors_before).find(|&j| {
                let d = &self.diags.as_slice()[j];
                (format!("{:?}", d.span.start), d.message.clone()) == key
            });
            match twin {
                Some(j) => {
                    self.diags.remove(i);
                    if let Some(d) = self.diags.get_mut(j) {
                        d.notes.push(format!("also {context}"));
                    }
                }
                None => {
                    if let Some(d) = self.diags.get_mut(i) {
                        d.notes.push(context.clone());
                    }
                    i += 1;
                }
            }
        }
        if let Some(first) = first {
            let more = if count > 1 {
                format!(" (and {} more)", count - 1)
            } else {
                String::new()
            };
            let mut twin = Diagnostic::error(
                use_span,
                format!("error in this use of `{text}`, at `{path}`"),
            )
            .note(format!("{first}{more}"))
            .note("see the error inside the block for where");
            if let Some((edits, sure, help)) = fixes {
                twin = twin.edits(edits, sure, help);
            }
            self.diags.push(twin);
        }
    }

    /// A layer: resolved, bound, its shape inferred, registered as a field.
    #[allow(clippy::too_many_arguments)]
    fn layer(
        &mut self,
        entry: &LayerEntry,
        call: &Call,
        local: &str,
        named: bool,
        path: &str,
        scope: &mut Scope,
        flow: &mut Flow,
        env: &dyn Env,
    ) -> Vec<Op> {
        let Some(sig) = resolve_kind(call, self.diags) else {
            flow.forget();
            return Vec::new();
        };
        let (args, layer_args) = bind_layer(call, sig, env, self.diags);
        let layer = LayerRef {
            name: path.to_string(),
            named,
            kind: sig.name,
        };
        let received = flow.shape.clone();
        let mut cx = InferCx {
            flow: &*flow,
            layer: &layer,
            args: &args,
            entry_span: entry.span,
            input_span: self.input_span,
            diags: &mut *self.diags,
        };
        let inferred = layer_args.infer(&mut cx);
        let text = filled_text(&args, inferred.spec.as_ref());
        let blame = size_blame(&args, inferred.spec.as_ref());
        let inferred = limit_tensors(inferred, &layer, blame, self.diags);
        let output = limit_size(inferred.output.clone(), &layer, entry.span, self.diags);

        let allowed = self.allow.clone();
        let index = self.register(entry, local, &text, &inferred, scope, || CheckedLayer {
            name: path.to_string(),
            named,
            field: syn::Ident::new(&field_name(path), call.kind.span()),
            kind: sig.name,
            text: text.clone(),
            attrs: allow::split(&entry.attrs, &mut Diagnostics::new()).1,
            input: received.clone(),
            output: output.clone(),
            spec: inferred.spec.clone(),
            params: inferred.params,
            macs: inferred.macs,
            span: entry.span,
            kind_span: call.kind.span(),
            call_span: call.span,
            call: args.text.clone(),
            arg_spans: args.written_spans(),
            levels: allowed,
        });
        let buffers = inferred.spec.as_ref().map_or(0, |s| {
            s.tensors()
                .iter()
                .filter(|(n, _)| !LayerSpec::is_parameter(n))
                .map(|(_, sh)| sh.iter().product::<usize>())
                .sum()
        });
        let mult_adds = inferred
            .spec
            .as_ref()
            .zip(inferred.params.zip(output.concrete()))
            .and_then(|(spec, (params, dims))| spec.mult_adds(params, &dims));
        self.rows.push(Row {
            name: path.to_string(),
            kind: sig.name.to_string(),
            text,
            output: output.clone(),
            params: inferred.params,
            buffers,
            macs: inferred.macs,
            mult_adds,
            depth: scope.depth,
            leaf: true,
        });
        let is_flatten = matches!(inferred.spec, Some(LayerSpec::Flatten { .. }))
            || sig.kind == LayerKind::Flatten;
        flow.advance(&layer, output.clone(), is_flatten);
        match index {
            Some(layer) => vec![Op::Layer {
                layer,
                input: received,
                output,
            }],
            None => Vec::new(),
        }
    }

    /// Registers a layer under its name in `scope`. A name used again for
    /// the same weightless layer (torchvision's shared `relu`) is the same
    /// layer; anything else is a duplicate.
    fn register(
        &mut self,
        entry: &LayerEntry,
        local: &str,
        text: &str,
        inferred: &Inferred,
        scope: &mut Scope,
        make: impl FnOnce() -> CheckedLayer,
    ) -> Option<usize> {
        let weightless = inferred.params == Some(0)
            && inferred
                .spec
                .as_ref()
                .is_some_and(|s| s.tensors().is_empty());
        if let (Some((_, span)), Some(existing)) = (entry.local_name(), scope.names.get(local)) {
            return match existing {
                Some((index, existing_text)) if weightless && existing_text == text => Some(*index),
                _ => {
                    self.duplicate_name(span.into(), local, &scope.title);
                    None
                }
            };
        }
        let index = self.layers.len();
        let layer = make();
        // Nested paths flatten into field names (`layer1.0.conv1` ->
        // `layer1_0_conv1`), which a user's own name could also be.
        let field = layer.field.to_string();
        if let Some(other) = self.fields.get(&field) {
            let diag = Diagnostic::error(
                entry.span.start,
                format!(
                    "`{}` would be stored in the field `{field}`, which `{other}` already uses",
                    layer.name
                ),
            )
            .help("rename one of the two layers");
            self.diags.push(diag);
        }
        self.fields.insert(field, layer.name.clone());
        self.layers.push(layer);
        scope
            .names
            .insert(local.to_string(), Some((index, text.to_string())));
        Some(index)
    }

    /// The fix that rewrites layer `l`'s call with `param` set to `value`;
    /// a guess when the old value came from a block parameter, since the
    /// block's other uses change too.
    fn rewrite(
        &self,
        diag: Diagnostic,
        l: usize,
        param: &str,
        value: &str,
        help: &str,
    ) -> Diagnostic {
        let layer = &self.layers[l];
        let text = layer.call.with(param, value);
        if layer.call.synthetic {
            return diag.help(help.replace("{}", &text));
        }
        let sure = if layer.call.uses_names(param) {
            Applicability::MaybeIncorrect
        } else {
            Applicability::MachineApplicable
        };
        diag.edits(
            vec![Edit::replace(layer.call_span, text.clone())],
            sure,
            help.replace("{}", &text),
        )
    }

    /// The last layer among `ops` (top level) that changed the channels,
    /// or else the last that sets them (a convolution keeping them).
    fn channel_maker(&self, ops: &[Op]) -> Option<usize> {
        let layers = || {
            ops.iter().rev().filter_map(|op| match op {
                Op::Layer {
                    layer,
                    input,
                    output,
                } => Some((*layer, input, output)),
                _ => None,
            })
        };
        let first = |s: &Shape| s.dims().and_then(|d| d.first().copied());
        layers()
            .find(|(_, i, o)| first(i) != first(o))
            .or_else(|| layers().find(|(l, _, _)| self.layers[*l].kind == "Conv2d"))
            .map(|(l, _, _)| l)
    }

    /// The one layer among `ops` that changed the height and width, and the
    /// padding that makes it keep `want` (its input's size) instead: the fix
    /// for a path that shrank where it should not have. `None` unless that
    /// is determined: one stride-1 layer with an odd (dilated) kernel.
    fn keeping_padding(&self, ops: &[Op], want: (usize, usize)) -> Option<(usize, String)> {
        let hw = |s: &Shape| match s.dims() {
            Some([_, Some(h), Some(w)]) => Some((*h, *w)),
            _ => None,
        };
        let mut changed = Vec::new();
        for op in ops {
            let (input, output) = match op {
                Op::Layer { input, output, .. }
                | Op::Residual { input, output, .. }
                | Op::Gate { input, output, .. }
                | Op::Concat { input, output, .. } => (input, output),
            };
            if hw(input) != hw(output) {
                changed.push(op);
            }
        }
        let [Op::Layer { layer, input, .. }] = changed.as_slice() else {
            return None;
        };
        if hw(input) != Some(want) {
            return None;
        }
        let (kernel, stride, dilation) = match self.layers[*layer].spec.as_ref()? {
            LayerSpec::Conv2d(c) => (c.kernel, c.stride, c.dilation),
            LayerSpec::MaxPool2d(p) => (p.kernel, p.stride, p.dilation),
            LayerSpec::AvgPool2d(p) => (p.kernel, p.stride, [1, 1]),
            _ => return None,
        };
        let mut pads = [0; 2];
        for axis in 0..2 {
            let span = dilation[axis] * (kernel[axis] - 1);
            if stride[axis] != 1 || span % 2 != 0 {
                return None;
            }
            pads[axis] = span / 2;
        }
        let text = if pads[0] == pads[1] {
            pads[0].to_string()
        } else {
            format!("({}, {})", pads[0], pads[1])
        };
        Some((*layer, text))
    }

    /// The text to put after a residual's braces for a projection shortcut
    /// (`projection`, in numbers). Inside a block, it is written with the
    /// block's own expressions and the condition torchvision uses, so the
    /// block's other uses keep their identity shortcut; that is a guess.
    fn downsample_text(&self, main: &[Op], projection: &str) -> Option<(String, Applicability)> {
        if self.active.is_empty() {
            return Some((
                format!(" + downsample: {projection}"),
                Applicability::MachineApplicable,
            ));
        }
        let layers: Vec<&CheckedLayer> = main
            .iter()
            .filter_map(|op| match op {
                Op::Layer { layer, .. } => Some(&self.layers[*layer]),
                _ => None,
            })
            .collect();
        let first = layers.iter().find(|l| l.kind == "Conv2d")?;
        let maker = &self.layers[self.channel_maker(main)?];
        let strided = layers
            .iter()
            .find(|l| matches!(&l.spec, Some(LayerSpec::Conv2d(c)) if c.stride != [1, 1]));
        let inp = first.call.arg("in_channels")?;
        let out = maker.call.arg("out_channels")?;
        let stride = match strided {
            Some(l) => l.call.arg("stride")?,
            None => "1".to_string(),
        };
        if inp == "_" {
            return None;
        }
        Some((
            format!(
                " + downsample: [Conv2d({inp}, {out}, 1, stride = {stride}, bias = false), BatchNorm2d({out})] if {stride} != 1 || {inp} != {out}"
            ),
            Applicability::MaybeIncorrect,
        ))
    }

    /// `residual { main } + shortcut`: both paths from the same input; their
    /// outputs must agree, and the sum goes on.
    #[allow(clippy::too_many_arguments)]
    fn residual(
        &mut self,
        keyword: proc_macro2::Span,
        node_span: SpanRange,
        main: &[LayerEntry],
        shortcut: Option<&LayerEntry>,
        label: &str,
        scope: &mut Scope,
        flow: &mut Flow,
        env: &dyn Env,
    ) -> Vec<Op> {
        let input = flow.shape.clone();
        let mut main_flow = flow.branch();
        let main_ops = self.entries(main, scope, &mut main_flow, env);
        let mut short_flow = flow.branch();
        let short_ops = match shortcut {
            Some(entry) => self.entry(entry, scope, &mut short_flow, env),
            None => Vec::new(),
        };
        let identity = short_ops.is_empty() && short_flow.steps.len() == 1;
        let (a, b) = (main_flow.shape.clone(), short_flow.shape.clone());
        // A main path that lost rows and columns to one unpadded layer: the
        // mistake is that layer's padding, and the error is there.
        let shrunk = match (a.dims(), b.dims()) {
            (Some([ca, ha, wa]), Some([cb, Some(h), Some(w)]))
                if a.is_known()
                    && b.is_known()
                    && ca == cb
                    && (*ha, *wa) != (Some(*h), Some(*w)) =>
            {
                self.keeping_padding(&main_ops, (*h, *w))
            }
            _ => None,
        };
        let fixed_in_main = shrunk.is_some();
        if let Some((l, padding)) = shrunk {
            let layer = &self.layers[l];
            let span = layer
                .arg_spans
                .iter()
                .find(|(n, _)| n == "padding")
                .map_or(layer.call_span, |(_, s)| *s);
            let diag = Diagnostic::error(
                span,
                format!(
                    "`{}` shrinks the main path from {} to {}, so the residual add cannot sum it with the shortcut's {b}",
                    layer.name, layer.input, layer.output
                ),
            )
            .note(main_flow.trace_as("main path:"))
            .note(short_flow.trace_as("shortcut: "));
            let help = "pad it to keep the size: `{}`";
            let diag = self.rewrite(diag, l, "padding", &padding, help);
            self.diags.push(diag);
        } else if a.is_known() && b.is_known() && a != b {
            let span = match shortcut {
                Some(entry) if !identity => entry.span,
                _ => SpanRange::single(keyword),
            };
            let shortcut_text = if identity {
                format!("the shortcut passes the input on unchanged, {b}")
            } else {
                format!("the shortcut gives {b}")
            };
            let mut diag = Diagnostic::error(
                span,
                format!("this residual add cannot sum its paths: the main path gives {a}, but {shortcut_text}"),
            )
            .note(main_flow.trace_as("main path:"))
            .note(short_flow.trace_as("shortcut: "));
            diag = match (identity, projection(&b, &a)) {
                (true, Some(text)) => {
                    let help = format!(
                        "add a projection shortcut after the braces: `+ downsample: {text}`"
                    );
                    match self.downsample_text(&main_ops, &text) {
                        Some((insert, sure)) => {
                            let help = format!(
                                "add a projection shortcut after the braces: `{}`",
                                insert.trim_start()
                            );
                            diag.edits(vec![Edit::after(node_span, insert)], sure, help)
                        }
                        None => diag.help(help),
                    }
                }
                (true, None) => diag.help(format!(
                    "the main path must end in {b}, or add a shortcut that gives {a}"
                )),
                (false, _) => {
                    let help = format!("make the shortcut end in {a}");
                    match (self.channel_maker(&short_ops), a.dims()) {
                        (Some(l), Some([Some(c), _, _]))
                            if a.dims().map(|d| &d[1..]) == b.dims().map(|d| &d[1..]) =>
                        {
                            let param = if self.layers[l].kind == "Linear" {
                                "out_features"
                            } else {
                                "out_channels"
                            };
                            let help = format!("{help}: write `{{}}`");
                            self.rewrite(diag, l, param, &c.to_string(), &help)
                        }
                        _ => diag.help(help),
                    }
                }
            };
            self.diags.push(diag);
        }
        // Go on as if fixed: with the shortcut's shape when the fix is in
        // the main path, else with the main path's.
        let output = if fixed_in_main || !a.is_known() { b } else { a };
        let layer = LayerRef {
            name: label.to_string(),
            named: true,
            kind: "Residual",
        };
        let op = Op::Residual {
            input,
            main: main_ops,
            shortcut: short_ops,
            output: output.clone(),
        };
        flow.advance(&layer, output, false);
        vec![op]
    }

    /// `gate { branch }`: the branch from the input; its output must
    /// broadcast over the input (each dimension equal, or 1), which is
    /// multiplied by it and goes on.
    pub(super) fn gate(
        &mut self,
        keyword: proc_macro2::Span,
        branch: &[LayerEntry],
        scope: &mut Scope,
        flow: &mut Flow,
        env: &dyn Env,
    ) -> Vec<Op> {
        let input = flow.shape.clone();
        let mut branch_flow = flow.branch();
        let ops = self.entries(branch, scope, &mut branch_flow, env);
        if let (Some(x), Some(g)) = (input.dims(), branch_flow.shape.dims()) {
            let fits = x.len() == g.len()
                && x.iter().zip(g.iter()).all(|(a, b)| match (a, b) {
                    (Some(a), Some(b)) => b == a || *b == 1,
                    _ => true,
                });
            if !fits {
                // The layer that made the gate's channels, where they are
                // wrong: the last one that changed them.
                let maker = self.channel_maker(&ops);
                let span = match maker {
                    Some(l) => self.layers[l].span,
                    None => branch.last().map_or(SpanRange::single(keyword), |e| e.span),
                };
                let want: Vec<String> = x
                    .iter()
                    .enumerate()
                    .map(|(i, d)| match (i, d) {
                        (0, Some(c)) => c.to_string(),
                        (_, Some(d)) => format!("1 or {d}"),
                        _ => "?".to_string(),
                    })
                    .collect();
                let mut diag = Diagnostic::error(
                    span,
                    format!(
                        "this gate cannot scale its input: the input is {input}, but the gate gives {}",
                        branch_flow.shape
                    ),
                )
                .note(branch_flow.trace_as("gate:"))
                .note("the gate multiplies the input element by element, broadcast as PyTorch broadcasts: each of its dimensions must equal the input's, or be 1");
                diag = match (x.first(), g.first(), maker) {
                    (Some(Some(c)), Some(Some(gc)), Some(l)) if c != gc && x.len() == g.len() => {
                        let layer = &self.layers[l];
                        let param = if layer.kind == "Linear" {
                            "out_features"
                        } else {
                            "out_channels"
                        };
                        let help = format!(
                            "`{}` gives {gc} channels, and the gate must give {c}: write `{{}}`",
                            layer.name,
                        );
                        self.rewrite(diag, l, param, &c.to_string(), &help)
                    }
                    (Some(Some(c)), Some(Some(gc)), None) if c != gc && x.len() == g.len() => {
                        diag.help(format!("the gate must end with {c} channels, not {gc}"))
                    }
                    _ => diag.help(format!("the gate must give [{}]", want.join(", "))),
                };
                self.diags.push(diag);
            }
        }
        let output = input.clone();
        let op = Op::Gate {
            input,
            branch: ops,
            output: output.clone(),
        };
        let layer = LayerRef {
            name: "gate".to_string(),
            named: true,
            kind: "Gate",
        };
        flow.advance(&layer, output, false);
        vec![op]
    }

    /// `concat { a, b, ... }`: every branch from the same input (with
    /// `split`, from its own equal part of the input's channels); the
    /// outputs must agree on height and width, and their channels add up.
    #[allow(clippy::too_many_arguments)]
    fn concat(
        &mut self,
        keyword: proc_macro2::Span,
        branches: &[LayerEntry],
        split: bool,
        label: &str,
        scope: &mut Scope,
        flow: &mut Flow,
        env: &dyn Env,
    ) -> Vec<Op> {
        let input = flow.shape.clone();
        let part = if split {
            self.split_part(keyword, branches.len(), flow)
        } else {
            input.clone()
        };
        let mut results = Vec::new();
        for entry in branches {
            let mut branch_flow = flow.branch();
            if split {
                branch_flow.shape = part.clone();
                branch_flow.steps = vec![(String::new(), part.clone())];
            }
            let ops = self.entry(entry, scope, &mut branch_flow, env);
            results.push((entry, ops, branch_flow));
        }
        let mut channels: Option<usize> = Some(0);
        let mut size: Option<(usize, usize)> = None;
        let mut size_from = 0;
        let mut ok = !results.is_empty();
        for (i, (entry, _, branch)) in results.iter().enumerate() {
            match branch.shape.dims() {
                Some([c, h, w]) => {
                    channels = channels.zip(*c).and_then(|(a, b)| a.checked_add(b));
                    if let (Some(h), Some(w)) = (h, w) {
                        match size {
                            None => {
                                size = Some((*h, *w));
                                size_from = i;
                            }
                            Some((sh, sw)) if (sh, sw) != (*h, *w) => {
                                ok = false;
                                let first = &results[size_from].2;
                                let diag = Diagnostic::error(
                                    entry.span,
                                    format!(
                                        "concat joins along channels, so its branches must agree on height and width, but branch {} gives {} and branch {} gives {}",
                                        i + 1,
                                        branch.shape,
                                        size_from + 1,
                                        first.shape
                                    ),
                                )
                                .note(first.trace_as(&format!("branch {}:", size_from + 1)))
                                .note(branch.trace_as(&format!("branch {}:", i + 1)))
                                ;
                                let help = format!(
                                    "make branch {} keep {sh}x{sw} (with padding, or a smaller stride)",
                                    i + 1
                                );
                                let diag = match self.keeping_padding(&results[i].1, (sh, sw)) {
                                    Some((l, padding)) => self.rewrite(
                                        diag,
                                        l,
                                        "padding",
                                        &padding,
                                        &format!("{help}: `{{}}`"),
                                    ),
                                    None => diag.help(help),
                                };
                                self.diags.push(diag);
                            }
                            Some(_) => {}
                        }
                    }
                }
                Some(_) => {
                    ok = false;
                    self.diags.push(
                        Diagnostic::error(
                            entry.span,
                            format!(
                                "concat joins images along channels, but branch {} gives {}",
                                i + 1,
                                branch.shape
                            ),
                        )
                        .note(format!(
                            "branch {} {}",
                            i + 1,
                            branch.trace()
                        )),
                    );
                }
                None => channels = None,
            }
        }
        if results.is_empty() {
            let word = if split { "split" } else { "concat" };
            self.diags.push(Diagnostic::error(
                keyword,
                format!("`{word}` needs at least one branch"),
            ));
        }
        let output = match (ok, size) {
            (true, Some((h, w))) => Shape::Known(vec![channels, Some(h), Some(w)]),
            _ => Shape::Known(vec![channels, None, None]),
        };
        let op = Op::Concat {
            split,
            input,
            branches: results
                .into_iter()
                .map(|(_, ops, f)| (ops, f.shape))
                .collect(),
            output: output.clone(),
        };
        let layer = LayerRef {
            name: label.to_string(),
            named: true,
            kind: "Concat",
        };
        flow.advance(&layer, output, false);
        vec![op]
    }
}

impl Walker<'_, '_> {
    /// The part of the input each of a split's `n` branches reads: its
    /// channels divided by `n`, which must divide them.
    fn split_part(&mut self, keyword: proc_macro2::Span, n: usize, flow: &Flow) -> Shape {
        let Some(dims) = flow.shape.dims() else {
            return Shape::Unknown;
        };
        if n == 0 {
            // Reported by the caller: a split needs branches.
            return Shape::Unknown;
        }
        match dims.first() {
            Some(Some(c)) if dims.len() == 3 && n > 0 && c.is_multiple_of(n) => {
                let mut part = dims.to_vec();
                part[0] = Some(c / n);
                Shape::Known(part)
            }
            Some(Some(c)) if dims.len() == 3 && n > 0 => {
                let fit = c / n * n;
                let diag = Diagnostic::error(
                    keyword,
                    format!("`split` cuts its input's {c} channels into {n} equal parts, but {c} is not a multiple of {n}"),
                )
                .note(flow.trace());
                let help = format!(
                    "the layer before must give a multiple of {n} channels, e.g. {} or {}",
                    fit.max(n),
                    fit + n
                );
                // The convolution that made the channels, given the nearest
                // multiple below (a guess: the branches may be what is wrong).
                let maker = flow.producer.as_ref().and_then(|p| {
                    self.layers
                        .iter()
                        .rposition(|l| l.name == p.name && l.kind == "Conv2d")
                });
                let diag = match maker {
                    Some(l) => self
                        .rewrite(
                            diag,
                            l,
                            "out_channels",
                            &fit.max(n).to_string(),
                            &format!("{help}: `{{}}`"),
                        )
                        .maybe_incorrect(),
                    None => diag.help(help),
                };
                self.diags.push(diag);
                Shape::Unknown
            }
            Some(None) if dims.len() == 3 => Shape::Unknown,
            _ => {
                self.diags.push(Diagnostic::error(
                    keyword,
                    format!(
                        "`split` cuts images along channels, but receives {}",
                        flow.shape
                    ),
                ));
                Shape::Unknown
            }
        }
    }
}

/// The projection shortcut that turns `from` into `to`: a 1x1 convolution
/// with the stride that shrinks the image, then BatchNorm (ResNet's).
fn projection(from: &Shape, to: &Shape) -> Option<String> {
    let (from, to) = (from.concrete()?, to.concrete()?);
    let (&[c, h, w], &[oc, oh, ow]) = (from.as_slice(), to.as_slice()) else {
        return None;
    };
    // The smallest stride whose 1x1 windows give `oh` rows: floor((h - 1) /
    // s) + 1 = oh, so s is just over (h - 1) / oh (closed form, as H may be
    // huge).
    if h == 0 || oh == 0 {
        return None;
    }
    let stride = (h - 1) / oh + 1;
    if cnn_shape::conv_out(h, 1, stride, 0, 0, 1) != Some(oh) {
        return None;
    }
    if cnn_shape::conv_out(w, 1, stride, 0, 0, 1) != Some(ow) {
        return None;
    }
    let stride_text = if stride == 1 {
        String::new()
    } else {
        format!(", stride = {stride}")
    };
    Some(format!(
        "[Conv2d({c}, {oc}, 1{stride_text}, bias = false), BatchNorm2d({oc})]"
    ))
}

/// The call's text with `_` replaced by the inferred size.
fn filled_text(args: &Args, spec: Option<&LayerSpec>) -> String {
    let mut text = args.text.resolved();
    let inferred = match spec {
        Some(LayerSpec::Conv2d(c)) => Some(("in_channels", c.in_channels)),
        Some(LayerSpec::Linear(l)) => Some(("in_features", l.in_features)),
        Some(LayerSpec::BatchNorm2d(b)) => Some(("num_features", b.num_features)),
        _ => None,
    };
    if let Some((param, value)) = inferred
        && args.get(param).is_some_and(|v| v.value == Value::Infer)
    {
        return text.with(param, &value.to_string());
    }
    text.has_parens |= !text.args.is_empty();
    text.render()
}

/// The argument to blame for a layer's tensors being too large.
fn size_blame(args: &Args, spec: Option<&LayerSpec>) -> SpanRange {
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
