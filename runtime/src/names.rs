//! Loading a checkpoint whose names are not the model's: prefixes stripped
//! or added, names mapped by a function.

use std::collections::HashMap;
use std::fmt;

use crate::error::{Error, Result};
use crate::state_dict::Strictness;

/// How to load a checkpoint: strict or lenient, and how the file's names
/// become the model's.
///
/// The renames apply to every name in the file, in the order they were
/// added. A checkpoint saved from a `DataParallel` model (`module.conv1.weight`)
/// or by Lightning (`model.conv1.weight`) loads with its prefix stripped:
///
/// ```
/// use cnn_runtime::LoadOptions;
/// let options = LoadOptions::new().strip_prefix("module.");
/// assert_eq!(options.rename_one("module.conv1.weight").as_deref(), Some("conv1.weight"));
/// // Names without the prefix are kept as they are.
/// assert_eq!(options.rename_one("fc.bias").as_deref(), Some("fc.bias"));
/// ```
///
/// Any other scheme goes through a function; returning `None` leaves a
/// tensor out:
///
/// ```
/// use cnn_runtime::LoadOptions;
/// let options = LoadOptions::new()
///     .rename(|name| (!name.starts_with("optimizer.")).then(|| name.replace("classifier.", "fc.")));
/// assert_eq!(options.rename_one("classifier.weight").as_deref(), Some("fc.weight"));
/// assert_eq!(options.rename_one("optimizer.step"), None);
/// ```
///
/// Models take them in `from_safetensors_with` and `load_safetensors_with`;
/// state dicts in [`load_state_dict_with`](crate::load_state_dict_with).
#[derive(Default)]
#[must_use]
pub struct LoadOptions {
    pub(crate) strictness: Strictness,
    renames: Vec<Rename>,
}

/// A name mapping given by the user; `None` leaves a tensor out.
type NameMap = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

enum Rename {
    Strip(String),
    Add(String),
    Map(NameMap),
}

impl LoadOptions {
    /// Strict loading (PyTorch's `strict=True`), names as they are.
    pub fn new() -> Self {
        LoadOptions::default()
    }

    /// Loads what matches and reports the rest (PyTorch's `strict=False`).
    pub fn lenient(mut self) -> Self {
        self.strictness = Strictness::Lenient;
        self
    }

    /// Sets how missing and unexpected tensors are treated.
    pub fn strictness(mut self, strictness: Strictness) -> Self {
        self.strictness = strictness;
        self
    }

    /// Removes `prefix` from the names that start with it
    /// (`"module."` for `DataParallel`, `"model."` for Lightning).
    pub fn strip_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.renames.push(Rename::Strip(prefix.into()));
        self
    }

    /// Puts `prefix` before every name: to load a backbone's own file into
    /// a model that holds it under a name (`"backbone."`).
    pub fn add_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.renames.push(Rename::Add(prefix.into()));
        self
    }

    /// Renames each tensor with `f`; `None` leaves the tensor out.
    pub fn rename(mut self, f: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.renames.push(Rename::Map(Box::new(f)));
        self
    }

    /// The model's name for the file's tensor `name`, or `None` when a
    /// rename leaves it out.
    #[must_use]
    pub fn rename_one(&self, name: &str) -> Option<String> {
        let mut name = name.to_string();
        for r in &self.renames {
            name = match r {
                Rename::Strip(p) => match name.strip_prefix(p.as_str()) {
                    Some(rest) => rest.to_string(),
                    None => name,
                },
                Rename::Add(p) => format!("{p}{name}"),
                Rename::Map(f) => f(&name)?,
            };
        }
        Some(name)
    }

    /// The file's names under the model's: model name -> file name.
    ///
    /// # Errors
    /// [`Error::NameClash`] when two of the file's names become one.
    pub(crate) fn map<'a>(
        &self,
        names: impl Iterator<Item = &'a str>,
    ) -> Result<HashMap<String, &'a str>> {
        let mut map: HashMap<String, &'a str> = HashMap::new();
        for name in names {
            let Some(renamed) = self.rename_one(name) else {
                continue;
            };
            if let Some(first) = map.get(&renamed) {
                return Err(Error::NameClash {
                    name: renamed,
                    first: first.to_string(),
                    second: name.to_string(),
                });
            }
            map.insert(renamed, name);
        }
        Ok(map)
    }
}

impl fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let renames: Vec<String> = self
            .renames
            .iter()
            .map(|r| match r {
                Rename::Strip(p) => format!("strip_prefix({p:?})"),
                Rename::Add(p) => format!("add_prefix({p:?})"),
                Rename::Map(_) => "rename(..)".to_string(),
            })
            .collect();
        f.debug_struct("LoadOptions")
            .field("strictness", &self.strictness)
            .field("renames", &renames)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_compose_in_order_and_clashes_are_errors() {
        let options = LoadOptions::new()
            .strip_prefix("module.")
            .add_prefix("net.")
            .rename(|n| Some(n.replace("bn", "norm")));
        assert_eq!(
            options.rename_one("module.bn1.weight").as_deref(),
            Some("net.norm1.weight")
        );
        assert_eq!(
            options.rename_one("bn1.weight").as_deref(),
            Some("net.norm1.weight")
        );
        let err = options
            .map(["module.bn1.weight", "bn1.weight"].into_iter())
            .unwrap_err();
        assert!(matches!(err, Error::NameClash { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            "renaming gives two tensors of the file the name `net.norm1.weight`: `module.bn1.weight` and `bn1.weight`"
        );
    }
}
