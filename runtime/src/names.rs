//! Loading a checkpoint whose names are not the model's: prefixes stripped
//! or added, names mapped by a function, and the hint strict loading gives
//! when every missing tensor is in the file under a common prefix.

use std::collections::HashMap;
use std::fmt;

use crate::error::{Error, Result, StateDictMismatch};
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

enum Rename {
    Strip(String),
    Add(String),
    Map(Box<dyn Fn(&str) -> Option<String> + Send + Sync>),
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

/// A prefix that would make a checkpoint's names the model's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrefixHint {
    /// Every missing name is in the file with this in front.
    Strip(String),
    /// Every missing name is this in front of a name in the file.
    Add(String),
}

impl StateDictMismatch {
    /// The prefix to strip or add when every missing tensor is in the file
    /// under one common prefix (a `DataParallel` or Lightning checkpoint,
    /// a backbone's own file).
    ///
    /// ```
    /// use cnn_runtime::{PrefixHint, StateDictMismatch};
    /// let mismatch = StateDictMismatch {
    ///     missing: vec!["conv.weight".into(), "fc.bias".into()],
    ///     unexpected: vec!["module.conv.weight".into(), "module.fc.bias".into()],
    ///     wrong_shape: vec![],
    /// };
    /// assert_eq!(mismatch.prefix_hint(), Some(PrefixHint::Strip("module.".into())));
    /// ```
    #[must_use]
    pub fn prefix_hint(&self) -> Option<PrefixHint> {
        let first = self.missing.first()?;
        let unexpected: std::collections::HashSet<&str> =
            self.unexpected.iter().map(String::as_str).collect();
        let all = |test: &dyn Fn(&str) -> bool| self.missing.iter().all(|m| test(m));
        // The file's names are longer: which prefix, if one, fits all.
        for u in &self.unexpected {
            if let Some(prefix) = u.strip_suffix(first.as_str())
                && !prefix.is_empty()
                && all(&|m| unexpected.contains(format!("{prefix}{m}").as_str()))
            {
                return Some(PrefixHint::Strip(prefix.to_string()));
            }
        }
        // The model's names are longer.
        for u in &self.unexpected {
            if let Some(prefix) = first.strip_suffix(u.as_str())
                && !prefix.is_empty()
                && all(&|m| {
                    m.strip_prefix(prefix)
                        .is_some_and(|rest| unexpected.contains(rest))
                })
            {
                return Some(PrefixHint::Add(prefix.to_string()));
            }
        }
        None
    }
}

impl fmt::Display for PrefixHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrefixHint::Strip(p) => write!(
                f,
                "every missing tensor is in the file with `{p}` in front of its name (as a checkpoint of a `DataParallel` or Lightning model has); load with `LoadOptions::new().strip_prefix({p:?})`"
            ),
            PrefixHint::Add(p) => write!(
                f,
                "every missing tensor is in the file without the `{p}` in front of its name; load with `LoadOptions::new().add_prefix({p:?})`"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mismatch(missing: &[&str], unexpected: &[&str]) -> StateDictMismatch {
        StateDictMismatch {
            missing: missing.iter().map(|s| s.to_string()).collect(),
            unexpected: unexpected.iter().map(|s| s.to_string()).collect(),
            wrong_shape: Vec::new(),
        }
    }

    #[test]
    fn prefixes_are_found_both_ways_and_only_when_they_fit_every_name() {
        let strip = mismatch(
            &["conv.weight", "conv.bias"],
            &["model.conv.bias", "model.conv.weight", "optimizer.step"],
        );
        assert_eq!(
            strip.prefix_hint(),
            Some(PrefixHint::Strip("model.".into()))
        );
        let add = mismatch(
            &["backbone.conv.weight", "backbone.fc.bias"],
            &["conv.weight", "fc.bias"],
        );
        assert_eq!(add.prefix_hint(), Some(PrefixHint::Add("backbone.".into())));
        // One missing name not under the prefix: no hint.
        let partial = mismatch(&["conv.weight", "fc.bias"], &["module.conv.weight"]);
        assert_eq!(partial.prefix_hint(), None);
        // Renamed, not prefixed.
        assert_eq!(
            mismatch(&["fc.weight"], &["classifier.weight"]).prefix_hint(),
            None
        );
        assert_eq!(mismatch(&[], &["module.fc.weight"]).prefix_hint(), None);
    }

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
