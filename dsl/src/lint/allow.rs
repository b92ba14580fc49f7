//! `#[allow(...)]` and `#[warn(...)]` on a model, a block or an entry:
//! the cnn lints and lint groups they name (`unused_pixels`, `pedantic`,
//! also written `cnn::pedantic`) set the level inside; the other names stay
//! on the attribute, which passes through to the generated code for rustc.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::{Attribute, Path, Token, parse_quote};

use super::{Group, LINTS, Level};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::suggest::did_you_mean;

/// The lint levels `attrs` set, and the attributes left for rustc.
pub fn split(attrs: &[Attribute], diags: &mut Diagnostics) -> (Vec<Level>, Vec<Attribute>) {
    let mut levels = Vec::new();
    let mut rest = Vec::new();
    for attr in attrs {
        let warn = attr.path().is_ident("warn");
        if !attr.path().is_ident("allow") && !warn {
            rest.push(attr.clone());
            continue;
        }
        // A list that does not parse as paths is rustc's to judge.
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            rest.push(attr.clone());
            continue;
        };
        let mut kept: Vec<&Path> = Vec::new();
        for path in &paths {
            match lint_name(path) {
                Some((name, _)) if is_lint_or_group(&name) => levels.push(Level { name, warn }),
                Some((name, scoped)) => {
                    let known = LINTS
                        .iter()
                        .map(|l| l.name)
                        .chain(Group::ALL.map(Group::name));
                    match did_you_mean(&name, known) {
                        Some(lint) => diags.push(unknown_lint(path_span(path), &name, lint)),
                        // `cnn::x` is ours even when unknown.
                        None if scoped => diags.push(
                            Diagnostic::error(
                                path_span(path),
                                format!("unknown cnn lint `{name}`"),
                            )
                            .note(known_lints()),
                        ),
                        None => kept.push(path),
                    }
                }
                None => kept.push(path),
            }
        }
        if kept.len() == paths.len() {
            rest.push(attr.clone());
        } else if !kept.is_empty() {
            let kind = attr.path();
            rest.push(parse_quote!(#[#kind(#(#kept),*)]));
        }
    }
    (levels, rest)
}

/// `unused_pixels` or `cnn::unused_pixels`, and whether it had the prefix.
fn lint_name(path: &Path) -> Option<(String, bool)> {
    if let Some(ident) = path.get_ident() {
        return Some((ident.to_string(), false));
    }
    match path.segments.iter().collect::<Vec<_>>().as_slice() {
        [tool, name] if tool.ident == "cnn" && path.leading_colon.is_none() => {
            Some((name.ident.to_string(), true))
        }
        _ => None,
    }
}

fn is_lint_or_group(name: &str) -> bool {
    LINTS.iter().any(|l| l.name == name) || Group::by_name(name).is_some()
}

fn known_lints() -> String {
    format!(
        "the cnn lints: {}; the groups: {}",
        LINTS.iter().map(|l| l.name).collect::<Vec<_>>().join(", "),
        Group::ALL.map(Group::name).join(", ")
    )
}

fn path_span(path: &Path) -> Span {
    path.segments
        .first()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

fn unknown_lint(span: Span, name: &str, lint: &str) -> Diagnostic {
    Diagnostic::error(span, format!("unknown cnn lint `{name}`"))
        .guess(span.into(), lint, format!("did you mean `{lint}`?"))
        .note(known_lints())
}
