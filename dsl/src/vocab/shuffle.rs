//! torchvision's `StochasticDepth(p, mode)` (identity at inference, as
//! EfficientNet and ConvNeXt use it) and `ChannelShuffle(groups)`
//! (ShuffleNet's channel interleaving).

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::fmt_float;
use crate::shape::divisors;
use crate::spec::LayerSpec;
use crate::vocab::args::{Args, LayerKind, Signature, req};

pub static STOCHASTIC_DEPTH: Signature = Signature {
    kind: LayerKind::StochasticDepth,
    name: "StochasticDepth",
    params: &[req("p"), req("mode")],
    ignores_args: false,
};

pub static CHANNEL_SHUFFLE: Signature = Signature {
    kind: LayerKind::ChannelShuffle,
    name: "ChannelShuffle",
    params: &[req("groups")],
    ignores_args: false,
};

/// `StochasticDepth`'s arguments, `None` where one was invalid (reported).
pub fn bind_depth(args: &Args, diags: &mut Diagnostics) -> Option<LayerSpec> {
    let p = args.float("p", 0.0, diags);
    let mode = args.choice("mode", &["row", "batch"], "row", diags);
    let p = p?;
    if !(0.0..=1.0).contains(&p.value) {
        diags.push(
            Diagnostic::error(
                p.span,
                format!(
                    "the drop probability `p` must be between 0 and 1, but is {}",
                    fmt_float(p.value)
                ),
            )
            .guess(p.span, "0.2", "`p` is the probability of dropping the branch in training, e.g. `StochasticDepth(0.2, \"row\")`"),
        );
        return None;
    }
    Some(LayerSpec::StochasticDepth {
        p: p.value,
        row: mode?.value == "row",
    })
}

/// `ChannelShuffle`'s group count, `None` where invalid (reported).
pub fn bind_shuffle(args: &Args, diags: &mut Diagnostics) -> Option<usize> {
    Some(args.count("groups", 1, None, diags)?.value)
}

pub fn infer_depth(spec: &Option<LayerSpec>, cx: &mut InferCx) -> Inferred {
    let input = cx.input().clone();
    match spec {
        Some(s) => Inferred::same(&input, s.clone()),
        None => Inferred::broken(input),
    }
}

/// The channels must split into `groups` equal parts.
pub fn infer_shuffle(groups: Option<usize>, cx: &mut InferCx) -> Inferred {
    let input = cx.input().clone();
    let Some(groups) = groups else {
        return Inferred::broken(input);
    };
    if let Some(Some(c)) = input.dims().and_then(|d| d.first().copied())
        && !c.is_multiple_of(groups)
    {
        let all = divisors(c);
        let shown: Vec<String> = all.iter().take(12).map(usize::to_string).collect();
        let more = if all.len() > 12 { ", ..." } else { "" };
        let diag = Diagnostic::error(
            cx.args.span("groups"),
            format!(
                "{} shuffles {c} channels in {groups} groups, but {c} is not a multiple of {groups}",
                cx.layer.quoted()
            ),
        )
        .note(cx.flow.trace());
        // The divisor nearest to what was written (a guess: the channels
        // may be what is wrong).
        let nearest = all
            .iter()
            .copied()
            .min_by_key(|d| d.abs_diff(groups))
            .unwrap_or(1);
        let diag = diag.guess(
            cx.args.span("groups"),
            nearest.to_string(),
            format!(
                "use a number of groups that divides {c}: {}{more}",
                shown.join(", ")
            ),
        );
        cx.diags.push(diag);
        return Inferred::broken(input);
    }
    Inferred::same(&input, LayerSpec::ChannelShuffle { groups })
}
