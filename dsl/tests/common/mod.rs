//! Helpers: run the checker on source text and look at what it reports.

#![allow(dead_code)]

use cnn_dsl::diagnostic::{Applicability, Diagnostic, Fix};
use cnn_dsl::model::CheckedModel;

pub struct Report {
    pub models: Vec<CheckedModel>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks `src`; when it has errors, also checks that their certain fixes
/// agree: applied all at once, they leave no errors but the unfixed ones.
pub fn check(src: &str) -> Report {
    let report = analyze(src);
    let errors = report.errors();
    let unfixed = errors
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_none_or(|f| f.applicability != Applicability::MachineApplicable)
        })
        .count();
    if unfixed < errors.len() {
        let fixes = errors
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability == Applicability::MachineApplicable);
        let out = Fix::apply_all(src, fixes);
        if out.parse::<proc_macro2::TokenStream>().is_ok() {
            let after = analyze(&out);
            assert!(
                after.errors().len() <= unfixed,
                "the certain fixes of\n{src}\ngive\n{out}\nwith errors {:#?}",
                after.messages()
            );
        }
    }
    report
}

fn analyze(src: &str) -> Report {
    let tokens: proc_macro2::TokenStream = src.parse().expect("test source must tokenize");
    let analysis = cnn_dsl::analyze(tokens);
    Report {
        models: analysis.models,
        diagnostics: analysis.diagnostics.into_vec(),
    }
}

impl Report {
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error()).collect()
    }

    /// The only error; fails the test when there is not exactly one.
    pub fn error(&self) -> &Diagnostic {
        let errors = self.errors();
        assert_eq!(
            errors.len(),
            1,
            "expected one error, got: {:#?}",
            self.messages()
        );
        errors[0]
    }

    pub fn messages(&self) -> Vec<String> {
        self.diagnostics.iter().map(|d| d.message.clone()).collect()
    }

    pub fn model(&self) -> &CheckedModel {
        &self.models[0]
    }
}

/// The source text an error underlines, from its start to its end (1-based
/// lines, as proc-macro2 reports them).
pub fn underlined(src: &str, d: &Diagnostic) -> String {
    let start = d.span.start.start();
    let end = d.span.end.end();
    let lines: Vec<&str> = src.lines().collect();
    if start.line == end.line {
        let line: Vec<char> = lines[start.line - 1].chars().collect();
        line[start.column..end.column].iter().collect()
    } else {
        let first: String = lines[start.line - 1].chars().skip(start.column).collect();
        let last: String = lines[end.line - 1].chars().take(end.column).collect();
        format!("{first}...{last}")
    }
}

/// `(line, column)` of the error's start, 1-based line and 1-based column.
pub fn position(d: &Diagnostic) -> (usize, usize) {
    let s = d.span.start.start();
    (s.line, s.column + 1)
}

/// The text of a diagnostic's fix, when it is one edit.
pub fn fix_text(d: &Diagnostic) -> Option<&str> {
    match d.fix.as_ref()?.edits.as_slice() {
        [edit] => Some(edit.text.as_str()),
        _ => None,
    }
}
