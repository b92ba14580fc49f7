//! What a model with errors expands to, beside its errors: the same struct,
//! constants and method signatures with empty bodies, so that the user's
//! code using the model compiles against it and shows no follow-on errors.

use cnn_dsl::model::CheckedModel;
use cnn_dsl::shape::Shape;
use proc_macro2::TokenStream;
use quote::quote;

use super::layer::batch_type;
use super::model::dims_slice;

/// The batch type of a shape, when fully known.
fn known_type(shape: &Shape) -> Option<TokenStream> {
    batch_type(&shape.concrete()?).ok()
}

pub fn model(m: &CheckedModel) -> TokenStream {
    let name = &m.name;
    let vis = &m.vis;
    let attrs = &m.attrs;
    let input_ty = known_type(&m.input);
    let output_ty = known_type(&m.output);
    let input_dims = dims_slice(&m.input.concrete().unwrap_or_default());
    let output_dims = dims_slice(&m.output.concrete().unwrap_or_default());
    let name_str = name.to_string();

    // An unknown shape becomes a generic parameter, which any use accepts.
    let (in_generics, in_ty) = match &input_ty {
        Some(t) => (quote!(), t.clone()),
        None => (
            quote!(const I0: usize, const I1: usize, const I2: usize,),
            quote!(::cnn::Batch<I0, I1, I2>),
        ),
    };
    let (out_generics, out_ty) = match &output_ty {
        Some(t) => (quote!(), t.clone()),
        None => (
            quote!(const O0: usize, const O1: usize, const O2: usize,),
            quote!(::cnn::Batch<O0, O1, O2>),
        ),
    };
    let model_impl = match (&input_ty, &output_ty) {
        (Some(i), Some(o)) => quote! {
            impl ::cnn::Model for #name {
                type Input = #i;
                type Output = #o;
                const NAME: &'static str = #name_str;
                const INPUT_SHAPE: &'static [usize] = #name::INPUT_SHAPE;
                const OUTPUT_SHAPE: &'static [usize] = #name::OUTPUT_SHAPE;
                const PARAMS: usize = 0;
                const MACS: usize = 0;
                const LAYERS: &'static [::cnn::LayerInfo] = &[];
                fn init(_seed: u64) -> Self {
                    #name { _unbuilt: () }
                }
                fn forward(&self, _x: &Self::Input) -> Self::Output {
                    ::core::unreachable!()
                }
            }
        },
        _ => quote!(),
    };

    quote! {
        #(#attrs)*
        #vis struct #name {
            _unbuilt: (),
        }

        impl #name {
            pub const INPUT_SHAPE: &'static [usize] = #input_dims;
            pub const OUTPUT_SHAPE: &'static [usize] = #output_dims;
            pub const PARAMS: usize = 0;
            pub const MACS: usize = 0;
            pub const LAYERS: &'static [::cnn::LayerInfo] = &[];

            pub fn new(_seed: u64) -> Self {
                #name { _unbuilt: () }
            }

            pub fn forward<#in_generics #out_generics>(&self, _x: &#in_ty) -> #out_ty {
                ::core::unreachable!()
            }

            pub fn forward_into<#in_generics #out_generics>(&self, _x: &#in_ty, _out: &mut #out_ty) {
                ::core::unreachable!()
            }

            pub fn summary() -> ::cnn::Summary {
                ::cnn::Summary::new(#name_str, #name::INPUT_SHAPE, &[])
            }

            pub fn state_dict(&self) -> ::cnn::StateDict {
                ::cnn::StateDict::new()
            }

            pub fn load_state_dict(&mut self, _state_dict: &::cnn::StateDict) -> ::cnn::Result<()> {
                ::core::unreachable!()
            }

            pub fn load_safetensors(&mut self, _path: impl ::core::convert::AsRef<::std::path::Path>) -> ::cnn::Result<()> {
                ::core::unreachable!()
            }

            pub fn from_safetensors(_path: impl ::core::convert::AsRef<::std::path::Path>) -> ::cnn::Result<Self> {
                ::core::unreachable!()
            }

            pub fn load_safetensors_with(
                &mut self,
                _path: impl ::core::convert::AsRef<::std::path::Path>,
                _options: &::cnn::LoadOptions,
            ) -> ::cnn::Result<::cnn::StateDictMismatch> {
                ::core::unreachable!()
            }

            pub fn from_safetensors_with(
                _path: impl ::core::convert::AsRef<::std::path::Path>,
                _options: &::cnn::LoadOptions,
            ) -> ::cnn::Result<Self> {
                ::core::unreachable!()
            }

            pub fn save_safetensors(&self, _path: impl ::core::convert::AsRef<::std::path::Path>) -> ::cnn::Result<()> {
                ::core::unreachable!()
            }
        }

        impl ::cnn::Module for #name {}

        #model_impl
    }
}
