//! `MaxPool2d(kernel_size, stride=None, padding=0, dilation=1,
//! return_indices=False, ceil_mode=False)` and `AvgPool2d(kernel_size,
//! stride=None, padding=0, ceil_mode=False, count_include_pad=True,
//! divisor_override=None)`.
//!
//! The stride defaults to the kernel size. Output size per axis is
//! PyTorch's `pooling_output_shape` ([`cnn_shape::pool_out`]); padding may be
//! at most half the kernel.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::Value;
use crate::shape::{Dim, Shape};
use crate::span::Spanned;
use crate::spec::{AvgPoolSpec, LayerSpec, MaxPoolSpec};
use crate::vocab::args::{Args, LayerKind, Signature, opt, req, to_pair};

pub static MAX_SIGNATURE: Signature = Signature {
    kind: LayerKind::MaxPool2d,
    name: "MaxPool2d",
    params: &[
        req("kernel_size"),
        opt("stride", "None"),
        opt("padding", "0"),
        opt("dilation", "1"),
        opt("return_indices", "False"),
        opt("ceil_mode", "False"),
    ],
    ignores_args: false,
};

pub static AVG_SIGNATURE: Signature = Signature {
    kind: LayerKind::AvgPool2d,
    name: "AvgPool2d",
    params: &[
        req("kernel_size"),
        opt("stride", "None"),
        opt("padding", "0"),
        opt("ceil_mode", "False"),
        opt("count_include_pad", "True"),
        opt("divisor_override", "None"),
    ],
    ignores_args: false,
};

#[derive(Clone, Debug)]
pub struct PoolArgs {
    max: bool,
    kernel: Option<Spanned<(usize, usize)>>,
    stride: Option<Spanned<(usize, usize)>>,
    padding: Option<Spanned<(usize, usize)>>,
    dilation: Option<Spanned<(usize, usize)>>,
    ceil_mode: Option<Spanned<bool>>,
    count_include_pad: Option<Spanned<bool>>,
    divisor_override: Option<Option<usize>>,
}

pub fn bind(args: &Args, max: bool, diags: &mut Diagnostics) -> PoolArgs {
    let kernel = args.pair("kernel_size", 1, None, diags);
    // `stride = None` (PyTorch's default) means "the kernel size".
    let stride = match args.get("stride") {
        Some(v) if v.value == Value::None => kernel,
        Some(v) => to_pair(v, "stride", 1, diags),
        None if args.written("stride") => None,
        None => kernel.map(|k| Spanned::new(k.value, args.call_span)),
    };
    let padding = args.pair("padding", 0, Some((0, 0)), diags);
    let dilation = if max {
        args.pair("dilation", 1, Some((1, 1)), diags)
    } else {
        Some(Spanned::new((1, 1), args.call_span))
    };
    let ceil_mode = args.boolean("ceil_mode", false, diags);
    let count_include_pad = if max {
        Some(Spanned::new(true, args.call_span))
    } else {
        args.boolean("count_include_pad", true, diags)
    };
    let divisor_override = if max {
        Some(None)
    } else {
        match args.get("divisor_override") {
            Some(v) if v.value == Value::None => Some(None),
            Some(v) => {
                crate::vocab::args::to_count(v, "divisor_override", 1, diags).map(|d| Some(d.value))
            }
            None if args.written("divisor_override") => None,
            None => Some(None),
        }
    };
    if max {
        args.reject(
            "return_indices",
            &Value::Bool(false),
            "it makes the layer return a (values, indices) pair, which no following layer takes",
            diags,
        );
    }
    if let (Some(k), Some(p)) = (&kernel, &padding) {
        for (axis, (kk, pp)) in [(k.value.0, p.value.0), (k.value.1, p.value.1)]
            .into_iter()
            .enumerate()
        {
            if pp > kk / 2 {
                let (kh, kw) = k.value;
                let kernel_text = if kh == kw {
                    format!("{kh}")
                } else {
                    format!("({kh}, {kw})")
                };
                let axis_name = if k.value == (kh, kh) && p.value.0 == p.value.1 {
                    String::new()
                } else if axis == 0 {
                    " along the height".into()
                } else {
                    " along the width".into()
                };
                diags.push(
                    Diagnostic::error(
                        p.span,
                        format!(
                            "`padding` = {pp}{axis_name} is more than half of `kernel_size` = {kernel_text}"
                        ),
                    )
                    .note("PyTorch requires padding <= kernel_size / 2 for pooling")
                    .fix(
                        p.span,
                        {
                            // Each axis's padding at most half its kernel.
                            let (ph, pw) = (p.value.0.min(kh / 2), p.value.1.min(kw / 2));
                            if ph == pw && kh == kw { ph.to_string() } else { format!("({ph}, {pw})") }
                        },
                        format!("use `padding = {}` or less, or a larger kernel", kk / 2),
                    ),
                );
                break;
            }
        }
    }
    PoolArgs {
        max,
        kernel,
        stride,
        padding,
        dilation,
        ceil_mode,
        count_include_pad,
        divisor_override,
    }
}

pub fn infer(a: &PoolArgs, cx: &mut InferCx) -> Inferred {
    let Some([c, h, w]) = cx.image_input() else {
        return Inferred::broken(Shape::Known(vec![None, None, None]));
    };
    let (Some(kernel), Some(stride), Some(padding), Some(dilation), Some(ceil)) =
        (a.kernel, a.stride, a.padding, a.dilation, a.ceil_mode)
    else {
        return Inferred::broken(Shape::Known(vec![c, None, None]));
    };
    let k = [kernel.value.0, kernel.value.1];
    let s = [stride.value.0, stride.value.1];
    let p = [padding.value.0, padding.value.1];
    let d = [dilation.value.0, dilation.value.1];
    let input: [Dim; 2] = [h, w];
    let mut out: [Dim; 2] = [None, None];
    let mut misfit = false;
    for axis in 0..2 {
        if let Some(i) = input[axis] {
            out[axis] = cnn_shape::pool_out(i, k[axis], s[axis], p[axis], d[axis], ceil.value);
            misfit |= out[axis].is_none();
        }
    }
    if misfit {
        let show = |d: Dim| d.map_or("?".to_string(), |d| d.to_string());
        let padded = if p != [0, 0] {
            " (with its padding)"
        } else {
            ""
        };
        // The largest window that fits, axis by axis.
        let fits = |axis: usize| {
            input[axis].map_or(k[axis], |i| {
                let room = (i + 2 * p[axis]).saturating_sub(1) / d[axis].max(1) + 1;
                k[axis].min(room).max(1)
            })
        };
        let (fh, fw) = (fits(0), fits(1));
        let fitting = if fh == fw {
            fh.to_string()
        } else {
            format!("({fh}, {fw})")
        };
        cx.report(
            Diagnostic::error(
                kernel.span,
                format!(
                    "{}: the {}x{} pooling window does not fit the {}x{} input{padded}",
                    cx.layer.quoted(),
                    k[0],
                    k[1],
                    show(h),
                    show(w)
                ),
            )
            .guess(
                kernel.span,
                fitting,
                format!(
                    "use a smaller `kernel_size`, or shrink the image less before {}",
                    cx.layer.quoted()
                ),
            ),
        );
    }
    let output = Shape::Known(vec![c, out[0], out[1]]);
    let spec = if a.max {
        Some(LayerSpec::MaxPool2d(MaxPoolSpec {
            kernel: k,
            stride: s,
            padding: p,
            dilation: d,
            ceil_mode: ceil.value,
        }))
    } else {
        match (a.count_include_pad, a.divisor_override) {
            (Some(cip), Some(div)) => Some(LayerSpec::AvgPool2d(AvgPoolSpec {
                kernel: k,
                stride: s,
                padding: p,
                ceil_mode: ceil.value,
                count_include_pad: cip.value,
                divisor_override: div,
            })),
            _ => None,
        }
    };
    Inferred {
        output,
        params: Some(0),
        macs: Some(0),
        spec,
    }
}
