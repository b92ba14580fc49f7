//! The hint strict loading gives when every missing tensor is in the file
//! under one common prefix (a `DataParallel` or Lightning checkpoint, a
//! backbone's own file).

use std::fmt;

use crate::error::StateDictMismatch;

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
    /// use cnn_core::{PrefixHint, StateDictMismatch};
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
}
