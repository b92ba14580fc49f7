//! The forward pass: the checked program as straight-line Rust, every
//! shape a literal.

use cnn_dsl::model::{CheckedLayer, Op};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use super::layer::{Call, batch_type, layer};

/// A value in the generated code: the `&Batch` argument, or an owned batch.
#[derive(Clone)]
struct Value {
    name: Ident,
    owned: bool,
}

impl Value {
    /// An expression borrowing the value.
    fn by_ref(&self) -> TokenStream {
        let name = &self.name;
        if self.owned {
            quote!(&#name)
        } else {
            quote!(#name)
        }
    }

    /// An expression giving the value away: moved when this is its last use,
    /// else cloned.
    fn by_value(&self, last_use: bool) -> TokenStream {
        let name = &self.name;
        if self.owned && last_use {
            quote!(#name)
        } else {
            let r = self.by_ref();
            quote!(::core::clone::Clone::clone(#r))
        }
    }
}

/// Writes the statements of a program.
pub struct Writer<'a> {
    layers: &'a [CheckedLayer],
    counter: usize,
    pub stmts: TokenStream,
}

impl<'a> Writer<'a> {
    pub fn new(layers: &'a [CheckedLayer]) -> Self {
        Writer {
            layers,
            counter: 0,
            stmts: TokenStream::new(),
        }
    }

    fn fresh(&mut self) -> Ident {
        self.counter += 1;
        Ident::new(&format!("t{}", self.counter), Span::call_site())
    }

    /// Runs `ops` on `input`; `shared` means the input is used again after
    /// them, so it may not be consumed.
    fn ops(&mut self, ops: &[Op], input: Value, shared: bool) -> Result<Value, String> {
        let mut current = input;
        let mut current_shared = shared;
        for op in ops {
            current = self.op(op, current, current_shared)?;
            current_shared = false;
        }
        Ok(current)
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
                        let arg = input.by_ref();
                        quote!(let #out = self.#field.#method(#arg);)
                    }
                    Call::ByValue(method) => {
                        let arg = input.by_value(!shared);
                        quote!(let #out = self.#field.#method(#arg);)
                    }
                };
                self.stmts.extend(stmt);
            }
            Op::Residual { main, shortcut, .. } => {
                let main_value = if main.is_empty() {
                    let v = input.by_value(false);
                    let main_name = self.fresh();
                    self.stmts.extend(quote!(let #main_name = #v;));
                    Value {
                        name: main_name,
                        owned: true,
                    }
                } else {
                    self.ops(main, input.clone(), true)?
                };
                let short_value = self.ops(shortcut, input.clone(), shared)?;
                let (sum, with) = (main_value.by_value(true), short_value.by_ref());
                self.stmts
                    .extend(quote!(let #out = ::cnn::add(#sum, #with);));
            }
            Op::Concat {
                branches, output, ..
            } => {
                let dims = output
                    .concrete()
                    .ok_or("a concat with an unknown output shape")?;
                let ty = batch_type(&dims)?;
                let mut parts = Vec::new();
                for (ops, shape) in branches {
                    let value = self.ops(ops, input.clone(), true)?;
                    let channels = shape
                        .concrete()
                        .and_then(|d| d.first().copied())
                        .ok_or("a branch of unknown shape")?;
                    parts.push((value, channels));
                }
                let batch = input.by_ref();
                self.stmts.extend(
                    quote!(let mut #out = <#ty>::zeros(::cnn::AnyBatch::batch_size(#batch));),
                );
                let mut start = 0usize;
                for (value, channels) in parts {
                    let src = value.by_ref();
                    let (at, count) = (
                        Literal::usize_unsuffixed(start),
                        Literal::usize_unsuffixed(channels),
                    );
                    self.stmts
                        .extend(quote!(#out.write_channels::<#at, #count>(#src);));
                    start += channels;
                }
            }
        }
        Ok(Value {
            name: out,
            owned: true,
        })
    }
}

/// The body of `forward(&self, x: &Batch<...>)`.
pub fn body(layers: &[CheckedLayer], program: &[Op]) -> Result<TokenStream, String> {
    let mut writer = Writer::new(layers);
    let input = Value {
        name: Ident::new("x", Span::call_site()),
        owned: false,
    };
    let result = writer.ops(program, input, false)?;
    let stmts = writer.stmts;
    let result = result.by_value(true);
    Ok(quote!(#stmts #result))
}
