//! Element-wise activations: `ReLU(inplace=False)`, `ReLU6`,
//! `LeakyReLU(negative_slope=0.01)`, `ELU(alpha=1.0)`,
//! `GELU(approximate='none')`, `SiLU`, `Hardswish`, `Hardsigmoid`,
//! `Sigmoid()`, `Tanh()`.
//! They keep the shape and have no parameters.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::Diagnostics;
use crate::spec::{Activation, LayerSpec};
use crate::vocab::args::{ActivationKind, Args, LayerKind, Signature, opt};

pub static RELU: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::ReLU),
    name: "ReLU",
    params: &[opt("inplace", "False")],
    ignores_args: false,
};
pub static RELU6: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::ReLU6),
    name: "ReLU6",
    params: &[opt("inplace", "False")],
    ignores_args: false,
};
pub static LEAKY_RELU: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::LeakyReLU),
    name: "LeakyReLU",
    params: &[opt("negative_slope", "0.01"), opt("inplace", "False")],
    ignores_args: false,
};
pub static ELU: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::ELU),
    name: "ELU",
    params: &[opt("alpha", "1.0"), opt("inplace", "False")],
    ignores_args: false,
};
pub static GELU: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::GELU),
    name: "GELU",
    params: &[opt("approximate", "'none'")],
    ignores_args: false,
};
pub static SILU: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::SiLU),
    name: "SiLU",
    params: &[opt("inplace", "False")],
    ignores_args: false,
};
pub static HARDSWISH: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::Hardswish),
    name: "Hardswish",
    params: &[opt("inplace", "False")],
    ignores_args: false,
};
pub static HARDSIGMOID: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::Hardsigmoid),
    name: "Hardsigmoid",
    params: &[opt("inplace", "False")],
    ignores_args: false,
};
pub static SIGMOID: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::Sigmoid),
    name: "Sigmoid",
    params: &[],
    ignores_args: false,
};
pub static TANH: Signature = Signature {
    kind: LayerKind::Activation(ActivationKind::Tanh),
    name: "Tanh",
    params: &[],
    ignores_args: false,
};

/// Reads the arguments of activation `kind`; `None` when one was invalid
/// (reported).
pub fn bind(kind: ActivationKind, args: &Args, diags: &mut Diagnostics) -> Option<Activation> {
    if args.sig.params.iter().any(|(name, _)| name == "inplace") {
        args.ignore_bool("inplace", diags);
    }
    Some(match kind {
        ActivationKind::ReLU => Activation::ReLU,
        ActivationKind::ReLU6 => Activation::ReLU6,
        ActivationKind::LeakyReLU => Activation::LeakyReLU {
            negative_slope: args.float("negative_slope", 0.01, diags)?.value,
        },
        ActivationKind::ELU => Activation::ELU {
            alpha: args.float("alpha", 1.0, diags)?.value,
        },
        ActivationKind::GELU => Activation::GELU {
            tanh: args
                .choice("approximate", &["none", "tanh"], "none", diags)?
                .value
                == "tanh",
        },
        ActivationKind::SiLU => Activation::SiLU,
        ActivationKind::Hardswish => Activation::Hardswish,
        ActivationKind::Hardsigmoid => Activation::Hardsigmoid,
        ActivationKind::Sigmoid => Activation::Sigmoid,
        ActivationKind::Tanh => Activation::Tanh,
    })
}

pub fn infer(a: &Option<Activation>, cx: &mut InferCx) -> Inferred {
    let input = cx.input().clone();
    match a {
        Some(a) => Inferred::same(&input, LayerSpec::Activation(a.clone())),
        None => Inferred::broken(input),
    }
}
