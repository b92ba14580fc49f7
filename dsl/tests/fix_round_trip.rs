//! Applying every fix the checker offers, all at once, gives a model with
//! no errors: the errors after the first assume the earlier fixes were
//! made, so the fixes agree with each other.

#[path = "support/cnn_body.rs"]
mod cnn_body;
mod common;

use cnn_body::body;
use cnn_dsl::diagnostic::{Applicability, Diagnostic, Fix};
use common::*;

/// Which fixes to apply.
#[derive(Clone, Copy, PartialEq)]
enum Take {
    /// Only the machine-applicable ones, as `cargo cnn fix` does.
    Certain,
    /// Every fix, guesses too.
    All,
}

fn taken(d: &Diagnostic, take: Take) -> bool {
    d.fix
        .as_ref()
        .is_some_and(|f| take == Take::All || f.applicability == Applicability::MachineApplicable)
}

/// The source with the chosen fixes of every error applied.
fn fixed(src: &str, take: Take) -> String {
    let r = check(src);
    let fixes = r
        .errors()
        .into_iter()
        .filter(|d| taken(d, take))
        .filter_map(|d| d.fix.as_ref());
    Fix::apply_all(src, fixes)
}

/// The `cnn!` bodies of the UI cases that fail to check, by file name.
fn failing_ui_cases() -> Vec<(String, String)> {
    let root = format!("{}/../tests/ui", env!("CARGO_MANIFEST_DIR"));
    let mut cases = Vec::new();
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
            // Cases whose mistake is in the tokens themselves never reach
            // the checker.
            if src.parse::<proc_macro2::TokenStream>().is_err() {
                continue;
            }
            if check(src).errors().is_empty() {
                continue;
            }
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            cases.push((name, src.to_string()));
        }
    }
    cases
}

#[test]
fn every_certain_fix_of_a_ui_case_applied_at_once_leaves_only_the_unfixed_errors() {
    let mut still_broken = Vec::new();
    for (name, src) in failing_ui_cases() {
        let before = check(&src);
        let unfixed = before
            .errors()
            .iter()
            .filter(|d| !taken(d, Take::Certain))
            .count();
        let out = fixed(&src, Take::Certain);
        let after = check(&out);
        if after.errors().len() > unfixed {
            still_broken.push(format!("{name}:\n{out}\n{:#?}", after.messages()));
        }
    }
    assert!(still_broken.is_empty(), "{}", still_broken.join("\n\n"));
}

#[test]
fn nine_in_ten_ui_cases_have_a_fix_for_every_error_and_the_fixes_build() {
    let cases = failing_ui_cases();
    let mut without_fix = Vec::new();
    let mut still_broken = Vec::new();
    for (name, src) in &cases {
        if !check(src).errors().iter().all(|d| taken(d, Take::All)) {
            without_fix.push(name.clone());
            continue;
        }
        let out = fixed(src, Take::All);
        let after = check(&out);
        if !after.errors().is_empty() {
            still_broken.push(format!("{name}:\n{out}\n{:#?}", after.messages()));
        }
    }
    eprintln!(
        "{} of {} cases have a fix for every error; the others: {without_fix:#?}",
        cases.len() - without_fix.len(),
        cases.len()
    );
    assert!(still_broken.is_empty(), "{}", still_broken.join("\n\n"));
    assert!(cases.len() > 60, "only {} UI cases found", cases.len());
    assert!(
        without_fix.len() * 10 <= cases.len(),
        "{} of {} cases lack a fix",
        without_fix.len(),
        cases.len()
    );
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
    let fixes: Vec<&str> = r.errors().iter().filter_map(|d| fix_text(d)).collect();
    assert_eq!(fixes, ["16", "16384"]);
    let out = fixed(src, Take::Certain);
    assert!(check(&out).errors().is_empty(), "{out}");
}

#[test]
fn a_keyword_that_begins_a_parameter_name_suggests_it() {
    let src = "struct N<3, 8, 8> { conv: Conv2d(3, 16, kernel = 3) }";
    let r = check(src);
    let e = r.error();
    assert_eq!(underlined(src, e), "kernel");
    assert_eq!(fix_text(e), Some("kernel_size"));
    assert!(check(&fixed(src, Take::All)).errors().is_empty());
}

#[test]
fn a_residual_path_that_shrank_is_one_error_at_the_padding_to_change() {
    let src = "struct N<16, 8, 8> {
        residual {
            conv1: Conv2d(16, 16, 3, padding = 1),
            relu: ReLU,
            conv2: Conv2d(16, 16, 5, padding = 0),
        },
    }";
    let r = check(src);
    let e = r.error();
    assert_eq!(underlined(src, e), "0");
    assert!(
        e.message
            .starts_with("`conv2` shrinks the main path from [16, 8, 8] to [16, 4, 4]"),
        "{}",
        e.message
    );
    assert_eq!(fix_text(e), Some("Conv2d(16, 16, 5, padding = 2)"));
    assert!(check(&fixed(src, Take::Certain)).errors().is_empty());
    // The layers after it see the size the fix gives: no second error.
    let src = src.replace(
        "},\n    }",
        "},\n        flatten: Flatten,\n        fc: Linear(1024, 10),\n    }",
    );
    assert!(src.contains("Linear(1024"), "{src}");
    let r = check(&src);
    assert_eq!(r.errors().len(), 1, "{:?}", r.messages());
}
