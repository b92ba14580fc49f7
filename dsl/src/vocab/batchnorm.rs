//! `BatchNorm2d(num_features, eps=1e-05, momentum=0.1, affine=True,
//! track_running_stats=True)`, in inference mode: normalises each channel
//! with its running statistics. Parameters: `weight` and `bias` (`2 *
//! num_features`, when affine); `running_mean` and `running_var` are buffers.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::Value;
use crate::shape::Shape;
use crate::span::Spanned;
use crate::spec::{BatchNormSpec, LayerSpec};
use crate::vocab::args::{Args, LayerKind, Signature, opt, req};

pub static SIGNATURE: Signature = Signature {
    kind: LayerKind::BatchNorm2d,
    name: "BatchNorm2d",
    params: &[
        req("num_features"),
        opt("eps", "1e-05"),
        opt("momentum", "0.1"),
        opt("affine", "True"),
        opt("track_running_stats", "True"),
        opt("device", "None"),
        opt("dtype", "None"),
    ],
    ignores_args: false,
};

#[derive(Clone, Debug)]
pub struct BatchNormArgs {
    num_features: Option<Spanned<Option<usize>>>,
    eps: Option<Spanned<f64>>,
    affine: Option<Spanned<bool>>,
}

pub fn bind(args: &Args, diags: &mut Diagnostics) -> BatchNormArgs {
    let num_features = args.count_or_infer("num_features", diags);
    let mut eps = args.float("eps", 1e-5, diags);
    if let Some(e) = eps
        && !(e.value >= 0.0 && e.value.is_finite())
    {
        diags.push(Diagnostic::error(
            e.span,
            "`eps` must be a small non-negative number, such as 1e-5",
        ));
        eps = None;
    }
    // Momentum only matters in training; check its type and move on.
    if let Some(m) = args.get("momentum")
        && !matches!(m.value, Value::Float(_) | Value::Int(_) | Value::None)
    {
        diags.push(Diagnostic::error(
            m.span,
            format!(
                "`momentum` must be a number or `None`, not {}",
                m.value.describe()
            ),
        ));
    }
    let affine = args.boolean("affine", true, diags);
    args.reject(
        "track_running_stats",
        &Value::Bool(true),
        "without running statistics, BatchNorm normalises each batch by its own statistics, so an image's result would depend on the rest of its batch",
        diags,
    );
    args.reject("device", &Value::None, "cnn models run on the CPU", diags);
    args.reject("dtype", &Value::None, "cnn models compute in f32", diags);
    BatchNormArgs {
        num_features,
        eps,
        affine,
    }
}

pub fn infer(a: &BatchNormArgs, cx: &mut InferCx) -> Inferred {
    let Some([c, h, w]) = cx.image_input() else {
        let n = a.num_features.and_then(|n| n.value);
        return Inferred::broken(Shape::Known(vec![n, None, None]));
    };
    let mut channels = c;
    if let Some(decl) = &a.num_features {
        match (decl.value, c) {
            (Some(d), Some(r)) if d != r => {
                let diag = Diagnostic::error(
                    decl.span,
                    format!(
                        "{} expects {d} channels (`num_features`), but receives {r} ({})",
                        cx.layer.quoted(),
                        cx.flow.source()
                    ),
                );
                let diag = cx.size_fix(diag, decl.span, "num_features", r);
                cx.report(diag);
                // Go on as if fixed: BatchNorm passes its input's channels
                // on, so later errors (and fixes) agree with this fix.
                channels = Some(r);
            }
            (Some(d), _) => channels = Some(d),
            (None, _) => {}
        }
    } else {
        channels = None;
    }
    let spec = match (channels, a.eps, a.affine) {
        (Some(n), Some(eps), Some(affine)) => Some(BatchNormSpec {
            num_features: n,
            eps: eps.value,
            affine: affine.value,
        }),
        _ => None,
    };
    Inferred {
        output: Shape::Known(vec![channels, h, w]),
        params: spec
            .as_ref()
            .map(|s| if s.affine { 2 * s.num_features } else { 0 }),
        macs: Some(0),
        spec: spec.map(LayerSpec::BatchNorm2d),
    }
}
