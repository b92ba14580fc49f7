//! `AdaptiveAvgPool2d(output_size)` and `AdaptiveMaxPool2d(output_size,
//! return_indices=False)`.
//!
//! `output_size` is a number or an `(h, w)` pair, where `None` keeps that
//! axis's input size. Window `i` of `n` over an input of `len` covers
//! `floor(i * len / n) .. ceil((i + 1) * len / n)`; the output may be larger
//! than the input.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::Value;
use crate::shape::Shape;
use crate::span::Spanned;
use crate::spec::LayerSpec;
use crate::vocab::args::{Args, LayerKind, Signature, opt, req, to_count};

pub static AVG_SIGNATURE: Signature = Signature {
    kind: LayerKind::AdaptiveAvgPool2d,
    name: "AdaptiveAvgPool2d",
    params: &[req("output_size")],
    ignores_args: false,
};

pub static MAX_SIGNATURE: Signature = Signature {
    kind: LayerKind::AdaptiveMaxPool2d,
    name: "AdaptiveMaxPool2d",
    params: &[req("output_size"), opt("return_indices", "False")],
    ignores_args: false,
};

#[derive(Clone, Debug)]
pub struct AdaptiveArgs {
    max: bool,
    /// Per axis: a size, or `None` to keep the input's.
    output: Option<Spanned<[Option<usize>; 2]>>,
}

fn axis(v: &Spanned<Value>, diags: &mut Diagnostics) -> Option<Option<usize>> {
    if v.value == Value::None {
        return Some(None);
    }
    to_count(v, "output_size", 1, diags).map(|s| Some(s.value))
}

pub fn bind(args: &Args, max: bool, diags: &mut Diagnostics) -> AdaptiveArgs {
    let output = args.get("output_size").and_then(|v| match &v.value {
        Value::Tuple(items) if items.len() == 2 => {
            let h = axis(&items[0], diags);
            let w = axis(&items[1], diags);
            Some(Spanned::new([h?, w?], v.span))
        }
        Value::Tuple(items) => {
            diags.push(Diagnostic::error(
                v.span,
                format!(
                    "`output_size` takes one number or a pair `(h, w)`, not {} values",
                    items.len()
                ),
            ));
            None
        }
        _ => axis(v, diags).map(|a| Spanned::new([a, a], v.span)),
    });
    if max {
        args.reject(
            "return_indices",
            &Value::Bool(false),
            "it makes the layer return a (values, indices) pair, which no following layer takes",
            diags,
        );
    }
    AdaptiveArgs { max, output }
}

pub fn infer(a: &AdaptiveArgs, cx: &mut InferCx) -> Inferred {
    let Some([c, h, w]) = cx.image_input() else {
        return Inferred::broken(Shape::Known(vec![None, None, None]));
    };
    let Some(output) = a.output else {
        return Inferred::broken(Shape::Known(vec![c, None, None]));
    };
    let oh = output.value[0].or(h);
    let ow = output.value[1].or(w);
    let spec = match (oh, ow) {
        (Some(oh), Some(ow)) if a.max => Some(LayerSpec::AdaptiveMaxPool2d([oh, ow])),
        (Some(oh), Some(ow)) => Some(LayerSpec::AdaptiveAvgPool2d([oh, ow])),
        _ => None,
    };
    Inferred {
        output: Shape::Known(vec![c, oh, ow]),
        spec,
        params: Some(0),
        macs: Some(0),
    }
}
