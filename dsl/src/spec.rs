//! Fully resolved layers: every number known, ready for code generation,
//! summaries and weight checks.

/// How `Conv2d` pads its input (PyTorch's `padding_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaddingMode {
    Zeros,
    Reflect,
    Replicate,
    Circular,
}

impl PaddingMode {
    pub fn name(self) -> &'static str {
        match self {
            PaddingMode::Zeros => "zeros",
            PaddingMode::Reflect => "reflect",
            PaddingMode::Replicate => "replicate",
            PaddingMode::Circular => "circular",
        }
    }
}

/// `Conv2d`; pairs are `[height, width]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Conv2dSpec {
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    /// Padding before the first row/column.
    pub pad_begin: [usize; 2],
    /// Padding after the last row/column (differs from `pad_begin` only for
    /// `padding = "same"` with an even kernel).
    pub pad_end: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
    pub bias: bool,
    pub padding_mode: PaddingMode,
}

/// `MaxPool2d`.
#[derive(Clone, Debug, PartialEq)]
pub struct MaxPoolSpec {
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub dilation: [usize; 2],
    pub ceil_mode: bool,
}

/// `AvgPool2d`.
#[derive(Clone, Debug, PartialEq)]
pub struct AvgPoolSpec {
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub ceil_mode: bool,
    pub count_include_pad: bool,
    pub divisor_override: Option<usize>,
}

/// `BatchNorm2d` (inference: running statistics).
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNormSpec {
    pub num_features: usize,
    pub eps: f64,
    pub affine: bool,
}

/// `Linear`, applied to the last dimension.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearSpec {
    pub in_features: usize,
    pub out_features: usize,
    pub bias: bool,
}

/// Element-wise activations.
#[derive(Clone, Debug, PartialEq)]
pub enum Activation {
    ReLU,
    ReLU6,
    LeakyReLU {
        negative_slope: f64,
    },
    ELU {
        alpha: f64,
    },
    /// `tanh = false` is the exact erf form (PyTorch's default).
    GELU {
        tanh: bool,
    },
    SiLU,
    /// `x * relu6(x + 3) / 6`.
    Hardswish,
    /// `relu6(x + 3) / 6`.
    Hardsigmoid,
    Sigmoid,
    Tanh,
}

impl Activation {
    /// Whether it is monotone non-decreasing, so that it commutes with a
    /// maximum (`f(max(a, b)) == max(f(a), f(b))`) and may run before a
    /// max pooling instead of after it. A `LeakyReLU` with a negative slope
    /// (or an `ELU` with a negative `alpha`) is not; nor are GELU, SiLU and
    /// Hardswish, which dip below zero.
    pub fn commutes_with_max(&self) -> bool {
        match self {
            Activation::ReLU
            | Activation::ReLU6
            | Activation::Hardsigmoid
            | Activation::Sigmoid
            | Activation::Tanh => true,
            Activation::LeakyReLU { negative_slope } => *negative_slope >= 0.0,
            Activation::ELU { alpha } => *alpha >= 0.0,
            Activation::GELU { .. } | Activation::SiLU | Activation::Hardswish => false,
        }
    }

    /// Whether a convolution's or product's epilogue applies it (the
    /// runtime's `Act`): ReLU, ReLU6, a LeakyReLU of finite slope,
    /// Hardswish and Hardsigmoid.
    pub fn fuses_into_epilogue(&self) -> bool {
        match self {
            Activation::ReLU
            | Activation::ReLU6
            | Activation::Hardswish
            | Activation::Hardsigmoid => true,
            Activation::LeakyReLU { negative_slope } => (*negative_slope as f32).is_finite(),
            // The exp-based ones run faster as a pass of their own, four
            // vectors at a time, than one vector at a time in an epilogue.
            Activation::SiLU
            | Activation::Sigmoid
            | Activation::ELU { .. }
            | Activation::GELU { .. }
            | Activation::Tanh => false,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Activation::ReLU => "ReLU",
            Activation::ReLU6 => "ReLU6",
            Activation::LeakyReLU { .. } => "LeakyReLU",
            Activation::ELU { .. } => "ELU",
            Activation::GELU { .. } => "GELU",
            Activation::SiLU => "SiLU",
            Activation::Hardswish => "Hardswish",
            Activation::Hardsigmoid => "Hardsigmoid",
            Activation::Sigmoid => "Sigmoid",
            Activation::Tanh => "Tanh",
        }
    }
}

/// A layer with every argument resolved (inferred sizes filled in).
#[derive(Clone, Debug, PartialEq)]
pub enum LayerSpec {
    Conv2d(Conv2dSpec),
    MaxPool2d(MaxPoolSpec),
    AvgPool2d(AvgPoolSpec),
    /// Output `[height, width]`.
    AdaptiveAvgPool2d([usize; 2]),
    AdaptiveMaxPool2d([usize; 2]),
    BatchNorm2d(BatchNormSpec),
    Linear(LinearSpec),
    /// Flattens per-image axes `first..=last` (0 is the first axis after the
    /// batch, i.e. PyTorch's `start_dim - 1`).
    Flatten {
        first: usize,
        last: usize,
    },
    /// Identity at inference; `p` is kept for the summary.
    Dropout {
        p: f64,
        channelwise: bool,
    },
    Identity,
    /// torchvision's `StochasticDepth(p, mode)`: identity at inference.
    StochasticDepth {
        p: f64,
        row: bool,
    },
    /// `ChannelShuffle(groups)`: channel `g * (C / groups) + i` moves to
    /// `i * groups + g`.
    ChannelShuffle {
        groups: usize,
    },
    /// `LayerNorm` over the last dimensions `shape`, or (`channels_first`)
    /// torchvision's `LayerNorm2d` over the channels, `shape` = `[C]`.
    LayerNorm {
        shape: Vec<usize>,
        eps: f64,
        affine: bool,
        bias: bool,
        channels_first: bool,
    },
    /// `Permute`: output per-image axis `i` is input axis `axes[i]`.
    Permute {
        axes: [usize; 3],
    },
    /// A `[C, 1, 1]` parameter the input is multiplied by, named by its
    /// holder alone (ConvNeXt's `layer_scale`).
    LayerScale {
        channels: usize,
        value: f64,
    },
    Activation(Activation),
    /// Softmax over per-image axis `axis` (PyTorch's `dim - 1`).
    Softmax {
        axis: usize,
        log: bool,
    },
}

/// What a layer does, broadly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerClass {
    Conv,
    Pool,
    Norm,
    Activation,
    Linear,
    /// Reshapes, or changes nothing at inference (Flatten, Dropout, Identity).
    Other,
}

impl LayerSpec {
    /// The PyTorch class name.
    pub fn kind(&self) -> &'static str {
        match self {
            LayerSpec::Conv2d(_) => "Conv2d",
            LayerSpec::MaxPool2d(_) => "MaxPool2d",
            LayerSpec::AvgPool2d(_) => "AvgPool2d",
            LayerSpec::AdaptiveAvgPool2d(_) => "AdaptiveAvgPool2d",
            LayerSpec::AdaptiveMaxPool2d(_) => "AdaptiveMaxPool2d",
            LayerSpec::BatchNorm2d(_) => "BatchNorm2d",
            LayerSpec::Linear(_) => "Linear",
            LayerSpec::Flatten { .. } => "Flatten",
            LayerSpec::Dropout {
                channelwise: false, ..
            } => "Dropout",
            LayerSpec::Dropout {
                channelwise: true, ..
            } => "Dropout2d",
            LayerSpec::Identity => "Identity",
            LayerSpec::StochasticDepth { .. } => "StochasticDepth",
            LayerSpec::ChannelShuffle { .. } => "ChannelShuffle",
            LayerSpec::LayerNorm {
                channels_first: false,
                ..
            } => "LayerNorm",
            LayerSpec::LayerNorm {
                channels_first: true,
                ..
            } => "LayerNorm2d",
            LayerSpec::Permute { .. } => "Permute",
            LayerSpec::LayerScale { .. } => "LayerScale",
            LayerSpec::Activation(a) => a.kind(),
            LayerSpec::Softmax { log: false, .. } => "Softmax",
            LayerSpec::Softmax { log: true, .. } => "LogSoftmax",
        }
    }

    /// The layer's state_dict entries (suffix and shape), in PyTorch's order.
    /// BatchNorm's `num_batches_tracked` is left out: it does not affect
    /// inference.
    pub fn tensors(&self) -> Vec<(&'static str, Vec<usize>)> {
        match self {
            LayerSpec::Conv2d(c) => {
                let mut t = vec![(
                    "weight",
                    vec![
                        c.out_channels,
                        c.in_channels / c.groups.max(1),
                        c.kernel[0],
                        c.kernel[1],
                    ],
                )];
                if c.bias {
                    t.push(("bias", vec![c.out_channels]));
                }
                t
            }
            LayerSpec::BatchNorm2d(b) => {
                let n = b.num_features;
                let mut t = Vec::new();
                if b.affine {
                    t.push(("weight", vec![n]));
                    t.push(("bias", vec![n]));
                }
                t.push(("running_mean", vec![n]));
                t.push(("running_var", vec![n]));
                t
            }
            LayerSpec::Linear(l) => {
                let mut t = vec![("weight", vec![l.out_features, l.in_features])];
                if l.bias {
                    t.push(("bias", vec![l.out_features]));
                }
                t
            }
            LayerSpec::MaxPool2d(_)
            | LayerSpec::AvgPool2d(_)
            | LayerSpec::AdaptiveAvgPool2d(_)
            | LayerSpec::AdaptiveMaxPool2d(_)
            | LayerSpec::Flatten { .. }
            | LayerSpec::Dropout { .. }
            | LayerSpec::Identity
            | LayerSpec::StochasticDepth { .. }
            | LayerSpec::ChannelShuffle { .. }
            | LayerSpec::Permute { .. }
            | LayerSpec::Activation(_)
            | LayerSpec::Softmax { .. } => Vec::new(),
            LayerSpec::LayerNorm {
                shape,
                affine,
                bias,
                ..
            } => {
                let mut t = Vec::new();
                if *affine {
                    t.push(("weight", shape.clone()));
                    if *bias {
                        t.push(("bias", shape.clone()));
                    }
                }
                t
            }
            // Named by its holder alone: the suffix is empty.
            LayerSpec::LayerScale { channels, .. } => vec![("", vec![*channels, 1, 1])],
        }
    }

    /// Mult-adds per image as torchinfo counts them: the parameters times
    /// the positions they are applied at (a convolution's output pixels, a
    /// linear layer's rows, once for a BatchNorm), none for layers without
    /// parameters. `None` on overflow.
    pub fn mult_adds(&self, params: usize, output: &[usize]) -> Option<usize> {
        let positions = match self {
            LayerSpec::Conv2d(_) => output
                .iter()
                .skip(1)
                .try_fold(1usize, |a, &d| a.checked_mul(d))?,
            LayerSpec::Linear(_) => output[..output.len().saturating_sub(1)]
                .iter()
                .try_fold(1usize, |a, &d| a.checked_mul(d))?,
            LayerSpec::BatchNorm2d(_) => 1,
            LayerSpec::MaxPool2d(_)
            | LayerSpec::AvgPool2d(_)
            | LayerSpec::AdaptiveAvgPool2d(_)
            | LayerSpec::AdaptiveMaxPool2d(_)
            | LayerSpec::Flatten { .. }
            | LayerSpec::Dropout { .. }
            | LayerSpec::Identity
            | LayerSpec::StochasticDepth { .. }
            | LayerSpec::ChannelShuffle { .. }
            | LayerSpec::Permute { .. }
            | LayerSpec::LayerScale { .. }
            | LayerSpec::Activation(_)
            | LayerSpec::Softmax { .. } => 0,
            LayerSpec::LayerNorm { .. } => 1,
        };
        params.checked_mul(positions)
    }

    /// What the layer does, for drawings and summaries.
    pub fn class(&self) -> LayerClass {
        match self {
            LayerSpec::Conv2d(_) => LayerClass::Conv,
            LayerSpec::MaxPool2d(_)
            | LayerSpec::AvgPool2d(_)
            | LayerSpec::AdaptiveAvgPool2d(_)
            | LayerSpec::AdaptiveMaxPool2d(_) => LayerClass::Pool,
            LayerSpec::BatchNorm2d(_) | LayerSpec::LayerNorm { .. } => LayerClass::Norm,
            LayerSpec::Linear(_) => LayerClass::Linear,
            LayerSpec::Activation(_) | LayerSpec::Softmax { .. } => LayerClass::Activation,
            LayerSpec::Flatten { .. }
            | LayerSpec::Dropout { .. }
            | LayerSpec::Identity
            | LayerSpec::StochasticDepth { .. }
            | LayerSpec::ChannelShuffle { .. }
            | LayerSpec::Permute { .. }
            | LayerSpec::LayerScale { .. } => LayerClass::Other,
        }
    }

    /// Whether a tensor of [`LayerSpec::tensors`] is a trainable parameter
    /// (running statistics are buffers).
    pub fn is_parameter(suffix: &str) -> bool {
        !suffix.starts_with("running_")
    }
}
