//! `cargo cnn check` reports what the compiler reports: over the trybuild
//! cases in `tests/ui`, every error (and every lint, which those cases deny)
//! the `.stderr` snapshots show, at the same line and column, and nothing
//! more. The `runtime` group is left out: its errors come from rustc's type
//! and constant checks of hand-written code outside `cnn!`, which a checker
//! of the macro's input cannot see.

mod common;
use common::*;

use std::collections::BTreeMap;

/// `(file, line, column, headline)` of a diagnostic; lints as
/// `warning[name]: headline`.
type Seen = (String, u64, u64, String);

/// The diagnostics a `.stderr` snapshot shows.
fn from_stderr(text: &str) -> Vec<Seen> {
    let mut seen = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(headline) = line.strip_prefix("error: ") else {
            continue;
        };
        let place = lines
            .by_ref()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .expect("an error has a place");
        let mut parts = place.rsplitn(3, ':');
        let column = parts.next().unwrap().parse().unwrap();
        let line_no = parts.next().unwrap().parse().unwrap();
        let file = parts.next().unwrap().to_string();
        // A lint the case denies: rustc's deprecation carries its text.
        let headline = match headline.strip_prefix("use of deprecated unit struct `_::") {
            Some(rest) => {
                let (lint, message) = rest.split_once("`: ").expect("lint name and message");
                format!("warning[{lint}]: {message}")
            }
            None => format!("error: {headline}"),
        };
        seen.push((file, line_no, column, headline));
    }
    seen
}

fn from_json(d: &serde_json::Value) -> Seen {
    let headline = match d["code"].as_str() {
        Some(lint) => format!("warning[{lint}]: {}", d["message"].as_str().unwrap()),
        None => format!("error: {}", d["message"].as_str().unwrap()),
    };
    (
        d["file"].as_str().unwrap().to_string(),
        d["line"].as_u64().unwrap(),
        d["column"].as_u64().unwrap(),
        headline,
    )
}

#[test]
fn check_reports_every_error_the_stderr_files_show() {
    let repo = repo();
    let r = run(&repo, &["check", "--format", "json", "tests/ui"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut by_file: BTreeMap<String, Vec<Seen>> = BTreeMap::new();
    for d in json_lines(&r.stdout) {
        let seen = from_json(&d);
        by_file.entry(seen.0.clone()).or_default().push(seen);
    }
    let mut cases = 0;
    for group in std::fs::read_dir(repo.join("tests/ui")).unwrap() {
        let group = group.unwrap().path();
        let name = group.file_name().unwrap().to_string_lossy().to_string();
        if name == "runtime" || name == "pass" {
            continue;
        }
        for entry in std::fs::read_dir(&group).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "stderr") {
                continue;
            }
            let source = format!(
                "tests/ui/{name}/{}",
                path.with_extension("rs")
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
            );
            let mut expected = from_stderr(&std::fs::read_to_string(&path).unwrap());
            assert!(!expected.is_empty(), "{source}: no error in its snapshot");
            let mut got = by_file.remove(&source).unwrap_or_default();
            // The warnings a case does not deny are not in its snapshot.
            got.retain(|s| {
                s.3.starts_with("error") || expected.iter().any(|e| e.3.starts_with("warning"))
            });
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{source}");
            cases += 1;
        }
    }
    assert!(cases >= 60, "only {cases} cases");
    // What is left: the models that build (warnings only), and the runtime
    // group, which has no model errors.
    for (file, rest) in by_file {
        assert!(
            rest.iter().all(|s| s.3.starts_with("warning")),
            "{file}: {rest:?}"
        );
    }
}
