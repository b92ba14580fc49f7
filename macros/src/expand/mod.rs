//! Stage 3: checked models -> Rust code.
//!
//! Each model becomes a struct holding its layers, an inherent `impl` with
//! its shapes, counts and forward pass, and `Module`/`Model` impls. When a
//! model has errors, the errors are emitted together with a stub of the same
//! struct and methods, so the user's other code sees no follow-on errors.

mod layer;
mod model;
mod stub;

use proc_macro2::TokenStream;
use quote::quote;

/// Expands the tokens inside `cnn! { ... }`.
pub fn expand(input: TokenStream) -> TokenStream {
    let analysis = cnn_dsl::analyze(input);
    let mut out = TokenStream::new();
    if let Some(error) = analysis.diagnostics.to_syn_error() {
        out.extend(error.to_compile_error());
    }
    for model in &analysis.models {
        let code = if model.has_errors {
            stub::model(model)
        } else {
            match model::model(model) {
                Ok(code) => code,
                // A gap between checker and generator: say so rather than panic.
                Err(what) => {
                    let msg = format!("internal error in cnn!: {what}; please report this model");
                    let error = syn::Error::new(model.name.span(), msg).to_compile_error();
                    let stub = stub::model(model);
                    quote! { #error #stub }
                }
            }
        };
        out.extend(code);
    }
    out
}
