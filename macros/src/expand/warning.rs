//! Lint warnings as rustc warnings at the user's tokens. Stable Rust has no
//! API for a proc-macro warning, so each is a use of a deprecated unit
//! struct named after the lint: rustc prints the deprecation note (the
//! warning's text) at the use, whose span is the user's token.

use cnn_dsl::diagnostic::Diagnostics;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub fn warnings(diagnostics: &Diagnostics) -> TokenStream {
    diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| {
            let name = d.lint.unwrap_or("cnn_warning");
            let definition = Ident::new(name, Span::call_site());
            let at_token = Ident::new(name, d.span.start);
            let note = d.full_message();
            quote! {
                const _: () = {
                    #[deprecated(note = #note)]
                    #[allow(non_camel_case_types)]
                    struct #definition;
                    let _ = #at_token;
                };
            }
        })
        .collect()
}
