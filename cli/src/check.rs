//! `cargo cnn check`: every diagnostic of every model, then a tally.

use std::io::Write;

use crate::find::SourceFile;
use crate::report::{Report, reports};
use crate::{CheckFormat, Failure, Outcome, render, write_out};

pub struct Options {
    pub format: CheckFormat,
    pub deny_warnings: bool,
    pub color: bool,
    /// The packages checked, for rustc-style JSON's package and target.
    pub packages: Vec<crate::workspace::Package>,
}

pub fn run(
    files: &[SourceFile],
    options: Options,
    out: &mut impl Write,
) -> Result<Outcome, Failure> {
    let reports = reports(files);
    let mut text = String::new();
    for report in &reports {
        match options.format {
            CheckFormat::Human => {
                text.push_str(&render::human(report, options.color));
                text.push_str("\n\n");
            }
            CheckFormat::Json => {
                text.push_str(&render::json(report));
                text.push('\n');
            }
            CheckFormat::Github => {
                text.push_str(&render::github(report));
                text.push('\n');
            }
            CheckFormat::Rustc => {
                text.push_str(&crate::rustc_json::message(report, &options.packages));
                text.push('\n');
            }
        }
    }
    let errors = reports.iter().filter(|r| r.is_error()).count();
    let warnings = reports.len() - errors;
    if options.format == CheckFormat::Rustc {
        let fails = errors > 0 || (options.deny_warnings && warnings > 0);
        text.push_str(&crate::rustc_json::finished(!fails));
        text.push('\n');
    }
    if options.format == CheckFormat::Human {
        text.push_str(&tally(files, &reports, errors, warnings));
        text.push('\n');
    }
    write_out(out, &text)?;
    Ok(if errors > 0 || (options.deny_warnings && warnings > 0) {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

/// `checked 3 models in 12 files: 2 errors, 1 warning`
fn tally(files: &[SourceFile], reports: &[Report], errors: usize, warnings: usize) -> String {
    let models: usize = files.iter().map(|f| f.models().count()).sum();
    let count = |n: usize, noun: &str| {
        if n == 1 {
            format!("1 {noun}")
        } else {
            format!("{n} {noun}s")
        }
    };
    let found = if reports.is_empty() {
        "no problems".to_string()
    } else {
        [(errors, "error"), (warnings, "warning")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, noun)| count(n, noun))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "checked {} in {}: {found}",
        count(models, "model"),
        count(files.len(), "file")
    )
}
