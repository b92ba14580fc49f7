//! Layer lists and what their entries hold: calls, `[sequential]`,
//! `[repeat; n]`, `..[spread; n]`, `{ paths }`, `residual { .. } + shortcut`,
//! `concat { .. }`, `split { .. }`, `gate { .. }`, each optionally followed by
//! `if condition`.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, Token};

use super::call::parse_call;
use super::{parse_expr, push_syn_error, reported, split_commas, token_range};
use crate::ast::{LayerEntry, Node};
use crate::diagnostic::{Applicability, Diagnostic, Diagnostics, Edit, Placement};
use crate::span::SpanRange;

/// Parses a comma-separated list of entries, each on its own.
pub fn parse_layers(body: TokenStream, diags: &mut Diagnostics) -> Vec<LayerEntry> {
    let mut layers = Vec::new();
    for (tokens, comma) in split_commas(body) {
        if tokens.is_empty() {
            if let Some(comma) = comma {
                diags.push(
                    Diagnostic::error(comma, "unexpected `,`: there is no layer before it").fix(
                        comma.into(),
                        "",
                        "remove it",
                    ),
                );
            }
            continue;
        }
        let span = token_range(&tokens);
        // Entries with no comma between them are reported, then read on as
        // if the comma were there.
        let mut parsed_here = Vec::new();
        let parsed = (|input: ParseStream| {
            loop {
                let entry = parse_entry(input, diags)?;
                if input.is_empty() {
                    parsed_here.push(entry);
                    return Ok(());
                }
                let what = match &entry.node {
                    Node::Call(call) => format!("`{}(...)`", call.kind),
                    _ => "it".to_string(),
                };
                let diag = Diagnostic::error(input.span(), "expected `,` between layers");
                let help = format!("add a `,` after {what}");
                // Only an entry that can start here is read on; anything
                // else is a plain syntax error.
                let next_starts_entry = input.peek(Ident)
                    || input.peek(syn::LitStr)
                    || input.peek(Token![#])
                    || input.peek(syn::token::Bracket)
                    || input.peek(syn::token::Brace);
                if !next_starts_entry {
                    return Err(reported(diags, diag.help(help)));
                }
                let diag = diag.edits(
                    vec![Edit::after(entry.span, ",")],
                    Applicability::MachineApplicable,
                    help,
                );
                diags.push(diag);
                parsed_here.push(entry);
            }
        })
        .parse2(tokens);
        match parsed {
            Ok(()) => layers.append(&mut parsed_here),
            Err(e) => {
                push_syn_error(diags, e);
                layers.push(LayerEntry {
                    attrs: Vec::new(),
                    name: None,
                    quoted: None,
                    node: Node::Invalid,
                    condition: None,
                    span,
                });
            }
        }
    }
    layers
}

/// `name: node if condition`, each part but the node optional.
fn parse_entry(input: ParseStream, diags: &mut Diagnostics) -> syn::Result<LayerEntry> {
    let attrs = input.call(Attribute::parse_outer)?;
    let start = input.span();
    let mut name = None;
    let mut quoted = None;
    if input.peek(syn::LitStr) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
        let lit: syn::LitStr = input.parse()?;
        input.parse::<Token![:]>()?;
        if let Some(problem) = bad_module_name(&lit.value()) {
            diags.push(
                Diagnostic::error(lit.span(), format!("`{}` cannot be a layer name: {problem}", lit.value()))
                    .note("a quoted name is a PyTorch module name as `named_children` gives it: any text without `.` (the state_dict's separator)")
                    .fix(
                        lit.span().into(),
                        format!("{:?}", suggest_module_name(&lit.value())),
                        format!("write `{:?}`", suggest_module_name(&lit.value())),
                    ),
            );
        } else {
            quoted = Some(lit);
        }
    } else if input.peek(syn::LitInt) && input.peek2(Token![:]) {
        let lit: syn::LitInt = input.parse()?;
        let colon = input.parse::<Token![:]>()?;
        let next = input.span();
        diags.push(
            Diagnostic::error(lit.span(), format!("a layer name must be an identifier, not the number `{lit}`"))
                .edits(
                    vec![Edit { span: SpanRange::new(lit.span(), next), text: String::new(), placement: Placement::Head }],
                    Applicability::MaybeIncorrect,
                    "leave the name out to have the layer numbered by its position, as nn.Sequential does",
                ),
        );
        let _ = colon;
    } else if input.peek(Ident) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
        // A raw identifier (`r#type`) names the layer `type`; its field is
        // `type_`.
        name = Some(input.parse::<Ident>()?);
        input.parse::<Token![:]>()?;
    }
    let (node, node_span) = parse_node(input, diags)?;
    let mut end = node_span.end;
    let mut condition = None;
    if input.peek(Token![if]) {
        input.parse::<Token![if]>()?;
        let cond = parse_expr(input)?;
        end = cond.span.end;
        condition = Some(cond);
    }
    Ok(LayerEntry {
        attrs,
        name,
        quoted,
        node,
        condition,
        span: SpanRange::new(start, end),
    })
}

fn group_content(
    input: ParseStream,
    delimiter: Delimiter,
) -> syn::Result<(TokenStream, SpanRange)> {
    input.step(|cursor| {
        if let Some((TokenTree::Group(g), rest)) = cursor.token_tree()
            && g.delimiter() == delimiter
        {
            let span = SpanRange::new(g.span_open(), g.span_close());
            return Ok(((g.stream(), span), rest));
        }
        Err(cursor.error("expected a group"))
    })
}

fn parse_node(input: ParseStream, diags: &mut Diagnostics) -> syn::Result<(Node, SpanRange)> {
    if input.peek(Token![..]) && !input.peek(Token![..=]) {
        let dots: Token![..] = input.parse()?;
        if !input.peek(syn::token::Bracket) {
            let diag = Diagnostic::error(
                dots.spans[0],
                "`..` spreads copies of a layer into this list: write `..[Layer(...); n]`",
            )
            .help("remove the `..`, or follow it with `[Layer(...); n]`");
            return Err(reported(diags, diag));
        }
        let (content, span) = group_content(input, Delimiter::Bracket)?;
        let span = SpanRange::new(dots.spans[0], span.end);
        return match parse_bracket(content, span, diags)? {
            Node::Repeat {
                item, count, span, ..
            } => Ok((
                Node::Repeat {
                    item,
                    count,
                    spread: true,
                    span,
                },
                span,
            )),
            _ => {
                let diag = Diagnostic::error(
                    span,
                    "`..` spreads copies of one layer, `..[Layer(...); n]`, not a list",
                )
                .help("write the list's layers here without the brackets and the `..`");
                Err(reported(diags, diag))
            }
        };
    }
    if input.peek(syn::token::Bracket) {
        let (content, span) = group_content(input, Delimiter::Bracket)?;
        return Ok((parse_bracket(content, span, diags)?, span));
    }
    if input.peek(syn::token::Brace) {
        let (content, span) = group_content(input, Delimiter::Brace)?;
        let items = parse_layers(content, diags);
        return Ok((Node::Path { items, span }, span));
    }
    if input.peek(Ident) && input.peek2(syn::token::Brace) {
        let fork = input.fork();
        let word: Ident = fork.parse()?;
        if ["residual", "concat", "split", "gate"]
            .iter()
            .any(|w| word == w)
        {
            input.parse::<Ident>()?;
            let (content, body_span) = group_content(input, Delimiter::Brace)?;
            let items = parse_layers(content, diags);
            let mut span = SpanRange::new(word.span(), body_span.end);
            if word == "gate" {
                let node = Node::Gate {
                    keyword: word.span(),
                    branch: items,
                    span,
                };
                return Ok((node, span));
            }
            if word == "concat" || word == "split" {
                let node = Node::Concat {
                    keyword: word.span(),
                    branches: items,
                    split: word == "split",
                    span,
                };
                return Ok((node, span));
            }
            let mut shortcut = None;
            if input.peek(Token![+]) {
                input.parse::<Token![+]>()?;
                let entry = parse_entry(input, diags)?;
                span = SpanRange::new(word.span(), entry.span.end);
                shortcut = Some(Box::new(entry));
            }
            let node = Node::Residual {
                keyword: word.span(),
                main: items,
                shortcut,
                span,
            };
            return Ok((node, span));
        }
    }
    let call = parse_call(input, diags)?;
    let span = call.span;
    Ok((Node::Call(call), span))
}

/// `[a, b, c]` (a Sequential) or `[node; count]` (copies of one node).
fn parse_bracket(
    content: TokenStream,
    span: SpanRange,
    diags: &mut Diagnostics,
) -> syn::Result<Node> {
    let tokens: Vec<TokenTree> = content.clone().into_iter().collect();
    let semicolon = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'));
    let Some(at) = semicolon else {
        let items = parse_layers(content, diags);
        return Ok(Node::Sequential { items, span });
    };
    let item_tokens: TokenStream = tokens[..at].iter().cloned().collect();
    let count_tokens: TokenStream = tokens[at + 1..].iter().cloned().collect();
    let item = (|input: ParseStream| parse_entry(input, diags)).parse2(item_tokens)?;
    let count = parse_expr.parse2(count_tokens)?;
    Ok(Node::Repeat {
        item: Box::new(item),
        count,
        spread: false,
        span,
    })
}

/// Why `name` cannot name a PyTorch module, if it cannot.
fn bad_module_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.contains('.') {
        Some("PyTorch separates module names with `.`, so a name cannot hold one")
    } else if name.chars().any(char::is_whitespace) {
        Some("it holds a space")
    } else {
        None
    }
}

/// `name` with what PyTorch refuses replaced.
fn suggest_module_name(name: &str) -> String {
    let fixed: String = name
        .chars()
        .map(|c| {
            if c == '.' || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if fixed.is_empty() {
        "layer".to_string()
    } else {
        fixed
    }
}
