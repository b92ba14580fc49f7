//! Items: models (`struct Name<C, H, W> { ... }`) and blocks
//! (`block Name(params) { ... }`).

use proc_macro2::TokenStream;
use syn::parse::ParseStream;
use syn::{Attribute, Ident, Token, Visibility};

use super::layers::parse_layers;
use super::{parse_arith, parse_expr, reported, split_commas};
use crate::ast::{BlockDecl, BlockParam, ModelDecl};
use crate::diagnostic::{Applicability, Diagnostic, Diagnostics, Edit};
use crate::span::SpanRange;

pub enum Item {
    Model(ModelDecl),
    Block(BlockDecl),
}

pub fn parse_item(input: ParseStream, diags: &mut Diagnostics) -> syn::Result<Item> {
    let attrs = input.call(Attribute::parse_outer)?;
    if input.peek(Ident) && !input.peek(Token![pub]) {
        let fork = input.fork();
        let word: Ident = fork.parse()?;
        if word == "block" {
            return parse_block(attrs, input, diags).map(Item::Block);
        }
    }
    parse_model(attrs, input, diags).map(Item::Model)
}

fn parse_block(
    attrs: Vec<Attribute>,
    input: ParseStream,
    diags: &mut Diagnostics,
) -> syn::Result<BlockDecl> {
    input.parse::<Ident>()?; // `block`
    let name: Ident = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the block's name after `block`, e.g. `block BasicBlock(in_planes, planes)`",
        )
    })?;
    let mut params = Vec::new();
    if input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        let tokens: TokenStream = content.parse()?;
        for (tokens, _) in split_commas(tokens) {
            if tokens.is_empty() {
                continue;
            }
            let param = syn::parse::Parser::parse2(
                |input: ParseStream| {
                    let name: Ident = input.parse().map_err(|e| {
                        syn::Error::new(
                            e.span(),
                            "expected a parameter name, e.g. `planes` or `stride = 1`",
                        )
                    })?;
                    let default = if input.peek(Token![=]) {
                        input.parse::<Token![=]>()?;
                        Some(parse_expr(input)?)
                    } else {
                        None
                    };
                    if !input.is_empty() {
                        return Err(input.error("expected `,` between parameters"));
                    }
                    Ok(BlockParam { name, default })
                },
                tokens,
            )?;
            params.push(param);
        }
    }
    if !input.peek(syn::token::Brace) {
        return Err(input.error(format!("expected the layers of block `{name}` in braces")));
    }
    let content;
    syn::braced!(content in input);
    let body: TokenStream = content.parse()?;
    let layers = parse_layers(body, diags);
    Ok(BlockDecl {
        attrs,
        name,
        params,
        layers,
    })
}

fn parse_model(
    attrs: Vec<Attribute>,
    input: ParseStream,
    diags: &mut Diagnostics,
) -> syn::Result<ModelDecl> {
    let vis: Visibility = input.parse()?;
    if !input.peek(Token![struct]) {
        return Err(input.error(
            "expected a model, `struct Name<C, H, W> { layers }`, or a block, `block Name(params) { layers }`",
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
            Diagnostic::error(name.span(), format!("`{name}` needs its input size in angle brackets")).edits(
                vec![Edit::after(name.span().into(), "<3, 224, 224>")],
                Applicability::MaybeIncorrect,
                format!(
                "write `{name}<C, H, W>` for images, e.g. `{name}<3, 224, 224>`, or `{name}<N>` for N flat features"
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
        input_dims.push(parse_arith(input)?);
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
