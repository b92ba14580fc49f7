//! Stage 1: tokens -> syntax tree ([`crate::ast`]).
//!
//! Each model and each layer entry is parsed on its own, so one syntax error
//! costs only its own entry: the rest of the model is still parsed and
//! checked, and every error is reported in one build.

mod expr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, Token, Visibility};

use crate::ast::{Arg, Call, Expr, File, LayerEntry, ModelDecl, Node};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::SpanRange;

pub use expr::parse_expr;

/// Parses the body of a `cnn! { ... }` invocation. Syntax errors go to
/// `diags`; what could be parsed is returned.
pub fn parse_file(tokens: TokenStream, diags: &mut Diagnostics) -> File {
    let mut models = Vec::new();
    for chunk in split_items(tokens) {
        let parsed = (|input: ParseStream| parse_model(input, diags)).parse2(chunk);
        match parsed {
            Ok(model) => models.push(model),
            Err(e) => push_syn_error(diags, e),
        }
    }
    File { models }
}

/// The message of an error whose diagnostic is already in the list.
const REPORTED: &str = "\u{0}reported";

/// Pushes `diag` and returns an error that aborts the parse without being
/// reported again.
fn reported(diags: &mut Diagnostics, diag: Diagnostic) -> syn::Error {
    let span = diag.span.start;
    diags.push(diag);
    syn::Error::new(span, REPORTED)
}

fn push_syn_error(diags: &mut Diagnostics, e: syn::Error) {
    for e in e {
        let message = e.to_string();
        if message != REPORTED {
            diags.push(Diagnostic::error(e.span(), message));
        }
    }
}

/// Splits the invocation into items: each ends with its `{ ... }` body.
fn split_items(tokens: TokenStream) -> Vec<TokenStream> {
    let mut items = Vec::new();
    let mut current = Vec::new();
    for tt in tokens {
        let ends_item = matches!(&tt, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
        current.push(tt);
        if ends_item {
            items.push(current.drain(..).collect());
        }
    }
    if !current.is_empty() {
        items.push(current.into_iter().collect());
    }
    items
}

/// Splits a token stream at its top-level commas. Each piece comes with the
/// span of the comma that ends it (or `None` for the last piece).
fn split_commas(tokens: TokenStream) -> Vec<(TokenStream, Option<proc_macro2::Span>)> {
    let mut pieces = Vec::new();
    let mut current = Vec::new();
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                pieces.push((current.drain(..).collect(), Some(p.span())));
            }
            _ => current.push(tt),
        }
    }
    if !current.is_empty() {
        pieces.push((current.into_iter().collect(), None));
    }
    pieces
}

fn parse_model(input: ParseStream, diags: &mut Diagnostics) -> syn::Result<ModelDecl> {
    let attrs = input.call(Attribute::parse_outer)?;
    let vis: Visibility = input.parse()?;
    if !input.peek(Token![struct]) {
        return Err(input.error(
            "expected a model: `struct Name<C, H, W> { layers }`, e.g. `pub struct MyCnn<3, 32, 32> { ... }`",
        ));
    }
    input.parse::<Token![struct]>()?;
    let name: Ident = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the model's name after `struct`, e.g. `struct MyCnn<3, 32, 32>`",
        )
    })?;
    if !input.peek(Token![<]) {
        return Err(reported(
            diags,
            Diagnostic::error(name.span(), format!("`{name}` needs its input size in angle brackets")).help(format!(
                "write `{name}<C, H, W>` for images, e.g. `{name}<3, 32, 32>`, or `{name}<N>` for N flat features"
            )),
        ));
    }
    let lt: Token![<] = input.parse()?;
    let mut input_dims = Vec::new();
    while !input.peek(Token![>]) {
        if input.is_empty() {
            return Err(syn::Error::new(
                lt.span,
                "the input size has no closing `>`",
            ));
        }
        input_dims.push(parse_expr(input)?);
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        } else if !input.peek(Token![>]) {
            return Err(input.error("expected `,` or `>` in the input size, as in `<3, 32, 32>`"));
        }
    }
    let gt: Token![>] = input.parse()?;
    let input_span = SpanRange::new(lt.span, gt.span);
    if !input.peek(syn::token::Brace) {
        return Err(input.error(format!(
            "expected the layers of `{name}` in braces: `{{ conv1: Conv2d(3, 16, 3), ... }}`"
        )));
    }
    let content;
    syn::braced!(content in input);
    let body: TokenStream = content.parse()?;
    let layers = parse_layers(body, diags);
    if !input.is_empty() {
        return Err(input.error("unexpected tokens after the model's layers"));
    }
    Ok(ModelDecl {
        attrs,
        vis,
        name,
        input: input_dims,
        input_span,
        layers,
    })
}

fn parse_layers(body: TokenStream, diags: &mut Diagnostics) -> Vec<LayerEntry> {
    let mut layers = Vec::new();
    for (tokens, comma) in split_commas(body) {
        if tokens.is_empty() {
            if let Some(comma) = comma {
                diags.push(Diagnostic::error(
                    comma,
                    "unexpected `,`: there is no layer before it",
                ));
            }
            continue;
        }
        let span = token_range(&tokens);
        let parsed = (|input: ParseStream| parse_entry(input, diags)).parse2(tokens);
        match parsed {
            Ok(entry) => layers.push(entry),
            Err(e) => {
                push_syn_error(diags, e);
                layers.push(LayerEntry {
                    attrs: Vec::new(),
                    name: None,
                    node: Node::Invalid,
                    span,
                });
            }
        }
    }
    layers
}

/// The range from the first to the last token of `tokens`.
fn token_range(tokens: &TokenStream) -> SpanRange {
    let mut iter = tokens.clone().into_iter();
    let first = iter.next().map(|t| t.span());
    let last = iter.last().map(|t| t.span()).or(first);
    match (first, last) {
        (Some(a), Some(b)) => SpanRange::new(a, b),
        _ => SpanRange::call_site(),
    }
}

fn parse_entry(input: ParseStream, diags: &mut Diagnostics) -> syn::Result<LayerEntry> {
    let attrs = input.call(Attribute::parse_outer)?;
    let start = input.span();
    let mut name = None;
    if input.peek(syn::LitInt) && input.peek2(Token![:]) {
        let lit: syn::LitInt = input.parse()?;
        input.parse::<Token![:]>()?;
        diags.push(
            Diagnostic::error(lit.span(), format!("a layer name must be an identifier, not the number `{lit}`"))
                .help("leave the name out to have the layer numbered by its position, as nn.Sequential does"),
        );
    } else if input.peek(Ident) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
        name = Some(input.parse::<Ident>()?);
        input.parse::<Token![:]>()?;
    }
    let call = parse_call(input, diags)?;
    if !input.is_empty() {
        let diag = Diagnostic::error(input.span(), "expected `,` between layers")
            .help(format!("add a `,` after `{}(...)`", call.kind));
        return Err(reported(diags, diag));
    }
    let span = SpanRange::new(start, call.span.end);
    Ok(LayerEntry {
        attrs,
        name,
        node: Node::Call(call),
        span,
    })
}

fn parse_call(input: ParseStream, diags: &mut Diagnostics) -> syn::Result<Call> {
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
