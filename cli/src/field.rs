//! Receptive field and output stride of every layer: how many input pixels
//! (height x width) one output value can see, and how many input pixels one
//! step of the output moves.

use cnn_dsl::model::{CheckedModel, Op};
use cnn_dsl::spec::LayerSpec;

/// What one value of a tensor sees of the model's input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Field {
    /// The receptive field, rows x columns, or `None` once every value sees
    /// the whole image (after a Linear or a global pool).
    pub size: Option<[usize; 2]>,
    /// Input pixels between neighbouring outputs (the output stride).
    pub stride: [usize; 2],
}

impl Field {
    const INPUT: Field = Field {
        size: Some([1, 1]),
        stride: [1, 1],
    };

    /// After a window of `extent` moved `step` at a time. A field too large
    /// to count sees the whole image; a stride too large to count stays at
    /// the largest count (the models are checked, but sizes can be huge).
    fn window(self, extent: [usize; 2], step: [usize; 2]) -> Field {
        let grow = |size: [usize; 2]| -> Option<[usize; 2]> {
            let h = extent[0]
                .saturating_sub(1)
                .checked_mul(self.stride[0])?
                .checked_add(size[0])?;
            let w = extent[1]
                .saturating_sub(1)
                .checked_mul(self.stride[1])?
                .checked_add(size[1])?;
            Some([h, w])
        };
        Field {
            size: self.size.and_then(grow),
            stride: [0, 1].map(|a| self.stride[a].saturating_mul(step[a])),
        }
    }

    fn whole(self) -> Field {
        Field { size: None, ..self }
    }

    /// Where paths meet (an add, a concatenation): the widest view.
    fn join(self, other: Field) -> Field {
        let size = match (self.size, other.size) {
            (Some(a), Some(b)) => Some([a[0].max(b[0]), a[1].max(b[1])]),
            _ => None,
        };
        Field {
            size,
            stride: [0, 1].map(|a| self.stride[a].max(other.stride[a])),
        }
    }

    /// `11x11`, or `all` for the whole image.
    pub fn size_text(&self) -> String {
        match self.size {
            Some([h, w]) if h == w => format!("{h}"),
            Some([h, w]) => format!("{h}x{w}"),
            None => "all".into(),
        }
    }

    /// The output stride; `--` once the values no longer lie on a grid.
    pub fn stride_text(&self) -> String {
        if self.size.is_none() {
            return "--".into();
        }
        let [h, w] = self.stride;
        if h == w {
            h.to_string()
        } else {
            format!("{h}x{w}")
        }
    }
}

/// The field after each execution of a layer, in execution order:
/// `(layer index, field of its output)`.
pub fn fields(model: &CheckedModel) -> Vec<(usize, Field)> {
    let mut out = Vec::new();
    walk(model, &model.program, Field::INPUT, &mut out);
    out
}

fn walk(
    model: &CheckedModel,
    ops: &[Op],
    mut field: Field,
    out: &mut Vec<(usize, Field)>,
) -> Field {
    for op in ops {
        field = match op {
            Op::Layer { layer, input, .. } => {
                let next = through(model, *layer, input.concrete(), field);
                out.push((*layer, next));
                next
            }
            Op::Residual { main, shortcut, .. } => {
                let a = walk(model, main, field, out);
                let b = walk(model, shortcut, field, out);
                a.join(b)
            }
            Op::Concat { branches, .. } => branches
                .iter()
                .map(|(branch, _)| walk(model, branch, field, out))
                .reduce(Field::join)
                .unwrap_or(field),
            // The gate reads the whole input (a pooled one, all of it), but
            // each output value is its own input value scaled.
            Op::Gate { branch, .. } => {
                walk(model, branch, field, out);
                field
            }
        };
    }
    field
}

/// The field after layer `index` given the field of its input.
fn through(model: &CheckedModel, index: usize, input: Option<Vec<usize>>, field: Field) -> Field {
    let Some(spec) = &model.layers[index].spec else {
        return field;
    };
    let spatial = input.filter(|d| d.len() == 3).map(|d| [d[1], d[2]]);
    match spec {
        LayerSpec::Conv2d(c) => field.window(
            [0, 1].map(|a| c.dilation[a] * (c.kernel[a] - 1) + 1),
            c.stride,
        ),
        LayerSpec::MaxPool2d(p) => field.window(
            [0, 1].map(|a| p.dilation[a] * (p.kernel[a] - 1) + 1),
            p.stride,
        ),
        LayerSpec::AvgPool2d(p) => field.window(p.kernel, p.stride),
        LayerSpec::AdaptiveAvgPool2d(out) | LayerSpec::AdaptiveMaxPool2d(out) => {
            let Some(len) = spatial else {
                return field.whole();
            };
            if *out == [1, 1] {
                return field.whole();
            }
            // PyTorch's windows: [floor(i*len/out), ceil((i+1)*len/out)).
            let extent = [0, 1].map(|a| {
                (0..out[a])
                    .map(|i| ((i + 1) * len[a]).div_ceil(out[a]) - i * len[a] / out[a])
                    .max()
                    .unwrap_or(1)
            });
            let step = [0, 1].map(|a| (len[a] / out[a].max(1)).max(1));
            field.window(extent, step)
        }
        // Mixing every value of the input: what each sees is the whole image.
        LayerSpec::Linear(_) => field.whole(),
        // Over channels, each pixel stays where it is; over anything else
        // the values mix.
        LayerSpec::Softmax { axis, .. } if *axis == 0 && spatial.is_some() => field,
        LayerSpec::Softmax { .. } => field.whole(),
        LayerSpec::BatchNorm2d(_)
        | LayerSpec::Flatten { .. }
        | LayerSpec::Dropout { .. }
        | LayerSpec::Identity
        | LayerSpec::StochasticDepth { .. }
        | LayerSpec::ChannelShuffle { .. }
        | LayerSpec::LayerScale { .. }
        | LayerSpec::Activation(_) => field,
        // Over channels each pixel stays where it is; over the last axis
        // (after a Permute, the channels too) likewise.
        LayerSpec::LayerNorm { .. } | LayerSpec::Permute { .. } => field,
    }
}
