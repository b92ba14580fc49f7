//! `Flatten(start_dim=1, end_dim=-1)`: merges dimensions `start_dim..=end_dim`
//! (counted with the batch as dimension 0) in row-major order, so a
//! `[C, H, W]` image becomes `C*H*W` features indexed `c*H*W + h*W + w`.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Applicability, Diagnostic, Diagnostics, Edit};
use crate::shape::Shape;
use crate::span::Spanned;
use crate::spec::LayerSpec;
use crate::vocab::args::{Args, LayerKind, Signature, opt};

pub static SIGNATURE: Signature = Signature {
    kind: LayerKind::Flatten,
    name: "Flatten",
    params: &[opt("start_dim", "1"), opt("end_dim", "-1")],
    ignores_args: false,
};

#[derive(Clone, Debug)]
pub struct FlattenArgs {
    start: Option<Spanned<i64>>,
    end: Option<Spanned<i64>>,
}

pub fn bind(args: &Args, diags: &mut Diagnostics) -> FlattenArgs {
    FlattenArgs {
        start: args.signed("start_dim", 1, diags),
        end: args.signed("end_dim", -1, diags),
    }
}

/// Normalises a PyTorch dimension index for a tensor of `ndim` dimensions
/// (batch included): `-1` is the last.
pub fn normalize_dim(dim: i64, ndim: usize) -> Option<usize> {
    let n = ndim as i64;
    let d = if dim < 0 { dim + n } else { dim };
    (0..n).contains(&d).then_some(d as usize)
}

/// Reports a dimension index that is out of range or names the batch.
pub fn check_dim(name: &str, dim: Spanned<i64>, rank: usize, cx: &mut InferCx) -> Option<usize> {
    let ndim = rank + 1;
    let valid = if rank == 1 {
        format!("the only choice is `{name} = 1` (or -1)")
    } else {
        format!("use 1 to {rank}, or -{rank} to -1")
    };
    // Dimension 1 is the only one of a flat tensor, and the channels of an
    // image: the usual choice, though not the only one.
    let sure = if rank == 1 {
        Applicability::MachineApplicable
    } else {
        Applicability::MaybeIncorrect
    };
    match normalize_dim(dim.value, ndim) {
        Some(0) => {
            cx.report(
                Diagnostic::error(
                    dim.span,
                    format!(
                        "`{name}` = {} is the batch dimension; layers act on each image alone",
                        dim.value
                    ),
                )
                .edits(vec![Edit::replace(dim.span, "1")], sure, valid),
            );
            None
        }
        Some(d) => Some(d),
        None => {
            let diag = Diagnostic::error(
                dim.span,
                format!(
                    "`{name}` = {} is out of range for a {} tensor (dimension 0 is the batch)",
                    dim.value,
                    cx.input(),
                ),
            )
            .edits(vec![Edit::replace(dim.span, "1")], sure, valid);
            cx.report(diag);
            None
        }
    }
}

pub fn infer(a: &FlattenArgs, cx: &mut InferCx) -> Inferred {
    let (Some(start), Some(end)) = (a.start, a.end) else {
        return Inferred::broken(Shape::Unknown);
    };
    let Some(dims) = cx.input().dims().map(<[_]>::to_vec) else {
        // Unknown input: the default flattening still gives one dimension.
        let out = if (start.value, end.value) == (1, -1) {
            Shape::Known(vec![None])
        } else {
            Shape::Unknown
        };
        return Inferred::broken(out);
    };
    let rank = dims.len();
    let s = check_dim("start_dim", start, rank, cx);
    let e = check_dim("end_dim", end, rank, cx);
    let (Some(s), Some(e)) = (s, e) else {
        return Inferred::broken(Shape::Unknown);
    };
    if e < s {
        cx.report(Diagnostic::error(
            end.span,
            format!(
                "`end_dim` ({}) comes before `start_dim` ({})",
                end.value, start.value
            ),
        ));
        return Inferred::broken(Shape::Unknown);
    }
    // Per-image axes `first..=last` merge into one.
    let (first, last) = (s - 1, e - 1);
    let merged: Option<usize> = dims[first..=last]
        .iter()
        .try_fold(1usize, |acc, d| acc.checked_mul((*d)?));
    let mut out = dims[..first].to_vec();
    out.push(merged);
    out.extend_from_slice(&dims[last + 1..]);
    Inferred::same(&Shape::Known(out), LayerSpec::Flatten { first, last })
}
