//! Diagnostics located in their files: what every output format prints.

use std::ops::Range;

use cnn_dsl::diagnostic::{Diagnostic, Edit, Severity};
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

    /// The range an edit changes (of no width for an insertion).
    fn of_edit(edit: &Edit) -> Place {
        let ((line, column), (end_line, end_column)) = edit.line_columns();
        Place {
            line,
            column: column + 1,
            end_line,
            end_column: end_column + 1,
            bytes: edit.byte_range(),
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
    /// Where each edit of the fix goes, with its text.
    pub fix_edits: Vec<(Place, &'a str)>,
}

impl<'a> Report<'a> {
    pub fn new(file: &'a SourceFile, diagnostic: &'a Diagnostic) -> Self {
        Report {
            file,
            diagnostic,
            place: Place::of(diagnostic.span),
            fix_edits: diagnostic
                .fix
                .iter()
                .flat_map(|f| &f.edits)
                .map(|e| (Place::of_edit(e), e.text.as_str()))
                .collect(),
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
    /// code), message (the headline), notes, help and the fix (its
    /// applicability and edits, each a range and the text to put there).
    pub fn json(&self) -> Value {
        let d = self.diagnostic;
        let mut object = json!({
            "file": self.path(),
            "severity": self.severity(),
            "code": d.lint,
            "message": d.message,
            "notes": d.notes,
            "help": d.help,
            "fix": d.fix.as_ref().map(|fix| json!({
                "applicability": fix.applicability.as_str(),
                "edits": self.fix_edits.iter().map(|(place, text)| {
                    let mut e = place.json();
                    e["text"] = json!(text);
                    e
                }).collect::<Vec<_>>(),
            })),
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
