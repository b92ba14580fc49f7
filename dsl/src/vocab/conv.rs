//! `Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
//! dilation=1, groups=1, bias=True, padding_mode='zeros')`
//!
//! Output size per axis: `floor((in + pad_begin + pad_end - dilation *
//! (kernel - 1) - 1) / stride) + 1`; `padding = "same"` (stride 1 only) pads
//! `dilation * (kernel - 1)` in total, the odd row at the end.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Applicability, Diagnostic, Diagnostics, Edit};
use crate::eval::Value;
use crate::shape::{Dim, Shape, divisors, gcd};
use crate::span::Spanned;
use crate::spec::{Conv2dSpec, LayerSpec, PaddingMode};
use crate::vocab::args::{Args, LayerKind, Signature, opt, req, to_pair};

pub static SIGNATURE: Signature = Signature {
    kind: LayerKind::Conv2d,
    name: "Conv2d",
    params: &[
        req("in_channels"),
        req("out_channels"),
        req("kernel_size"),
        opt("stride", "1"),
        opt("padding", "0"),
        opt("dilation", "1"),
        opt("groups", "1"),
        opt("bias", "True"),
        opt("padding_mode", "'zeros'"),
        opt("device", "None"),
        opt("dtype", "None"),
    ],
    ignores_args: false,
};

/// `padding` as written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Padding {
    Explicit(usize, usize),
    Same,
}

#[derive(Clone, Debug)]
pub struct Conv2dArgs {
    in_channels: Option<Spanned<Option<usize>>>,
    out_channels: Option<Spanned<usize>>,
    kernel: Option<Spanned<(usize, usize)>>,
    stride: Option<Spanned<(usize, usize)>>,
    padding: Option<Spanned<Padding>>,
    dilation: Option<Spanned<(usize, usize)>>,
    groups: Option<Spanned<usize>>,
    bias: Option<Spanned<bool>>,
    padding_mode: Option<Spanned<PaddingMode>>,
}

/// Reads `padding`: a number, a pair, `"same"` or `"valid"`.
fn read_padding(args: &Args, diags: &mut Diagnostics) -> Option<Spanned<Padding>> {
    match args.get("padding") {
        Some(v) => match &v.value {
            Value::Str(s) if s == "same" => Some(Spanned::new(Padding::Same, v.span)),
            Value::Str(s) if s == "valid" => Some(Spanned::new(Padding::Explicit(0, 0), v.span)),
            Value::Str(s) => {
                let mut d = Diagnostic::error(
                    v.span,
                    format!("`padding` must be a number, a pair, \"same\" or \"valid\", not {s:?}"),
                );
                if let Some(c) = crate::suggest::did_you_mean(s, ["same", "valid"]) {
                    d = d.fix(v.span, format!("{c:?}"), format!("did you mean {c:?}?"));
                }
                diags.push(d);
                None
            }
            _ => to_pair(v, "padding", 0, diags).map(|p| p.map(|(h, w)| Padding::Explicit(h, w))),
        },
        None if args.written("padding") => None,
        None => Some(Spanned::new(Padding::Explicit(0, 0), args.call_span)),
    }
}

pub fn bind(args: &Args, diags: &mut Diagnostics) -> Conv2dArgs {
    let in_channels = args.count_or_infer("in_channels", diags);
    let out_channels = args.count("out_channels", 1, None, diags);
    let kernel = args.pair("kernel_size", 1, None, diags);
    let stride = args.pair("stride", 1, Some((1, 1)), diags);
    let padding = read_padding(args, diags);
    let dilation = args.pair("dilation", 1, Some((1, 1)), diags);
    let groups = args.count("groups", 1, Some(1), diags);
    let bias = args.boolean("bias", true, diags);
    let padding_mode = args
        .choice(
            "padding_mode",
            &["zeros", "reflect", "replicate", "circular"],
            "zeros",
            diags,
        )
        .map(|m| {
            m.map(|m| match m {
                "reflect" => PaddingMode::Reflect,
                "replicate" => PaddingMode::Replicate,
                "circular" => PaddingMode::Circular,
                _ => PaddingMode::Zeros,
            })
        });
    args.reject("device", &Value::None, "cnn models run on the CPU", diags);
    args.reject("dtype", &Value::None, "cnn models compute in f32", diags);

    // PyTorch's own argument rules, checked where they are written
    // (`padding = "same"` with a stride, which needs the input's size for
    // its fix, in `infer`).
    if let Some(g) = &groups {
        let known_in = in_channels.and_then(|i| i.value);
        let out = out_channels.map(|o| o.value);
        let bad: Vec<String> = [("in_channels", known_in), ("out_channels", out)]
            .into_iter()
            .filter_map(|(n, v)| {
                v.filter(|v| v % g.value != 0)
                    .map(|v| format!("`{n}` = {v}"))
            })
            .collect();
        if !bad.is_empty() {
            let mut d = Diagnostic::error(
                g.span,
                format!("`groups` = {} must divide {}", g.value, bad.join(" and ")),
            );
            if let (Some(i), Some(o)) = (known_in, out) {
                // The divisor of both nearest to what was written (a guess:
                // the channels may be what is wrong).
                let nearest = divisors(gcd(i, o))
                    .into_iter()
                    .min_by_key(|d| d.abs_diff(g.value))
                    .unwrap_or(1);
                d = d.fix(
                    g.span,
                    nearest.to_string(),
                    format!("`groups` can be {}", common_divisors(i, o)),
                );
            }
            diags.push(d);
        }
    }
    Conv2dArgs {
        in_channels,
        out_channels,
        kernel,
        stride,
        padding,
        dilation,
        groups,
        bias,
        padding_mode,
    }
}

/// The common divisors of `a` and `b`, listed for a help line.
fn common_divisors(a: usize, b: usize) -> String {
    let all = divisors(gcd(a, b));
    let shown: Vec<String> = all.iter().take(12).map(usize::to_string).collect();
    let more = if all.len() > 12 { ", ..." } else { "" };
    format!("{}{more}", shown.join(", "))
}

pub fn infer(a: &Conv2dArgs, cx: &mut InferCx) -> Inferred {
    let out_c = a.out_channels.map(|o| o.value);
    let Some([c, h, w]) = cx.image_input() else {
        return Inferred::broken(Shape::Known(vec![out_c, None, None]));
    };

    // Input channels: declared, inferred from `_`, or unknown.
    let mut in_c = c;
    if let Some(decl) = &a.in_channels {
        match (decl.value, c) {
            (Some(d), Some(r)) if d != r => {
                let diag = Diagnostic::error(
                    decl.span,
                    format!(
                        "{} expects {d} input channels, but receives {r} ({})",
                        cx.layer.quoted(),
                        cx.flow.source()
                    ),
                );
                let diag = cx.size_fix(diag, decl.span, "in_channels", r);
                cx.report(diag);
                in_c = Some(d);
            }
            (Some(d), _) => in_c = Some(d),
            (None, Some(r)) => {
                if let Some(g) = &a.groups
                    && r % g.value != 0
                {
                    cx.report(Diagnostic::error(
                        g.span,
                        format!(
                            "`groups` = {} must divide the {r} inferred input channels",
                            g.value
                        ),
                    ));
                }
            }
            (None, None) => {}
        }
    } else {
        in_c = None;
    }

    check_same_with_stride(a, [h, w], cx);
    check_padding_mode(a, [h, w], cx);
    let (oh, ow) = spatial(a, [h, w], cx);
    let output = Shape::Known(vec![out_c, oh, ow]);

    let spec = (|| {
        let (kh, kw) = a.kernel?.value;
        let (sh, sw) = a.stride?.value;
        let (dh, dw) = a.dilation?.value;
        let padding = a.padding?.value;
        let (pad_begin, pad_end) = match padding {
            Padding::Explicit(ph, pw) => ([ph, pw], [ph, pw]),
            Padding::Same => {
                let (bh, eh) = cnn_shape::same_padding(kh, dh)?;
                let (bw, ew) = cnn_shape::same_padding(kw, dw)?;
                ([bh, bw], [eh, ew])
            }
        };
        Some(Conv2dSpec {
            in_channels: in_c?,
            out_channels: out_c?,
            kernel: [kh, kw],
            stride: [sh, sw],
            pad_begin,
            pad_end,
            dilation: [dh, dw],
            groups: a.groups?.value,
            bias: a.bias?.value,
            padding_mode: a.padding_mode?.value,
        })
    })();
    let out_elems = output.numel();
    let counts = spec.as_ref().and_then(|s| {
        let per_out = cnn_shape::product(&[s.in_channels / s.groups, s.kernel[0], s.kernel[1]])?;
        let weights = per_out.checked_mul(s.out_channels)?;
        let params = weights.checked_add(if s.bias { s.out_channels } else { 0 })?;
        let macs = out_elems?.checked_mul(per_out)?;
        Some((params, macs))
    });
    if spec.is_some() && counts.is_none() && out_elems.is_some() {
        let span = a.out_channels.map(|o| o.span).unwrap_or(cx.args.call_span);
        cx.report_plain(Diagnostic::error(
            span,
            format!(
                "{} is too large: its parameter count overflows",
                cx.layer.quoted()
            ),
        ));
    }
    Inferred {
        output,
        spec: spec.filter(|_| counts.is_some()).map(LayerSpec::Conv2d),
        params: counts.map(|c| c.0),
        macs: counts.map(|c| c.1),
    }
}

/// PyTorch allows `padding = "same"` only at stride 1. The fix is the
/// explicit padding that gives what "same" means at a stride elsewhere (as
/// in TensorFlow): `ceil(H / stride)` rows; the check goes on with that size.
fn check_same_with_stride(a: &Conv2dArgs, input: [Dim; 2], cx: &mut InferCx) {
    let (Some(padding), Some(stride)) = (a.padding, a.stride) else {
        return;
    };
    if padding.value != Padding::Same || stride.value == (1, 1) {
        return;
    }
    let diag = Diagnostic::error(
        padding.span,
        "`padding = \"same\"` needs stride 1, as in PyTorch, but `stride` is not 1",
    );
    let pads = (|| {
        let (kernel, dilation) = (a.kernel?.value, a.dilation?.value);
        let mut pads = [0; 2];
        for axis in 0..2 {
            let pick = |p: (usize, usize)| if axis == 0 { p.0 } else { p.1 };
            let (len, s) = (input[axis]?, pick(stride.value));
            let span = pick(dilation).checked_mul(pick(kernel) - 1)? + 1;
            let out = len.div_ceil(s);
            let total = ((out - 1) * s + span).saturating_sub(len);
            let pad = total.div_ceil(2);
            // Symmetric padding cannot always give exactly `out`.
            ((len + 2 * pad).checked_sub(span)? / s + 1 == out).then_some(())?;
            pads[axis] = pad;
        }
        Some(pads)
    })();
    let diag = match pads {
        Some([ph, pw]) => {
            let text = if ph == pw {
                ph.to_string()
            } else {
                format!("({ph}, {pw})")
            };
            diag.fix(
                padding.span,
                text.clone(),
                format!(
                    "write `padding = {text}`: at stride {}, it keeps ceil(size / stride), as \"same\" means elsewhere",
                    stride.value.0
                ),
            )
        }
        None => diag.help("write the padding as a number, e.g. `padding = 1` for a 3x3 kernel"),
    };
    cx.report_plain(diag);
}

/// PyTorch's limits on explicit padding: reflection needs padding smaller
/// than the image, wrapping around (circular) at most the image's size.
fn check_padding_mode(a: &Conv2dArgs, input: [Dim; 2], cx: &mut InferCx) {
    let (Some(mode), Some(padding), Some(kernel), Some(dilation)) =
        (a.padding_mode, a.padding, a.kernel, a.dilation)
    else {
        return;
    };
    let pads = match padding.value {
        Padding::Explicit(h, w) => [h, w],
        Padding::Same => {
            let h = cnn_shape::same_padding(kernel.value.0, dilation.value.0).unwrap_or((0, 0));
            let w = cnn_shape::same_padding(kernel.value.1, dilation.value.1).unwrap_or((0, 0));
            [h.1, w.1]
        }
    };
    for (axis, name) in [(0, "height"), (1, "width")] {
        let Some(len) = input[axis] else { continue };
        let pad = pads[axis];
        let (bad, rule, most) = match mode.value {
            PaddingMode::Reflect => (
                pad >= len,
                "reflection padding must be smaller than the image",
                len - 1,
            ),
            PaddingMode::Circular => (
                pad > len,
                "circular padding may wrap around at most once",
                len,
            ),
            _ => (false, "", 0),
        };
        if bad {
            cx.report(
                Diagnostic::error(
                    padding.span,
                    format!(
                        "{}: padding {pad} is too large for the input's {name} of {len} with `padding_mode = \"{}\"`",
                        cx.layer.quoted(),
                        mode.value.name()
                    ),
                )
                .note(format!("PyTorch's rule: {rule}"))
                .guess(
                    mode.span,
                    "\"replicate\"",
                    format!("use `padding = {most}` or less, or `padding_mode = \"replicate\"`"),
                ),
            );
            return;
        }
    }
}

/// The output height and width, reporting a kernel that does not fit.
fn spatial(a: &Conv2dArgs, input: [Dim; 2], cx: &mut InferCx) -> (Dim, Dim) {
    let (Some(kernel), Some(stride), Some(padding), Some(dilation)) =
        (a.kernel, a.stride, a.padding, a.dilation)
    else {
        return (None, None);
    };
    let k = [kernel.value.0, kernel.value.1];
    let s = [stride.value.0, stride.value.1];
    let d = [dilation.value.0, dilation.value.1];
    let (pb, pe) = match padding.value {
        Padding::Explicit(ph, pw) => ([ph, pw], [ph, pw]),
        Padding::Same => {
            let h = cnn_shape::same_padding(k[0], d[0]).unwrap_or((0, 0));
            let w = cnn_shape::same_padding(k[1], d[1]).unwrap_or((0, 0));
            ([h.0, w.0], [h.1, w.1])
        }
    };
    let mut out = [None, None];
    let mut misfit = false;
    for axis in 0..2 {
        if let Some(i) = input[axis] {
            out[axis] = cnn_shape::conv_out(i, k[axis], s[axis], pb[axis], pe[axis], d[axis]);
            misfit |= out[axis].is_none();
        }
    }
    if misfit {
        // Only an axis whose size is known can misfit; an unknown one counts as fitting.
        let ih = input[0].unwrap_or(usize::MAX / 4);
        let iw = input[1].unwrap_or(usize::MAX / 4);
        let show = |d: Dim| d.map_or("?".to_string(), |d| d.to_string());
        let span_h = d[0].saturating_mul(k[0] - 1).saturating_add(1);
        let span_w = d[1].saturating_mul(k[1] - 1).saturating_add(1);
        let dilated = if d != [1, 1] {
            format!(" (dilated, it spans {span_h}x{span_w})")
        } else {
            String::new()
        };
        let padded = if pb != [0, 0] || pe != [0, 0] {
            format!(
                " padded to {}x{}",
                show(input[0].map(|i| i + pb[0] + pe[0])),
                show(input[1].map(|i| i + pb[1] + pe[1]))
            )
        } else {
            String::new()
        };
        let need_h = span_h.saturating_sub(ih).div_ceil(2);
        let need_w = span_w.saturating_sub(iw).div_ceil(2);
        let pad_text = if need_h == need_w {
            format!("{need_h}")
        } else {
            format!("({need_h}, {need_w})")
        };
        let diag = Diagnostic::error(
            kernel.span,
            format!(
                "{}: kernel {}x{}{dilated} does not fit the {}x{} input{padded}",
                cx.layer.quoted(),
                k[0],
                k[1],
                show(input[0]),
                show(input[1]),
            ),
        )
        .edits(
            vec![Edit::replace(
                cx.args.call_span,
                cx.args.text.with("padding", &pad_text),
            )],
            Applicability::MaybeIncorrect,
            format!(
                "use a smaller kernel, write `padding = {pad_text}`, or shrink the image less before {}",
                cx.layer.quoted()
            ),
        );
        cx.report(diag);
    }
    (out[0], out[1])
}
