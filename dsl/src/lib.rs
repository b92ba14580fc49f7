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

/// Parses and checks the tokens inside `cnn! { ... }`, with the lints at
/// their default levels.
pub fn analyze(tokens: TokenStream) -> Analysis {
    analyze_with(tokens, &[])
}

/// As [`analyze`], with lint levels that hold before any attribute in the
/// source: `[Level::warn("pedantic")]` turns the pedantic lints on.
///
/// ```
/// use cnn_dsl::lint::Level;
///
/// let src = "struct Net<3, 8, 8> { conv: Conv2d(3, 4, 3), bn: BatchNorm2d(4) }";
/// let quiet = cnn_dsl::analyze(src.parse().unwrap());
/// assert!(quiet.diagnostics.is_empty());
/// let pedantic = cnn_dsl::analyze_with(src.parse().unwrap(), &[Level::warn("pedantic")]);
/// assert_eq!(pedantic.diagnostics.iter().next().unwrap().lint, Some("bias_before_batchnorm"));
/// ```
pub fn analyze_with(tokens: TokenStream, levels: &[lint::Level]) -> Analysis {
    let mut diagnostics = Diagnostics::new();
    let file = parse::parse_file(tokens, &mut diagnostics);
    let models = check::check_file(&file, &mut diagnostics);
    lint::run(&models, levels, &mut diagnostics);
    Analysis {
        models,
        diagnostics,
    }
}
