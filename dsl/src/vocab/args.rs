//! Binding a call's arguments to a layer's PyTorch signature, and reading
//! them as typed values.
//!
//! Binding follows Python's rules: positional arguments fill parameters in
//! order, keywords by name, no parameter twice, no positional argument after
//! a keyword. Every problem becomes a diagnostic at its own tokens; a reader
//! returns `None` for a value it could not use, and the layer carries on with
//! what it has.

use proc_macro2::Span;

use crate::ast::Call;
use crate::diagnostic::{Applicability, Diagnostic, Diagnostics, Edit};
use crate::eval::{Env, Value, eval, fmt_float};
use crate::span::{SpanRange, Spanned};
use crate::suggest::did_you_mean;

/// The largest size any single argument may have. Larger numbers are
/// certainly mistakes, and keeping every factor below 2^31 keeps the
/// checker's products far from overflow.
pub const MAX_SIZE: usize = 1 << 31;

/// A layer's constructor signature, in PyTorch's positional order.
#[derive(Debug)]
pub struct Signature {
    pub name: &'static str,
    /// Which layer it is: what reads its arguments, matched exhaustively.
    pub kind: LayerKind,
    pub params: &'static [Param],
    /// `nn.Identity` accepts and ignores any arguments.
    pub ignores_args: bool,
}

/// Every layer the vocabulary knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerKind {
    Conv2d,
    MaxPool2d,
    AvgPool2d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    BatchNorm2d,
    Linear,
    Flatten,
    Dropout,
    Dropout2d,
    Identity,
    StochasticDepth,
    ChannelShuffle,
    LayerNorm,
    LayerNorm2d,
    Permute,
    LayerScale,
    Activation(ActivationKind),
    Softmax,
    LogSoftmax,
}

/// Every element-wise activation the vocabulary knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivationKind {
    ReLU,
    ReLU6,
    LeakyReLU,
    ELU,
    GELU,
    SiLU,
    Hardswish,
    Hardsigmoid,
    Sigmoid,
    Tanh,
}

#[derive(Debug)]
pub struct Param {
    pub name: &'static str,
    /// The default as PyTorch documents it; `None` for a required argument.
    pub default: Option<&'static str>,
}

/// A signature with owned names: a layer's [`Signature`], or a block's,
/// whose parameters are declared in the model source.
#[derive(Clone, Debug)]
pub struct Params {
    pub kind: String,
    /// `(name, default as written)`; no default: required.
    pub params: Vec<(String, Option<String>)>,
    pub ignores_args: bool,
}

impl From<&Signature> for Params {
    fn from(sig: &Signature) -> Self {
        Params {
            kind: sig.name.to_string(),
            params: sig
                .params
                .iter()
                .map(|p| (p.name.to_string(), p.default.map(str::to_string)))
                .collect(),
            ignores_args: sig.ignores_args,
        }
    }
}

impl Params {
    fn names(&self) -> impl Iterator<Item = &str> {
        self.params.iter().map(|(n, _)| n.as_str())
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|(n, _)| n == name)
    }
}

/// Shorthand for signature tables.
pub const fn req(name: &'static str) -> Param {
    Param {
        name,
        default: None,
    }
}

/// Shorthand for signature tables.
pub const fn opt(name: &'static str, default: &'static str) -> Param {
    Param {
        name,
        default: Some(default),
    }
}

/// The call as the user wrote it, to print corrected versions of it.
#[derive(Clone, Debug)]
pub struct CallText {
    pub kind: String,
    /// `(keyword, value)` per written argument.
    pub args: Vec<(Option<String>, String)>,
    /// For each parameter, which written argument holds it.
    slots: Vec<Option<usize>>,
    params: Vec<String>,
    pub has_parens: bool,
    /// Made by the checker, not written: see [`crate::ast::Call::synthetic`].
    pub synthetic: bool,
    /// Per written argument, its value when it names a block parameter
    /// (`planes` -> `128`), for summaries.
    values: Vec<Option<String>>,
}

impl CallText {
    /// The call with block parameters replaced by their values:
    /// `Conv2d(64, 128, 3)` for `Conv2d(inplanes, planes, 3)`.
    pub fn resolved(&self) -> CallText {
        let mut text = self.clone();
        for (arg, value) in text.args.iter_mut().zip(&self.values) {
            if let Some(v) = value {
                arg.1 = v.clone();
            }
        }
        text
    }

    /// The text written for `param`, if it was written.
    pub fn arg(&self, param: &str) -> Option<String> {
        let index = self.params.iter().position(|p| *p == param)?;
        let slot = self.slots.get(index).copied().flatten()?;
        Some(self.args[slot].1.clone())
    }

    /// Whether `param` was written with a block parameter's name (or an
    /// expression of one), so its value can differ from use to use.
    pub fn uses_names(&self, param: &str) -> bool {
        let index = self.params.iter().position(|p| *p == param);
        index
            .and_then(|i| self.slots.get(i).copied().flatten())
            .is_some_and(|slot| self.values.get(slot).is_some_and(Option::is_some))
    }

    /// The call as written, normalised: `Linear(2048, 10)`.
    pub fn render(&self) -> String {
        self.render_args(&self.args)
    }

    /// The call with parameter `param` set to `value` (added as a keyword if
    /// it was not written).
    pub fn with(&self, param: &str, value: &str) -> String {
        let mut args = self.args.clone();
        let index = self.params.iter().position(|p| *p == param);
        match index.and_then(|i| self.slots.get(i).copied().flatten()) {
            Some(slot) => args[slot].1 = value.to_string(),
            None => args.push((Some(param.to_string()), value.to_string())),
        }
        self.render_args(&args)
    }

    /// The call with parameter `param` removed.
    pub fn without(&self, param: &str) -> String {
        let index = self.params.iter().position(|p| *p == param);
        let slot = index.and_then(|i| self.slots.get(i).copied().flatten());
        let args: Vec<_> = self
            .args
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != slot)
            .map(|(_, a)| a.clone())
            .collect();
        self.render_args(&args)
    }

    fn render_args(&self, args: &[(Option<String>, String)]) -> String {
        if args.is_empty() && !self.has_parens {
            return self.kind.clone();
        }
        let inner: Vec<String> = args
            .iter()
            .map(|(k, v)| match k {
                Some(k) => format!("{k} = {v}"),
                None => v.clone(),
            })
            .collect();
        format!("{}({})", self.kind, inner.join(", "))
    }
}

/// A call's arguments bound to a signature.
#[derive(Clone, Debug)]
pub struct Args {
    pub sig: Params,
    pub call_span: SpanRange,
    pub kind_span: Span,
    /// Per parameter: the evaluated value, when given and valid.
    values: Vec<Option<Spanned<Value>>>,
    /// Per parameter: where it was written, even if its value was invalid.
    written: Vec<Option<SpanRange>>,
    /// Per parameter: the block parameter it was written as, if just a name.
    names: Vec<Option<String>>,
    /// Per parameter written as a block parameter: where that parameter's
    /// value was written at the block's use.
    use_spans: Vec<Option<SpanRange>>,
    pub text: CallText,
}

/// Binds `call` to `sig`, reporting unknown, duplicate, surplus, misplaced and
/// missing arguments.
pub fn bind(call: &Call, sig: &Params, env: &dyn Env, diags: &mut Diagnostics) -> Args {
    let n = sig.params.len();
    let mut values: Vec<Option<Spanned<Value>>> = vec![None; n];
    let mut written: Vec<Option<SpanRange>> = vec![None; n];
    let mut names: Vec<Option<String>> = vec![None; n];
    let mut use_spans: Vec<Option<SpanRange>> = vec![None; n];
    let mut slots: Vec<Option<usize>> = vec![None; n];
    let mut text_args = Vec::new();
    let mut shown: Vec<Option<String>> = vec![None; call.args.len()];
    // Arguments that were rejected are left out of suggested rewrites.
    let mut rejected = Vec::new();
    let mut seen_keyword = false;
    // A misplaced positional argument leaves the binding uncertain: do not
    // also report arguments as missing.
    let mut misplaced: Vec<(usize, SpanRange)> = Vec::new();
    let mut positional = 0usize;
    let arg_spans: Vec<SpanRange> = call.args.iter().map(|a| a.span).collect();

    for arg in &call.args {
        text_args.push((
            arg.name.as_ref().map(|n| n.to_string()),
            arg.value.to_string(),
        ));
        let arg_index = text_args.len() - 1;
        if sig.ignores_args {
            continue;
        }
        let param_index = match &arg.name {
            None => {
                if seen_keyword {
                    misplaced.push((arg_index, arg.span));
                    rejected.push(arg_index);
                    continue;
                }
                let i = positional;
                positional += 1;
                if i >= n {
                    rejected.push(arg_index);
                    diags.push(
                        too_many(
                            sig,
                            arg.span,
                            call.args.iter().filter(|a| a.name.is_none()).count(),
                        )
                        .edits(
                            vec![Edit::remove_item(&arg_spans, arg_index)],
                            Applicability::MaybeIncorrect,
                            "remove the extra arguments",
                        ),
                    );
                    continue;
                }
                i
            }
            Some(name) => {
                seen_keyword = true;
                let key = name.to_string();
                match sig.position(&key) {
                    Some(i) => i,
                    None => {
                        diags.push(unknown_argument(sig, name));
                        // A likely misspelling counts as the parameter it
                        // resembles, so it is not also reported missing.
                        let meant = did_you_mean(&key, sig.names())
                            .and_then(|s| sig.position(s))
                            .filter(|&i| written[i].is_none());
                        match meant {
                            Some(i) => {
                                text_args[arg_index].0 = Some(sig.params[i].0.clone());
                                i
                            }
                            None => {
                                rejected.push(arg_index);
                                continue;
                            }
                        }
                    }
                }
            }
        };
        if written[param_index].is_some() {
            let name = sig.params[param_index].0.clone();
            rejected.push(arg_index);
            diags.push(
                Diagnostic::error(
                    arg.span,
                    format!(
                        "`{}` got two values for `{name}`: `{}` and `{arg}`",
                        sig.kind,
                        slots[param_index].map_or(String::new(), |i| match &text_args[i] {
                            (Some(k), v) => format!("{k} = {v}"),
                            (None, v) => v.clone(),
                        }),
                    ),
                )
                .edits(
                    vec![Edit::remove_item(&arg_spans, arg_index)],
                    Applicability::MaybeIncorrect,
                    format!("give `{name}` once"),
                ),
            );
            continue;
        }
        written[param_index] = Some(arg.value.span);
        if let crate::ast::ExprKind::Name(ident) = &arg.value.kind {
            names[param_index] = Some(ident.to_string());
            use_spans[param_index] = env.written_at(ident);
        }
        slots[param_index] = Some(arg_index);
        match eval(&arg.value, env) {
            Ok(v) => {
                if arg.value.has_names() {
                    shown[arg_index] = v.value.render();
                }
                values[param_index] = Some(v);
            }
            Err(d) => diags.push(*d),
        }
    }

    // Suggest a keyword for each positional argument after a keyword: the
    // next parameter still without a value, required ones first.
    let mut open: Vec<usize> = (0..n).filter(|&i| written[i].is_none()).collect();
    open.sort_by_key(|&i| sig.params[i].1.is_some());
    for (k, (arg_index, span)) in misplaced.iter().enumerate() {
        let value = &text_args[*arg_index].1;
        let diag = Diagnostic::error(*span, "positional argument after a keyword argument");
        diags.push(match open.get(k) {
            Some(&i) => {
                let keyword = format!("{} = {value}", sig.params[i].0);
                diag.fix(
                    *span,
                    keyword.clone(),
                    format!("write it as `{keyword}`, or move it before the keyword arguments"),
                )
            }
            None => {
                diag.help("write it as `name = value`, or move it before the keyword arguments")
            }
        });
    }

    // Drop the rejected arguments and renumber the slots.
    let mut kept = Vec::new();
    let mut kept_values = Vec::new();
    let mut new_index = vec![None; text_args.len()];
    for (i, arg) in text_args.into_iter().enumerate() {
        if !rejected.contains(&i) {
            new_index[i] = Some(kept.len());
            kept.push(arg);
            kept_values.push(shown[i].clone());
        }
    }
    let slots = slots
        .into_iter()
        .map(|s| s.and_then(|i| new_index[i]))
        .collect();
    let text = CallText {
        kind: sig.kind.clone(),
        args: kept,
        slots,
        params: sig.params.iter().map(|(n, _)| n.clone()).collect(),
        has_parens: call.parens.is_some(),
        synthetic: call.synthetic,
        values: kept_values,
    };

    if !call.damaged && misplaced.is_empty() {
        let missing: Vec<&str> = sig
            .params
            .iter()
            .zip(&written)
            .filter(|((_, default), w)| default.is_none() && w.is_none())
            .map(|((name, _), _)| name.as_str())
            .collect();
        if !missing.is_empty() {
            diags.push(missing_arguments(sig, &missing, &text, call.span));
        }
    }

    Args {
        sig: sig.clone(),
        call_span: call.span,
        kind_span: call.kind.span(),
        values,
        written,
        names,
        use_spans,
        text,
    }
}

/// The signature as PyTorch documents it: `Linear(in_features, out_features, bias=True, ...)`.
pub fn signature_text(sig: &Signature) -> String {
    params_text(&Params::from(sig))
}

/// `Name(a, b=1)`: a signature as Python shows it.
pub fn params_text(sig: &Params) -> String {
    let params: Vec<String> = sig
        .params
        .iter()
        .map(|(name, default)| match default {
            Some(d) => format!("{name}={d}"),
            None => name.clone(),
        })
        .collect();
    format!("{}({})", sig.kind, params.join(", "))
}

fn too_many(sig: &Params, span: SpanRange, given: usize) -> Diagnostic {
    let n = sig.params.len();
    let headline = if n == 0 {
        format!(
            "`{}` takes no arguments, but {given} {} given",
            sig.kind,
            were(given)
        )
    } else {
        format!(
            "`{}` takes at most {n} positional argument{}, but {given} {} given",
            sig.kind,
            plural(n),
            were(given)
        )
    };
    Diagnostic::error(span, headline)
        .note(format!("the signature is {}", params_text(sig)))
        .help("remove the extra arguments")
}

fn unknown_argument(sig: &Params, name: &syn::Ident) -> Diagnostic {
    let key = name.to_string();
    let diag = Diagnostic::error(
        name.span(),
        format!("`{}` has no argument `{key}`", sig.kind),
    );
    match did_you_mean(&key, sig.names()) {
        Some(s) => diag.fix(name.span().into(), s, format!("did you mean `{s}`?")),
        None if sig.params.is_empty() => diag.help(format!("`{}` takes no arguments", sig.kind)),
        None => diag.note(format!("the signature is {}", params_text(sig))),
    }
}

fn missing_arguments(
    sig: &Params,
    missing: &[&str],
    text: &CallText,
    span: SpanRange,
) -> Diagnostic {
    let names: Vec<String> = missing.iter().map(|p| format!("`{p}`")).collect();
    let headline = if missing.len() == 1 {
        format!(
            "`{}` is missing its required argument {}",
            sig.kind, names[0]
        )
    } else {
        format!(
            "`{}` is missing its required arguments {}",
            sig.kind,
            join_and(&names)
        )
    };
    // Suggest the call with the missing parameters written by name.
    let mut example = text.clone();
    for p in missing {
        example.args.push((Some(p.to_string()), "...".to_string()));
        example.has_parens = true;
    }
    let diag =
        Diagnostic::error(span, headline).note(format!("the signature is {}", params_text(sig)));
    // A value to write: `_` for an input size (inferred, so certain), a
    // common choice for a kernel (a guess); none for the rest.
    let mut fixed = text.clone();
    let mut sure = Applicability::MachineApplicable;
    for p in missing {
        let value = match *p {
            "in_channels" | "in_features" | "num_features" => "_",
            "kernel_size" => {
                sure = Applicability::MaybeIncorrect;
                "3"
            }
            _ => return diag.help(format!("write `{}`", example.render())),
        };
        fixed.args.push((Some(p.to_string()), value.to_string()));
        fixed.has_parens = true;
    }
    diag.edits(
        vec![Edit::replace(span, fixed.render())],
        sure,
        format!("write `{}`", example.render()),
    )
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn were(n: usize) -> &'static str {
    if n == 1 { "was" } else { "were" }
}

impl Args {
    fn index(&self, name: &str) -> usize {
        self.sig.position(name).unwrap_or(usize::MAX)
    }

    /// The value given for `name`, when it was written and evaluated (an
    /// unknown value, left by an earlier error, counts as not valid).
    pub fn get(&self, name: &str) -> Option<&Spanned<Value>> {
        self.values
            .get(self.index(name))?
            .as_ref()
            .filter(|v| v.value != Value::Unknown)
    }

    /// The block parameter `name` was given as, when written as just that
    /// parameter's name (`Conv2d(in_ch, ...)` inside a block).
    pub fn block_param(&self, name: &str) -> Option<&str> {
        self.names.get(self.index(name))?.as_deref()
    }

    /// Where the block parameter `name` was written as got its value at the
    /// block's use, when it was written there.
    pub fn use_span(&self, name: &str) -> Option<SpanRange> {
        *self.use_spans.get(self.index(name))?
    }

    /// Where each written argument's value is, by parameter name.
    pub fn written_spans(&self) -> Vec<(String, SpanRange)> {
        self.sig
            .params
            .iter()
            .zip(&self.written)
            .filter_map(|((name, _), w)| w.map(|span| (name.clone(), span)))
            .collect()
    }

    /// Whether `name` was written at all (even with an invalid value).
    pub fn written(&self, name: &str) -> bool {
        self.written
            .get(self.index(name))
            .is_some_and(Option::is_some)
    }

    /// Where `name`'s value was written, or the whole call when it was not.
    pub fn span(&self, name: &str) -> SpanRange {
        self.written
            .get(self.index(name))
            .copied()
            .flatten()
            .unwrap_or(self.call_span)
    }

    /// A whole number of at least `min`; `default` when not written.
    /// Returns `None` when required and missing, or invalid (reported).
    pub fn count(
        &self,
        name: &str,
        min: usize,
        default: Option<usize>,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<usize>> {
        match self.get(name) {
            Some(v) if v.value == Value::Infer && default.is_some() => {
                let d = default.unwrap_or_default();
                diags.push(not_inferred(v, name, d.to_string()));
                None
            }
            Some(v) => to_count(v, name, min, diags),
            None if self.written(name) => None,
            None => default.map(|d| Spanned::new(d, self.call_span)),
        }
    }

    /// Like [`Args::count`], but `_` is allowed and means "infer it".
    pub fn count_or_infer(
        &self,
        name: &str,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<Option<usize>>> {
        match self.get(name) {
            Some(v) if v.value == Value::Infer => Some(v.clone().map(|_| None)),
            Some(v) => to_count(v, name, 1, diags).map(|s| s.map(Some)),
            None => None,
        }
    }

    /// A number or an `(h, w)` pair, each at least `min`.
    pub fn pair(
        &self,
        name: &str,
        min: usize,
        default: Option<(usize, usize)>,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<(usize, usize)>> {
        match self.get(name) {
            Some(v) if v.value == Value::Infer && default.is_some() => {
                let (h, w) = default.unwrap_or_default();
                let d = if h == w {
                    h.to_string()
                } else {
                    format!("({h}, {w})")
                };
                diags.push(not_inferred(v, name, d));
                None
            }
            Some(v) => to_pair(v, name, min, diags),
            None if self.written(name) => None,
            None => default.map(|d| Spanned::new(d, self.call_span)),
        }
    }

    /// A float (an integer is accepted, as in Python).
    pub fn float(&self, name: &str, default: f64, diags: &mut Diagnostics) -> Option<Spanned<f64>> {
        match self.get(name) {
            Some(v) => match &v.value {
                Value::Float(_) | Value::Int(_) if !fits_f32(&v.value) => {
                    diags.push(Diagnostic::error(
                        v.span,
                        format!(
                            "`{name}` = {} is beyond the range of f32",
                            describe_number(&v.value)
                        ),
                    ));
                    None
                }
                Value::Float(f) => Some(Spanned::new(*f, v.span)),
                Value::Int(i) => Some(Spanned::new(*i as f64, v.span)),
                other => {
                    diags.push(Diagnostic::error(
                        v.span,
                        format!("`{name}` must be a number, not {}", other.describe()),
                    ));
                    None
                }
            },
            None if self.written(name) => None,
            None => Some(Spanned::new(default, self.call_span)),
        }
    }

    pub fn boolean(
        &self,
        name: &str,
        default: bool,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<bool>> {
        match self.get(name) {
            Some(v) => match &v.value {
                Value::Bool(b) => Some(Spanned::new(*b, v.span)),
                Value::Int(i) => {
                    // Python's truth of a number, in Python's spelling.
                    let text = if *i == 0 { "False" } else { "True" };
                    diags.push(
                        Diagnostic::error(
                            v.span,
                            format!("`{name}` must be `true` or `false`, not the integer `{i}`"),
                        )
                        .fix(
                            v.span,
                            text,
                            format!("write `{name} = {text}`, as Python reads `{i}`"),
                        ),
                    );
                    None
                }
                other => {
                    diags.push(
                        Diagnostic::error(
                            v.span,
                            format!(
                                "`{name}` must be `true` or `false`, not {}",
                                other.describe()
                            ),
                        )
                        .help(format!("write `{name} = true` or `{name} = false`")),
                    );
                    None
                }
            },
            None if self.written(name) => None,
            None => Some(Spanned::new(default, self.call_span)),
        }
    }

    /// A signed integer (a dimension index such as Softmax's `dim`).
    pub fn signed(
        &self,
        name: &str,
        default: i64,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<i64>> {
        match self.get(name) {
            Some(v) => match &v.value {
                Value::Int(i) if i64::try_from(*i).is_ok() => Some(Spanned::new(*i as i64, v.span)),
                other => {
                    diags.push(Diagnostic::error(
                        v.span,
                        format!(
                            "`{name}` must be a dimension index such as `1` or `-1`, not {}",
                            other.describe()
                        ),
                    ));
                    None
                }
            },
            None if self.written(name) => None,
            None => Some(Spanned::new(default, self.call_span)),
        }
    }

    /// One of `choices` (a string).
    pub fn choice(
        &self,
        name: &str,
        choices: &[&'static str],
        default: &'static str,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<&'static str>> {
        match self.get(name) {
            Some(v) => {
                if let Value::Str(s) = &v.value
                    && let Some(c) = choices.iter().find(|c| **c == s.as_str())
                {
                    return Some(Spanned::new(*c, v.span));
                }
                let listed: Vec<String> = choices.iter().map(|c| format!("{c:?}")).collect();
                let mut d = Diagnostic::error(
                    v.span,
                    format!(
                        "`{name}` must be one of {}, not {}",
                        listed.join(", "),
                        v.value.describe()
                    ),
                );
                if let Value::Str(s) = &v.value
                    && let Some(c) = did_you_mean(s, choices.iter().copied())
                {
                    d = d.fix(v.span, format!("{c:?}"), format!("did you mean {c:?}?"));
                }
                diags.push(d);
                None
            }
            None if self.written(name) => None,
            None => Some(Spanned::new(default, self.call_span)),
        }
    }

    /// Reports `name` when it is given a value other than its harmless
    /// default: for PyTorch arguments that cannot apply here.
    pub fn reject(&self, name: &str, harmless: &Value, why: &str, diags: &mut Diagnostics) {
        if let Some(v) = self.get(name)
            && &v.value != harmless
        {
            let diag = Diagnostic::error(v.span, format!("`{name}` is not supported: {why}"));
            // The one value that works, in place of the one written.
            // Python's spelling, as the rest of the call is PyTorch's.
            let text = match harmless {
                Value::Bool(true) => Some("True".to_string()),
                Value::Bool(false) => Some("False".to_string()),
                other => other.render(),
            };
            let diag = match text {
                Some(text) => diag.fix(
                    v.span,
                    text.clone(),
                    format!("remove `{name}`, or write `{name} = {text}`"),
                ),
                None => diag.help(format!("remove `{name}`")),
            };
            diags.push(diag);
        }
    }

    /// Checks the type of an argument PyTorch uses only for training or
    /// memory (`inplace`, `momentum`), which has no effect here.
    pub fn ignore_bool(&self, name: &str, diags: &mut Diagnostics) {
        let _ = self.boolean(name, false, diags);
    }
}

/// Whether a number is finite once converted to f32, the precision the
/// runtime computes in.
fn fits_f32(v: &Value) -> bool {
    match v {
        Value::Float(f) => f.is_finite() && f.abs() <= f32::MAX as f64,
        Value::Int(i) => (*i as f64).abs() <= f32::MAX as f64,
        _ => true,
    }
}

fn describe_number(v: &Value) -> String {
    match v {
        Value::Float(f) => fmt_float(*f),
        Value::Int(i) => i.to_string(),
        other => other.describe(),
    }
}

/// Reads a whole number of at least `min` (and at most [`MAX_SIZE`]).
pub fn to_count(
    v: &Spanned<Value>,
    name: &str,
    min: usize,
    diags: &mut Diagnostics,
) -> Option<Spanned<usize>> {
    match &v.value {
        Value::Unknown => None,
        Value::Int(i) if *i < min as i128 => {
            let msg = if *i < 0 {
                format!("`{name}` cannot be negative, but is {i}")
            } else {
                format!("`{name}` must be at least {min}, but is {i}")
            };
            diags.push(Diagnostic::error(v.span, msg).fix(
                v.span,
                min.to_string(),
                format!("write a number of at least {min}, such as `{min}`"),
            ));
            None
        }
        Value::Int(i) if *i > MAX_SIZE as i128 => {
            diags.push(
                Diagnostic::error(
                    v.span,
                    format!("`{name}` = {i} is too large: sizes are at most {MAX_SIZE}"),
                )
                .help("no layer this large fits in memory; check the number"),
            );
            None
        }
        Value::Int(i) => Some(Spanned::new(*i as usize, v.span)),
        Value::Float(f) if f.fract() == 0.0 && *f >= min as f64 && *f <= MAX_SIZE as f64 => {
            diags.push(
                Diagnostic::error(
                    v.span,
                    format!(
                        "`{name}` must be a whole number, not the float `{}`",
                        fmt_float(*f)
                    ),
                )
                .fix(
                    v.span,
                    format!("{}", *f as i64),
                    format!("write `{}`", *f as i64),
                ),
            );
            None
        }
        Value::Infer => {
            diags.push(
                Diagnostic::error(v.span, format!("`{name}` cannot be inferred"))
                    .help("`_` is allowed only for a layer's input size: `in_channels`, `in_features` or `num_features`"),
            );
            None
        }
        other => {
            diags.push(Diagnostic::error(
                v.span,
                format!("`{name}` must be a whole number, not {}", other.describe()),
            ));
            None
        }
    }
}

/// `_` written for a parameter that is not an input size; the fix writes
/// its default.
fn not_inferred(v: &Spanned<Value>, name: &str, default: String) -> Diagnostic {
    Diagnostic::error(v.span, format!("`{name}` cannot be inferred"))
        .note("`_` is allowed only for a layer's input size: `in_channels`, `in_features` or `num_features`")
        .guess(
            v.span,
            default.clone(),
            format!("write a number, e.g. the default, `{name} = {default}`"),
        )
}

/// `(h, w)` from the last two of several values; `(3, 3)` from fewer.
fn last_two(items: &[Spanned<Value>]) -> String {
    let text = |v: &Spanned<Value>| v.value.render().unwrap_or_else(|| "3".to_string());
    match items {
        [.., h, w] => format!("({}, {})", text(h), text(w)),
        [one] => text(one),
        [] => "3".to_string(),
    }
}

/// Reads a number (used for both axes) or an `(h, w)` pair.
pub fn to_pair(
    v: &Spanned<Value>,
    name: &str,
    min: usize,
    diags: &mut Diagnostics,
) -> Option<Spanned<(usize, usize)>> {
    match &v.value {
        Value::Tuple(items) if items.len() == 2 => {
            let h = to_count(&items[0], name, min, diags);
            let w = to_count(&items[1], name, min, diags);
            Some(Spanned::new((h?.value, w?.value), v.span))
        }
        Value::Tuple(items) => {
            diags.push(
                Diagnostic::error(
                    v.span,
                    format!(
                        "`{name}` takes one number or a pair `(h, w)`, not {} values",
                        items.len()
                    ),
                )
                .guess(
                    v.span,
                    last_two(items),
                    "write one number for both axes, e.g. `3`, or a pair, e.g. `(3, 5)`; for a 3-d kernel `(d, h, w)`, the image's axes are the last two",
                ),
            );
            None
        }
        Value::Int(_) | Value::Float(_) | Value::Infer => {
            to_count(v, name, min, diags).map(|s| s.map(|n| (n, n)))
        }
        other => {
            diags.push(Diagnostic::error(
                v.span,
                format!(
                    "`{name}` must be a number or a pair like `(3, 5)`, not {}",
                    other.describe()
                ),
            ));
            None
        }
    }
}
