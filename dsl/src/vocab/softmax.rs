//! `Softmax(dim=1)` and `LogSoftmax(dim=1)`: over one dimension, computed
//! stably (`exp(x - max) / sum`). `dim` counts the batch as dimension 0, as in
//! PyTorch; PyTorch's implicit `dim=None` picks 1 for the shapes here.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::Diagnostics;
use crate::eval::Value;
use crate::span::Spanned;
use crate::spec::LayerSpec;
use crate::vocab::args::{Args, LayerKind, Signature, opt};
use crate::vocab::flatten::check_dim;

pub static SOFTMAX: Signature = Signature {
    kind: LayerKind::Softmax,
    name: "Softmax",
    params: &[opt("dim", "None")],
    ignores_args: false,
};

pub static LOG_SOFTMAX: Signature = Signature {
    kind: LayerKind::LogSoftmax,
    name: "LogSoftmax",
    params: &[opt("dim", "None")],
    ignores_args: false,
};

#[derive(Clone, Debug)]
pub struct SoftmaxArgs {
    dim: Option<Spanned<i64>>,
    log: bool,
}

pub fn bind(args: &Args, log: bool, diags: &mut Diagnostics) -> SoftmaxArgs {
    let dim = match args.get("dim") {
        Some(v) if v.value == Value::None => Some(Spanned::new(1, v.span)),
        _ => args.signed("dim", 1, diags),
    };
    SoftmaxArgs { dim, log }
}

pub fn infer(a: &SoftmaxArgs, cx: &mut InferCx) -> Inferred {
    let input = cx.input().clone();
    let (Some(dim), Some(rank)) = (a.dim, input.rank()) else {
        return Inferred::broken(input);
    };
    match check_dim("dim", dim, rank, cx) {
        Some(d) => Inferred::same(
            &input,
            LayerSpec::Softmax {
                axis: d - 1,
                log: a.log,
            },
        ),
        None => Inferred::broken(input),
    }
}
