//! One ONNX node as one PyTorch layer: its call, written with PyTorch's
//! defaults left out, and the tensors it holds.

use crate::graph::{Data, Graph, Node, Tensor};
use crate::import::shapes::Shapes;

/// A layer recovered from the graph.
#[derive(Clone, Debug)]
pub struct Layer {
    /// The call as `cnn!` writes it: `Conv2d(3, 16, 5, stride = 2)`.
    pub call: String,
    /// The module path its names give (`layer1.0.conv1`), if any.
    pub path: Option<Vec<String>>,
    /// Its tensors by state_dict suffix (`weight`, `running_mean`; empty
    /// for a tensor named by its holder).
    pub tensors: Vec<(String, Tensor)>,
    /// The node it was read from, for messages.
    pub node: String,
}

impl Layer {
    pub fn new(call: impl Into<String>, node: &Node) -> Layer {
        Layer {
            call: call.into(),
            path: scope_path(&node.name),
            tensors: Vec::new(),
            node: node.name.clone(),
        }
    }

    /// Names the layer after its first tensor's name when that is a
    /// state_dict name (`features.0.weight` -> `features.0`).
    fn named_by(mut self, node: &Node, input: usize, suffix: &str) -> Layer {
        if let Some(path) = node.input(input).and_then(|n| param_path(n, suffix)) {
            self.path = Some(path);
        }
        self
    }

    fn with(mut self, suffix: &str, t: Tensor) -> Layer {
        self.tensors.push((suffix.to_string(), t));
        self
    }
}

/// The module path in a node name written by PyTorch's exporter:
/// `/layer1/layer1.0/conv1/Conv` is `layer1.0.conv1` (a Sequential's child
/// scope repeats its parent's: `layer1.0` inside `layer1`).
pub fn scope_path(name: &str) -> Option<Vec<String>> {
    let scopes: Vec<&str> = name.strip_prefix('/')?.split('/').collect();
    let (_, scopes) = scopes.split_last()?;
    let mut path: Vec<String> = Vec::new();
    let mut last: Option<&str> = None;
    for scope in scopes {
        match last.and_then(|l| scope.strip_prefix(l)?.strip_prefix('.')) {
            Some(child) => path.extend(child.split('.').map(String::from)),
            None => path.extend(scope.split('.').map(String::from)),
        }
        last = Some(scope);
    }
    let valid = |s: &String| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    (!path.is_empty() && path.iter().all(valid)).then_some(path)
}

/// The holder's path of a tensor named as in a state_dict
/// (`layer1.0.conv1.weight` with suffix `weight`); `None` for names the
/// exporter made up (`onnx::Conv_193`).
pub fn param_path(name: &str, suffix: &str) -> Option<Vec<String>> {
    let holder = if suffix.is_empty() {
        name
    } else {
        name.strip_suffix(suffix)?.strip_suffix('.')?
    };
    let path: Vec<String> = holder.split('.').map(String::from).collect();
    let valid = |s: &String| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    path.iter().all(valid).then_some(path)
}

/// `pads` as `[begin.., end..]`, from the attribute or `auto_pad`.
pub fn pads(node: &Node, spatial: &[usize], kernel: &[usize]) -> Option<Vec<usize>> {
    let n = spatial.len();
    match node.string("auto_pad").unwrap_or("NOTSET") {
        "NOTSET" => match node.ints("pads") {
            Some(p) if p.len() == 2 * n => p.iter().map(|&x| usize::try_from(x).ok()).collect(),
            Some(_) => None,
            None => Some(vec![0; 2 * n]),
        },
        "VALID" => Some(vec![0; 2 * n]),
        mode @ ("SAME_UPPER" | "SAME_LOWER") => {
            let strides = node.ints("strides").map_or(vec![1; n], <[i64]>::to_vec);
            let dil = node.ints("dilations").map_or(vec![1; n], <[i64]>::to_vec);
            let mut begin = vec![0; n];
            let mut end = vec![0; n];
            for i in 0..n {
                let s = usize::try_from(strides[i]).ok().filter(|&s| s > 0)?;
                let d = usize::try_from(dil[i]).ok()?;
                let out = spatial[i].div_ceil(s);
                let span = d.checked_mul(kernel[i].checked_sub(1)?)?.checked_add(1)?;
                let total = out
                    .checked_sub(1)?
                    .checked_mul(s)?
                    .checked_add(span)?
                    .saturating_sub(spatial[i]);
                let small = total / 2;
                if mode == "SAME_UPPER" {
                    (begin[i], end[i]) = (small, total - small);
                } else {
                    (begin[i], end[i]) = (total - small, small);
                }
            }
            Some([begin, end].concat())
        }
        _ => None,
    }
}

/// A pair written as PyTorch would: `3`, or `(3, 5)`.
fn pair(v: &[usize]) -> String {
    if v.iter().all(|&x| x == v[0]) {
        v[0].to_string()
    } else {
        format!(
            "({})",
            v.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// A float as the shortest text that reads back to the same `f32`.
pub fn float(x: f32) -> String {
    let text = format!("{x:?}");
    // `1e-5` reads as `1e-5`; `0.1` as `0.1`.
    if text.contains('.') || text.contains('e') {
        text
    } else {
        format!("{text}.0")
    }
}

/// Whether `x` is `value` as an `f32` (attributes are stored as `f32`).
fn is(x: f32, value: f64) -> bool {
    x == value as f32
}

fn positive(v: &[i64]) -> Option<Vec<usize>> {
    v.iter()
        .map(|&x| usize::try_from(x).ok().filter(|&x| x > 0))
        .collect()
}

/// Why a node is refused.
pub type Why = String;

/// The layer of a single node; `Ok(None)` for a node that computes nothing
/// at inference (`Identity`, `Dropout`).
pub fn single(graph: &Graph, shapes: &Shapes, node: &Node) -> Result<Option<Layer>, Why> {
    let constant = |i: usize| -> Result<&Tensor, Why> {
        let name = node.input(i).ok_or("lacks an input it needs")?;
        graph
            .constants
            .get(name)
            .ok_or_else(|| format!("input `{name}` is computed, not a constant"))
    };
    let input = node
        .input(0)
        .and_then(|x| shapes.data(x))
        .ok_or("its input's shape is unknown")?;
    let layer = match node.op.as_str() {
        "Conv" => {
            let w = constant(1)?;
            if w.dims.len() != 4 {
                return Err(format!(
                    "a {}-D convolution; cnn! has Conv2d",
                    w.dims.len().saturating_sub(2)
                ));
            }
            let groups = usize::try_from(node.int("group").unwrap_or(1))
                .ok()
                .filter(|&g| g > 0)
                .ok_or("has a bad group count")?;
            let (out, inp, kernel) = (w.dims[0], w.dims[1] * groups, &w.dims[2..]);
            let p = pads(node, &input[1..], kernel).ok_or("has padding cnn! cannot read")?;
            if p[..2] != p[2..] {
                return Err(format!(
                    "pads {p:?} differ before and after; Conv2d pads both sides alike"
                ));
            }
            let stride = positive(node.ints("strides").unwrap_or(&[1, 1])).ok_or("bad strides")?;
            let dil = positive(node.ints("dilations").unwrap_or(&[1, 1])).ok_or("bad dilations")?;
            let mut call = format!("Conv2d({inp}, {out}, {}", pair(kernel));
            if stride != [1, 1] {
                call += &format!(", stride = {}", pair(&stride));
            }
            if p[..2] != [0, 0] {
                call += &format!(", padding = {}", pair(&p[..2]));
            }
            if dil != [1, 1] {
                call += &format!(", dilation = {}", pair(&dil));
            }
            if groups != 1 {
                call += &format!(", groups = {groups}");
            }
            let bias = node.input(2).is_some();
            if !bias {
                call += ", bias = false";
            }
            let mut layer = Layer::new(call + ")", node)
                .named_by(node, 1, "weight")
                .with("weight", w.clone());
            if bias {
                layer = layer.with("bias", constant(2)?.clone());
            }
            layer
        }
        "BatchNormalization" => {
            let scale = constant(1)?;
            let c = *scale.dims.first().ok_or("has a scalar scale")?;
            let eps = node.float("epsilon").unwrap_or(1e-5);
            let mut call = format!("BatchNorm2d({c}");
            if !is(eps, 1e-5) {
                call += &format!(", eps = {}", float(eps));
            }
            if input.len() != 3 {
                return Err("normalizes a tensor that is not [C, H, W]".into());
            }
            Layer::new(call + ")", node)
                .named_by(node, 1, "weight")
                .with("weight", scale.clone())
                .with("bias", constant(2)?.clone())
                .with("running_mean", constant(3)?.clone())
                .with("running_var", constant(4)?.clone())
        }
        "Relu" => Layer::new("ReLU", node),
        "Sigmoid" => Layer::new("Sigmoid", node),
        "Tanh" => Layer::new("Tanh", node),
        "HardSwish" => Layer::new("Hardswish", node),
        "HardSigmoid" => {
            let alpha = node.float("alpha").unwrap_or(0.2);
            let beta = node.float("beta").unwrap_or(0.5);
            if !(is(alpha, 1.0 / 6.0) && is(beta, 0.5)) {
                return Err(format!(
                    "alpha {alpha} and beta {beta}; PyTorch's Hardsigmoid is alpha 1/6, beta 0.5"
                ));
            }
            Layer::new("Hardsigmoid", node)
        }
        "LeakyRelu" => {
            let alpha = node.float("alpha").unwrap_or(0.01);
            if is(alpha, 0.01) {
                Layer::new("LeakyReLU", node)
            } else {
                Layer::new(format!("LeakyReLU({})", float(alpha)), node)
            }
        }
        "Elu" => {
            let alpha = node.float("alpha").unwrap_or(1.0);
            if is(alpha, 1.0) {
                Layer::new("ELU", node)
            } else {
                Layer::new(format!("ELU({})", float(alpha)), node)
            }
        }
        "Gelu" => match node.string("approximate").unwrap_or("none") {
            "tanh" => Layer::new("GELU(approximate = \"tanh\")", node),
            _ => Layer::new("GELU", node),
        },
        "Clip" => {
            let bound = |i: usize, attr: &str| -> Result<Option<f64>, Why> {
                match node.input(i) {
                    Some(_) => Ok(constant(i)?.scalar()),
                    None => Ok(node.float(attr).map(f64::from)),
                }
            };
            match (bound(1, "min")?, bound(2, "max")?) {
                (Some(lo), Some(hi)) if lo == 0.0 && hi == 6.0 => Layer::new("ReLU6", node),
                (Some(0.0), None) => Layer::new("ReLU", node),
                (lo, hi) => {
                    return Err(format!(
                        "clips to [{}, {}]; cnn! has ReLU6 (0 to 6) and ReLU (0 up)",
                        lo.map_or("-inf".into(), |v| v.to_string()),
                        hi.map_or("inf".into(), |v| v.to_string())
                    ));
                }
            }
        }
        "MaxPool" | "AveragePool" => {
            let kernel = positive(node.ints("kernel_shape").ok_or("has no kernel_shape")?)
                .ok_or("bad kernel_shape")?;
            if kernel.len() != 2 {
                return Err("pools other than 2-D".into());
            }
            let p = pads(node, &input[1..], &kernel).ok_or("has padding cnn! cannot read")?;
            if p[..2] != p[2..] {
                return Err(format!("pads {p:?} differ before and after"));
            }
            let stride = positive(node.ints("strides").unwrap_or(&[1, 1])).ok_or("bad strides")?;
            let kind = if node.op == "MaxPool" {
                "MaxPool2d"
            } else {
                "AvgPool2d"
            };
            let mut call = format!("{kind}({}", pair(&kernel));
            // PyTorch's stride defaults to the kernel, ONNX's to 1.
            if stride != kernel {
                call += &format!(", stride = {}", pair(&stride));
            }
            if p[..2] != [0, 0] {
                call += &format!(", padding = {}", pair(&p[..2]));
            }
            if node.op == "MaxPool" {
                let dil =
                    positive(node.ints("dilations").unwrap_or(&[1, 1])).ok_or("bad dilations")?;
                if dil != [1, 1] {
                    call += &format!(", dilation = {}", pair(&dil));
                }
                if node.outputs.len() > 1 && !node.outputs[1].is_empty() {
                    return Err("returns indices".into());
                }
            }
            if node.int("ceil_mode") == Some(1) {
                call += ", ceil_mode = true";
            }
            // ONNX leaves padding out of the average by default, PyTorch
            // counts it; only padding makes them differ.
            if node.op == "AveragePool"
                && node.int("count_include_pad").unwrap_or(0) == 0
                && p.iter().any(|&x| x > 0)
            {
                call += ", count_include_pad = false";
            }
            Layer::new(call + ")", node)
        }
        "GlobalAveragePool" => Layer::new("AdaptiveAvgPool2d(1)", node),
        "GlobalMaxPool" => Layer::new("AdaptiveMaxPool2d(1)", node),
        "Flatten" => match node.int("axis").unwrap_or(1) {
            1 => Layer::new("Flatten", node),
            a if a > 1 => Layer::new(format!("Flatten({a})"), node),
            a => return Err(format!("flattens from axis {a}, into the batch")),
        },
        "Reshape" => {
            let out = node
                .outputs
                .first()
                .and_then(|o| shapes.data(o))
                .ok_or("reshapes to a shape that is unknown or moves the batch")?;
            if out.len() == 1 {
                Layer::new("Flatten", node)
            } else {
                return Err(format!(
                    "reshapes {input:?} to {out:?}; cnn! reshapes with Flatten only"
                ));
            }
        }
        "Gemm" => {
            let w = constant(1)?;
            let alpha = node.float("alpha").unwrap_or(1.0);
            let beta = node.float("beta").unwrap_or(1.0);
            if node.int("transA").unwrap_or(0) != 0 || alpha != 1.0 || beta != 1.0 {
                return Err("scales or transposes its input; Linear does neither".into());
            }
            if w.dims.len() != 2 || input.len() != 1 {
                return Err(format!("multiplies {input:?} by {:?}", w.dims));
            }
            let weight = if node.int("transB").unwrap_or(0) == 1 {
                w.clone()
            } else {
                transpose(w)
            };
            let (out, inp) = (weight.dims[0], weight.dims[1]);
            let bias = match node.input(2) {
                Some(_) => {
                    let b = constant(2)?;
                    if b.len() != out {
                        return Err(format!("adds a bias of shape {:?}", b.dims));
                    }
                    let mut b = b.clone();
                    b.dims = vec![out];
                    Some(b)
                }
                None => None,
            };
            let call = if bias.is_some() {
                format!("Linear({inp}, {out})")
            } else {
                format!("Linear({inp}, {out}, bias = false)")
            };
            let mut layer = Layer::new(call, node)
                .named_by(node, 1, "weight")
                .with("weight", weight);
            if let Some(b) = bias {
                layer = layer.with("bias", b);
            }
            layer
        }
        "Transpose" => {
            let perm = node.ints("perm").ok_or("has no perm")?;
            if perm.first() != Some(&0) {
                return Err(format!("moves the batch axis: perm {perm:?}"));
            }
            let dims: Vec<String> = perm.iter().map(i64::to_string).collect();
            Layer::new(format!("Permute([{}])", dims.join(", ")), node)
        }
        "LayerNormalization" => {
            let axis = node.int("axis").unwrap_or(-1);
            if axis != -1 && axis != input.len() as i64 {
                return Err(format!(
                    "normalizes from axis {axis}; cnn! normalizes the last"
                ));
            }
            let scale = constant(1)?;
            let c = *input.last().ok_or("normalizes a scalar")?;
            let eps = node.float("epsilon").unwrap_or(1e-5);
            let mut call = format!("LayerNorm({c}");
            if !is(eps, 1e-5) {
                call += &format!(", eps = {}", float(eps));
            }
            let bias = node.input(2).is_some();
            if !bias {
                call += ", bias = false";
            }
            let mut layer = Layer::new(call + ")", node)
                .named_by(node, 1, "weight")
                .with("weight", scale.clone());
            if bias {
                layer = layer.with("bias", constant(2)?.clone());
            }
            layer
        }
        "Softmax" | "LogSoftmax" => {
            let axis = node.int("axis").unwrap_or(-1);
            let rank = input.len() as i64 + 1;
            let dim = if axis < 0 { axis + rank } else { axis };
            if dim < 1 || dim >= rank {
                return Err(format!("runs over axis {axis}, the batch"));
            }
            let kind = if node.op == "Softmax" {
                "Softmax"
            } else {
                "LogSoftmax"
            };
            Layer::new(format!("{kind}(dim = {dim})"), node)
        }
        // A concatenation of one tensor is that tensor.
        "Dropout" | "Identity" | "Concat" if node.inputs.len() == 1 => return Ok(None),
        "Dropout" | "Identity" => return Ok(None),
        other => return Err(unsupported_reason(other)),
    };
    Ok(Some(layer))
}

/// The operators the importer reads, alone or in patterns.
pub const KNOWN: &[&str] = &[
    "Add",
    "AveragePool",
    "BatchNormalization",
    "Cast",
    "Clip",
    "Concat",
    "Conv",
    "Div",
    "Dropout",
    "Elu",
    "Erf",
    "Flatten",
    "Gather",
    "Gelu",
    "Gemm",
    "GlobalAveragePool",
    "GlobalMaxPool",
    "HardSigmoid",
    "HardSwish",
    "Identity",
    "LayerNormalization",
    "LeakyRelu",
    "LogSoftmax",
    "MatMul",
    "MaxPool",
    "Mul",
    "ReduceMean",
    "Relu",
    "Reshape",
    "Shape",
    "Sigmoid",
    "Slice",
    "Softmax",
    "Split",
    "Squeeze",
    "Sub",
    "Tanh",
    "Transpose",
    "Unsqueeze",
];

/// Why an operator has no layer.
pub fn unsupported_reason(op: &str) -> Why {
    match op {
        "ConvTranspose" => "transposed convolutions are not in cnn!".into(),
        "Resize" | "Upsample" => "cnn! has no upsampling".into(),
        "Pad" => "explicit padding is not a cnn! layer; padding belongs to Conv2d".into(),
        "Add" | "Mul" | "Sub" | "Div" => {
            "arithmetic that is not a residual add, a gate or a layer's own".into()
        }
        _ => format!("`{op}` is not an operator cnn! has a layer for"),
    }
}

/// A 2-D tensor's transpose.
pub fn transpose(t: &Tensor) -> Tensor {
    let (r, c) = (t.dims[0], t.dims[1]);
    let data = match &t.data {
        Data::Float(v) => {
            let mut out = vec![0.0; v.len()];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = v[i * c + j];
                }
            }
            Data::Float(out)
        }
        other => other.clone(),
    };
    Tensor {
        dims: vec![c, r],
        data,
    }
}
