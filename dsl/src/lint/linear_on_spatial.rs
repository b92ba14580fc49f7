//! `linear_on_spatial`: `Linear` on a `[C, H, W]` tensor acts on its last
//! dimension only (legal in PyTorch), where a `Flatten` before it was almost
//! certainly meant. After a `Permute` (ConvNeXt's channels-last MLP) it is
//! meant, and not reported.

use super::{Group, Lint, LintCx, dims_text, warning};
use crate::spec::LayerSpec;

pub const LINT: Lint = Lint {
    name: "linear_on_spatial",
    group: Group::Correctness,
    reason: "Linear on a [C, H, W] tensor acts on its last dimension only, not on the whole image",
};

pub fn check(cx: &mut LintCx<'_>) {
    // Layers that follow a Permute in their run (until one permutes back).
    let mut permuted = Vec::new();
    for run in cx.sequences() {
        let mut after = false;
        for index in run {
            if matches!(cx.model.layers[index].spec, Some(LayerSpec::Permute { .. })) {
                after = !after;
            } else if after {
                permuted.push(index);
            }
        }
    }
    for (index, layer) in cx.model.layers.iter().enumerate() {
        let Some(LayerSpec::Linear(linear)) = &layer.spec else {
            continue;
        };
        if permuted.contains(&index) {
            continue;
        }
        let Some(input) = layer.input.concrete() else {
            continue;
        };
        if input.len() != 3 {
            continue;
        }
        let layer = layer.clone();
        let features: usize = input.iter().product();
        let local = layer.name.rsplit('.').next().unwrap_or(&layer.name);
        let call = layer.call.with("in_features", &features.to_string());
        let call = if layer.named {
            format!("{local}: {call}")
        } else {
            call
        };
        let text = format!("Flatten, {call}");
        let diag = warning(
            LINT,
            &layer,
            format!(
                "`{}` is applied to the last dimension of a {} tensor, not to its {features} values",
                layer.name,
                dims_text(&input)
            ),
        )
        .note(format!(
            "like PyTorch's, this Linear maps each of the {} rows of {} values to {} values on its own",
            input[0] * input[1],
            input[2],
            linear.out_features
        ))
        .fix(layer.span, text.clone(), format!("flatten first: `{text}`"));
        cx.warn(&layer, diag);
    }
}
