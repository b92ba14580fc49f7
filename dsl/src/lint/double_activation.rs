//! `double_activation`: one activation directly after another; for ReLU
//! after ReLU the second does nothing, for others the pair is rarely meant.

use super::{Group, Lint, LintCx, warning};
use crate::spec::LayerSpec;

pub const LINT: Lint = Lint {
    name: "double_activation",
    group: Group::Suspicious,
    reason: "an activation directly after another does nothing (ReLU after ReLU) or is rarely meant",
};

pub fn check(cx: &mut LintCx<'_>) {
    for run in cx.sequences() {
        for pair in run.windows(2) {
            let (first, second) = (cx.layer(pair[0]), cx.layer(pair[1]).clone());
            let (Some(LayerSpec::Activation(a)), Some(LayerSpec::Activation(b))) =
                (&first.spec, &second.spec)
            else {
                continue;
            };
            let why = if a == b && matches!(a.kind(), "ReLU" | "ReLU6") {
                format!("a {} of a {} changes nothing", b.kind(), a.kind())
            } else {
                format!("{} squashes what {} already shaped", b.kind(), a.kind())
            };
            let diag = warning(
                LINT,
                &second,
                format!(
                    "`{}` directly follows the activation `{}`",
                    second.name, first.name
                ),
            )
            .note(why)
            .help(format!(
                "remove `{}`, or put a layer between the two",
                second.name
            ));
            cx.warn(&second, diag);
        }
    }
}
