//! Choosing the models a command works on, by name.

use cnn_dsl::model::CheckedModel;
use cnn_dsl::suggest::did_you_mean;

use crate::Failure;
use crate::find::SourceFile;

/// How many models the command takes.
#[derive(Clone, Copy, PartialEq)]
pub enum Need {
    /// Every model found, or the one named.
    Any,
    /// Exactly one: the one named, or the only one found.
    One,
}

/// The models of `files` that `name` selects. Models with errors cannot be
/// summarized or drawn: `cargo cnn check` says what is wrong with them.
pub fn models<'a>(
    files: &'a [SourceFile],
    name: Option<&str>,
    need: Need,
) -> Result<Vec<&'a CheckedModel>, Failure> {
    let all: Vec<&CheckedModel> = files.iter().flat_map(SourceFile::models).collect();
    let names: Vec<String> = all.iter().map(|m| m.name.to_string()).collect();
    let chosen: Vec<&CheckedModel> = match name {
        Some(name) => all.iter().copied().filter(|m| m.name == name).collect(),
        None => all.clone(),
    };
    if chosen.is_empty() {
        return Err(Failure::Usage(match name {
            None => "no cnn! models found here".to_string(),
            Some(name) => {
                let mut message = format!("no cnn! model named `{name}`");
                if let Some(close) = did_you_mean(name, names.iter().map(String::as_str)) {
                    message.push_str(&format!("; did you mean `{close}`?"));
                } else {
                    message.push_str(&format!("; the models found: {}", names.join(", ")));
                }
                message
            }
        }));
    }
    if need == Need::One && chosen.len() > 1 {
        return Err(Failure::Usage(match name {
            None => format!(
                "{} models found ({}); choose one with --model",
                chosen.len(),
                names.join(", ")
            ),
            Some(name) => format!(
                "{} models are named `{name}`; name one file or directory as the path",
                chosen.len()
            ),
        }));
    }
    if let Some(broken) = chosen.iter().find(|m| m.has_errors) {
        return Err(Failure::Broken(format!(
            "`{}` has errors; `cargo cnn check` shows them",
            broken.name
        )));
    }
    Ok(chosen)
}
