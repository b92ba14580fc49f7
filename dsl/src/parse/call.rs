//! Layer calls, PyTorch style: `nn.Conv2d(3, 16, kernel_size = 5)`.

use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, Token};

use super::{parse_expr, push_syn_error, split_commas};
use crate::ast::{Arg, Call, Expr};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::SpanRange;

pub fn parse_call(input: ParseStream, diags: &mut Diagnostics) -> syn::Result<Call> {
    let start = input.span();
    // Accept PyTorch's `nn.Conv2d(...)` so models copy across verbatim.
    if input.peek(Ident) && input.peek2(Token![.]) {
        let fork = input.fork();
        let prefix: Ident = fork.parse()?;
        if prefix == "nn" {
            input.parse::<Ident>()?;
            input.parse::<Token![.]>()?;
        }
    }
    let kind: Ident = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected a layer, such as `Conv2d(3, 16, 3)` or `ReLU`",
        )
    })?;
    let mut args = Vec::new();
    let mut parens = None;
    let mut damaged = false;
    let mut end = kind.span();
    if input.peek(syn::token::Paren) {
        let content;
        let paren = syn::parenthesized!(content in input);
        parens = Some(paren.span.join());
        end = paren.span.close();
        let inner: TokenStream = content.parse()?;
        for (tokens, comma) in split_commas(inner) {
            if tokens.is_empty() {
                if let Some(comma) = comma {
                    diags.push(Diagnostic::error(
                        comma,
                        "unexpected `,`: there is no argument before it",
                    ));
                }
                continue;
            }
            match parse_arg.parse2(tokens) {
                Ok(arg) => args.push(arg),
                Err(e) => {
                    damaged = true;
                    push_syn_error(diags, e);
                }
            }
        }
    }
    Ok(Call {
        kind,
        args,
        parens,
        damaged,
        synthetic: false,
        span: SpanRange::new(start, end),
    })
}

fn parse_arg(input: ParseStream) -> syn::Result<Arg> {
    let start = input.span();
    let mut name = None;
    if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
        name = Some(input.parse::<Ident>()?);
        input.parse::<Token![=]>()?;
    }
    let value: Expr = parse_expr(input)?;
    if !input.is_empty() {
        return Err(input.error("expected `,` between arguments"));
    }
    let span = SpanRange::new(start, value.span.end);
    Ok(Arg { name, value, span })
}
