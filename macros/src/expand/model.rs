//! A checked model's code: the struct, its constants, `new`, `forward`, and
//! the `Module` and `Model` impls.

use cnn_dsl::model::{CheckedLayer, CheckedModel, Op};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use super::forward;
use super::layer::{LayerCode, batch_text, batch_type, layer};

/// `&[3, 32, 32]`
pub fn dims_slice(dims: &[usize]) -> TokenStream {
    let lits = dims.iter().map(|&d| Literal::usize_unsuffixed(d));
    quote!(&[#(#lits),*])
}

/// Only doc comments of a layer become the field's docs.
pub fn doc_attrs(layer: &CheckedLayer) -> Vec<&syn::Attribute> {
    layer
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect()
}

/// A markdown table of the layers, appended to the struct's docs.
fn shapes_doc(m: &CheckedModel) -> String {
    let mut doc = String::from(
        "\n\n# Layers\n\n| layer | PyTorch | output shape | parameters |\n|---|---|---|---|\n",
    );
    doc.push_str(&format!("| *input* | | `{}` | |\n", m.input));
    for r in &m.rows {
        let what = if r.leaf {
            format!("`{}`", r.text)
        } else {
            r.kind.clone()
        };
        doc.push_str(&format!(
            "| `{}` | {what} | `{}` | {} |\n",
            r.name,
            r.output,
            r.params.unwrap_or(0)
        ));
    }
    doc.push_str(&format!(
        "\n{} parameters; {} multiply-accumulates per image.",
        m.params.unwrap_or(0),
        m.macs.unwrap_or(0)
    ));
    doc
}

/// The summary rows as `LayerInfo` literals.
fn layer_infos(m: &CheckedModel) -> Result<Vec<TokenStream>, String> {
    m.rows
        .iter()
        .map(|r| {
            let (name, kind, args) = (&r.name, &r.kind, &r.text);
            let shape = dims_slice(&r.output.concrete().ok_or("unknown output shape")?);
            let params = Literal::usize_unsuffixed(r.params.ok_or("unknown parameter count")?);
            let buffers = Literal::usize_unsuffixed(r.buffers);
            let macs = Literal::usize_unsuffixed(r.macs.ok_or("unknown multiply-accumulates")?);
            let mult_adds = Literal::usize_unsuffixed(r.mult_adds.ok_or("unknown mult-adds")?);
            let depth = Literal::usize_unsuffixed(r.depth);
            Ok(quote! {
                ::cnn::LayerInfo {
                    name: #name,
                    kind: #kind,
                    args: #args,
                    output_shape: #shape,
                    params: #params,
                    buffers: #buffers,
                    macs: #macs,
                    mult_adds: #mult_adds,
                    depth: #depth,
                }
            })
        })
        .collect()
}

/// Weights (floats) from which a model's tail runs on the whole batch:
/// more than stay in a core's second-level cache beside a slice's
/// activations, so that they would come from further away for every
/// slice. Below it, gathering the slices' results for the tail costs
/// more than it saves (`seed_a`'s 20K weights at batch 64: 0.99x).
const WHOLE_BATCH_WEIGHTS: usize = 64 * 1024;
/// How many times an image's values going into the tail its weights must
/// be, at least: the gathered results are written once and read back
/// once, while the weights are read once less per slice, whose images
/// (up to a few dozen) share them. `gray200`'s 200K weights over 20,000
/// values an image: 0.96x at batch 64; VGG-small's 524K over 2,048: 1.12x.
const WHOLE_BATCH_RATIO: usize = 32;

/// Where the forward pass stops running a slice of images at a time
/// (`cnn::slices`): at the first top-level step whose output is a vector
/// per image (a Flatten, most often), where other steps come before it and
/// the steps from there on hold many weights ([`WHOLE_BATCH_WEIGHTS`],
/// [`WHOLE_BATCH_RATIO`]). Those steps work on vectors of a few KB an
/// image, and they run on the whole batch at once, so that a classifier's
/// weights (5 to 8 MB in torchvision's mobile models and ResNets, nearly
/// 500 MB in VGG-16's) are read once a batch rather than once a slice.
fn whole_batch_from(layers: &[CheckedLayer], program: &[Op]) -> Option<usize> {
    let at = program
        .iter()
        .position(|op| op.output().concrete().is_some_and(|dims| dims.len() == 1))
        .filter(|&at| at > 0)?;
    let values: usize = program[at].input().concrete()?.iter().product();
    let weights: usize = program[at..].iter().map(|op| weights_of(layers, op)).sum();
    (weights > WHOLE_BATCH_WEIGHTS && weights >= WHOLE_BATCH_RATIO * values).then_some(at)
}

/// The parameters `op`'s layers hold, each time a layer is used.
fn weights_of(layers: &[CheckedLayer], op: &Op) -> usize {
    let all = |ops: &[Op]| ops.iter().map(|op| weights_of(layers, op)).sum::<usize>();
    match op {
        Op::Layer { layer, .. } => layers.get(*layer).and_then(|l| l.params).unwrap_or(0),
        Op::Residual { main, shortcut, .. } => all(main) + all(shortcut),
        Op::Gate { branch, .. } => all(branch),
        Op::Concat { branches, .. } => branches.iter().map(|(ops, _)| all(ops)).sum(),
    }
}

/// The body of `forward`: the program run a slice of images at a time, or,
/// where [`whole_batch_from`] finds a tail, the head so and then the tail
/// on the whole batch.
fn run_body(
    m: &CheckedModel,
    input_ty: &TokenStream,
    output_ty: &TokenStream,
) -> Result<TokenStream, String> {
    let name = &m.name;
    let sliced = |program: &[Op], out_ty: &TokenStream| -> Result<TokenStream, String> {
        let body = forward::body(&m.layers, program)?;
        Ok(quote! {
            ::cnn::slices::forward(
                x,
                #name::INPUT_SHAPE,
                #name::LAYERS,
                #name::MACS,
                |x: &#input_ty| -> #out_ty { #body },
            )
        })
    };
    let Some(at) = whole_batch_from(&m.layers, &m.program) else {
        return sliced(&m.program, output_ty);
    };
    let (head, tail) = m.program.split_at(at);
    let middle = tail[0].input().concrete().ok_or("unknown shape")?;
    let head = sliced(head, &batch_type(&middle)?)?;
    let middle = Ident::new("head", Span::call_site());
    let tail = forward::body_owning(&m.layers, tail, middle.clone())?;
    Ok(quote! {
        let #middle = #head;
        #tail
    })
}

pub fn model(m: &CheckedModel) -> Result<TokenStream, String> {
    let name = &m.name;
    let vis = &m.vis;
    let attrs = &m.attrs;
    let input = m.input.concrete().ok_or("unknown input shape")?;
    let output = m.output.concrete().ok_or("unknown output shape")?;
    let input_ty = batch_type(&input)?;
    let output_ty = batch_type(&output)?;
    let input_dims = dims_slice(&input);
    let output_dims = dims_slice(&output);
    let params = Literal::usize_unsuffixed(m.params.ok_or("unknown parameter count")?);
    let macs = Literal::usize_unsuffixed(m.macs.ok_or("unknown multiply-accumulates")?);
    let name_str = name.to_string();
    let doc = shapes_doc(m);
    let infos = layer_infos(m)?;

    let codes: Vec<(&CheckedLayer, LayerCode)> = m
        .layers
        .iter()
        .map(|l| {
            layer(l, &l.input, &l.output)
                .map(|c| (l, c))
                .map_err(|e| format!("layer `{}`: {e}", l.name))
        })
        .collect::<Result<_, _>>()?;

    let fields = codes.iter().map(|(l, c)| {
        let field = &l.field;
        let ty = &c.ty;
        let docs = doc_attrs(l);
        let text = format!(" `{}`: output `{}`.", l.text, l.output);
        if docs.is_empty() {
            quote!(#[doc = #text] pub #field: #ty)
        } else {
            quote!(#(#docs)* pub #field: #ty)
        }
    });
    let inits = codes.iter().map(|(l, c)| {
        let field = &l.field;
        let init = &c.init;
        quote!(#field: #init)
    });
    let field_names: Vec<_> = m.layers.iter().map(|l| &l.field).collect();
    let prefixes: Vec<&String> = m.layers.iter().map(|l| &l.name).collect();
    let checks = codes.iter().filter_map(|(_, c)| c.check.as_ref());
    let run = run_body(m, &input_ty, &output_ty)?;
    let input_text = format!(
        " `x`: a batch of `{}` images, `{input_ty_text}`.",
        m.input,
        input_ty_text = batch_text(&input)
    );
    let output_text = format!(
        " Returns a batch of `{}` outputs, `{}`.",
        m.output,
        batch_text(&output)
    );

    Ok(quote! {
        #(#attrs)*
        #[doc = #doc]
        #vis struct #name {
            #(#fields,)*
        }

        impl #name {
            /// The declared per-image input shape.
            pub const INPUT_SHAPE: &'static [usize] = #input_dims;
            /// The inferred per-image output shape.
            pub const OUTPUT_SHAPE: &'static [usize] = #output_dims;
            /// Trainable parameters, counted as PyTorch does.
            pub const PARAMS: usize = #params;
            /// Multiply-accumulates per image of the convolutions and linear layers.
            pub const MACS: usize = #macs;
            /// One row per layer: name, PyTorch call, output shape and counts.
            pub const LAYERS: &'static [::cnn::LayerInfo] = &[#(#infos),*];

            /// A model with PyTorch's default initialisation (`reset_parameters`:
            /// Kaiming-uniform weights, BatchNorm at identity), the same for the
            /// same `seed` on every machine.
            #[must_use]
            pub fn new(seed: u64) -> Self {
                let init = &mut ::cnn::Init::new(seed);
                #name { #(#inits,)* }
            }

            /// Runs the model on a batch of images; the batch size is the
            /// input's, anything from 0 up.
            ///
            #[doc = #input_text]
            #[doc = ""]
            #[doc = #output_text]
            #[must_use]
            pub fn forward(&self, x: &#input_ty) -> #output_ty {
                #run
            }

            /// Runs the model into `out`, reusing its buffer: with the buffers
            /// every forward pass returns to the pool, repeated calls allocate
            /// nothing once warm.
            pub fn forward_into(&self, x: &#input_ty, out: &mut #output_ty) {
                *out = #name::forward(self, x);
            }

            /// The torchinfo-style table of the layers; print it with
            /// `println!("{}", Self::summary())`.
            #[must_use = "the summary is a value: print it with println!(\"{}\", ...)"]
            pub fn summary() -> ::cnn::Summary {
                ::cnn::Summary::new(#name_str, #name::INPUT_SHAPE, #name::LAYERS)
            }

            /// A copy of the weights, named as PyTorch's `state_dict()` names them.
            #[must_use]
            pub fn state_dict(&self) -> ::cnn::StateDict {
                ::cnn::Module::state_dict(self)
            }

            /// Loads weights by PyTorch name, strictly (see [`cnn::Module::load_state_dict`]).
            ///
            /// # Errors
            /// [`cnn::Error::StateDict`] listing every missing, unexpected and
            /// wrongly shaped tensor; nothing is loaded then.
            pub fn load_state_dict(&mut self, state_dict: &::cnn::StateDict) -> ::cnn::Result<()> {
                ::cnn::Module::load_state_dict(self, state_dict)
            }

            /// Loads weights saved from PyTorch with
            /// `safetensors.torch.save_file(model.state_dict(), path)`, strictly.
            ///
            /// # Errors
            /// A [`cnn::Error`] that names the file and every missing,
            /// unexpected or wrongly shaped tensor; nothing is loaded then.
            pub fn load_safetensors(&mut self, path: impl ::core::convert::AsRef<::std::path::Path>) -> ::cnn::Result<()> {
                ::cnn::Module::load_safetensors(self, path)
            }

            /// Loads weights with the file's names mapped and the strictness
            /// chosen by `options` ([`cnn::LoadOptions`]); returns what was
            /// missing or unexpected (empty unless lenient).
            ///
            /// # Errors
            /// As [`load_safetensors`](Self::load_safetensors).
            pub fn load_safetensors_with(
                &mut self,
                path: impl ::core::convert::AsRef<::std::path::Path>,
                options: &::cnn::LoadOptions,
            ) -> ::cnn::Result<::cnn::StateDictMismatch> {
                ::cnn::Module::load_safetensors_with(self, path, options)
            }

            /// The model with weights from a safetensors file, loaded strictly.
            ///
            /// # Errors
            /// As [`load_safetensors`](Self::load_safetensors).
            pub fn from_safetensors(path: impl ::core::convert::AsRef<::std::path::Path>) -> ::cnn::Result<Self> {
                let mut model = #name::new(0);
                ::cnn::Module::load_safetensors(&mut model, path)?;
                ::core::result::Result::Ok(model)
            }

            /// The model with weights from a safetensors file whose names
            /// `options` maps (`LoadOptions::new().strip_prefix("module.")`
            /// for a `DataParallel` checkpoint).
            ///
            /// # Errors
            /// As [`load_safetensors`](Self::load_safetensors).
            pub fn from_safetensors_with(
                path: impl ::core::convert::AsRef<::std::path::Path>,
                options: &::cnn::LoadOptions,
            ) -> ::cnn::Result<Self> {
                let mut model = #name::new(0);
                ::cnn::Module::load_safetensors_with(&mut model, path, options)?;
                ::core::result::Result::Ok(model)
            }

            /// Saves the weights as a safetensors file PyTorch loads with `load_state_dict`.
            ///
            /// # Errors
            /// [`cnn::Error::Io`] when the file cannot be written.
            pub fn save_safetensors(&self, path: impl ::core::convert::AsRef<::std::path::Path>) -> ::cnn::Result<()> {
                ::cnn::Module::save_safetensors(self, path)
            }
        }

        impl ::cnn::Module for #name {
            fn tensors(&self) -> ::std::vec::Vec<::cnn::TensorRef<'_>> {
                let mut tensors = ::std::vec::Vec::new();
                #(
                    tensors.extend(
                        ::cnn::Module::tensors(&self.#field_names).into_iter().map(|t| t.prefixed(#prefixes)),
                    );
                )*
                tensors
            }

            fn tensors_mut(&mut self) -> ::std::vec::Vec<::cnn::TensorMut<'_>> {
                let mut tensors = ::std::vec::Vec::new();
                #(
                    tensors.extend(
                        ::cnn::Module::tensors_mut(&mut self.#field_names).into_iter().map(|t| t.prefixed(#prefixes)),
                    );
                )*
                tensors
            }

            fn reset_parameters(&mut self, init: &mut ::cnn::Init) {
                #( ::cnn::Module::reset_parameters(&mut self.#field_names, init); )*
            }

            fn refresh(&mut self) {
                #( ::cnn::Module::refresh(&mut self.#field_names); )*
            }
        }

        impl ::cnn::Model for #name {
            type Input = #input_ty;
            type Output = #output_ty;
            const NAME: &'static str = #name_str;
            const INPUT_SHAPE: &'static [usize] = #name::INPUT_SHAPE;
            const OUTPUT_SHAPE: &'static [usize] = #name::OUTPUT_SHAPE;
            const PARAMS: usize = #name::PARAMS;
            const MACS: usize = #name::MACS;
            const LAYERS: &'static [::cnn::LayerInfo] = #name::LAYERS;

            fn init(seed: u64) -> Self {
                #name::new(seed)
            }

            fn forward(&self, x: &Self::Input) -> Self::Output {
                #name::forward(self, x)
            }
        }

        const _: () = {
            #(#checks)*
        };
    })
}
