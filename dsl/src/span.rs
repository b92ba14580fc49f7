//! Source ranges carried by every value the checker can blame.

use proc_macro2::Span;

/// A range of source tokens, from the first token's span to the last's.
///
/// Stable Rust cannot join two spans, so both ends are kept; an error raised
/// over a range underlines everything from `start` to `end`.
#[derive(Clone, Copy, Debug)]
pub struct SpanRange {
    pub start: Span,
    pub end: Span,
}

impl SpanRange {
    pub fn new(start: Span, end: Span) -> Self {
        SpanRange { start, end }
    }

    /// A range made of one token.
    pub fn single(span: Span) -> Self {
        SpanRange {
            start: span,
            end: span,
        }
    }

    /// The range from the start of `self` to the end of `other`.
    pub fn to(self, other: SpanRange) -> Self {
        SpanRange {
            start: self.start,
            end: other.end,
        }
    }

    pub fn call_site() -> Self {
        SpanRange::single(Span::call_site())
    }
}

impl From<Span> for SpanRange {
    fn from(span: Span) -> Self {
        SpanRange::single(span)
    }
}

/// A value together with the source range it came from.
#[derive(Clone, Copy, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: SpanRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: impl Into<SpanRange>) -> Self {
        Spanned {
            value,
            span: span.into(),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            span: self.span,
        }
    }
}

/// Values compare equal whatever their spans.
impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
