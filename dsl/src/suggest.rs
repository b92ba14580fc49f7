//! "Did you mean" suggestions for misspelled names.

/// The candidate closest to `name`, if it is close enough to be what the user
/// meant: equal ignoring case, or within an edit distance of about a third of
/// the name's length.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    // A name that begins exactly one candidate is that one, however far the
    // rest is (`kernel` for `kernel_size`).
    let mut prefixed = candidates.iter().filter(|c| {
        lower.chars().count() >= 3 && **c != name && c.to_ascii_lowercase().starts_with(&lower)
    });
    if let (Some(only), None) = (prefixed.next(), prefixed.next()) {
        return Some(only);
    }
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = if candidate.to_ascii_lowercase() == lower {
            0
        } else {
            edit_distance(&lower, &candidate.to_ascii_lowercase())
        };
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    let limit = (name.chars().count() / 3).max(1);
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and
/// transpositions of neighbours each cost one (`kernal` -> `kernel` is 1).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kernal_size", "kernel_size"), 1);
        assert_eq!(edit_distance("strdie", "stride"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }

    #[test]
    fn suggestions() {
        let layers = ["Conv2d", "Linear", "ReLU", "MaxPool2d", "BatchNorm2d"];
        assert_eq!(did_you_mean("Conv2D", layers), Some("Conv2d"));
        assert_eq!(did_you_mean("relu", layers), Some("ReLU"));
        assert_eq!(did_you_mean("Lineer", layers), Some("Linear"));
        assert_eq!(did_you_mean("Transformer", layers), None);
        assert_eq!(
            did_you_mean("kernal_size", ["kernel_size", "stride"]),
            Some("kernel_size")
        );
    }
}
