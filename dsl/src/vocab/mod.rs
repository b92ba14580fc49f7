//! The layer vocabulary: PyTorch's names, signatures and shape rules, one
//! layer kind (or family) a file.

pub mod activation;
pub mod adaptive;
pub mod args;
pub mod batchnorm;
pub mod conv;
pub mod dropout;
pub mod flatten;
pub mod linear;
pub mod norm;
pub mod pool;
pub mod shuffle;
pub mod softmax;

use crate::ast::Call;
use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::{Applicability, Diagnostic, Diagnostics, Edit};
use crate::eval::Env;
use crate::spec::Activation;
use crate::suggest::did_you_mean;
use args::{Args, LayerKind, Signature};

/// Every layer kind, in the order the README's table lists them.
pub static SIGNATURES: &[&Signature] = &[
    &conv::SIGNATURE,
    &pool::MAX_SIGNATURE,
    &pool::AVG_SIGNATURE,
    &adaptive::AVG_SIGNATURE,
    &adaptive::MAX_SIGNATURE,
    &batchnorm::SIGNATURE,
    &linear::SIGNATURE,
    &flatten::SIGNATURE,
    &dropout::SIGNATURE,
    &dropout::SIGNATURE_2D,
    &dropout::IDENTITY_SIGNATURE,
    &shuffle::STOCHASTIC_DEPTH,
    &shuffle::CHANNEL_SHUFFLE,
    &norm::LAYER_NORM,
    &norm::LAYER_NORM_2D,
    &norm::PERMUTE,
    &norm::LAYER_SCALE,
    &activation::RELU,
    &activation::RELU6,
    &activation::LEAKY_RELU,
    &activation::ELU,
    &activation::GELU,
    &activation::SILU,
    &activation::HARDSWISH,
    &activation::HARDSIGMOID,
    &activation::SIGMOID,
    &activation::TANH,
    &softmax::SOFTMAX,
    &softmax::LOG_SOFTMAX,
];

/// Names from other frameworks, and what to write instead.
const ALIASES: &[(&str, &str)] = &[
    ("Dense", "Linear"),
    ("FullyConnected", "Linear"),
    ("Conv", "Conv2d"),
    ("Convolution2D", "Conv2d"),
    ("MaxPooling2D", "MaxPool2d"),
    ("MaxPool", "MaxPool2d"),
    ("AveragePooling2D", "AvgPool2d"),
    ("AvgPool", "AvgPool2d"),
    (
        "GlobalAveragePooling2D",
        "AdaptiveAvgPool2d(1)` followed by `Flatten",
    ),
    ("GlobalAvgPool2d", "AdaptiveAvgPool2d(1)"),
    (
        "GlobalMaxPooling2D",
        "AdaptiveMaxPool2d(1)` followed by `Flatten",
    ),
    ("BatchNormalization", "BatchNorm2d"),
    ("BatchNorm", "BatchNorm2d"),
    ("Swish", "SiLU"),
    ("HardSwish", "Hardswish"),
    ("HardSigmoid", "Hardsigmoid"),
    ("LogSigmoid", "LogSoftmax"),
    ("Sequential", "a plain list of layers"),
];

/// Looks up a layer kind by name.
pub fn signature(name: &str) -> Option<&'static Signature> {
    SIGNATURES.iter().copied().find(|s| s.name == name)
}

/// A call's arguments, read for its layer kind.
#[derive(Clone, Debug)]
pub enum LayerArgs {
    Conv2d(conv::Conv2dArgs),
    Pool(pool::PoolArgs),
    Adaptive(adaptive::AdaptiveArgs),
    BatchNorm2d(batchnorm::BatchNormArgs),
    Linear(linear::LinearArgs),
    Flatten(flatten::FlattenArgs),
    Dropout(dropout::DropoutArgs),
    Identity,
    StochasticDepth(Option<crate::spec::LayerSpec>),
    Norm(norm::NormArgs),
    Permute(Option<[usize; 3]>),
    LayerScale(Option<(crate::span::Spanned<usize>, f64)>),
    ChannelShuffle(Option<usize>),
    Activation(Option<Activation>),
    Softmax(softmax::SoftmaxArgs),
}

/// PyTorch layers outside the vocabulary, to say so instead of guessing.
const UNSUPPORTED: &[&str] = &[
    "ConvTranspose2d",
    "LazyConv2d",
    "LazyLinear",
    "Upsample",
    "UpsamplingNearest2d",
    "UpsamplingBilinear2d",
    "PixelShuffle",
    "PReLU",
    "Hardswish",
    "Hardsigmoid",
    "Hardtanh",
    "Mish",
    "Softplus",
    "GroupNorm",
    "LayerNorm",
    "InstanceNorm2d",
    "LocalResponseNorm",
    "ZeroPad2d",
    "ReflectionPad2d",
    "ReplicationPad2d",
    "Unflatten",
    "Embedding",
    "LSTM",
    "GRU",
    "RNN",
    "MultiheadAttention",
    "Transformer",
    "ModuleList",
    "ModuleDict",
];

/// Another library's name for a layer: the fix writes PyTorch's, with `_`
/// first where PyTorch takes the input size first (Keras' `Dense(10)` is
/// `Linear(_, 10)`). A guess: the arguments may differ in more than that.
fn alias_fix(unknown: Diagnostic, call: &Call, instead: &str) -> Diagnostic {
    let help = format!("PyTorch calls this `{instead}`");
    let Some(sig) = signature(instead) else {
        return unknown.help(help);
    };
    let mut edits = vec![Edit::replace(call.kind.span().into(), instead)];
    let takes_input_size = sig
        .params
        .first()
        .is_some_and(|p| matches!(p.name, "in_channels" | "in_features" | "num_features"));
    if takes_input_size && call.args.first().is_some_and(|a| a.name.is_none()) {
        edits.push(Edit::before(call.args[0].span, "_, "));
    }
    unknown.edits(edits, Applicability::MaybeIncorrect, help)
}

/// Resolves the layer kind of `call`. An unknown name is reported with a
/// suggestion; when the suggestion differs only in case (`Relu`), checking
/// carries on as if it had been written right.
pub fn resolve_kind(call: &Call, diags: &mut Diagnostics) -> Option<&'static Signature> {
    let name = call.kind.to_string();
    if let Some(sig) = signature(&name) {
        return Some(sig);
    }
    let span = call.kind.span();
    let all: Vec<&str> = SIGNATURES.iter().map(|s| s.name).collect();
    let unknown = Diagnostic::error(span, format!("unknown layer `{name}`"));
    let lower = name.to_ascii_lowercase();
    let (diag, assumed) = if let Some(sig) = SIGNATURES
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(&name))
    {
        let d = unknown.fix(
            span.into(),
            sig.name,
            format!("did you mean `{}`?", sig.name),
        );
        (d, Some(*sig))
    } else if let Some((_, instead)) = ALIASES.iter().find(|(alias, _)| *alias == name) {
        (alias_fix(unknown, call, instead), None)
    } else if lower.ends_with("1d") || lower.ends_with("3d") {
        let dims = &lower[lower.len() - 2..lower.len() - 1];
        let mut d = Diagnostic::error(
            span,
            format!("`{name}` works on {dims}-d data; cnn models are 2-d image networks"),
        );
        if let Some(s) = did_you_mean(&name, all.iter().copied()) {
            d = d.guess(span.into(), s, format!("for images, use `{s}`"));
        }
        (d, None)
    } else if UNSUPPORTED.contains(&name.as_str()) {
        let d = Diagnostic::error(
            span,
            format!("`{name}` is a PyTorch layer that cnn does not support"),
        )
        .note(format!("the layers are: {}", all.join(", ")));
        (d, None)
    } else if let Some(s) = did_you_mean(&name, all.iter().copied()) {
        // Checking goes on as if fixed, so the errors after agree with it.
        (
            unknown.fix(span.into(), s, format!("did you mean `{s}`?")),
            signature(s),
        )
    } else {
        (
            unknown.note(format!("the layers are: {}", all.join(", "))),
            None,
        )
    };
    diags.push(diag);
    assumed
}

/// Binds and reads `call`'s arguments for `sig`.
pub fn bind_layer(
    call: &Call,
    sig: &'static Signature,
    env: &dyn Env,
    diags: &mut Diagnostics,
) -> (Args, LayerArgs) {
    let args = args::bind(call, &sig.into(), env, diags);
    let layer = match sig.kind {
        LayerKind::Conv2d => LayerArgs::Conv2d(conv::bind(&args, diags)),
        LayerKind::MaxPool2d => LayerArgs::Pool(pool::bind(&args, true, diags)),
        LayerKind::AvgPool2d => LayerArgs::Pool(pool::bind(&args, false, diags)),
        LayerKind::AdaptiveAvgPool2d => LayerArgs::Adaptive(adaptive::bind(&args, false, diags)),
        LayerKind::AdaptiveMaxPool2d => LayerArgs::Adaptive(adaptive::bind(&args, true, diags)),
        LayerKind::BatchNorm2d => LayerArgs::BatchNorm2d(batchnorm::bind(&args, diags)),
        LayerKind::Linear => LayerArgs::Linear(linear::bind(&args, diags)),
        LayerKind::Flatten => LayerArgs::Flatten(flatten::bind(&args, diags)),
        LayerKind::Dropout => LayerArgs::Dropout(dropout::bind(&args, false, diags)),
        LayerKind::Dropout2d => LayerArgs::Dropout(dropout::bind(&args, true, diags)),
        LayerKind::Identity => LayerArgs::Identity,
        LayerKind::StochasticDepth => LayerArgs::StochasticDepth(shuffle::bind_depth(&args, diags)),
        LayerKind::ChannelShuffle => LayerArgs::ChannelShuffle(shuffle::bind_shuffle(&args, diags)),
        LayerKind::LayerNorm => LayerArgs::Norm(norm::bind_norm(&args, false, diags)),
        LayerKind::LayerNorm2d => LayerArgs::Norm(norm::bind_norm(&args, true, diags)),
        LayerKind::Permute => LayerArgs::Permute(norm::bind_permute(&args, diags)),
        LayerKind::LayerScale => LayerArgs::LayerScale(norm::bind_scale(&args, diags)),
        LayerKind::Softmax => LayerArgs::Softmax(softmax::bind(&args, false, diags)),
        LayerKind::LogSoftmax => LayerArgs::Softmax(softmax::bind(&args, true, diags)),
        LayerKind::Activation(kind) => LayerArgs::Activation(activation::bind(kind, &args, diags)),
    };
    (args, layer)
}

impl LayerArgs {
    /// Infers the layer's output from the tensor that reaches it.
    pub fn infer(&self, cx: &mut InferCx) -> Inferred {
        match self {
            LayerArgs::Conv2d(a) => conv::infer(a, cx),
            LayerArgs::Pool(a) => pool::infer(a, cx),
            LayerArgs::Adaptive(a) => adaptive::infer(a, cx),
            LayerArgs::BatchNorm2d(a) => batchnorm::infer(a, cx),
            LayerArgs::Linear(a) => linear::infer(a, cx),
            LayerArgs::Flatten(a) => flatten::infer(a, cx),
            LayerArgs::Dropout(a) => dropout::infer(a, cx),
            LayerArgs::Identity => {
                let input = cx.input().clone();
                Inferred::same(&input, crate::spec::LayerSpec::Identity)
            }
            LayerArgs::StochasticDepth(s) => shuffle::infer_depth(s, cx),
            LayerArgs::ChannelShuffle(g) => shuffle::infer_shuffle(*g, cx),
            LayerArgs::Norm(a) => norm::infer_norm(a, cx),
            LayerArgs::Permute(a) => norm::infer_permute(*a, cx),
            LayerArgs::LayerScale(a) => norm::infer_scale(a, cx),
            LayerArgs::Activation(a) => activation::infer(a, cx),
            LayerArgs::Softmax(a) => softmax::infer(a, cx),
        }
    }
}
