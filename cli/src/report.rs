//! Diagnostics located in their files: what every output format prints.

use std::ops::Range;

use cnn_dsl::diagnostic::{Diagnostic, Severity};
use cnn_dsl::span::SpanRange;
use serde_json::{Value, json};

use crate::find::SourceFile;

/// A place in a file: 1-based lines and columns (in characters, as rustc
/// counts them), and the byte range for underlining.
#[derive(Clone, Debug)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub bytes: Range<usize>,
}

impl Place {
    fn of(span: SpanRange) -> Place {
        let (start, end) = (span.start.start(), span.end.end());
        Place {
            line: start.line,
            column: start.column + 1,
            end_line: end.line,
            end_column: end.column + 1,
            bytes: span.start.byte_range().start..span.end.byte_range().end,
        }
    }

    fn json(&self) -> Value {
        json!({
            "line": self.line,
            "column": self.column,
            "end": { "line": self.end_line, "column": self.end_column },
        })
    }
}

/// One diagnostic of one file.
pub struct Report<'a> {
    pub file: &'a SourceFile,
    pub diagnostic: &'a Diagnostic,
    pub place: Place,
    pub fix_place: Option<Place>,
}

impl<'a> Report<'a> {
    pub fn new(file: &'a SourceFile, diagnostic: &'a Diagnostic) -> Self {
        Report {
            file,
            diagnostic,
            place: Place::of(diagnostic.span),
            fix_place: diagnostic.fix.as_ref().map(|f| Place::of(f.span)),
        }
    }

    pub fn is_error(&self) -> bool {
        self.diagnostic.severity == Severity::Error
    }

    pub fn severity(&self) -> &'static str {
        if self.is_error() { "error" } else { "warning" }
    }

    pub fn path(&self) -> String {
        self.file.path.display().to_string()
    }

    /// One JSON object: file, line, column, end, severity, code (the lint's
    /// name; null for errors, as rustc's own JSON has for errors without a
    /// code), message (the headline), notes, help and the fix.
    pub fn json(&self) -> Value {
        let d = self.diagnostic;
        let mut object = json!({
            "file": self.path(),
            "severity": self.severity(),
            "code": d.lint,
            "message": d.message,
            "notes": d.notes,
            "help": d.help,
            "fix": match (&d.fix, &self.fix_place) {
                (Some(fix), Some(place)) => {
                    let mut f = place.json();
                    f["text"] = json!(fix.text);
                    f
                }
                _ => Value::Null,
            },
        });
        for (key, value) in self.place.json().as_object().into_iter().flatten() {
            object[key] = value.clone();
        }
        object
    }
}

/// Every diagnostic of `files`, in file order then source order.
pub fn reports(files: &[SourceFile]) -> Vec<Report<'_>> {
    let mut all = Vec::new();
    for file in files {
        let mut here: Vec<Report> = file
            .diagnostics()
            .into_iter()
            .map(|d| Report::new(file, d))
            .collect();
        here.sort_by_key(|r| (r.place.bytes.start, r.place.bytes.end));
        all.extend(here);
    }
    all
}
