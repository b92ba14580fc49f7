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

/// How sure a fix is, as rustc grades its suggestions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// The fix is what the model must say: `cargo cnn fix` applies it.
    MachineApplicable,
    /// The fix makes the model build, but it is one choice of several (a
    /// kernel that fits, a divisor near the one written): shown, never
    /// applied without the user.
    MaybeIncorrect,
}

impl Applicability {
    /// rustc's spelling, as in `--message-format json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "MachineApplicable",
            Applicability::MaybeIncorrect => "MaybeIncorrect",
        }
    }
}

/// Where an edit's text goes relative to its tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// In place of the tokens.
    Replace,
    /// Just before the first token; the tokens stay.
    Before,
    /// Just after the last token; the tokens stay.
    After,
    /// From the start of the first token to the start of the last: the
    /// last token stays (removes a list's first item up to the next).
    Head,
    /// From the end of the first token to the end of the last: the first
    /// token stays (removes `, item` after the item before it).
    Tail,
}

/// One change of the source: `text` in place of, before or after the tokens
/// in `span`.
#[derive(Clone, Debug)]
pub struct Edit {
    pub span: SpanRange,
    pub text: String,
    pub placement: Placement,
}

impl Edit {
    /// `text` in place of the tokens of `span`.
    pub fn replace(span: SpanRange, text: impl Into<String>) -> Self {
        Edit {
            span,
            text: text.into(),
            placement: Placement::Replace,
        }
    }

    /// `text` just before `span`.
    pub fn before(span: SpanRange, text: impl Into<String>) -> Self {
        Edit {
            span,
            text: text.into(),
            placement: Placement::Before,
        }
    }

    /// `text` just after `span`.
    pub fn after(span: SpanRange, text: impl Into<String>) -> Self {
        Edit {
            span,
            text: text.into(),
            placement: Placement::After,
        }
    }

    /// Removes item `k` of a comma-separated list whose items are at
    /// `items`, with the comma that separates it from its neighbour.
    pub fn remove_item(items: &[SpanRange], k: usize) -> Self {
        let placement;
        let span = if k > 0 {
            placement = Placement::Tail;
            SpanRange::new(items[k - 1].end, items[k].end)
        } else if let Some(next) = items.get(1) {
            placement = Placement::Head;
            SpanRange::new(items[0].start, next.start)
        } else {
            placement = Placement::Replace;
            items[0]
        };
        Edit {
            span,
            text: String::new(),
            placement,
        }
    }

    /// The changed source range as (line, column) pairs, lines 1-based and
    /// columns 0-based in characters; a range of no width for insertions.
    /// Needs the `locations` feature: spans carry locations in tools, not
    /// in the macro.
    #[cfg(feature = "locations")]
    pub fn line_columns(&self) -> ((usize, usize), (usize, usize)) {
        let start = self.span.start.start();
        let end = self.span.end.end();
        let (a, b) = match self.placement {
            Placement::Replace => (start, end),
            Placement::Before => (start, start),
            Placement::After => (end, end),
            Placement::Head => (start, self.span.end.start()),
            Placement::Tail => (self.span.start.end(), end),
        };
        ((a.line, a.column), (b.line, b.column))
    }

    /// The changed source range in bytes, as [`Edit::line_columns`].
    #[cfg(feature = "locations")]
    pub fn byte_range(&self) -> std::ops::Range<usize> {
        let start = self.span.start.byte_range().start;
        let end = self.span.end.byte_range().end;
        match self.placement {
            Placement::Replace => start..end,
            Placement::Before => start..start,
            Placement::After => end..end,
            Placement::Head => start..self.span.end.byte_range().start,
            Placement::Tail => self.span.start.byte_range().end..end,
        }
    }
}

/// The change that fixes a diagnostic: one or more edits, applied together.
#[derive(Clone, Debug)]
pub struct Fix {
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    /// Applies the edits to `source`, whose byte offsets the spans carry.
    /// Edits that overlap one already applied are left out.
    #[cfg(feature = "locations")]
    pub fn apply_all<'a>(source: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> String {
        let mut edits: Vec<(std::ops::Range<usize>, &str)> = fixes
            .into_iter()
            .flat_map(|f| f.edits.iter().map(|e| (e.byte_range(), e.text.as_str())))
            .collect();
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        edits.dedup();
        let mut out = String::with_capacity(source.len());
        let mut at = 0;
        for (range, text) in edits {
            if range.start < at || range.end > source.len() {
                continue;
            }
            out.push_str(&source[at..range.start]);
            out.push_str(text);
            at = range.end;
        }
        out.push_str(&source[at..]);
        out
    }
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

    /// Adds the help line together with the machine-applicable fix that
    /// puts `text` in place of `span`.
    pub fn fix(self, span: SpanRange, text: impl Into<String>, help: impl Into<String>) -> Self {
        self.edits(
            vec![Edit::replace(span, text)],
            Applicability::MachineApplicable,
            help,
        )
    }

    /// As [`Diagnostic::fix`], for a fix that is one good choice of several.
    pub fn guess(self, span: SpanRange, text: impl Into<String>, help: impl Into<String>) -> Self {
        self.edits(
            vec![Edit::replace(span, text)],
            Applicability::MaybeIncorrect,
            help,
        )
    }

    /// Adds the help line together with a fix made of several edits.
    pub fn edits(
        mut self,
        edits: Vec<Edit>,
        applicability: Applicability,
        help: impl Into<String>,
    ) -> Self {
        self.fix = Some(Fix {
            edits,
            applicability,
        });
        self.help = Some(help.into());
        self
    }

    /// Marks the fix, if any, as a guess.
    pub fn maybe_incorrect(mut self) -> Self {
        if let Some(fix) = &mut self.fix {
            fix.applicability = Applicability::MaybeIncorrect;
        }
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
