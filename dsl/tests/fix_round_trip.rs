//! Applying every fix the checker offers, all at once, gives a model with
//! no errors: the errors after the first assume the earlier fixes were
//! made, so the fixes agree with each other.

mod common;

use common::*;

/// The source with every error's fix applied (`None` when an error has
/// none).
fn fixed(src: &str) -> Option<String> {
    let r = check(src);
    let mut edits = Vec::new();
    for d in r.errors() {
        let fix = d.fix.as_ref()?;
        let (start, end) = (fix.span.start.start(), fix.span.end.end());
        edits.push((
            offset(src, start.line, start.column),
            offset(src, end.line, end.column),
            fix.text.clone(),
        ));
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    edits.dedup_by_key(|e| e.0);
    let mut out = src.to_string();
    for (a, b, text) in edits {
        out.replace_range(a..b, &text);
    }
    Some(out)
}

/// The byte offset of a 1-based line and a 0-based column of characters.
fn offset(src: &str, line: usize, column: usize) -> usize {
    let start: usize = src.lines().take(line - 1).map(|l| l.len() + 1).sum();
    let text = src.lines().nth(line - 1).unwrap_or("");
    start
        + text
            .char_indices()
            .nth(column)
            .map_or(text.len(), |(i, _)| i)
}

/// The `cnn! { ... }` body of a UI case: up to the brace that closes it.
fn body(text: &str) -> Option<&str> {
    let start = text.find("cnn! {")? + "cnn! {".len();
    let mut depth = 1;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..start + i]);
                }
            }
            _ => {}
        }
    }
    None
}

#[test]
fn every_fix_of_a_ui_case_applied_at_once_leaves_no_errors() {
    let root = format!("{}/../tests/ui", env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut without_fix = Vec::new();
    let mut still_broken = Vec::new();
    let mut groups: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
    groups.sort_by_key(|e| e.path());
    for group in groups {
        if group.file_name() == "pass" {
            continue;
        }
        let mut files: Vec<_> = std::fs::read_dir(group.path()).unwrap().flatten().collect();
        files.sort_by_key(|e| e.path());
        for file in files {
            let path = file.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(src) = body(&text) else { continue };
            let Ok(tokens) = src.parse::<proc_macro2::TokenStream>() else {
                continue;
            };
            let _ = tokens;
            if check(src).errors().is_empty() {
                continue;
            }
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            match fixed(src) {
                None => without_fix.push(name),
                Some(out) => {
                    checked += 1;
                    let after = check(&out);
                    if !after.errors().is_empty() {
                        still_broken.push(format!("{name}: {:?}", after.messages()));
                    }
                }
            }
        }
    }
    eprintln!("{checked} cases fixed; without a fix for every error: {without_fix:#?}");
    assert!(still_broken.is_empty(), "{still_broken:#?}");
    assert!(checked > 0);
}

#[test]
fn the_fixes_after_a_pass_through_layer_assume_it_was_fixed() {
    let src = "struct N<3, 32, 32> {
        conv1: Conv2d(3, 16, 3, padding = 1),
        bn1: BatchNorm2d(8),
        relu: ReLU,
        flatten: Flatten,
        fc: Linear(1000, 10),
    }";
    let r = check(src);
    let fixes: Vec<&str> = r
        .errors()
        .iter()
        .filter_map(|d| d.fix.as_ref().map(|f| f.text.as_str()))
        .collect();
    assert_eq!(fixes, ["16", "16384"]);
    let out = fixed(src).unwrap();
    assert!(check(&out).errors().is_empty(), "{out}");
}

#[test]
fn a_keyword_that_begins_a_parameter_name_suggests_it() {
    let src = "struct N<3, 8, 8> { conv: Conv2d(3, 16, kernel = 3) }";
    let r = check(src);
    let e = r.error();
    assert_eq!(underlined(src, e), "kernel");
    assert_eq!(e.fix.as_ref().map(|f| f.text.as_str()), Some("kernel_size"));
    assert!(check(&fixed(src).unwrap()).errors().is_empty());
}
