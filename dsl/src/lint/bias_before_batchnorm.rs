//! `bias_before_batchnorm`: a convolution's bias directly followed by
//! BatchNorm2d does nothing, since BatchNorm subtracts each channel's mean
//! (a constant per channel, the bias included) right after.

use super::{Group, Lint, LintCx, warning};
use crate::spec::LayerSpec;

pub const LINT: Lint = Lint {
    name: "bias_before_batchnorm",
    group: Group::Pedantic,
    reason: "BatchNorm2d subtracts each channel's mean, cancelling the bias of the convolution before it",
};

pub fn check(cx: &mut LintCx<'_>) {
    for run in cx.sequences() {
        for pair in run.windows(2) {
            let (conv, norm) = (cx.layer(pair[0]).clone(), cx.layer(pair[1]));
            let (Some(LayerSpec::Conv2d(c)), Some(LayerSpec::BatchNorm2d(_))) =
                (&conv.spec, &norm.spec)
            else {
                continue;
            };
            if !c.bias {
                continue;
            }
            let text = conv.call.with("bias", "false");
            let diag = warning(
                LINT,
                &conv,
                format!("`{}` has a bias that `{}` cancels", conv.name, norm.name),
            )
            .note(format!(
                "`{}` subtracts each channel's mean, bias included, then adds a bias of its own",
                norm.name
            ))
            .note(format!(
                "to load a checkpoint that holds `{}.bias`, keep it and write `#[allow(bias_before_batchnorm)]` on the layer",
                conv.name
            ))
            .fix(conv.call_span, text.clone(), format!("write `{text}`"));
            cx.warn(&conv, diag);
        }
    }
}
