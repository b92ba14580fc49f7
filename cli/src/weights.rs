//! `cargo cnn weights`: a safetensors checkpoint against a model's
//! state_dict, from the source alone. Every problem is named: missing,
//! unexpected, wrongly shaped and wrongly typed tensors.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use cnn_dsl::model::CheckedModel;
// The loader's own rules: what it converts, and what it may skip.
use cnn_core::Dtype;
use cnn_core::checkpoint::{is_batches_tracked, is_float};
use cnn_core::printable;

use crate::{Failure, Outcome, write_out};

/// One tensor of the checkpoint.
struct Stored {
    dtype: Dtype,
    shape: Vec<usize>,
}

/// What is wrong with one tensor.
#[derive(Debug, PartialEq)]
pub enum Problem {
    Missing {
        name: String,
        shape: Vec<usize>,
    },
    Unexpected {
        name: String,
        shape: Vec<usize>,
    },
    Shape {
        name: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    Dtype {
        name: String,
        found: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing { name, shape } => {
                write!(f, "missing: `{name}` {shape:?} is not in the file")
            }
            // Names from the file are escaped: they must not forge lines.
            Problem::Unexpected { name, shape } => {
                write!(
                    f,
                    "unexpected: `{}` {shape:?} is in the file but not in the model",
                    printable(name)
                )
            }
            Problem::Shape {
                name,
                expected,
                found,
            } => {
                write!(
                    f,
                    "wrong shape: `{name}` is {found:?} in the file, the model needs {expected:?}"
                )
            }
            Problem::Dtype { name, found } => write!(
                f,
                "wrong dtype: `{name}` is {found}; weights must be floating point (F32, F16, BF16 or F64)"
            ),
        }
    }
}

/// Every problem of a checkpoint (its tensors by name) for `model`.
fn problems(model: &CheckedModel, stored: &BTreeMap<String, Stored>) -> Vec<Problem> {
    let expected: BTreeMap<String, Vec<usize>> = model.tensors().into_iter().collect();
    let mut found = Vec::new();
    for (name, shape) in &expected {
        match stored.get(name) {
            None => found.push(Problem::Missing {
                name: name.clone(),
                shape: shape.clone(),
            }),
            Some(t) if !is_float(t.dtype) => found.push(Problem::Dtype {
                name: name.clone(),
                found: format!("{:?}", t.dtype),
            }),
            Some(t) if &t.shape != shape => found.push(Problem::Shape {
                name: name.clone(),
                expected: shape.clone(),
                found: t.shape.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, t) in stored {
        if !expected.contains_key(name) && !is_batches_tracked(name) {
            found.push(Problem::Unexpected {
                name: name.clone(),
                shape: t.shape.clone(),
            });
        }
    }
    found
}

/// The prefix to strip or add, when every missing tensor is in the file
/// under one.
fn prefix_hint(problems: &[Problem]) -> Option<cnn_core::PrefixHint> {
    let mut mismatch = cnn_core::StateDictMismatch::default();
    for p in problems {
        match p {
            Problem::Missing { name, .. } => mismatch.missing.push(name.clone()),
            Problem::Unexpected { name, .. } => mismatch.unexpected.push(name.clone()),
            _ => {}
        }
    }
    mismatch.prefix_hint()
}

/// Reads the checkpoint's header (safetensors checks it against the file's
/// length) and reports on it.
pub fn check(model: &CheckedModel, file: &Path, out: &mut impl Write) -> Result<Outcome, Failure> {
    let header = cnn_core::checkpoint::read_header(file).map_err(|e| match e {
        cnn_core::Error::Io { source, .. } => Failure::Io(file.display().to_string(), source),
        cnn_core::Error::Format(problem) => Failure::Broken(format!(
            "{} is not a safetensors file: {problem}",
            file.display()
        )),
        // Its message names the file and says how to convert it.
        torch @ cnn_core::Error::TorchCheckpoint { .. } => Failure::Broken(torch.to_string()),
        other => Failure::Broken(format!("{}: {other}", file.display())),
    })?;
    let stored: BTreeMap<String, Stored> = header
        .into_iter()
        .map(|t| {
            (
                t.name,
                Stored {
                    dtype: t.dtype,
                    shape: t.shape,
                },
            )
        })
        .collect();
    let problems = problems(model, &stored);
    let expected = model.tensors().len();
    let mut text = String::new();
    for p in &problems {
        text.push_str(&format!("error: {p}\n"));
    }
    if let Some(hint) = prefix_hint(&problems) {
        text.push_str(&format!("help: {hint}\n"));
    }
    text.push_str(&if problems.is_empty() {
        format!(
            "{} matches `{}`: all {expected} tensors present with the right shapes\n",
            file.display(),
            model.name
        )
    } else {
        format!(
            "{} does not match `{}`: {} problem{} ({expected} tensors expected, {} in the file)\n",
            file.display(),
            model.name,
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            stored.len()
        )
    });
    write_out(out, &text)?;
    Ok(if problems.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}
