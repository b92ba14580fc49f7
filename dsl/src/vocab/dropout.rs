//! `Dropout(p=0.5, inplace=False)`, `Dropout2d(p=0.5, inplace=False)` and
//! `Identity()`: all pass their input through unchanged at inference.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::Spanned;
use crate::spec::LayerSpec;
use crate::vocab::args::{Args, LayerKind, Signature, opt};

pub static SIGNATURE: Signature = Signature {
    kind: LayerKind::Dropout,
    name: "Dropout",
    params: &[opt("p", "0.5"), opt("inplace", "False")],
    ignores_args: false,
};

pub static SIGNATURE_2D: Signature = Signature {
    kind: LayerKind::Dropout2d,
    name: "Dropout2d",
    params: &[opt("p", "0.5"), opt("inplace", "False")],
    ignores_args: false,
};

/// `nn.Identity` accepts any arguments and ignores them.
pub static IDENTITY_SIGNATURE: Signature = Signature {
    kind: LayerKind::Identity,
    name: "Identity",
    params: &[],
    ignores_args: true,
};

#[derive(Clone, Debug)]
pub struct DropoutArgs {
    p: Option<Spanned<f64>>,
    channelwise: bool,
}

pub fn bind(args: &Args, channelwise: bool, diags: &mut Diagnostics) -> DropoutArgs {
    let mut p = args.float("p", 0.5, diags);
    if let Some(v) = p
        && !(0.0..=1.0).contains(&v.value)
    {
        diags.push(
            Diagnostic::error(
                v.span,
                format!(
                    "the dropout probability `p` must be between 0 and 1, but is {}",
                    crate::eval::fmt_float(v.value)
                ),
            )
            .guess(
                v.span,
                "0.5",
                "`p` is the probability of zeroing each value in training, e.g. `Dropout(0.5)`",
            ),
        );
        p = None;
    }
    args.ignore_bool("inplace", diags);
    DropoutArgs { p, channelwise }
}

pub fn infer(a: &DropoutArgs, cx: &mut InferCx) -> Inferred {
    let input = cx.input().clone();
    match a.p {
        Some(p) => Inferred::same(
            &input,
            LayerSpec::Dropout {
                p: p.value,
                channelwise: a.channelwise,
            },
        ),
        None => Inferred::broken(input),
    }
}
