//! One layer's code: its field type (every size a literal const argument),
//! its constructor, and its call in the forward pass.

use cnn_dsl::model::CheckedLayer;
use cnn_dsl::shape::Shape;
use cnn_dsl::spec::{Activation, LayerSpec, PaddingMode};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The generated pieces of one layer.
pub struct LayerCode {
    /// The field's type.
    pub ty: TokenStream,
    /// An expression building the layer; may use `init: &mut ::cnn::Init`.
    pub init: TokenStream,
    /// How the forward pass calls it.
    pub call: Call,
    /// An item-level assertion that the runtime agrees with the checker on
    /// this layer's output size (evaluated by `cargo check`).
    pub check: Option<TokenStream>,
}

/// A forward call: the method with its const arguments, and whether it
/// takes the input by reference or by value (element-wise layers work in
/// place).
pub enum Call {
    ByRef(TokenStream),
    ByValue(TokenStream),
    /// In place on a value given away; into a new batch, with the second
    /// method, from a value still needed after.
    InPlaceOrFrom(TokenStream, TokenStream),
}

fn lit(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

fn float(v: f64) -> Result<Literal, String> {
    let v = v as f32;
    if v.is_finite() {
        Ok(Literal::f32_unsuffixed(v))
    } else {
        Err(format!("the value {v} does not fit an f32"))
    }
}

/// The three const arguments of `Batch<D0, D1, D2>` for a shape of rank 1-3.
pub fn batch_args(dims: &[usize]) -> Result<[TokenStream; 3], String> {
    if dims.is_empty() || dims.len() > 3 {
        return Err(format!("a tensor of rank {} cannot be a Batch", dims.len()));
    }
    Ok([0, 1, 2].map(|i| match dims.get(i) {
        Some(&d) => {
            let d = lit(d);
            quote!(#d)
        }
        None => quote!({ ::cnn::ABSENT }),
    }))
}

/// `::cnn::Batch<3, 32, 32>` for per-image `dims`.
pub fn batch_type(dims: &[usize]) -> Result<TokenStream, String> {
    let lits: Vec<Literal> = dims.iter().map(|&d| lit(d)).collect();
    if dims.is_empty() || dims.len() > 3 {
        return Err(format!("a tensor of rank {} cannot be a Batch", dims.len()));
    }
    Ok(quote!(::cnn::Batch<#(#lits),*>))
}

fn image_dims(dims: &[usize], what: &str) -> Result<[Literal; 3], String> {
    match dims {
        [c, h, w] => Ok([lit(*c), lit(*h), lit(*w)]),
        _ => Err(format!("{what} needs a [C, H, W] input")),
    }
}

/// Layer `l`'s code for a call with these shapes (a layer used twice, like
/// a shared ReLU, is called with each use's shapes).
pub fn layer(l: &CheckedLayer, input: &Shape, output: &Shape) -> Result<LayerCode, String> {
    let spec = l.spec.as_ref().ok_or("a layer without a resolved spec")?;
    let input = input
        .concrete()
        .ok_or("a layer with an unknown input shape")?;
    let output = output
        .concrete()
        .ok_or("a layer with an unknown output shape")?;
    let name = &l.name;
    let by_value = |ty: TokenStream, init: TokenStream| LayerCode {
        ty,
        init,
        call: Call::ByValue(quote!(forward)),
        check: None,
    };
    Ok(match spec {
        LayerSpec::Conv2d(c) => {
            let [_, h, w] = image_dims(&input, "Conv2d")?;
            let [_, oh, ow] = image_dims(&output, "Conv2d")?;
            let args = [
                c.in_channels,
                c.out_channels,
                c.kernel[0],
                c.kernel[1],
                c.stride[0],
                c.stride[1],
                c.pad_begin[0],
                c.pad_begin[1],
                c.dilation[0],
                c.dilation[1],
                c.groups,
                c.pad_end[0],
                c.pad_end[1],
            ]
            .map(lit);
            let ty = quote!(::cnn::Conv2d<#(#args),*>);
            let bias = c.bias;
            let mode = match c.padding_mode {
                PaddingMode::Zeros => quote!(Zeros),
                PaddingMode::Reflect => quote!(Reflect),
                PaddingMode::Replicate => quote!(Replicate),
                PaddingMode::Circular => quote!(Circular),
            };
            let msg = format!(
                "cnn: the runtime disagrees with the checker on the output size of `{name}`"
            );
            LayerCode {
                init: quote!(<#ty>::new(#bias, init).with_padding_mode(::cnn::PaddingMode::#mode)),
                call: Call::ByRef(quote!(forward::<#h, #w, #oh, #ow>)),
                check: Some(quote!(assert!(<#ty>::fits(#h, #w, #oh, #ow), #msg);)),
                ty,
            }
        }
        LayerSpec::MaxPool2d(p) => {
            let [c, h, w] = image_dims(&input, "MaxPool2d")?;
            let [_, oh, ow] = image_dims(&output, "MaxPool2d")?;
            let args = [
                p.kernel[0],
                p.kernel[1],
                p.stride[0],
                p.stride[1],
                p.padding[0],
                p.padding[1],
                p.dilation[0],
                p.dilation[1],
            ]
            .map(lit);
            let ceil = p.ceil_mode;
            let ty = quote!(::cnn::MaxPool2d<#(#args,)* #ceil>);
            let msg = format!(
                "cnn: the runtime disagrees with the checker on the output size of `{name}`"
            );
            LayerCode {
                init: quote!(::cnn::MaxPool2d),
                call: Call::ByRef(quote!(forward::<#c, #h, #w, #oh, #ow>)),
                check: Some(quote!(assert!(<#ty>::fits(#h, #w, #oh, #ow), #msg);)),
                ty,
            }
        }
        LayerSpec::AvgPool2d(p) => {
            let [c, h, w] = image_dims(&input, "AvgPool2d")?;
            let [_, oh, ow] = image_dims(&output, "AvgPool2d")?;
            let args = [
                p.kernel[0],
                p.kernel[1],
                p.stride[0],
                p.stride[1],
                p.padding[0],
                p.padding[1],
            ]
            .map(lit);
            let (ceil, count_pad) = (p.ceil_mode, p.count_include_pad);
            let ty = quote!(::cnn::AvgPool2d<#(#args,)* #ceil, #count_pad>);
            let divisor = match p.divisor_override {
                Some(d) => {
                    let d = lit(d);
                    quote!(::core::option::Option::Some(#d))
                }
                None => quote!(::core::option::Option::None),
            };
            let msg = format!(
                "cnn: the runtime disagrees with the checker on the output size of `{name}`"
            );
            LayerCode {
                init: quote!(<#ty>::new(#divisor)),
                call: Call::ByRef(quote!(forward::<#c, #h, #w, #oh, #ow>)),
                check: Some(quote!(assert!(<#ty>::fits(#h, #w, #oh, #ow), #msg);)),
                ty,
            }
        }
        LayerSpec::AdaptiveAvgPool2d([oh, ow]) | LayerSpec::AdaptiveMaxPool2d([oh, ow]) => {
            let (oh, ow) = (lit(*oh), lit(*ow));
            let ty = if matches!(spec, LayerSpec::AdaptiveMaxPool2d(_)) {
                quote!(::cnn::AdaptiveMaxPool2d<#oh, #ow>)
            } else {
                quote!(::cnn::AdaptiveAvgPool2d<#oh, #ow>)
            };
            LayerCode {
                init: quote!(<#ty>::default()),
                call: Call::ByRef(quote!(forward)),
                check: None,
                ty,
            }
        }
        LayerSpec::BatchNorm2d(b) => {
            let n = lit(b.num_features);
            let eps = Literal::f64_unsuffixed(b.eps);
            let affine = b.affine;
            LayerCode {
                ty: quote!(::cnn::BatchNorm2d<#n>),
                init: quote!(::cnn::BatchNorm2d::new(#eps, #affine)),
                call: Call::InPlaceOrFrom(quote!(forward), quote!(forward_from)),
                check: None,
            }
        }
        LayerSpec::Linear(lin) => {
            let (i, o) = (lit(lin.in_features), lit(lin.out_features));
            let ty = quote!(::cnn::Linear<#i, #o>);
            let method = match input.len() {
                1 => quote!(forward),
                2 => quote!(forward2),
                _ => quote!(forward3),
            };
            let bias = lin.bias;
            LayerCode {
                init: quote!(<#ty>::new(#bias, init)),
                call: Call::ByRef(method),
                check: None,
                ty,
            }
        }
        LayerSpec::Flatten { first, last } => {
            let start = Literal::isize_unsuffixed(*first as isize + 1);
            let end = Literal::isize_unsuffixed(*last as isize + 1);
            let ty = quote!(::cnn::Flatten<#start, #end>);
            let [a, b, c] = batch_args(&input)?;
            let [x, y, z] = batch_args(&output)?;
            LayerCode {
                init: quote!(<#ty>::default()),
                call: Call::ByValue(quote!(forward::<#a, #b, #c, #x, #y, #z>)),
                check: None,
                ty,
            }
        }
        LayerSpec::Dropout { p, channelwise } => {
            let p = float(*p)?;
            if *channelwise {
                by_value(quote!(::cnn::Dropout2d), quote!(::cnn::Dropout2d::new(#p)))
            } else {
                by_value(quote!(::cnn::Dropout), quote!(::cnn::Dropout::new(#p)))
            }
        }
        // Identity at inference.
        LayerSpec::Identity | LayerSpec::StochasticDepth { .. } => {
            by_value(quote!(::cnn::Identity), quote!(::cnn::Identity))
        }
        LayerSpec::LayerNorm {
            shape,
            eps,
            affine,
            bias,
            channels_first,
        } => {
            let dims = shape.iter().map(|&d| lit(d));
            let eps = Literal::f64_unsuffixed(*eps);
            by_value(
                quote!(::cnn::LayerNorm),
                quote!(::cnn::LayerNorm::new(&[#(#dims),*], #eps, #affine, #bias, #channels_first)),
            )
        }
        LayerSpec::Permute { axes } => {
            let (i, o) = (
                image_dims(&input, "Permute")?,
                image_dims(&output, "Permute")?,
            );
            let a = axes.map(lit);
            LayerCode {
                ty: quote!(::cnn::Permute),
                init: quote!(::cnn::Permute::new([#(#a),*])),
                call: Call::ByValue(quote!(forward::<#(#i,)* #(#o),*>)),
                check: None,
            }
        }
        LayerSpec::LayerScale { channels, value } => {
            let c = lit(*channels);
            let v = float(*value)?;
            by_value(
                quote!(::cnn::LayerScale),
                quote!(::cnn::LayerScale::new(#c, #v)),
            )
        }
        LayerSpec::ChannelShuffle { groups } => {
            let g = lit(*groups);
            by_value(
                quote!(::cnn::ChannelShuffle),
                quote!(::cnn::ChannelShuffle::new(#g)),
            )
        }
        LayerSpec::Activation(a) => match a {
            Activation::ReLU => by_value(quote!(::cnn::ReLU), quote!(::cnn::ReLU)),
            Activation::ReLU6 => by_value(quote!(::cnn::ReLU6), quote!(::cnn::ReLU6)),
            Activation::SiLU => by_value(quote!(::cnn::SiLU), quote!(::cnn::SiLU)),
            Activation::Hardswish => by_value(quote!(::cnn::Hardswish), quote!(::cnn::Hardswish)),
            Activation::Hardsigmoid => {
                by_value(quote!(::cnn::Hardsigmoid), quote!(::cnn::Hardsigmoid))
            }
            Activation::Sigmoid => by_value(quote!(::cnn::Sigmoid), quote!(::cnn::Sigmoid)),
            Activation::Tanh => by_value(quote!(::cnn::Tanh), quote!(::cnn::Tanh)),
            Activation::LeakyReLU { negative_slope } => {
                let s = float(*negative_slope)?;
                by_value(quote!(::cnn::LeakyReLU), quote!(::cnn::LeakyReLU::new(#s)))
            }
            Activation::ELU { alpha } => {
                let a = float(*alpha)?;
                by_value(quote!(::cnn::ELU), quote!(::cnn::ELU::new(#a)))
            }
            Activation::GELU { tanh } => {
                by_value(quote!(::cnn::GELU), quote!(::cnn::GELU::new(#tanh)))
            }
        },
        LayerSpec::Softmax { axis, log } => {
            let dim = Literal::isize_unsuffixed(*axis as isize + 1);
            let ty = if *log {
                quote!(::cnn::LogSoftmax<#dim>)
            } else {
                quote!(::cnn::Softmax<#dim>)
            };
            by_value(ty.clone(), quote!(<#ty>::default()))
        }
    })
}

/// `Batch<3, 32, 32>`, as the docs show a model's input and output types.
pub fn batch_text(dims: &[usize]) -> String {
    let dims: Vec<String> = dims.iter().map(usize::to_string).collect();
    format!("Batch<{}>", dims.join(", "))
}
