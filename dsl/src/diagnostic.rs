//! Errors and warnings, collected while parsing and checking, reported at the end.

use std::fmt;

use proc_macro2::{Punct, Spacing, TokenStream, TokenTree};

use crate::span::SpanRange;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A replacement that fixes the diagnostic: put `text` in place of the tokens
/// in `span`.
#[derive(Clone, Debug)]
pub struct Fix {
    pub span: SpanRange,
    pub text: String,
}

/// One error or warning, at the tokens to change.
///
/// The message is a headline that stands on its own; `notes` say how the
/// offending value arose (a shape trace) and `help` says what to write instead.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The lint's name, for warnings that can be silenced.
    pub lint: Option<&'static str>,
    pub span: SpanRange,
    pub message: String,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn error(span: impl Into<SpanRange>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            lint: None,
            span: span.into(),
            message: message.into(),
            notes: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn warning(
        lint: &'static str,
        span: impl Into<SpanRange>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            lint: Some(lint),
            ..Diagnostic::error(span, message)
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line "write `text`" together with the machine-readable fix.
    pub fn fix(
        mut self,
        span: SpanRange,
        text: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        self.fix = Some(Fix {
            span,
            text: text.into(),
        });
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The whole text below the `error:` label: headline, notes, help.
    pub fn full_message(&self) -> String {
        self.to_string()
    }

    /// The diagnostic as a `syn::Error` whose underline spans the whole range.
    pub fn to_syn_error(&self) -> syn::Error {
        syn::Error::new_spanned(RangeTokens(self.span), self.full_message())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for note in &self.notes {
            write!(f, "\n{note}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

/// Two tokens spanned at the range's ends: `syn::Error::new_spanned` turns
/// them into an error that covers the range.
struct RangeTokens(SpanRange);

impl quote::ToTokens for RangeTokens {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let mut first = Punct::new('<', Spacing::Alone);
        first.set_span(self.0.start);
        let mut last = Punct::new('>', Spacing::Alone);
        last.set_span(self.0.end);
        tokens.extend([TokenTree::Punct(first), TokenTree::Punct(last)]);
    }
}

/// An accumulator of diagnostics: every stage pushes here and carries on.
#[derive(Default, Debug)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| d.is_error()).count()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.list.iter()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut Diagnostic> {
        self.list.get_mut(index)
    }

    pub fn remove(&mut self, index: usize) -> Diagnostic {
        self.list.remove(index)
    }

    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.list
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// All errors combined into one `syn::Error`, or `None` when there are none.
    pub fn to_syn_error(&self) -> Option<syn::Error> {
        let mut errors = self
            .list
            .iter()
            .filter(|d| d.is_error())
            .map(Diagnostic::to_syn_error);
        let mut first = errors.next()?;
        for e in errors {
            first.combine(e);
        }
        Some(first)
    }
}

impl From<syn::Error> for Diagnostic {
    fn from(e: syn::Error) -> Self {
        Diagnostic::error(e.span(), e.to_string())
    }
}
