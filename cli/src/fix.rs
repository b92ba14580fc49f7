//! `cargo cnn fix`: applies the machine-applicable fixes in place, as
//! `cargo fix` applies rustc's. Files with changes not yet committed are
//! left alone unless `--allow-dirty` (the fixes are then mixed with the
//! user's own edits); the fixes of one check agree with each other, so they
//! are applied together, and the files are checked again (a fix can bring
//! the check further) until nothing more applies.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use cnn_dsl::diagnostic::{Applicability, Fix};

use crate::find::{SourceFile, load_with};
use crate::report::reports;
use crate::{Failure, Outcome, render, write_out};

/// Rounds of fix-and-check before giving up on reaching a fixed point.
const ROUNDS: usize = 4;

pub struct Options {
    pub allow_dirty: bool,
    pub allow_no_vcs: bool,
    pub levels: Vec<cnn_dsl::lint::Level>,
}

/// Fixes the models under `paths`, prints what changed and what is left.
pub fn run(paths: &[PathBuf], options: Options, out: &mut impl Write) -> Result<Outcome, Failure> {
    let mut files = load_with(paths, &options.levels)?;
    let to_change: Vec<&Path> = files
        .iter()
        .filter(|f| !certain_fixes(f).is_empty())
        .map(|f| f.path.as_path())
        .collect();
    if !to_change.is_empty() {
        check_vcs(&to_change, &options)?;
    }
    let mut text = String::new();
    for _ in 0..ROUNDS {
        let mut changed = false;
        for file in &files {
            let fixes = certain_fixes(file);
            if fixes.is_empty() {
                continue;
            }
            let fixed = Fix::apply_all(&file.text, fixes.iter().map(|(fix, _)| *fix));
            if fixed == file.text {
                continue;
            }
            std::fs::write(&file.path, &fixed)
                .map_err(|e| Failure::Io(file.path.display().to_string(), e))?;
            changed = true;
            let n = fixes.len();
            text.push_str(&format!(
                "fixed {} ({n} fix{})\n",
                file.path.display(),
                if n == 1 { "" } else { "es" }
            ));
            for (_, what) in &fixes {
                text.push_str(&format!("  {what}\n"));
            }
        }
        if !changed {
            break;
        }
        let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        files = load_with(&paths, &options.levels)?;
    }
    if text.is_empty() {
        text.push_str("nothing to fix\n");
    }
    // What is left, as `check` prints it.
    let left = reports(&files);
    for report in &left {
        text.push('\n');
        text.push_str(&render::human(report, false));
        text.push('\n');
    }
    let errors = left.iter().filter(|r| r.is_error()).count();
    if !left.is_empty() {
        text.push_str(&format!(
            "\n{} left: {errors} error{}, {} warning{} (their fixes, if any, need a choice)\n",
            left.len(),
            if errors == 1 { "" } else { "s" },
            left.len() - errors,
            if left.len() - errors == 1 { "" } else { "s" },
        ));
    }
    write_out(out, &text)?;
    Ok(if errors > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

/// The machine-applicable fixes of a file, each with a line saying what it
/// does: `src/lib.rs:10:24: write `1152` (`fc` expects ...)`.
fn certain_fixes(file: &SourceFile) -> Vec<(&Fix, String)> {
    reports(std::slice::from_ref(file))
        .into_iter()
        .filter_map(|r| {
            let fix = r.diagnostic.fix.as_ref()?;
            if fix.applicability != Applicability::MachineApplicable {
                return None;
            }
            let edits: Vec<String> = r
                .fix_edits
                .iter()
                .map(|(place, text)| {
                    let old = &file.text[place.bytes.clone()];
                    match (old.is_empty(), text.is_empty()) {
                        (true, _) => format!("{}:{}: insert `{text}`", place.line, place.column),
                        (false, true) => {
                            format!("{}:{}: remove `{old}`", place.line, place.column)
                        }
                        _ => format!("{}:{}: `{old}` -> `{text}`", place.line, place.column),
                    }
                })
                .collect();
            Some((
                fix,
                format!("{} ({})", edits.join(", "), r.diagnostic.message),
            ))
        })
        .collect()
}

/// Refuses to write over changes not yet committed, or outside version
/// control, unless allowed: the user must be able to see and undo the
/// fixes.
fn check_vcs(files: &[&Path], options: &Options) -> Result<(), Failure> {
    let dir = files[0].parent().filter(|d| !d.as_os_str().is_empty());
    let git = || {
        let mut command = Command::new("git");
        if let Some(dir) = dir {
            command.current_dir(dir);
        }
        command
    };
    let inside = git()
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !inside {
        if options.allow_no_vcs {
            return Ok(());
        }
        return Err(Failure::Usage(
            "no git repository holds these files, so the fixes could not be undone; \
             commit them to one first, or pass `--allow-no-vcs`"
                .to_string(),
        ));
    }
    if options.allow_dirty {
        return Ok(());
    }
    let absolute: Vec<PathBuf> = files
        .iter()
        .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.to_path_buf()))
        .collect();
    let output = git()
        .args(["status", "--porcelain", "--"])
        .args(&absolute)
        .output()
        .map_err(|e| Failure::Io("git status".into(), e))?;
    let dirty = String::from_utf8_lossy(&output.stdout);
    let dirty: Vec<&str> = dirty.lines().filter(|l| !l.trim().is_empty()).collect();
    if dirty.is_empty() {
        return Ok(());
    }
    Err(Failure::Usage(format!(
        "the files to fix have changes not yet committed:\n{}\ncommit or stash them first, or pass `--allow-dirty` to fix them anyway",
        dirty
            .iter()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    )))
}
