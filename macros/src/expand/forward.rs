//! The forward pass: the checked program as straight-line Rust, every
//! shape a literal.

use std::collections::HashMap;

use cnn_dsl::model::{CheckedLayer, Op};
use cnn_dsl::shape::Shape;
use cnn_dsl::spec::{Activation, LayerSpec};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use super::layer::{Call, batch_type, layer};

/// A value in the generated code: the `&Batch` argument, or an owned batch.
#[derive(Clone)]
struct Value {
    name: Ident,
    owned: bool,
}

/// How a statement uses an owned value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Borrow,
    Move,
}

/// One generated statement and the owned values it uses.
struct Stmt {
    code: TokenStream,
    uses: Vec<(Ident, Use)>,
}

/// Writes the statements of a program.
/// A concatenation's branch, as the output is assembled: a value to copy
/// into its channels, or the convolution that ends it, to run into them
/// (`tail`, from `prefix`, the value it reads; `reads_input` where that is
/// the concatenation's input itself).
enum Part<'o> {
    Value(Value),
    Into {
        prefix: Value,
        tail: &'o [Op],
        reads_input: bool,
    },
}

/// What a fused convolution does after its activation, in the same pass.
enum After<'o> {
    Nothing,
    /// Adds this value before the activation (ResNet's shortcut).
    Residual(&'o Value),
    /// Max-pools with this MaxPool2d.
    MaxPool(&'o Op),
    /// Writes into channels from this one on of this concatenation.
    Into(&'o Ident, usize),
}

pub struct Writer<'a> {
    layers: &'a [CheckedLayer],
    counter: usize,
    stmts: Vec<Stmt>,
    /// Uses of values in the statement being written.
    pending: Vec<(Ident, Use)>,
}

impl<'a> Writer<'a> {
    pub fn new(layers: &'a [CheckedLayer]) -> Self {
        Writer {
            layers,
            counter: 0,
            stmts: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// An expression borrowing `value`.
    fn borrow(&mut self, value: &Value) -> TokenStream {
        let name = &value.name;
        if value.owned {
            self.pending.push((name.clone(), Use::Borrow));
            quote!(&#name)
        } else {
            quote!(#name)
        }
    }

    /// An expression giving `value` away: moved when this is its last use,
    /// else cloned.
    fn pass(&mut self, value: &Value, last_use: bool) -> TokenStream {
        if value.owned && last_use {
            let name = &value.name;
            self.pending.push((name.clone(), Use::Move));
            quote!(#name)
        } else {
            let r = self.borrow(value);
            quote!(::core::clone::Clone::clone(#r))
        }
    }

    /// Appends a statement using the values borrowed and passed since the
    /// last one.
    fn emit(&mut self, code: TokenStream) {
        let uses = std::mem::take(&mut self.pending);
        self.stmts.push(Stmt { code, uses });
    }

    /// The statements, each owned value dropped right after its last use
    /// where that use only borrowed it: its buffer goes back to the pool
    /// for the next layers, still in cache, rather than at the end of the
    /// pass (which would give every intermediate result a buffer of its
    /// own, all of them cold by the next pass).
    fn finish(mut self, tail: TokenStream) -> TokenStream {
        self.emit(tail);
        // Each value's last use: the statement, and whether it moved it;
        // and the values in the order they are first used, so that the
        // same program makes the same code at every build.
        let mut last: HashMap<Ident, (usize, Use)> = HashMap::new();
        let mut order = Vec::new();
        for (i, stmt) in self.stmts.iter().enumerate() {
            for (name, how) in &stmt.uses {
                let entry = last.entry(name.clone()).or_insert_with(|| {
                    order.push(name.clone());
                    (i, *how)
                });
                // A statement that both borrows and moves a value moves it.
                if *entry != (i, Use::Move) {
                    *entry = (i, *how);
                }
            }
        }
        let mut drops = vec![Vec::new(); self.stmts.len()];
        for name in order {
            if let Some(&(at, Use::Borrow)) = last.get(&name) {
                drops[at].push(name);
            }
        }
        // Nothing follows the last statement, the pass's result.
        if let Some(last) = drops.last_mut() {
            last.clear();
        }
        let mut out = TokenStream::new();
        for (stmt, names) in self.stmts.into_iter().zip(drops) {
            out.extend(stmt.code);
            for name in names {
                out.extend(quote!(::core::mem::drop(#name);));
            }
        }
        out
    }

    fn fresh(&mut self) -> Ident {
        self.counter += 1;
        Ident::new(&format!("t{}", self.counter), Span::call_site())
    }

    /// Runs `ops` on `input`; `shared` means the input is used again after
    /// them, so it may not be consumed. Runs of Conv2d -> BatchNorm2d ->
    /// activation, and a residual add with the activation after it, become
    /// one fused convolution, and such a run with a MaxPool2d after it one
    /// pooled convolution; Linear -> activation one fused product, and a
    /// BatchNorm2d no convolution takes -> activation one pass.
    fn ops(&mut self, ops: &[Op], input: Value, shared: bool) -> Result<Value, String> {
        let mut current = input;
        let mut current_shared = shared;
        let mut i = 0;
        while i < ops.len() {
            let (value, used) = self.fused(&ops[i..], &current, current_shared)?;
            current = value;
            current_shared = false;
            i += used;
        }
        Ok(current)
    }

    fn spec(&self, op: &Op) -> Option<&LayerSpec> {
        match op {
            Op::Layer { layer, .. } => self.layers.get(*layer)?.spec.as_ref(),
            _ => None,
        }
    }

    /// The activation an op is, if it is one an epilogue applies.
    fn fusible(&self, op: Option<&Op>) -> Option<&Activation> {
        match self.spec(op?)? {
            LayerSpec::Activation(a) if a.fuses_into_epilogue() => Some(a),
            _ => None,
        }
    }

    /// Whether `ops` leave their input as it is at inference (none, or only
    /// `Identity`, dropouts and stochastic depth), so that a branch of
    /// them is its input.
    fn passes_through(&self, ops: &[Op]) -> bool {
        ops.iter().all(|op| {
            matches!(
                self.spec(op),
                Some(
                    LayerSpec::Identity
                        | LayerSpec::Dropout { .. }
                        | LayerSpec::StochasticDepth { .. }
                )
            )
        })
    }

    /// The epilogue activation an op amounts to, if any.
    fn activation(&self, op: Option<&Op>) -> Option<TokenStream> {
        Some(match self.fusible(op)? {
            Activation::ReLU => quote!(::cnn::Act::ReLU),
            Activation::ReLU6 => quote!(::cnn::Act::ReLU6),
            Activation::LeakyReLU { negative_slope } => {
                let s = Literal::f32_unsuffixed(*negative_slope as f32);
                quote!(::cnn::Act::LeakyReLU(#s))
            }
            Activation::Hardswish => quote!(::cnn::Act::Hardswish),
            Activation::Hardsigmoid => quote!(::cnn::Act::Hardsigmoid),
            Activation::SiLU
            | Activation::Sigmoid
            | Activation::ELU { .. }
            | Activation::GELU { .. }
            | Activation::Tanh => return None,
        })
    }

    /// How many of `ops` a fused convolution starting at `ops[0]` takes:
    /// the conv, a BatchNorm2d after it, an activation after those.
    fn conv_run(&self, ops: &[Op]) -> Option<(usize, Option<usize>, Option<TokenStream>)> {
        if !matches!(self.spec(ops.first()?)?, LayerSpec::Conv2d(_)) {
            return None;
        }
        let bn = match ops.get(1).and_then(|op| self.spec(op)) {
            Some(LayerSpec::BatchNorm2d(_)) => Some(1),
            _ => None,
        };
        let next = 1 + usize::from(bn.is_some());
        let act = self.activation(ops.get(next));
        let used = next + usize::from(act.is_some());
        Some((used, bn, act))
    }

    /// A fused convolution: `ops[0]` is the conv, `ops[bn]` its BatchNorm,
    /// and `then` what runs in the same pass after them; its result (for
    /// `After::Into`, the concatenation it writes into).
    fn emit_conv(
        &mut self,
        ops: &[Op],
        bn: Option<usize>,
        act: Option<TokenStream>,
        input: &Value,
        then: After,
    ) -> Result<Value, String> {
        let Op::Layer {
            layer,
            input: in_shape,
            output,
        } = &ops[0]
        else {
            return Err("a fused convolution that is not a layer".into());
        };
        let field = self.field(*layer)?.clone();
        let (h, w) = image_hw(in_shape)?;
        let (oh, ow) = image_hw(output)?;
        let bn = self.bn_arg(ops, bn)?;
        let act = act.unwrap_or_else(|| quote!(::cnn::Act::None));
        let arg = self.borrow(input);
        let call = match then {
            After::Nothing => quote! {
                #field.forward_fused::<#h, #w, #oh, #ow>(#arg, #bn, #act, ::core::option::Option::None)
            },
            After::Residual(r) => {
                let r = self.borrow(r);
                quote! {
                    #field.forward_fused::<#h, #w, #oh, #ow>(#arg, #bn, #act, ::core::option::Option::Some(#r))
                }
            }
            After::MaxPool(Op::Layer {
                layer,
                output: pooled,
                ..
            }) => {
                let pool = self.field(*layer)?;
                let (poh, pow) = image_hw(pooled)?;
                quote! {
                    #field.forward_pooled::<#h, #w, #oh, #ow, #poh, #pow, _, _, _, _, _, _, _, _, _>(
                        #arg, #bn, #act, &self.#pool,
                    )
                }
            }
            After::MaxPool(_) => return Err("a pooling that is not a layer".into()),
            After::Into(out, at) => {
                let at = Literal::usize_unsuffixed(at);
                self.emit(quote! {
                    self.#field.forward_fused_into::<#h, #w, #oh, #ow, #at, _>(#arg, #bn, #act, &mut #out);
                });
                return Ok(Value {
                    name: out.clone(),
                    owned: true,
                });
            }
        };
        let out = self.fresh();
        self.emit(quote!(let #out = self.#call;));
        Ok(Value {
            name: out,
            owned: true,
        })
    }

    /// `torch.cat` of `branches` on `input` into a new value `out`: each
    /// branch's value, or, for one that ends in a convolution, the value
    /// that convolution reads (it then writes into its channels of the
    /// output itself); a first branch that is the input itself, where
    /// nothing reads the input afterwards, is the output's first channels
    /// where it lies.
    #[allow(clippy::too_many_arguments)]
    fn concat(
        &mut self,
        op: &Op,
        split: bool,
        branches: &[(Vec<Op>, Shape)],
        output: &Shape,
        input: &Value,
        shared: bool,
        out: &Ident,
    ) -> Result<(), String> {
        let dims = output
            .concrete()
            .ok_or("a concat with an unknown output shape")?;
        let ty = batch_type(&dims)?;
        let mut parts = Vec::new();
        let in_channels = match op.input().concrete().and_then(|d| d.first().copied()) {
            Some(c) => c,
            None if !split => 0,
            None => return Err("a split of unknown shape".into()),
        };
        // Each branch's value, or, for one that ends in a
        // convolution, the value that convolution reads: it writes
        // into its channels of the output itself, once that exists.
        for (i, (ops, shape)) in branches.iter().enumerate() {
            let part = if split {
                // Branch `i` reads part `i` of the channels.
                let each = in_channels / branches.len().max(1);
                let (at, count) = (
                    Literal::usize_unsuffixed(i * each),
                    Literal::usize_unsuffixed(each),
                );
                let part = self.fresh();
                let x = self.borrow(input);
                self.emit(quote!(let #part = #x.read_channels::<#at, #count>();));
                let part = Value {
                    name: part,
                    owned: true,
                };
                Part::Value(self.ops(ops, part, false)?)
            } else if self.passes_through(ops) {
                // The input itself: nothing to run or copy.
                Part::Value(input.clone())
            } else if let Some(at) = self.conv_tail(ops) {
                let (tail, reads_input) = (&ops[at..], at == 0);
                let prefix = if reads_input {
                    input.clone()
                } else {
                    self.ops(&ops[..at], input.clone(), true)?
                };
                Part::Into {
                    prefix,
                    tail,
                    reads_input,
                }
            } else {
                Part::Value(self.ops(ops, input.clone(), true)?)
            };
            let channels = shape
                .concrete()
                .and_then(|d| d.first().copied())
                .ok_or("a branch of unknown shape")?;
            parts.push((part, channels));
        }
        // A first branch that is the input itself, where the input
        // is not used again (by the pass or another branch), becomes
        // the output's first channels where it lies (DenseNet's
        // concatenations); every other channel is written below.
        let extends = !split
            && branches
                .first()
                .is_some_and(|(ops, _)| self.passes_through(ops))
            && !branches
                .iter()
                .skip(1)
                .any(|(ops, _)| self.passes_through(ops))
            && !parts.iter().any(|(p, _)| {
                matches!(
                    p,
                    Part::Into {
                        reads_input: true,
                        ..
                    }
                )
            })
            && input.owned
            && !shared;
        let mut parts = parts.into_iter();
        let mut start = 0usize;
        if extends {
            // (The first branch passes its input through: a value.)
            let Some((Part::Value(first), channels)) = parts.next() else {
                return Err("a concat's first branch that is not its input".into());
            };
            let x = self.pass(&first, true);
            self.emit(quote!(let mut #out = <#ty>::extend_channels(#x);));
            start = channels;
        } else {
            let batch = self.borrow(input);
            self.emit(
                quote!(let mut #out = <#ty>::for_overwrite(::cnn::AnyBatch::batch_size(#batch));),
            );
        }
        for (part, channels) in parts {
            match part {
                Part::Value(value) => {
                    let src = self.borrow(&value);
                    let (at, count) = (
                        Literal::usize_unsuffixed(start),
                        Literal::usize_unsuffixed(channels),
                    );
                    self.emit(quote!(#out.write_channels::<#at, #count>(#src);));
                }
                Part::Into { prefix, tail, .. } => {
                    let (_, bn, act) = self
                        .conv_run(tail)
                        .ok_or("a branch's end that is not a convolution")?;
                    self.emit_conv(tail, bn, act, &prefix, After::Into(out, start))?;
                }
            }
            start += channels;
        }
        Ok(())
    }

    /// Where the convolution that ends `ops` starts, where they end in one
    /// that runs on its own (a Conv2d, its BatchNorm2d, an epilogue
    /// activation; no pooling or other pass after it).
    fn conv_tail(&self, ops: &[Op]) -> Option<usize> {
        let at = ops
            .iter()
            .rposition(|op| matches!(self.spec(op), Some(LayerSpec::Conv2d(_))))?;
        let (used, ..) = self.conv_run(&ops[at..])?;
        (at + used == ops.len()).then_some(at)
    }

    /// The model's field holding layer `layer`.
    fn field(&self, layer: usize) -> Result<&Ident, String> {
        Ok(&self
            .layers
            .get(layer)
            .ok_or("a call to a missing layer")?
            .field)
    }

    /// `Some(&self.bn)` for the BatchNorm `ops[bn]`, or `None`.
    fn bn_arg(&self, ops: &[Op], bn: Option<usize>) -> Result<TokenStream, String> {
        Ok(match bn.map(|b| &ops[b]) {
            Some(Op::Layer { layer, .. }) => {
                let f = self.field(*layer)?;
                quote!(::core::option::Option::Some(&self.#f))
            }
            _ => quote!(::core::option::Option::None),
        })
    }

    /// Writes `ops[0]` (and what fuses with it); returns the result and how
    /// many ops it took.
    fn fused(&mut self, ops: &[Op], input: &Value, shared: bool) -> Result<(Value, usize), String> {
        if let Some((used, bn, act)) = self.conv_run(ops) {
            if matches!(
                ops.get(used).and_then(|op| self.spec(op)),
                Some(LayerSpec::MaxPool2d(_))
            ) {
                // An activation right after the pooling, where the conv has
                // none, runs in the conv's epilogue instead where it
                // commutes with the maximum (is non-decreasing).
                let after = ops.get(used + 1);
                let movable = self
                    .fusible(after)
                    .is_some_and(Activation::commutes_with_max);
                let (act, moved) = match act {
                    Some(act) => (Some(act), 0),
                    None if movable => (self.activation(after), 1),
                    None => (None, 0),
                };
                let out = self.emit_conv(ops, bn, act, input, After::MaxPool(&ops[used]))?;
                return Ok((out, used + 1 + moved));
            }
            return Ok((self.emit_conv(ops, bn, act, input, After::Nothing)?, used));
        }
        if let Some(Op::Residual { main, shortcut, .. }) = ops.first() {
            // main = ... -> Conv2d [-> BatchNorm2d]: the add and the
            // activation after it run in that convolution's epilogue.
            let tail = main
                .iter()
                .enumerate()
                .rev()
                .take(2)
                .find(|(_, op)| matches!(self.spec(op), Some(LayerSpec::Conv2d(_))))
                .map(|(at, _)| at);
            if let Some(at) = tail {
                let rest = &main[at..];
                let bn = match rest.get(1).map(|op| self.spec(op)) {
                    None => Some(None),
                    Some(Some(LayerSpec::BatchNorm2d(_))) => Some(Some(1)),
                    Some(_) => None,
                };
                if let Some(bn) = bn {
                    let act = self.activation(ops.get(1));
                    let used = 1 + usize::from(act.is_some());
                    let short = self.ops(shortcut, input.clone(), true)?;
                    let prefix = self.ops(&main[..at], input.clone(), true)?;
                    let out = self.emit_conv(rest, bn, act, &prefix, After::Residual(&short))?;
                    return Ok((out, used));
                }
            }
        }
        if let Some(Op::Layer {
            layer,
            input: in_shape,
            ..
        }) = ops.first()
            && matches!(self.spec(&ops[0]), Some(LayerSpec::Linear(_)))
            && in_shape.rank() == Some(1)
            && let Some(act) = self.activation(ops.get(1))
        {
            let field = self.field(*layer)?.clone();
            let out = self.fresh();
            let arg = self.borrow(input);
            self.emit(quote!(let #out = self.#field.forward_fused(#arg, #act);));
            return Ok((
                Value {
                    name: out,
                    owned: true,
                },
                2,
            ));
        }
        if let Some(Op::Layer { layer, .. }) = ops.first()
            && matches!(self.spec(&ops[0]), Some(LayerSpec::BatchNorm2d(_)))
            && let Some(act) = self.activation(ops.get(1))
        {
            // A BatchNorm2d no convolution takes, and its activation: one
            // pass, in place where the input is not used again.
            let field = self.field(*layer)?.clone();
            let out = self.fresh();
            let stmt = if input.owned && !shared {
                let arg = self.pass(input, true);
                quote!(let #out = self.#field.forward_fused(#arg, #act);)
            } else {
                let arg = self.borrow(input);
                quote!(let #out = self.#field.forward_fused_from(#arg, #act);)
            };
            self.emit(stmt);
            return Ok((
                Value {
                    name: out,
                    owned: true,
                },
                2,
            ));
        }
        Ok((self.op(&ops[0], input.clone(), shared)?, 1))
    }

    fn op(&mut self, op: &Op, input: Value, shared: bool) -> Result<Value, String> {
        let out = self.fresh();
        match op {
            Op::Layer {
                layer: index,
                input: in_shape,
                output,
            } => {
                let l = self.layers.get(*index).ok_or("a call to a missing layer")?;
                let code =
                    layer(l, in_shape, output).map_err(|e| format!("layer `{}`: {e}", l.name))?;
                let field = &l.field;
                let stmt = match &code.call {
                    Call::ByRef(method) => {
                        let arg = self.borrow(&input);
                        quote!(let #out = self.#field.#method(#arg);)
                    }
                    Call::ByValue(method) => {
                        let arg = self.pass(&input, !shared);
                        quote!(let #out = self.#field.#method(#arg);)
                    }
                    Call::InPlaceOrFrom(in_place, from) => {
                        if input.owned && !shared {
                            let arg = self.pass(&input, true);
                            quote!(let #out = self.#field.#in_place(#arg);)
                        } else {
                            let arg = self.borrow(&input);
                            quote!(let #out = self.#field.#from(#arg);)
                        }
                    }
                };
                self.emit(stmt);
            }
            Op::Residual { main, shortcut, .. } => {
                let main_value = if main.is_empty() {
                    let v = self.pass(&input, false);
                    let main_name = self.fresh();
                    self.emit(quote!(let #main_name = #v;));
                    Value {
                        name: main_name,
                        owned: true,
                    }
                } else {
                    self.ops(main, input.clone(), true)?
                };
                let short_value = self.ops(shortcut, input.clone(), shared)?;
                let (sum, with) = (self.pass(&main_value, true), self.borrow(&short_value));
                self.emit(quote!(let #out = ::cnn::add(#sum, #with);));
            }
            Op::Gate { branch, .. } => {
                let g = self.ops(branch, input.clone(), true)?;
                let (x, g) = (self.pass(&input, !shared), self.borrow(&g));
                self.emit(quote!(let #out = ::cnn::gate(#x, #g);));
            }
            Op::Concat {
                split,
                branches,
                output,
                ..
            } => self.concat(op, *split, branches, output, &input, shared, &out)?,
        }
        Ok(Value {
            name: out,
            owned: true,
        })
    }
}

/// `(H, W)` of an image shape, as literals.
fn image_hw(shape: &cnn_dsl::shape::Shape) -> Result<(Literal, Literal), String> {
    match shape.concrete().as_deref() {
        Some(&[_, h, w]) => Ok((Literal::usize_unsuffixed(h), Literal::usize_unsuffixed(w))),
        _ => Err("a convolution without an image shape".into()),
    }
}

/// The body of `forward(&self, x: &Batch<...>)`.
pub fn body(layers: &[CheckedLayer], program: &[Op]) -> Result<TokenStream, String> {
    body_of(layers, program, Ident::new("x", Span::call_site()), false)
}

/// The statements that run `program` on the owned batch `input` (which
/// its first layer may consume), ending in the result.
pub fn body_owning(
    layers: &[CheckedLayer],
    program: &[Op],
    input: Ident,
) -> Result<TokenStream, String> {
    body_of(layers, program, input, true)
}

fn body_of(
    layers: &[CheckedLayer],
    program: &[Op],
    name: Ident,
    owned: bool,
) -> Result<TokenStream, String> {
    let mut writer = Writer::new(layers);
    let input = Value { name, owned };
    let result = writer.ops(program, input, false)?;
    let result = writer.pass(&result, true);
    Ok(writer.finish(result))
}
