//! `huge_linear`: one Linear layer holding most of a large model's
//! parameters (VGG's and AlexNet's first classifier layers): usually the
//! spatial features were flattened without pooling them first.

use super::{Group, Lint, LintCx, warning};
use crate::shape::grouped;
use crate::spec::LayerSpec;

pub const LINT: Lint = Lint {
    name: "huge_linear",
    group: Group::Pedantic,
    reason: "one Linear layer holds most of the model's parameters",
};

/// Below this many parameters a large share is normal (a small CNN's
/// classifier); above it, the layer costs real memory and time.
const MIN_PARAMS: usize = 1_000_000;

pub fn check(cx: &mut LintCx<'_>) {
    let Some(total) = cx.model.params else { return };
    for layer in &cx.model.layers {
        let (Some(LayerSpec::Linear(_)), Some(params)) = (&layer.spec, layer.params) else {
            continue;
        };
        if params < MIN_PARAMS || params * 2 <= total {
            continue;
        }
        let layer = layer.clone();
        let diag = warning(
            LINT,
            &layer,
            format!(
                "`{}` holds {} of the model's {} parameters ({}%)",
                layer.name,
                grouped(params),
                grouped(total),
                params * 100 / total
            ),
        )
        .help(
            "pool the features before flattening them (`AdaptiveAvgPool2d(1)` before `Flatten`, as torchvision's ResNets do), or give this layer fewer inputs",
        );
        cx.warn(&layer, diag);
    }
}
