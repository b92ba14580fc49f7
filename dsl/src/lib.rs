//! Parser and shape checker of the `cnn!` model language.
//!
//! A pipeline of stages, one a module: [`parse`] (tokens -> [`ast`]),
//! [`vocab`] (PyTorch's layer signatures and shape rules), [`check`]
//! (shape inference -> [`model`]) and [`lint`] (warnings about models that
//! build but are probably not what was meant). Nothing here depends on
//! `proc_macro`, so the macro, the `cargo cnn` command and plain unit tests
//! share it.
//!
//! ```
//! let tokens: proc_macro2::TokenStream = "
//!     pub struct Net<3, 32, 32> {
//!         conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
//!         flatten: Flatten,
//!         fc: Linear(2048, 10),
//!     }"
//!     .parse()
//!     .unwrap();
//! let analysis = cnn_dsl::analyze(tokens);
//! let error = analysis.diagnostics.iter().next().unwrap();
//! assert!(error.message.starts_with("`fc` expects 2048 input features, but receives 3600"));
//! ```

pub mod ast;
pub mod check;
pub mod diagnostic;
pub mod eval;
pub mod lint;
pub mod model;
pub mod parse;
pub mod shape;
pub mod span;
pub mod spec;
pub mod suggest;
pub mod vocab;

use proc_macro2::TokenStream;

use diagnostic::Diagnostics;
use model::CheckedModel;

/// The result of parsing and checking one `cnn!` invocation.
pub struct Analysis {
    pub models: Vec<CheckedModel>,
    pub diagnostics: Diagnostics,
}

/// Parses and checks the tokens inside `cnn! { ... }`.
pub fn analyze(tokens: TokenStream) -> Analysis {
    let mut diagnostics = Diagnostics::new();
    let file = parse::parse_file(tokens, &mut diagnostics);
    let models = check::check_file(&file, &mut diagnostics);
    lint::run(&models, &mut diagnostics);
    Analysis {
        models,
        diagnostics,
    }
}
