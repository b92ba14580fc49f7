//! The `cnn!` macro. Parsing and checking live in `cnn-dsl`; this crate
//! only turns the checked models into Rust code.
//!
//! Use it through the `cnn` crate, which re-exports it with its documentation.

mod expand;

use proc_macro::TokenStream;

/// Declares one or more convolutional networks; see the `cnn` crate.
#[proc_macro]
pub fn cnn(input: TokenStream) -> TokenStream {
    expand::expand(input.into()).into()
}
