//! A checked model as a PyTorch module: an `nn.Module` subclass whose
//! submodules sit at the model's state_dict names (`self.layer1[0].conv1`
//! holds `layer1.0.conv1.weight`), built with PyTorch's own layers, and a
//! `forward` that runs the model's program step by step. The file needs
//! torch alone; torchvision's few layers that are not in `torch.nn`
//! (`LayerNorm2d`, `Permute`, `StochasticDepth`) are defined in it when
//! used.

use std::collections::BTreeSet;
use std::fmt::Write;

use cnn_dsl::model::{CheckedModel, Op};
use cnn_dsl::spec::{Activation, LayerSpec, PaddingMode};

use crate::error::Error;

/// The Python source of a module equal to `model`.
///
/// # Errors
/// [`Error::Broken`] for a model with errors.
pub fn export_pytorch(model: &CheckedModel) -> Result<String, Error> {
    if model.has_errors {
        return Err(Error::Broken(model.name.to_string()));
    }
    let mut w = Writer {
        model,
        helpers: BTreeSet::new(),
        vars: 0,
        lines: Vec::new(),
    };
    // The module tree, from the layers' dotted names.
    let mut root = Tree::default();
    for (i, layer) in model.layers.iter().enumerate() {
        let path: Vec<&str> = layer.name.split('.').collect();
        root.insert(&path, i);
    }
    let mut init = String::new();
    for (name, child) in &root.children {
        let value = w.construct(child, 2);
        if is_identifier(name) {
            writeln!(init, "        self.{name} = {value}").unwrap();
        } else if matches!(
            child.layer.map(|l| &model.layers[l].spec),
            Some(Some(LayerSpec::LayerScale { .. }))
        ) {
            writeln!(init, "        setattr(self, {name:?}, {value})").unwrap();
        } else {
            writeln!(init, "        self.add_module({name:?}, {value})").unwrap();
        }
    }
    let out = w.ops(&model.program, "x".into(), 2);
    let forward = w.lines.join("\n");

    let mut text = String::new();
    let input = model.input.concrete().unwrap_or_default();
    let output = model.output.concrete().unwrap_or_default();
    writeln!(
        text,
        "# Written by `cargo cnn export` from the cnn! model `{}`: the same layers\n\
         # under the same state_dict names, so weights move both ways as\n\
         # safetensors files (`model.load_state_dict(load_file(path))`).\n\
         import torch\nfrom torch import nn{}",
        model.name,
        if w.helpers.contains(LAYER_NORM_2D) {
            "\nimport torch.nn.functional as F"
        } else {
            ""
        }
    )
    .unwrap();
    text += &w.helpers();
    let dims = |s: &[usize]| {
        s.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        text,
        "\n\nclass {}(nn.Module):\n    \"\"\"Input [N, {}], output [N, {}]; {} parameters.\"\"\"\n\n    def __init__(self):\n        super().__init__()\n{init}\n    def forward(self, x):\n{forward}\n        return {out}\n",
        model.name,
        dims(&input),
        dims(&output),
        model.params.unwrap_or(0),
    )
    .unwrap();
    Ok(text)
}

/// A module: a layer, or a container of children by name.
#[derive(Default)]
struct Tree {
    layer: Option<usize>,
    children: Vec<(String, Tree)>,
}

impl Tree {
    fn insert(&mut self, path: &[&str], layer: usize) {
        let Some((first, rest)) = path.split_first() else {
            self.layer = Some(layer);
            return;
        };
        let child = match self.children.iter().position(|(n, _)| n == first) {
            Some(i) => &mut self.children[i].1,
            None => {
                self.children.push((first.to_string(), Tree::default()));
                &mut self.children.last_mut().unwrap().1
            }
        };
        child.insert(rest, layer);
    }

    /// Children named `0`, `1`, ... in order: an `nn.Sequential`.
    fn is_sequential(&self) -> bool {
        !self.children.is_empty()
            && self
                .children
                .iter()
                .enumerate()
                .all(|(i, (n, _))| *n == i.to_string())
    }
}

fn is_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !PYTHON_KEYWORDS.contains(&name)
}

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

fn py_float(x: f64) -> String {
    let text = format!("{x:?}");
    if text.contains(['.', 'e', 'n', 'i']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// `3`, or `(3, 5)`.
fn pair(v: [usize; 2]) -> String {
    if v[0] == v[1] {
        v[0].to_string()
    } else {
        format!("({}, {})", v[0], v[1])
    }
}

struct Writer<'m> {
    model: &'m CheckedModel,
    /// The helper classes the module uses.
    helpers: BTreeSet<&'static str>,
    vars: usize,
    lines: Vec<String>,
}

impl Writer<'_> {
    /// The expression building `tree` (a layer, or a container).
    fn construct(&mut self, tree: &Tree, depth: usize) -> String {
        if let Some(l) = tree.layer {
            return self.layer(l);
        }
        let pad = "    ".repeat(depth + 1);
        let close = "    ".repeat(depth);
        let parts: Vec<String> = tree
            .children
            .iter()
            .map(|(name, child)| (name, self.construct(child, depth + 1)))
            .map(|(name, value)| {
                if tree.is_sequential() {
                    format!("{pad}{value},\n")
                } else if is_identifier(name) {
                    format!("{pad}{name}={value},\n")
                } else {
                    format!("{pad}**{{{name:?}: {value}}},\n")
                }
            })
            .collect();
        if tree.is_sequential() {
            format!("nn.Sequential(\n{}{close})", parts.concat())
        } else {
            self.helpers.insert(MODULE);
            format!("Module(\n{}{close})", parts.concat())
        }
    }

    /// The expression building layer `i`.
    fn layer(&mut self, i: usize) -> String {
        let layer = &self.model.layers[i];
        let Some(spec) = &layer.spec else {
            return "nn.Identity()".into();
        };
        let mut args: Vec<String> = Vec::new();
        let text = match spec {
            LayerSpec::Conv2d(c) => {
                args.extend([
                    c.in_channels.to_string(),
                    c.out_channels.to_string(),
                    pair(c.kernel),
                ]);
                if c.stride != [1, 1] {
                    args.push(format!("stride={}", pair(c.stride)));
                }
                if c.pad_begin != c.pad_end {
                    args.push("padding=\"same\"".into());
                } else if c.pad_begin != [0, 0] {
                    args.push(format!("padding={}", pair(c.pad_begin)));
                }
                if c.dilation != [1, 1] {
                    args.push(format!("dilation={}", pair(c.dilation)));
                }
                if c.groups != 1 {
                    args.push(format!("groups={}", c.groups));
                }
                if !c.bias {
                    args.push("bias=False".into());
                }
                if c.padding_mode != PaddingMode::Zeros {
                    args.push(format!("padding_mode={:?}", c.padding_mode.name()));
                }
                "nn.Conv2d"
            }
            LayerSpec::BatchNorm2d(b) => {
                args.push(b.num_features.to_string());
                if b.eps != 1e-5 {
                    args.push(format!("eps={}", py_float(b.eps)));
                }
                if !b.affine {
                    args.push("affine=False".into());
                }
                "nn.BatchNorm2d"
            }
            LayerSpec::Linear(l) => {
                args.extend([l.in_features.to_string(), l.out_features.to_string()]);
                if !l.bias {
                    args.push("bias=False".into());
                }
                "nn.Linear"
            }
            LayerSpec::MaxPool2d(m) => {
                args.push(pair(m.kernel));
                args.push(format!("stride={}", pair(m.stride)));
                if m.padding != [0, 0] {
                    args.push(format!("padding={}", pair(m.padding)));
                }
                if m.dilation != [1, 1] {
                    args.push(format!("dilation={}", pair(m.dilation)));
                }
                if m.ceil_mode {
                    args.push("ceil_mode=True".into());
                }
                "nn.MaxPool2d"
            }
            LayerSpec::AvgPool2d(a) => {
                args.push(pair(a.kernel));
                args.push(format!("stride={}", pair(a.stride)));
                if a.padding != [0, 0] {
                    args.push(format!("padding={}", pair(a.padding)));
                }
                if a.ceil_mode {
                    args.push("ceil_mode=True".into());
                }
                if !a.count_include_pad {
                    args.push("count_include_pad=False".into());
                }
                if let Some(d) = a.divisor_override {
                    args.push(format!("divisor_override={d}"));
                }
                "nn.AvgPool2d"
            }
            LayerSpec::AdaptiveAvgPool2d(s) => {
                args.push(pair(*s));
                "nn.AdaptiveAvgPool2d"
            }
            LayerSpec::AdaptiveMaxPool2d(s) => {
                args.push(pair(*s));
                "nn.AdaptiveMaxPool2d"
            }
            LayerSpec::Flatten { first, last } => {
                let rank = layer.input.rank().unwrap_or(0);
                if *first != 0 || *last + 1 != rank {
                    args.push(format!("start_dim={}", first + 1));
                    if *last + 1 != rank {
                        args.push(format!("end_dim={}", last + 1));
                    }
                }
                "nn.Flatten"
            }
            LayerSpec::Dropout { p, channelwise } => {
                args.push(py_float(*p));
                if *channelwise {
                    "nn.Dropout2d"
                } else {
                    "nn.Dropout"
                }
            }
            LayerSpec::Identity => "nn.Identity",
            LayerSpec::StochasticDepth { p, row } => {
                self.helpers.insert(STOCHASTIC_DEPTH);
                args.push(py_float(*p));
                args.push(if *row {
                    "\"row\"".into()
                } else {
                    "\"batch\"".into()
                });
                "StochasticDepth"
            }
            LayerSpec::ChannelShuffle { groups } => {
                args.push(groups.to_string());
                "nn.ChannelShuffle"
            }
            LayerSpec::LayerNorm {
                shape,
                eps,
                affine,
                bias,
                channels_first,
            } => {
                args.push(if shape.len() == 1 {
                    shape[0].to_string()
                } else {
                    format!(
                        "({},)",
                        shape
                            .iter()
                            .map(usize::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
                if *eps != 1e-5 {
                    args.push(format!("eps={}", py_float(*eps)));
                }
                if !affine {
                    args.push("elementwise_affine=False".into());
                }
                if !bias {
                    args.push("bias=False".into());
                }
                if *channels_first {
                    self.helpers.insert(LAYER_NORM_2D);
                    "LayerNorm2d"
                } else {
                    "nn.LayerNorm"
                }
            }
            LayerSpec::Permute { axes } => {
                self.helpers.insert(PERMUTE);
                let dims: Vec<String> = std::iter::once("0".to_string())
                    .chain(axes.iter().map(|a| (a + 1).to_string()))
                    .collect();
                args.push(format!("[{}]", dims.join(", ")));
                "Permute"
            }
            LayerSpec::LayerScale { channels, value } => {
                return format!(
                    "nn.Parameter(torch.full(({channels}, 1, 1), {}))",
                    py_float(*value)
                );
            }
            LayerSpec::Activation(a) => match a {
                Activation::ReLU => "nn.ReLU",
                Activation::ReLU6 => "nn.ReLU6",
                Activation::LeakyReLU { negative_slope } => {
                    args.push(py_float(*negative_slope));
                    "nn.LeakyReLU"
                }
                Activation::ELU { alpha } => {
                    args.push(py_float(*alpha));
                    "nn.ELU"
                }
                Activation::GELU { tanh } => {
                    if *tanh {
                        args.push("approximate=\"tanh\"".into());
                    }
                    "nn.GELU"
                }
                Activation::SiLU => "nn.SiLU",
                Activation::Hardswish => "nn.Hardswish",
                Activation::Hardsigmoid => "nn.Hardsigmoid",
                Activation::Sigmoid => "nn.Sigmoid",
                Activation::Tanh => "nn.Tanh",
            },
            LayerSpec::Softmax { axis, log } => {
                args.push(format!("dim={}", axis + 1));
                if *log { "nn.LogSoftmax" } else { "nn.Softmax" }
            }
        };
        format!("{text}({})", args.join(", "))
    }

    /// `self.layer1[0].conv1`: the module at a dotted name.
    fn access(&self, name: &str) -> String {
        let mut text = "self".to_string();
        let mut container_is_seq = false;
        let mut tree_path: Vec<&str> = Vec::new();
        for part in name.split('.') {
            if container_is_seq && part.bytes().all(|b| b.is_ascii_digit()) {
                write!(text, "[{part}]").unwrap();
            } else if is_identifier(part) {
                write!(text, ".{part}").unwrap();
            } else {
                text = format!("getattr({text}, {part:?})");
            }
            tree_path.push(part);
            container_is_seq = self.is_sequential_at(&tree_path);
        }
        text
    }

    /// Whether the module at `path` is an `nn.Sequential`.
    fn is_sequential_at(&self, path: &[&str]) -> bool {
        let prefix = path.join(".") + ".";
        let mut children: Vec<&str> = self
            .model
            .layers
            .iter()
            .filter_map(|l| l.name.strip_prefix(&prefix))
            .map(|rest| rest.split('.').next().unwrap_or(""))
            .collect();
        children.dedup();
        let mut seen = Vec::new();
        for c in children {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        !seen.is_empty() && seen.iter().enumerate().all(|(i, c)| *c == i.to_string())
    }

    fn var(&mut self) -> String {
        self.vars += 1;
        format!("x{}", self.vars)
    }

    fn emit(&mut self, depth: usize, line: String) {
        self.lines.push(format!("{}{line}", "    ".repeat(depth)));
    }

    /// Statements running `ops` on variable `x`; returns the result's variable.
    fn ops(&mut self, ops: &[Op], x: String, depth: usize) -> String {
        let mut x = x;
        for op in ops {
            x = match op {
                Op::Layer { layer, .. } => {
                    let l = &self.model.layers[*layer];
                    let line = match &l.spec {
                        Some(LayerSpec::LayerScale { .. }) => {
                            format!("{x} = {x} * {}", self.access(&l.name))
                        }
                        _ => format!("{x} = {}({x})", self.access(&l.name)),
                    };
                    self.emit(depth, line);
                    x
                }
                Op::Residual { main, shortcut, .. } => {
                    let saved = self.var();
                    self.emit(depth, format!("{saved} = {x}"));
                    let x = self.ops(main, x, depth);
                    let s = self.ops(shortcut, saved, depth);
                    self.emit(depth, format!("{x} = {x} + {s}"));
                    x
                }
                Op::Gate { branch, .. } => {
                    let saved = self.var();
                    self.emit(depth, format!("{saved} = {x}"));
                    let x = self.ops(branch, x, depth);
                    self.emit(depth, format!("{x} = {saved} * {x}"));
                    x
                }
                Op::Concat {
                    split, branches, ..
                } => {
                    let inputs: Vec<String> = if *split {
                        let parts: Vec<String> = branches.iter().map(|_| self.var()).collect();
                        self.emit(
                            depth,
                            format!("{} = {x}.chunk({}, dim=1)", parts.join(", "), parts.len()),
                        );
                        parts
                    } else {
                        branches
                            .iter()
                            .map(|_| {
                                let v = self.var();
                                self.emit(depth, format!("{v} = {x}"));
                                v
                            })
                            .collect()
                    };
                    let outs: Vec<String> = branches
                        .iter()
                        .zip(inputs)
                        .map(|((ops, _), v)| self.ops(ops, v, depth))
                        .collect();
                    self.emit(
                        depth,
                        format!("{x} = torch.cat([{}], dim=1)", outs.join(", ")),
                    );
                    x
                }
            };
        }
        x
    }

    /// The helper classes, each after two blank lines.
    fn helpers(&self) -> String {
        self.helpers
            .iter()
            .map(|h| format!("\n\n{}\n", h.trim()))
            .collect()
    }
}

const MODULE: &str = r#"
class Module(nn.Module):
    """Holds named children, as a cnn! block or `{ .. }` does."""

    def __init__(self, **children):
        super().__init__()
        for name, child in children.items():
            if isinstance(child, nn.Parameter):
                self.register_parameter(name, child)
            else:
                self.add_module(name, child)
"#;

const STOCHASTIC_DEPTH: &str = r#"
class StochasticDepth(nn.Module):
    """torchvision's StochasticDepth: in training, zeroes whole rows ("row")
    or the whole batch ("batch") with probability p, scaling the rest by
    1 / (1 - p); the identity in evaluation."""

    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        survival = 1.0 - self.p
        shape = [x.shape[0]] + [1] * (x.ndim - 1) if self.mode == "row" else [1] * x.ndim
        noise = torch.empty(shape, dtype=x.dtype, device=x.device).bernoulli_(survival)
        if survival > 0.0:
            noise.div_(survival)
        return x * noise
"#;

const LAYER_NORM_2D: &str = r#"
class LayerNorm2d(nn.LayerNorm):
    """torchvision's LayerNorm2d: LayerNorm over each pixel's channels."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)
"#;

const PERMUTE: &str = r#"
class Permute(nn.Module):
    """torchvision's Permute."""

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)
"#;
