//! ONNX in: a graph read back into a `cnn!` model, checked by the same
//! checker the macro runs, and its weights under the model's state_dict
//! names.
//!
//! Stages, one a module: [`shapes`] (every value's shape from the
//! input's), [`recover`] (runs of layers, residuals, gates,
//! concatenations and splits), [`layer`] (a node as a PyTorch layer), and
//! [`render`] (the model's text).

pub mod layer;
pub mod recover;
pub mod render;
pub mod shapes;

use std::collections::BTreeMap;

use cnn_core::Dtype;
use cnn_core::write::RawTensor;

use crate::error::{Error, Unsupported};
use crate::graph::{Data, Dim, Graph};
use recover::{Entry, Walker};
use shapes::Shapes;

/// How to import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The model's struct name.
    pub name: String,
    /// The per-image input size, when the file does not fix it.
    pub input: Option<Vec<usize>>,
    /// Where the model came from, for the file's first comment.
    pub source: String,
    /// The ONNX file's directory, where tensors stored in other files are
    /// (`torch.onnx.export`'s `model.onnx.data`); without it, or without
    /// those files, the model is imported without weights.
    pub dir: Option<std::path::PathBuf>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            name: "Net".into(),
            input: None,
            source: "an ONNX file".into(),
            dir: None,
        }
    }
}

/// An imported model.
#[derive(Clone, Debug)]
pub struct Imported {
    /// A Rust file declaring the model with `cnn!`.
    pub source: String,
    /// The weights by the model's state_dict names; `None` when the graph
    /// keeps them in another file (its shapes were still checked).
    pub weights: Option<BTreeMap<String, RawTensor>>,
    /// Trainable parameters, as PyTorch counts them.
    pub params: usize,
    /// The per-image input size.
    pub input: Vec<usize>,
}

impl Imported {
    /// The weights as a safetensors file.
    pub fn safetensors(&self) -> Option<Vec<u8>> {
        self.weights.as_ref().map(cnn_core::write::serialize)
    }
}

/// Reads an ONNX model and writes it as a `cnn!` model.
///
/// ```no_run
/// let bytes = std::fs::read("model.onnx")?;
/// let imported = cnn_onnx::import(&bytes, &cnn_onnx::ImportOptions::default())?;
/// std::fs::write("src/net.rs", &imported.source)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import(bytes: &[u8], options: &ImportOptions) -> Result<Imported, Error> {
    if !is_struct_name(&options.name) {
        return Err(Error::Malformed {
            what: format!("the name `{}`", options.name),
            problem: "is not a Rust identifier; write a struct name such as `Net`".into(),
        });
    }
    let mut graph = Graph::decode_in(bytes, options.dir.as_deref())?;
    let input = input_size(&graph, options)?;
    associate_concats(&mut graph);
    // Every node of an operator without a layer, at once.
    let unknown: Vec<Unsupported> = graph
        .nodes
        .iter()
        .filter(|n| {
            !n.domain.is_empty() && n.domain != "ai.onnx" || !layer::KNOWN.contains(&n.op.as_str())
        })
        .map(|n| Unsupported {
            node: n.name.clone(),
            op: n.op.clone(),
            why: layer::unsupported_reason(&n.op),
        })
        .collect();
    if !unknown.is_empty() {
        return Err(Error::Unsupported(unknown));
    }
    let shapes = Shapes::infer(&graph, &input);
    let mut walker = Walker::new(&graph, &shapes);
    let entries = match walker.model() {
        Ok(entries) => entries,
        Err(recover::Refused) => {
            let mut problems = walker.problems;
            if problems.is_empty() {
                problems.push(Unsupported {
                    node: graph.outputs.join(", "),
                    op: "output".into(),
                    why: "the walk from the input does not reach the graph's output".into(),
                });
            }
            return Err(Error::Unsupported(problems));
        }
    };
    let mut entries = entries;
    tidy_names(&mut entries);
    name_the_unnamed(&mut entries);
    let source = write_source(&entries, &input, options);
    let model = check(&source, &options.name)?;
    let weights = weights(&entries, &model)?;
    Ok(Imported {
        source,
        weights,
        params: model.params.unwrap_or(0),
        input,
    })
}

/// Whether `name` can name the model's struct.
fn is_struct_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && name != "_"
        && syn::parse_str::<syn::Ident>(name).is_ok()
}

/// The most values an input image may have: 2^32.
const MAX_INPUT: usize = 1 << 32;

fn fits(size: &[usize]) -> bool {
    shapes::product(size).is_some_and(|n| n > 0 && n <= MAX_INPUT)
}

/// The per-image input size: the file's, or the one given (which must
/// agree with what the file fixes).
fn input_size(graph: &Graph, options: &ImportOptions) -> Result<Vec<usize>, Error> {
    let dims = graph.input_shape.get(1..).unwrap_or(&[]);
    if let Some(given) = &options.input {
        for (d, g) in dims.iter().zip(given) {
            if let Dim::Fixed(f) = d
                && f != g
            {
                return Err(Error::Malformed {
                    what: format!("input `{}`", graph.input),
                    problem: format!("is fixed at {dims:?} in the file, not {given:?}"),
                });
            }
        }
        if !(given.len() == 1 || given.len() == 3)
            || (!dims.is_empty() && dims.len() != given.len())
        {
            return Err(Error::Malformed {
                what: "--input".into(),
                problem: format!("{given:?} must be C,H,W (or one size), as the file's {dims:?}"),
            });
        }
        if !fits(given) {
            return Err(Error::Malformed {
                what: "--input".into(),
                problem: format!("{given:?} is more than {MAX_INPUT} values an image"),
            });
        }
        return Ok(given.clone());
    }
    let fixed: Option<Vec<usize>> = dims
        .iter()
        .map(|d| match d {
            Dim::Fixed(f) => Some(*f),
            _ => None,
        })
        .collect();
    match fixed {
        Some(f) if (f.len() == 3 || f.len() == 1) && fits(&f) => Ok(f),
        Some(f) if f.len() == 3 || f.len() == 1 => Err(Error::Malformed {
            what: format!("input `{}`", graph.input),
            problem: format!("is {f:?}: more than {MAX_INPUT} values an image"),
        }),
        _ => Err(Error::InputSize(format!("{:?}", graph.input_shape))),
    }
}

/// DenseNet exports each layer's input as one concatenation of every
/// earlier output: `cat(x, f1, f2)` where `cat(x, f1)` exists is rewritten
/// `cat(cat(x, f1), f2)`, which nests as `concat { {}, layer }` does.
fn associate_concats(graph: &mut Graph) {
    let mut by_inputs: BTreeMap<(Vec<String>, Option<i64>), String> = BTreeMap::new();
    for node in &mut graph.nodes {
        if node.op != "Concat" {
            continue;
        }
        let axis = node.int("axis");
        let original = node.inputs.clone();
        let n = original.len();
        if n >= 3
            && let Some(prefix) = by_inputs.get(&(original[..n - 1].to_vec(), axis))
        {
            node.inputs = vec![prefix.clone(), original[n - 1].clone()];
        }
        if let Some(out) = node.outputs.first() {
            by_inputs.insert((original, axis), out.clone());
        }
    }
}

/// PyTorch names a module's second call `relu_1`: a layer without tensors
/// keeps its module's name.
fn tidy_names(entries: &mut [Entry]) {
    fn visit(entry: &mut Entry) {
        match entry {
            Entry::Layer(l) if l.tensors.is_empty() => {
                if let Some(last) = l.path.as_mut().and_then(|p| p.last_mut())
                    && let Some((base, n)) = last.rsplit_once('_')
                    && !base.is_empty()
                    && !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                {
                    *last = base.to_string();
                }
            }
            Entry::Layer(_) => {}
            Entry::Residual { main, shortcut } => main.iter_mut().chain(shortcut).for_each(visit),
            Entry::Gate { branch } => branch.iter_mut().for_each(visit),
            Entry::Concat { branches } | Entry::Split { branches } => {
                branches.iter_mut().flatten().for_each(visit)
            }
        }
    }
    entries.iter_mut().for_each(visit);
}

/// Every layer inside `entries`, in order, to change.
fn layers_mut(entries: &mut [Entry]) -> Vec<&mut layer::Layer> {
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            Entry::Layer(l) => out.push(l),
            Entry::Residual { main, shortcut } => {
                out.extend(layers_mut(main));
                out.extend(layers_mut(shortcut));
            }
            Entry::Gate { branch } => out.extend(layers_mut(branch)),
            Entry::Concat { branches } | Entry::Split { branches } => {
                for b in branches {
                    out.extend(layers_mut(b));
                }
            }
        }
    }
    out
}

/// Graphs whose nodes carry no module path (PyTorch's newer exporter
/// names them `node_relu_3`) still name their weights. A layer without
/// tensors and without a name is put in the module its named neighbours in
/// the same list share (or the one neighbour's, at a branch's end), under
/// its kind's usual name made unique (`relu`, `relu_1`, `maxpool`), so the
/// model reads as modules instead of a run of numbered layers.
fn name_the_unnamed(entries: &mut [Entry]) {
    let mut taken: std::collections::HashSet<Vec<String>> = layers_mut(entries)
        .into_iter()
        .filter_map(|l| l.path.clone())
        .collect();
    name_in_list(entries, &mut taken);
}

/// The module every named layer of `entry` is in, if they share one.
fn module_of(entry: &Entry) -> Option<Vec<String>> {
    let mut shared: Option<Vec<String>> = None;
    for l in entry.layers() {
        let Some(p) = &l.path else { continue };
        let m = &p[..p.len() - 1];
        shared = Some(match shared {
            None => m.to_vec(),
            Some(s) => s
                .iter()
                .zip(m)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a.clone())
                .collect(),
        });
    }
    shared
}

fn name_in_list(entries: &mut [Entry], taken: &mut std::collections::HashSet<Vec<String>>) {
    let modules: Vec<Option<Vec<String>>> = entries.iter().map(module_of).collect();
    for i in 0..entries.len() {
        let unnamed =
            matches!(&entries[i], Entry::Layer(l) if l.path.is_none() && l.tensors.is_empty());
        if !unnamed {
            match &mut entries[i] {
                Entry::Layer(_) => {}
                Entry::Residual { main, shortcut } => {
                    name_in_list(main, taken);
                    name_in_list(shortcut, taken);
                }
                Entry::Gate { branch } => name_in_list(branch, taken),
                Entry::Concat { branches } | Entry::Split { branches } => {
                    for b in branches {
                        name_in_list(b, taken);
                    }
                }
            }
            continue;
        }
        let before = modules[..i].iter().rev().flatten().next();
        let after = modules[i + 1..].iter().flatten().next();
        let module: Vec<String> = match (before, after) {
            (Some(a), Some(b)) => a
                .iter()
                .zip(b)
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| x.clone())
                .collect(),
            (Some(m), None) | (None, Some(m)) => m.clone(),
            (None, None) => continue,
        };
        let Entry::Layer(layer) = &mut entries[i] else {
            continue;
        };
        let kind = layer.call.split('(').next().unwrap_or("");
        let base = match kind {
            "MaxPool2d" | "AdaptiveMaxPool2d" => "maxpool".to_string(),
            "AvgPool2d" | "AdaptiveAvgPool2d" => "avgpool".to_string(),
            "LeakyReLU" => "leaky_relu".to_string(),
            "LogSoftmax" => "log_softmax".to_string(),
            "ChannelShuffle" => "shuffle".to_string(),
            other => other.to_ascii_lowercase(),
        };
        let path = (0..)
            .map(|n| {
                let name = if n == 0 {
                    base.clone()
                } else {
                    format!("{base}_{n}")
                };
                module.iter().cloned().chain([name]).collect::<Vec<_>>()
            })
            .find(|p| !taken.contains(p))
            .expect("some suffix is free");
        taken.insert(path.clone());
        layer.path = Some(path);
    }
}

fn write_source(entries: &[Entry], input: &[usize], options: &ImportOptions) -> String {
    let lines = render::entries(entries, &[], 2);
    let body: String = lines.iter().map(|l| format!("        {l},\n")).collect();
    let dims: Vec<String> = input.iter().map(usize::to_string).collect();
    format!(
        "// Written by `cargo cnn import` from {}.\nuse cnn::cnn;\n\ncnn! {{\n    pub struct {}<{}> {{\n{body}    }}\n}}\n",
        options.source,
        options.name,
        dims.join(", ")
    )
}

/// Runs the checker on the written model: what the macro will see.
fn check(source: &str, name: &str) -> Result<cnn_dsl::model::CheckedModel, Error> {
    let start = source
        .find("cnn! {")
        .map(|i| i + "cnn! {".len())
        .unwrap_or(0);
    let end = source.rfind('}').unwrap_or(source.len());
    let tokens: proc_macro2::TokenStream = source[start..end]
        .parse()
        .map_err(|e| Error::Check(format!("{e}")))?;
    let analysis = cnn_dsl::analyze(tokens);
    let errors: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    if !errors.is_empty() {
        return Err(Error::Check(errors.join("\n")));
    }
    analysis
        .models
        .into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| Error::Check(format!("no model `{name}` in the written text")))
}

/// The layers' tensors under the checked model's names: the layers with
/// tensors, in order, are the checked model's layers with tensors.
fn weights(
    entries: &[Entry],
    model: &cnn_dsl::model::CheckedModel,
) -> Result<Option<BTreeMap<String, RawTensor>>, Error> {
    let ours: Vec<&layer::Layer> = entries
        .iter()
        .flat_map(Entry::layers)
        .filter(|l| !l.tensors.is_empty())
        .collect();
    let theirs: Vec<&cnn_dsl::model::CheckedLayer> = model
        .layers
        .iter()
        .filter(|l| l.spec.as_ref().is_some_and(|s| !s.tensors().is_empty()))
        .collect();
    if ours.len() != theirs.len() {
        return Err(Error::Check(format!(
            "{} layers with weights were read, the model has {}",
            ours.len(),
            theirs.len()
        )));
    }
    let mut out = BTreeMap::new();
    let mut external = false;
    for (layer, checked) in ours.iter().zip(&theirs) {
        let spec = checked.spec.as_ref().expect("filtered above");
        for (suffix, shape) in spec.tensors() {
            let Some((_, t)) = layer.tensors.iter().find(|(s, _)| s == suffix) else {
                return Err(Error::Check(format!(
                    "`{}` needs `{suffix}`, which node `{}` does not hold",
                    checked.name, layer.node
                )));
            };
            let name = if suffix.is_empty() {
                checked.name.clone()
            } else {
                format!("{}.{suffix}", checked.name)
            };
            if t.len() != shape.iter().product::<usize>() {
                return Err(Error::Check(format!(
                    "`{name}` is {:?} in the graph, the model needs {shape:?}",
                    t.dims
                )));
            }
            match &t.data {
                Data::Float(v) => {
                    let bytes = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                    out.insert(
                        name,
                        RawTensor {
                            dtype: Dtype::F32,
                            shape,
                            bytes,
                        },
                    );
                }
                Data::External => external = true,
                Data::Int(_) => {
                    return Err(Error::Check(format!("`{name}` holds integers")));
                }
            }
        }
    }
    Ok((!external).then_some(out))
}
