//! `pool_stride_gaps`: a pooling window moved further than its own size
//! skips the pixels in between.

use super::{Group, Lint, LintCx, pair_text, warning};
use crate::spec::LayerSpec;

pub const LINT: Lint = Lint {
    name: "pool_stride_gaps",
    group: Group::Suspicious,
    reason: "a pooling stride larger than its window skips the pixels in between",
};

pub fn check(cx: &mut LintCx<'_>) {
    for layer in &cx.model.layers {
        let (extent, stride, kernel) = match &layer.spec {
            Some(LayerSpec::MaxPool2d(p)) => (
                [0, 1].map(|a| p.dilation[a] * (p.kernel[a] - 1) + 1),
                p.stride,
                p.kernel,
            ),
            Some(LayerSpec::AvgPool2d(p)) => (p.kernel, p.stride, p.kernel),
            _ => continue,
        };
        if stride[0] <= extent[0] && stride[1] <= extent[1] {
            continue;
        }
        let layer = layer.clone();
        let skipped = [0, 1].map(|a| stride[a].saturating_sub(extent[a]));
        let text = layer.call.with("stride", &pair_text(kernel));
        let diag = warning(
            LINT,
            &layer,
            format!(
                "`{}` moves its {}x{} window {} pixels at a time, never reading {} of every {} rows or columns",
                layer.name,
                extent[0],
                extent[1],
                pair_text(stride),
                pair_text(skipped),
                pair_text(stride),
            ),
        )
        .fix(
            layer.call_span,
            text.clone(),
            format!("write `{text}` (stride = kernel size) to pool every pixel"),
        );
        cx.warn(&layer, diag);
    }
}
