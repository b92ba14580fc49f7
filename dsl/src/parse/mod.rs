//! Stage 1: tokens -> syntax tree ([`crate::ast`]).
//!
//! Each item, each layer entry and each argument is parsed on its own, so
//! one syntax error costs only its own entry: the rest is still parsed and
//! checked, and every error is reported in one build.

mod call;
mod expr;
mod item;
mod layers;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};

use crate::ast::File;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::SpanRange;

pub use expr::{parse_arith, parse_expr};

/// Parses the body of a `cnn! { ... }` invocation. Syntax errors go to
/// `diags`; what could be parsed is returned.
pub fn parse_file(tokens: TokenStream, diags: &mut Diagnostics) -> File {
    let mut file = File {
        models: Vec::new(),
        blocks: Vec::new(),
    };
    // The parser and the checker recurse into brackets: a nesting deeper
    // than any model needs is refused before either runs.
    if let Some(span) = too_deep(&tokens, MAX_NESTING) {
        diags.push(
            Diagnostic::error(
                span,
                format!("brackets nested more than {MAX_NESTING} deep"),
            )
            .note("no model needs this; the model is not read further"),
        );
        return file;
    }
    for chunk in split_items(tokens) {
        let parsed = (|input: ParseStream| item::parse_item(input, diags)).parse2(chunk);
        match parsed {
            Ok(item::Item::Model(model)) => file.models.push(model),
            Ok(item::Item::Block(block)) => file.blocks.push(block),
            Err(e) => push_syn_error(diags, e),
        }
    }
    file
}

/// The deepest nesting of `()`, `[]` and `{}` a model may use.
pub const MAX_NESTING: usize = 64;

/// The first group nested deeper than `limit`, found without recursion.
fn too_deep(tokens: &TokenStream, limit: usize) -> Option<proc_macro2::Span> {
    let mut stack = vec![tokens.clone().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Group(g)) => {
                if stack.len() > limit {
                    return Some(g.span_open());
                }
                stack.push(g.stream().into_iter());
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    None
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
