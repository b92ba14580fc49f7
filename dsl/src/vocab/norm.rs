//! `LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True,
//! bias=True)` over the input's last dimensions; torchvision's
//! `LayerNorm2d` (the same arguments) over each pixel's channels;
//! torchvision's `Permute(dims)`; and `LayerScale(channels, value=1e-06)`,
//! ConvNeXt's `[C, 1, 1]` parameter held by the block under its own name.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::Value;
use crate::shape::Shape;
use crate::span::Spanned;
use crate::spec::LayerSpec;
use crate::vocab::args::{Args, LayerKind, Signature, opt, req};

const NORM_PARAMS: &[crate::vocab::args::Param] = &[
    req("normalized_shape"),
    opt("eps", "1e-05"),
    opt("elementwise_affine", "True"),
    opt("bias", "True"),
    opt("device", "None"),
    opt("dtype", "None"),
];

pub static LAYER_NORM: Signature = Signature {
    kind: LayerKind::LayerNorm,
    name: "LayerNorm",
    params: NORM_PARAMS,
    ignores_args: false,
};

pub static LAYER_NORM_2D: Signature = Signature {
    kind: LayerKind::LayerNorm2d,
    name: "LayerNorm2d",
    params: NORM_PARAMS,
    ignores_args: false,
};

pub static PERMUTE: Signature = Signature {
    kind: LayerKind::Permute,
    name: "Permute",
    params: &[req("dims")],
    ignores_args: false,
};

pub static LAYER_SCALE: Signature = Signature {
    kind: LayerKind::LayerScale,
    name: "LayerScale",
    params: &[req("channels"), opt("value", "1e-06")],
    ignores_args: false,
};

/// A layer norm's arguments; `None` fields were invalid (reported).
#[derive(Clone, Debug)]
pub struct NormArgs {
    shape: Option<Spanned<Vec<usize>>>,
    eps: Option<f64>,
    affine: Option<bool>,
    bias: Option<bool>,
    channels_first: bool,
}

/// Positive whole numbers: one, or a tuple of them.
fn sizes(args: &Args, name: &str, diags: &mut Diagnostics) -> Option<Spanned<Vec<usize>>> {
    let v = args.get(name)?;
    let one = |v: &Spanned<Value>| match v.value {
        Value::Int(n) if n > 0 => usize::try_from(n).ok(),
        _ => None,
    };
    let out = match &v.value {
        Value::Tuple(items) if !items.is_empty() => items.iter().map(one).collect(),
        Value::Int(_) => one(v).map(|n| vec![n]),
        Value::Unknown => return None,
        _ => None,
    };
    if out.is_none() {
        diags.push(
            Diagnostic::error(
                v.span,
                format!(
                    "`{name}` must be a positive size or a tuple of them, not {}",
                    v.value.describe()
                ),
            )
            .help(format!("e.g. `{name} = 96` or `{name} = (7, 7)`")),
        );
    }
    out.map(|s| Spanned::new(s, v.span))
}

pub fn bind_norm(args: &Args, channels_first: bool, diags: &mut Diagnostics) -> NormArgs {
    let shape = sizes(args, "normalized_shape", diags);
    let mut eps = args.float("eps", 1e-5, diags).map(|e| e.value);
    if eps.is_some_and(|e| !(e >= 0.0 && e.is_finite())) {
        diags.push(Diagnostic::error(
            args.span("eps"),
            "`eps` must be a small non-negative number, such as 1e-5",
        ));
        eps = None;
    }
    let affine = args
        .boolean("elementwise_affine", true, diags)
        .map(|b| b.value);
    let bias = args.boolean("bias", true, diags).map(|b| b.value);
    args.reject("device", &Value::None, "cnn models run on the CPU", diags);
    args.reject("dtype", &Value::None, "cnn models compute in f32", diags);
    NormArgs {
        shape,
        eps,
        affine,
        bias,
        channels_first,
    }
}

pub fn infer_norm(a: &NormArgs, cx: &mut InferCx) -> Inferred {
    let input = cx.input().clone();
    let Some(shape) = &a.shape else {
        return Inferred::broken(input);
    };
    let kind = if a.channels_first {
        "LayerNorm2d"
    } else {
        "LayerNorm"
    };
    if let Some(dims) = input.dims() {
        // What the normalised shape must be: the last dimensions, or (for
        // LayerNorm2d) the channels.
        let want: Option<Vec<usize>> = if a.channels_first {
            (dims.len() == 3)
                .then(|| dims[0])
                .flatten()
                .map(|c| vec![c])
        } else if dims.len() >= shape.value.len() {
            dims[dims.len() - shape.value.len()..]
                .iter()
                .copied()
                .collect()
        } else {
            None
        };
        let fits = match &want {
            Some(w) => *w == shape.value,
            None => !(a.channels_first && dims.len() != 3) && dims.len() >= shape.value.len(),
        };
        if !fits {
            let written = text(&shape.value);
            let what = if a.channels_first {
                "each pixel's channels".to_string()
            } else if shape.value.len() == 1 {
                "the last dimension".to_string()
            } else {
                format!("the last {} dimensions", shape.value.len())
            };
            let mut diag = Diagnostic::error(
                shape.span,
                format!(
                    "{} normalises {what} as {written}, but receives {input}",
                    cx.layer.quoted()
                ),
            );
            diag = match &want {
                Some(w) => diag.fix(
                    shape.span,
                    text(w),
                    format!(
                        "write `{}`",
                        cx.args.text.with("normalized_shape", &text(w))
                    ),
                ),
                None if a.channels_first => diag.help(format!(
                    "`{kind}` normalises images' channels; it needs a [C, H, W] input"
                )),
                None => diag.help("the input has fewer dimensions than the normalised shape"),
            };
            cx.report(diag);
            return Inferred::broken(input);
        }
    }
    let (Some(eps), Some(affine), Some(bias)) = (a.eps, a.affine, a.bias) else {
        return Inferred::broken(input);
    };
    let params = if affine {
        cnn_shape::product(&shape.value).and_then(|n| n.checked_mul(1 + usize::from(bias)))
    } else {
        Some(0)
    };
    Inferred {
        output: input,
        params,
        macs: Some(0),
        spec: Some(LayerSpec::LayerNorm {
            shape: shape.value.clone(),
            eps,
            affine,
            bias,
            channels_first: a.channels_first,
        }),
    }
}

fn text(dims: &[usize]) -> String {
    match dims {
        [n] => n.to_string(),
        _ => format!(
            "({})",
            dims.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `Permute(dims)`: a permutation of `0..=3` that keeps the batch first.
pub fn bind_permute(args: &Args, diags: &mut Diagnostics) -> Option<[usize; 3]> {
    let v = args.get("dims")?;
    let dims: Option<Vec<usize>> = match &v.value {
        Value::Tuple(items) => items
            .iter()
            .map(|i| match i.value {
                Value::Int(n) if (0..4).contains(&n) => Some(n as usize),
                _ => None,
            })
            .collect(),
        Value::Unknown => return None,
        _ => None,
    };
    let ok = dims.as_ref().is_some_and(|d| {
        let mut sorted = d.clone();
        sorted.sort_unstable();
        sorted == [0, 1, 2, 3] && d[0] == 0
    });
    if !ok {
        diags.push(
            Diagnostic::error(
                v.span,
                format!(
                    "`dims` must reorder the axes 0, 1, 2, 3 keeping the batch (0) first, not {}",
                    v.value.describe()
                ),
            )
            .help("e.g. `Permute([0, 2, 3, 1])` (channels last) or `Permute([0, 3, 1, 2])` (back)"),
        );
        return None;
    }
    let d = dims?;
    Some([d[1] - 1, d[2] - 1, d[3] - 1])
}

pub fn infer_permute(axes: Option<[usize; 3]>, cx: &mut InferCx) -> Inferred {
    let input = cx.input().clone();
    let Some(axes) = axes else {
        return Inferred::broken(input);
    };
    match input.dims() {
        Some(dims) if dims.len() == 3 => {
            let out = axes.map(|a| dims[a]).to_vec();
            Inferred::same(&Shape::Known(out), LayerSpec::Permute { axes })
        }
        Some(_) => {
            let diag = Diagnostic::error(
                cx.args.call_span,
                format!(
                    "{} reorders 4 axes (the batch and three more), but receives {input}",
                    cx.layer.quoted()
                ),
            );
            cx.report(diag);
            Inferred::broken(Shape::Unknown)
        }
        None => Inferred::broken(Shape::Unknown),
    }
}

/// `LayerScale(channels, value)`.
pub fn bind_scale(args: &Args, diags: &mut Diagnostics) -> Option<(Spanned<usize>, f64)> {
    let channels = args.count("channels", 1, None, diags);
    let value = args.float("value", 1e-6, diags);
    Some((channels?, value?.value))
}

pub fn infer_scale(a: &Option<(Spanned<usize>, f64)>, cx: &mut InferCx) -> Inferred {
    let input = cx.input().clone();
    let Some((channels, value)) = a else {
        return Inferred::broken(input);
    };
    if let Some(Some(c)) = input.dims().filter(|d| d.len() == 3).map(|d| d[0])
        && c != channels.value
    {
        let diag = Diagnostic::error(
            channels.span,
            format!(
                "{} scales {} channels, but receives {c} ({})",
                cx.layer.quoted(),
                channels.value,
                cx.flow.source()
            ),
        );
        let diag = cx.size_fix(diag, channels.span, "channels", c);
        cx.report(diag);
        return Inferred::broken(input);
    }
    Inferred {
        output: input,
        params: Some(channels.value),
        macs: Some(0),
        spec: Some(LayerSpec::LayerScale {
            channels: channels.value,
            value: *value,
        }),
    }
}
