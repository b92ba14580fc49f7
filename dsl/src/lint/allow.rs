//! `#[allow(lint, ...)]` on a model, a block or an entry: the cnn lints it
//! names are silenced inside; the other names stay on the attribute, which
//! passes through to the generated code for rustc.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::{Attribute, Path, Token, parse_quote};

use super::LINTS;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::suggest::did_you_mean;

/// The cnn lints that `attrs` allow, and the attributes left for rustc.
pub fn split(attrs: &[Attribute], diags: &mut Diagnostics) -> (Vec<String>, Vec<Attribute>) {
    let mut allowed = Vec::new();
    let mut rest = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("allow") {
            rest.push(attr.clone());
            continue;
        }
        // An `allow` that does not parse as a list of paths is rustc's to judge.
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            rest.push(attr.clone());
            continue;
        };
        let mut kept: Vec<&Path> = Vec::new();
        for path in &paths {
            let name = path.get_ident().map(ToString::to_string);
            match name {
                Some(name) if is_lint(&name) => allowed.push(name),
                Some(name) => {
                    if let Some(lint) = did_you_mean(&name, LINTS.iter().map(|l| l.name)) {
                        diags.push(unknown_lint(path_span(path), &name, lint));
                    } else {
                        kept.push(path);
                    }
                }
                None => kept.push(path),
            }
        }
        if kept.len() == paths.len() {
            rest.push(attr.clone());
        } else if !kept.is_empty() {
            rest.push(parse_quote!(#[allow(#(#kept),*)]));
        }
    }
    (allowed, rest)
}

fn is_lint(name: &str) -> bool {
    LINTS.iter().any(|l| l.name == name)
}

fn path_span(path: &Path) -> Span {
    path.segments
        .first()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

fn unknown_lint(span: Span, name: &str, lint: &str) -> Diagnostic {
    Diagnostic::error(span, format!("unknown cnn lint `{name}`"))
        .guess(span.into(), lint, format!("did you mean `{lint}`?"))
        .note(format!(
            "the cnn lints: {}",
            LINTS.iter().map(|l| l.name).collect::<Vec<_>>().join(", ")
        ))
}
