//! Element-wise activations: `ReLU(inplace=False)`, `ReLU6`,
//! `LeakyReLU(negative_slope=0.01)`, `ELU(alpha=1.0)`,
//! `GELU(approximate='none')`, `SiLU`, `Sigmoid()`, `Tanh()`.
//! They keep the shape and have no parameters.

use crate::check::cx::{InferCx, Inferred};
use crate::diagnostic::Diagnostics;
use crate::spec::{Activation, LayerSpec};
use crate::vocab::args::{Args, Signature, opt};

pub static RELU: Signature = Signature {
    name: "ReLU",
    params: &[opt("inplace", "False")],
    ignores_args: false,
};
pub static RELU6: Signature = Signature {
    name: "ReLU6",
    params: &[opt("inplace", "False")],
    ignores_args: false,
};
pub static LEAKY_RELU: Signature = Signature {
    name: "LeakyReLU",
    params: &[opt("negative_slope", "0.01"), opt("inplace", "False")],
    ignores_args: false,
};
pub static ELU: Signature = Signature {
    name: "ELU",
    params: &[opt("alpha", "1.0"), opt("inplace", "False")],
    ignores_args: false,
};
pub static GELU: Signature = Signature {
    name: "GELU",
    params: &[opt("approximate", "'none'")],
    ignores_args: false,
};
pub static SILU: Signature = Signature {
    name: "SiLU",
    params: &[opt("inplace", "False")],
    ignores_args: false,
};
pub static SIGMOID: Signature = Signature {
    name: "Sigmoid",
    params: &[],
    ignores_args: false,
};
pub static TANH: Signature = Signature {
    name: "Tanh",
    params: &[],
    ignores_args: false,
};

/// Reads the activation's arguments; `None` when one was invalid (reported).
pub fn bind(args: &Args, diags: &mut Diagnostics) -> Option<Activation> {
    if args.sig.params.iter().any(|(name, _)| name == "inplace") {
        args.ignore_bool("inplace", diags);
    }
    Some(match args.sig.kind.as_str() {
        "ReLU" => Activation::ReLU,
        "ReLU6" => Activation::ReLU6,
        "LeakyReLU" => Activation::LeakyReLU {
            negative_slope: args.float("negative_slope", 0.01, diags)?.value,
        },
        "ELU" => Activation::ELU {
            alpha: args.float("alpha", 1.0, diags)?.value,
        },
        "GELU" => Activation::GELU {
            tanh: args
                .choice("approximate", &["none", "tanh"], "none", diags)?
                .value
                == "tanh",
        },
        "SiLU" => Activation::SiLU,
        "Sigmoid" => Activation::Sigmoid,
        _ => Activation::Tanh,
    })
}

pub fn infer(a: &Option<Activation>, cx: &mut InferCx) -> Inferred {
    let input = cx.input().clone();
    match a {
        Some(a) => Inferred::same(&input, LayerSpec::Activation(a.clone())),
        None => Inferred::broken(input),
    }
}
