//! `Linear(in_features, out_features, bias=True)`: `y = x W^T + b` on the
//! last dimension (so on a `[C, H, W]` tensor it acts on `W`, as in PyTorch).
//! Weight `[out_features, in_features]`, bias `[out_features]`.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Applicability, Diagnostic, Diagnostics, Edit};
use crate::eval::Value;
use crate::shape::{Shape, times};
use crate::span::Spanned;
use crate::spec::{LayerSpec, LinearSpec};
use crate::vocab::args::{Args, LayerKind, Signature, opt, req};

pub static SIGNATURE: Signature = Signature {
    kind: LayerKind::Linear,
    name: "Linear",
    params: &[
        req("in_features"),
        req("out_features"),
        opt("bias", "True"),
        opt("device", "None"),
        opt("dtype", "None"),
    ],
    ignores_args: false,
};

#[derive(Clone, Debug)]
pub struct LinearArgs {
    in_features: Option<Spanned<Option<usize>>>,
    out_features: Option<Spanned<usize>>,
    bias: Option<Spanned<bool>>,
}

pub fn bind(args: &Args, diags: &mut Diagnostics) -> LinearArgs {
    let in_features = args.count_or_infer("in_features", diags);
    let out_features = args.count("out_features", 1, None, diags);
    let bias = args.boolean("bias", true, diags);
    args.reject("device", &Value::None, "cnn models run on the CPU", diags);
    args.reject("dtype", &Value::None, "cnn models compute in f32", diags);
    LinearArgs {
        in_features,
        out_features,
        bias,
    }
}

pub fn infer(a: &LinearArgs, cx: &mut InferCx) -> Inferred {
    let out = a.out_features.map(|o| o.value);
    let input = cx.input().clone();
    let received = input.last();
    let mut in_features = received;
    match &a.in_features {
        Some(decl) => match (decl.value, received) {
            (Some(d), Some(r)) if d != r => {
                report_mismatch(cx, decl.span, d, r, &input);
                in_features = Some(d);
            }
            (Some(d), _) => in_features = Some(d),
            (None, _) => {}
        },
        None => in_features = None,
    }
    // The output keeps every dimension but the last.
    let output = match input.dims() {
        Some(dims) if !dims.is_empty() => {
            let mut d = dims.to_vec();
            *d.last_mut().unwrap_or(&mut None) = out;
            Shape::Known(d)
        }
        _ => Shape::Known(vec![out]),
    };
    let spec = match (in_features, out, a.bias) {
        (Some(i), Some(o), Some(b)) => Some(LinearSpec {
            in_features: i,
            out_features: o,
            bias: b.value,
        }),
        _ => None,
    };
    let rows = input
        .concrete()
        .and_then(|d| cnn_shape::product(&d[..d.len().saturating_sub(1)]));
    let counts = spec.as_ref().and_then(|s| {
        let weights = s.in_features.checked_mul(s.out_features)?;
        let params = weights.checked_add(if s.bias { s.out_features } else { 0 })?;
        Some((params, rows.and_then(|r| r.checked_mul(weights))))
    });
    Inferred {
        output,
        spec: spec.map(LayerSpec::Linear),
        params: counts.map(|c| c.0),
        macs: counts.and_then(|c| c.1),
    }
}

fn report_mismatch(
    cx: &mut InferCx,
    span: crate::span::SpanRange,
    declared: usize,
    received: usize,
    input: &Shape,
) {
    let layer = cx.layer.quoted();
    let numel = input.numel();
    let diag = if input.rank() == Some(1) {
        let diag = Diagnostic::error(
            span,
            format!(
                "{layer} expects {declared} input features, but receives {}",
                cx.describe_features(received)
            ),
        );
        cx.size_fix(diag, span, "in_features", received)
    } else {
        let headline = format!(
            "{layer} expects {declared} input features, but receives a {input} tensor, and Linear acts on its last dimension ({received})"
        );
        let mut diag = Diagnostic::error(span, headline);
        if let (Some(dims), Some(n)) = (input.concrete(), numel) {
            diag = diag.note(format!(
                "flattened, it would give {} = {n} features",
                times(&dims)
            ));
        }
        let flatten = Edit::before(cx.entry_span, "Flatten, ");
        if numel == Some(declared) {
            diag.edits(
                vec![flatten],
                Applicability::MachineApplicable,
                format!("add `Flatten` before {layer}, so it receives all {declared} values"),
            )
        } else {
            let n = numel.map_or("_".to_string(), |n| n.to_string());
            let call = cx.args.text.with("in_features", &n);
            // Only the number changes, so a fix of the layer's name agrees.
            let size = if cx.args.written("in_features") {
                Edit::replace(cx.args.span("in_features"), n)
            } else {
                Edit::replace(cx.args.call_span, call.clone())
            };
            diag.edits(
                vec![flatten, size],
                Applicability::MachineApplicable,
                format!("add `Flatten` before {layer} and write `{call}`"),
            )
        }
    };
    cx.report(diag);
}
