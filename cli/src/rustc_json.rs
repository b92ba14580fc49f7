//! `--message-format json`: diagnostics as `cargo check
//! --message-format=json` prints rustc's, one `compiler-message` a line and
//! a closing `build-finished`, so editors (rust-analyzer's check command)
//! and `cargo fix`-style tools read them as they read rustc's: spans, notes
//! and helps as children, each fix as spans with a `suggested_replacement`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::render;
use crate::report::{Place, Report};
use crate::workspace::Package;

/// One line: a `compiler-message` of the package holding the file, or the
/// bare diagnostic (as `rustc --error-format=json` prints it) for a file
/// outside every package.
pub fn message(report: &Report, packages: &[Package]) -> String {
    let path = absolute(&report.file.path);
    let diagnostic = diagnostic(report, &path);
    let package = packages
        .iter()
        .filter(|p| path.starts_with(p.dir()))
        .max_by_key(|p| p.dir().as_os_str().len());
    match package.and_then(|p| Some((p, p.target_of(&path)?))) {
        Some((package, target)) => json!({
            "reason": "compiler-message",
            "package_id": package.id,
            "manifest_path": package.manifest_path,
            "target": target,
            "message": diagnostic,
        })
        .to_string(),
        None => diagnostic.to_string(),
    }
}

/// The line cargo ends with.
pub fn finished(success: bool) -> String {
    json!({ "reason": "build-finished", "success": success }).to_string()
}

/// rustc's `Diagnostic`.
fn diagnostic(report: &Report, path: &Path) -> Value {
    let d = report.diagnostic;
    let text = report.file.text.as_str();
    let mut children: Vec<Value> = d
        .notes
        .iter()
        .map(|note| child("note", note, Vec::new()))
        .collect();
    if let Some(help) = &d.help {
        let applicability = d.fix.as_ref().map(|f| f.applicability.as_str());
        let spans = report
            .fix_edits
            .iter()
            .map(|(place, replacement)| {
                let mut s = span(place, path, text, true);
                s["suggested_replacement"] = json!(replacement);
                s["suggestion_applicability"] = json!(applicability);
                s
            })
            .collect();
        children.push(child("help", help, spans));
    }
    json!({
        "$message_type": "diagnostic",
        "message": d.message,
        "code": d.lint.map(|lint| json!({ "code": format!("cnn::{lint}"), "explanation": null })),
        "level": report.severity(),
        "spans": [span(&report.place, path, text, true)],
        "children": children,
        "rendered": format!("{}\n", render::human(report, false)),
    })
}

fn child(level: &str, message: &str, spans: Vec<Value>) -> Value {
    json!({
        "$message_type": "diagnostic",
        "message": message,
        "code": null,
        "level": level,
        "spans": spans,
        "children": [],
        "rendered": null,
    })
}

/// rustc's `DiagnosticSpan`: byte offsets, 1-based lines and columns (in
/// characters), and the lines it covers with their highlighted parts.
fn span(place: &Place, path: &Path, text: &str, primary: bool) -> Value {
    let lines: Vec<Value> = (place.line..=place.end_line)
        .map(|n| {
            let line = text.lines().nth(n - 1).unwrap_or("");
            let width = line.chars().count() + 1;
            let start = if n == place.line { place.column } else { 1 };
            let end = if n == place.end_line {
                place.end_column
            } else {
                width
            };
            json!({ "text": line, "highlight_start": start, "highlight_end": end })
        })
        .collect();
    json!({
        "file_name": path,
        "byte_start": place.bytes.start,
        "byte_end": place.bytes.end,
        "line_start": place.line,
        "line_end": place.end_line,
        "column_start": place.column,
        "column_end": place.end_column,
        "is_primary": primary,
        "text": lines,
        "label": null,
        "suggested_replacement": null,
        "suggestion_applicability": null,
        "expansion": null,
    })
}

/// Editors resolve file names against the workspace root; an absolute
/// path needs no root.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
