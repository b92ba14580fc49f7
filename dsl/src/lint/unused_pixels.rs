//! `unused_pixels`: a window's stride and the input size leave the last
//! rows or columns out of every window (floor division), so the layer never
//! reads them.

use super::{Group, Lint, LintCx, dims_text, pair_text, warning};
use crate::spec::LayerSpec;

pub const LINT: Lint = Lint {
    name: "unused_pixels",
    group: Group::Suspicious,
    reason: "the last rows or columns of the input are in no window, so they are never read",
};

/// One axis of a sliding window.
#[derive(Clone, Copy)]
struct Axis {
    len: usize,
    pad: usize,
    /// The window's extent (with dilation).
    extent: usize,
    stride: usize,
    out: usize,
}

impl Axis {
    /// Image pixels after the last window's end. Zero where windows skip
    /// pixels anyway (stride beyond the window: `pool_stride_gaps`, or a
    /// strided 1x1 projection, where it is the design).
    fn unread(self) -> usize {
        if self.stride > self.extent || self.out == 0 {
            return 0;
        }
        let end = (self.out - 1) * self.stride + self.extent;
        (self.pad + self.len).saturating_sub(end.max(self.pad))
    }

    /// The same axis with `pad` on both sides, floor mode.
    fn padded(self, pad: usize) -> Option<Axis> {
        let span = (self.len + 2 * pad).checked_sub(self.extent)?;
        Some(Axis {
            pad,
            out: span / self.stride + 1,
            ..self
        })
    }
}

pub fn check(cx: &mut LintCx<'_>) {
    for (index, layer) in cx.model.layers.iter().enumerate() {
        let Some(spec) = &layer.spec else { continue };
        let (Some(input), Some(output)) = (layer.input.concrete(), layer.output.concrete()) else {
            continue;
        };
        if input.len() != 3 || output.len() != 3 {
            continue;
        }
        // kernel extent, stride, padding before, padding limit, ceil_mode
        let (extent, stride, pad, pad_limit, ceil) = match spec {
            LayerSpec::Conv2d(c) if c.pad_begin == c.pad_end => (
                [0, 1].map(|a| c.dilation[a] * (c.kernel[a] - 1) + 1),
                c.stride,
                c.pad_begin,
                [0, 1].map(|a| c.pad_begin[a] + c.stride[a] + c.kernel[a]),
                false,
            ),
            LayerSpec::MaxPool2d(p) => (
                [0, 1].map(|a| p.dilation[a] * (p.kernel[a] - 1) + 1),
                p.stride,
                p.padding,
                p.kernel.map(|k| k / 2),
                p.ceil_mode,
            ),
            LayerSpec::AvgPool2d(p) => (
                p.kernel,
                p.stride,
                p.padding,
                p.kernel.map(|k| k / 2),
                p.ceil_mode,
            ),
            _ => continue,
        };
        let axes = [0, 1].map(|a| Axis {
            len: input[1 + a],
            pad: pad[a],
            extent: extent[a],
            stride: stride[a],
            out: output[1 + a],
        });
        let unread = axes.map(Axis::unread);
        if unread == [0, 0] {
            continue;
        }
        let layer = cx.layer(index).clone();
        let what = |a: usize, noun: &str| {
            format!(
                "{} of the {} {noun}",
                input[1 + a] - unread[a],
                input[1 + a]
            )
        };
        let reads = match unread {
            [_, 0] => what(0, "rows"),
            [0, _] => what(1, "columns"),
            _ => format!("{} and {}", what(0, "rows"), what(1, "columns")),
        };
        let mut diag = warning(
            LINT,
            &layer,
            format!(
                "`{}` reads only {reads} of its {} input",
                layer.name,
                dims_text(&input)
            ),
        )
        .note(windows_note(&axes, unread));
        // The smallest padding per axis that reads every pixel.
        let fixed = [0, 1].map(|a| {
            (axes[a].pad..=pad_limit[a])
                .filter_map(|p| axes[a].padded(p))
                .find(|axis| axis.unread() == 0)
        });
        match fixed {
            [Some(h), Some(w)] if !ceil => {
                let text = layer.call.with("padding", &pair_text([h.pad, w.pad]));
                diag = diag.fix(
                    layer.call_span,
                    text.clone(),
                    format!(
                        "write `{text}` to read every pixel (output {}x{})",
                        h.out, w.out
                    ),
                );
            }
            _ => {
                diag = diag.help(
                    "choose a kernel size, stride and padding whose windows reach the input's edge",
                );
            }
        }
        // One row or column left out is common in well-known models (a
        // stride-2 layer on an even size): pedantic. More is suspicious.
        if unread.iter().all(|&u| u <= 1) {
            cx.warn_in(Group::Pedantic, &layer, diag);
        } else {
            cx.warn(&layer, diag);
        }
    }
}

/// Why: where the windows stop, and the division that rounds down.
fn windows_note(axes: &[Axis; 2], unread: [usize; 2]) -> String {
    let plural = |n: usize, noun: &str| {
        if n == 1 {
            format!("1 {noun}")
        } else {
            format!("{n} {noun}s")
        }
    };
    let mut short = Vec::new();
    if unread[0] > 0 {
        short.push(format!("{} short of the bottom", plural(unread[0], "row")));
    }
    if unread[1] > 0 {
        short.push(format!(
            "{} short of the right edge",
            plural(unread[1], "column")
        ));
    }
    let a = axes[usize::from(unread[0] == 0)];
    format!(
        "its windows ({} wide, every {}) stop {}: ({} + 2x{} - {}) / {} rounds down to {} steps",
        a.extent,
        a.stride,
        short.join(" and "),
        a.len,
        a.pad,
        a.extent,
        a.stride,
        a.out - 1,
    )
}
