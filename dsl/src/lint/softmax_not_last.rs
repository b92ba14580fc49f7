//! `softmax_not_last`: a softmax followed by more layers; it belongs at the
//! end (and not at all when training with `CrossEntropyLoss`, which applies
//! its own).

use super::{Group, Lint, LintCx, warning};
use crate::spec::LayerSpec;

pub const LINT: Lint = Lint {
    name: "softmax_not_last",
    group: Group::Correctness,
    reason: "a softmax turns scores into probabilities; the layers after it see squashed values",
};

pub fn check(cx: &mut LintCx<'_>) {
    for run in cx.sequences() {
        for (at, &index) in run.iter().enumerate() {
            let softmax = cx.layer(index).clone();
            if !matches!(softmax.spec, Some(LayerSpec::Softmax { .. })) {
                continue;
            }
            // Layers that leave values as they are may follow.
            let next = run[at + 1..].iter().map(|&i| cx.layer(i)).find(|l| {
                !matches!(
                    l.spec,
                    Some(
                        LayerSpec::Identity | LayerSpec::Dropout { .. } | LayerSpec::Flatten { .. }
                    )
                )
            });
            let Some(next) = next else { continue };
            let diag = warning(
                LINT,
                &softmax,
                format!("`{}` is followed by `{}`", softmax.name, next.name),
            )
            .note(format!(
                "{}: a softmax belongs at the very end",
                LINT.reason
            ))
            .help(format!(
                "move `{}` after the last layer, or leave it out if the loss applies its own",
                softmax.name
            ));
            cx.warn(&softmax, diag);
        }
    }
}
