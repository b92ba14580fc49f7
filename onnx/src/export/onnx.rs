//! A checked model and its weights as an ONNX graph: opset 17, the batch
//! dimension dynamic, initializers under the state_dict names, and node
//! names in PyTorch's exporter's form (`/layer1/0/conv1/Conv`), so that
//! importing the file gives the same names back.

use prost::Message;

use cnn_dsl::model::{CheckedModel, Op};
use cnn_dsl::spec::{Activation, LayerSpec, PaddingMode};

use crate::error::Error;
use crate::export::Weights;
use crate::proto::{
    self, AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    ValueInfoProto,
};

/// The opset the graph is written for.
pub const OPSET: i64 = 17;

/// Writes `model` with `weights` (every tensor of its state_dict) as an
/// ONNX file's bytes.
///
/// # Errors
/// [`Error::Broken`] for a model with errors, [`Error::Weights`] for a
/// missing or wrongly shaped tensor, [`Error::Unsupported`] for a layer
/// ONNX's opset 17 has no exact equivalent of (circular padding, an
/// adaptive pool over sizes that do not divide).
pub fn export_onnx(model: &CheckedModel, weights: &Weights) -> Result<Vec<u8>, Error> {
    if model.has_errors {
        return Err(Error::Broken(model.name.to_string()));
    }
    crate::export::check_weights(model, weights)?;
    let mut b = Builder {
        model,
        weights,
        nodes: Vec::new(),
        initializers: Vec::new(),
        written: Default::default(),
        count: 0,
        problems: Vec::new(),
    };
    let out = b.ops(&model.program, "input".into());
    if !b.problems.is_empty() {
        return Err(Error::Unsupported(b.problems));
    }
    // The last value is renamed `output` by an Identity: the graph's output
    // has a stable name.
    b.nodes.push(node(
        "Identity",
        "/output/Identity",
        vec![out],
        "output",
        vec![],
    ));
    let input = model.input.concrete().unwrap_or_default();
    let output = model.output.concrete().unwrap_or_default();
    let graph = GraphProto {
        name: Some(model.name.to_string()),
        node: b.nodes,
        initializer: b.initializers,
        input: vec![value_info("input", &input)],
        output: vec![value_info("output", &output)],
        ..Default::default()
    };
    let file = ModelProto {
        ir_version: Some(8),
        producer_name: Some("cnn".into()),
        producer_version: Some(env!("CARGO_PKG_VERSION").into()),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(OPSET),
        }],
        graph: Some(graph),
        ..Default::default()
    };
    Ok(file.encode_to_vec())
}

/// A graph input or output: `[batch, ..shape]` of floats.
fn value_info(name: &str, shape: &[usize]) -> ValueInfoProto {
    use proto::tensor_shape_proto::{Dimension, dimension::Value};
    use proto::type_proto::{Tensor, Value as Type};
    let dims = std::iter::once(Dimension {
        value: Some(Value::DimParam("batch".into())),
        ..Default::default()
    })
    .chain(shape.iter().map(|&d| Dimension {
        value: Some(Value::DimValue(d as i64)),
        ..Default::default()
    }))
    .collect();
    ValueInfoProto {
        name: Some(name.into()),
        r#type: Some(proto::TypeProto {
            value: Some(Type::TensorType(Tensor {
                elem_type: Some(1),
                shape: Some(proto::TensorShapeProto { dim: dims }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn node(
    op: &str,
    name: &str,
    inputs: Vec<String>,
    output: &str,
    attrs: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        input: inputs,
        output: vec![output.to_string()],
        name: Some(name.to_string()),
        op_type: Some(op.to_string()),
        domain: Some(String::new()),
        attribute: attrs,
        ..Default::default()
    }
}

fn ints(name: &str, v: &[usize]) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(proto::attribute_proto::AttributeType::Ints as i32),
        ints: v.iter().map(|&x| x as i64).collect(),
        ..Default::default()
    }
}

fn signed_ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(proto::attribute_proto::AttributeType::Ints as i32),
        ints: v.to_vec(),
        ..Default::default()
    }
}

fn int(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(proto::attribute_proto::AttributeType::Int as i32),
        i: Some(v),
        ..Default::default()
    }
}

fn float(name: &str, v: f64) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(proto::attribute_proto::AttributeType::Float as i32),
        f: Some(v as f32),
        ..Default::default()
    }
}

fn string(name: &str, v: &str) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(proto::attribute_proto::AttributeType::String as i32),
        s: Some(v.as_bytes().to_vec()),
        ..Default::default()
    }
}

fn float_tensor(name: &str, dims: &[usize], data: &[f32]) -> TensorProto {
    TensorProto {
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: Some(crate::graph::dtype::FLOAT),
        name: Some(name.into()),
        raw_data: Some(data.iter().flat_map(|x| x.to_le_bytes()).collect()),
        ..Default::default()
    }
}

fn int_tensor(name: &str, data: &[i64]) -> TensorProto {
    TensorProto {
        dims: vec![data.len() as i64],
        data_type: Some(crate::graph::dtype::INT64),
        name: Some(name.into()),
        raw_data: Some(data.iter().flat_map(|x| x.to_le_bytes()).collect()),
        ..Default::default()
    }
}

struct Builder<'m> {
    model: &'m CheckedModel,
    weights: &'m Weights,
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    /// Initializers already written (a layer used twice shares them).
    written: std::collections::HashSet<String>,
    count: usize,
    problems: Vec<crate::error::Unsupported>,
}

impl Builder<'_> {
    /// Adds node `op` of module `scope` (dotted); returns its output.
    fn add(
        &mut self,
        scope: &str,
        op: &str,
        inputs: Vec<String>,
        attrs: Vec<AttributeProto>,
    ) -> String {
        self.count += 1;
        let path = if scope.is_empty() {
            String::new()
        } else {
            format!("/{}", scope.replace('.', "/"))
        };
        let name = format!("{path}/{op}_{}", self.count);
        let output = format!("{name}_output_0");
        self.nodes.push(node(op, &name, inputs, &output, attrs));
        output
    }

    /// State_dict tensor `name`, as an initializer of that name.
    fn param(&mut self, name: &str) -> String {
        if self.written.insert(name.to_string()) {
            let (dims, data) = &self.weights[name];
            self.initializers.push(float_tensor(name, dims, data));
        }
        name.to_string()
    }

    /// A constant the graph needs (a clip bound, a shape).
    fn constant(&mut self, scope: &str, dims: &[usize], data: &[f32]) -> String {
        self.count += 1;
        let name = format!("/{}/Constant_{}", scope.replace('.', "/"), self.count);
        self.initializers.push(float_tensor(&name, dims, data));
        name
    }

    fn shape(&mut self, scope: &str, data: &[i64]) -> String {
        self.count += 1;
        let name = format!("/{}/Shape_{}", scope.replace('.', "/"), self.count);
        self.initializers.push(int_tensor(&name, data));
        name
    }

    fn ops(&mut self, ops: &[Op], mut x: String) -> String {
        for op in ops {
            x = match op {
                Op::Layer {
                    layer,
                    input,
                    output,
                } => {
                    let input = input.concrete().unwrap_or_default();
                    let output = output.concrete().unwrap_or_default();
                    self.layer(*layer, x, &input, &output)
                }
                Op::Residual { main, shortcut, .. } => {
                    let a = self.ops(main, x.clone());
                    let b = self.ops(shortcut, x);
                    self.add("", "Add", vec![a, b], vec![])
                }
                Op::Gate { branch, .. } => {
                    let g = self.ops(branch, x.clone());
                    self.add("", "Mul", vec![x, g], vec![])
                }
                Op::Concat {
                    split,
                    input,
                    branches,
                    ..
                } => {
                    let parts: Vec<String> = if *split {
                        let c = input.concrete().map_or(0, |s| s[0]);
                        let n = branches.len().max(1);
                        let sizes = self.shape("split", &vec![(c / n) as i64; n]);
                        self.count += 1;
                        let name = format!("/Split_{}", self.count);
                        let outs: Vec<String> =
                            (0..n).map(|i| format!("{name}_output_{i}")).collect();
                        let mut split =
                            node("Split", &name, vec![x, sizes], "", vec![int("axis", 1)]);
                        split.output = outs.clone();
                        self.nodes.push(split);
                        branches
                            .iter()
                            .zip(outs)
                            .map(|((ops, _), part)| self.ops(ops, part))
                            .collect()
                    } else {
                        branches
                            .iter()
                            .map(|(ops, _)| self.ops(ops, x.clone()))
                            .collect()
                    };
                    self.add("", "Concat", parts, vec![int("axis", 1)])
                }
            };
        }
        x
    }

    fn refuse(&mut self, name: &str, kind: &str, why: &str) {
        self.problems.push(crate::error::Unsupported {
            node: name.to_string(),
            op: kind.to_string(),
            why: why.to_string(),
        });
    }

    fn layer(&mut self, index: usize, x: String, input: &[usize], output: &[usize]) -> String {
        let layer = &self.model.layers[index];
        let name = layer.name.clone();
        let Some(spec) = layer.spec.clone() else {
            self.refuse(&name, layer.kind, "has no resolved arguments");
            return x;
        };
        let p = |suffix: &str| format!("{name}.{suffix}");
        match spec {
            LayerSpec::Conv2d(c) => {
                let mut x = x;
                let mut pads: Vec<usize> = [c.pad_begin, c.pad_end].concat();
                if c.padding_mode != PaddingMode::Zeros && pads.iter().any(|&v| v > 0) {
                    let mode = match c.padding_mode {
                        PaddingMode::Reflect => "reflect",
                        PaddingMode::Replicate => "edge",
                        _ => {
                            self.refuse(&name, "Conv2d", "circular padding needs opset 19");
                            return x;
                        }
                    };
                    let all = [
                        0,
                        0,
                        c.pad_begin[0],
                        c.pad_begin[1],
                        0,
                        0,
                        c.pad_end[0],
                        c.pad_end[1],
                    ];
                    let all: Vec<i64> = all.iter().map(|&v| v as i64).collect();
                    let shape = self.shape(&name, &all);
                    x = self.add(&name, "Pad", vec![x, shape], vec![string("mode", mode)]);
                    pads = vec![0; 4];
                }
                let mut inputs = vec![x, self.param(&p("weight"))];
                if c.bias {
                    inputs.push(self.param(&p("bias")));
                }
                let attrs = vec![
                    ints("kernel_shape", &c.kernel),
                    ints("strides", &c.stride),
                    ints("pads", &pads),
                    ints("dilations", &c.dilation),
                    int("group", c.groups as i64),
                ];
                self.add(&name, "Conv", inputs, attrs)
            }
            LayerSpec::BatchNorm2d(b) => {
                let (scale, bias) = if b.affine {
                    (self.param(&p("weight")), self.param(&p("bias")))
                } else {
                    let n = b.num_features;
                    (
                        self.constant(&name, &[n], &vec![1.0; n]),
                        self.constant(&name, &[n], &vec![0.0; n]),
                    )
                };
                let inputs = vec![
                    x,
                    scale,
                    bias,
                    self.param(&p("running_mean")),
                    self.param(&p("running_var")),
                ];
                self.add(
                    &name,
                    "BatchNormalization",
                    inputs,
                    vec![float("epsilon", b.eps)],
                )
            }
            LayerSpec::Linear(l) => {
                if input.len() == 1 {
                    let mut inputs = vec![x, self.param(&p("weight"))];
                    if l.bias {
                        inputs.push(self.param(&p("bias")));
                    }
                    self.add(&name, "Gemm", inputs, vec![int("transB", 1)])
                } else {
                    // On the last dimension of a larger tensor: x @ W^T + b.
                    let (dims, data) = &self.weights[&p("weight")];
                    let mut t = vec![0.0; data.len()];
                    for o in 0..dims[0] {
                        for i in 0..dims[1] {
                            t[i * dims[0] + o] = data[o * dims[1] + i];
                        }
                    }
                    let w = self.constant(&name, &[dims[1], dims[0]], &t);
                    let y = self.add(&name, "MatMul", vec![x, w], vec![]);
                    if l.bias {
                        let b = self.param(&p("bias"));
                        self.add(&name, "Add", vec![y, b], vec![])
                    } else {
                        y
                    }
                }
            }
            LayerSpec::MaxPool2d(m) => {
                let attrs = vec![
                    ints("kernel_shape", &m.kernel),
                    ints("strides", &m.stride),
                    ints("pads", &[m.padding, m.padding].concat()),
                    ints("dilations", &m.dilation),
                    int("ceil_mode", i64::from(m.ceil_mode)),
                ];
                self.add(&name, "MaxPool", vec![x], attrs)
            }
            LayerSpec::AvgPool2d(a) => {
                if a.divisor_override.is_some() {
                    self.refuse(
                        &name,
                        "AvgPool2d",
                        "divisor_override has no ONNX equivalent",
                    );
                    return x;
                }
                let attrs = vec![
                    ints("kernel_shape", &a.kernel),
                    ints("strides", &a.stride),
                    ints("pads", &[a.padding, a.padding].concat()),
                    int("ceil_mode", i64::from(a.ceil_mode)),
                    int("count_include_pad", i64::from(a.count_include_pad)),
                ];
                self.add(&name, "AveragePool", vec![x], attrs)
            }
            LayerSpec::AdaptiveAvgPool2d(size) | LayerSpec::AdaptiveMaxPool2d(size) => {
                let max = matches!(spec, LayerSpec::AdaptiveMaxPool2d(_));
                let (h, w) = (input[1], input[2]);
                if size == [1, 1] {
                    let op = if max {
                        "GlobalMaxPool"
                    } else {
                        "GlobalAveragePool"
                    };
                    return self.add(&name, op, vec![x], vec![]);
                }
                if h % size[0] != 0 || w % size[1] != 0 {
                    self.refuse(
                        &name,
                        spec.kind(),
                        "pools windows of unequal sizes; ONNX has no adaptive pool",
                    );
                    return x;
                }
                let k = [h / size[0], w / size[1]];
                let op = if max { "MaxPool" } else { "AveragePool" };
                self.add(
                    &name,
                    op,
                    vec![x],
                    vec![ints("kernel_shape", &k), ints("strides", &k)],
                )
            }
            LayerSpec::Flatten { .. } => {
                if output.len() == 1 {
                    self.add(&name, "Flatten", vec![x], vec![int("axis", 1)])
                } else {
                    let target: Vec<i64> = std::iter::once(0)
                        .chain(output.iter().map(|&d| d as i64))
                        .collect();
                    let shape = self.shape(&name, &target);
                    self.add(&name, "Reshape", vec![x, shape], vec![])
                }
            }
            LayerSpec::Dropout { .. } | LayerSpec::Identity | LayerSpec::StochasticDepth { .. } => {
                x
            }
            LayerSpec::ChannelShuffle { groups } => {
                let (c, h, w) = (input[0] as i64, input[1] as i64, input[2] as i64);
                let g = groups as i64;
                let s1 = self.shape(&name, &[0, g, c / g, h, w]);
                let y = self.add(&name, "Reshape", vec![x, s1], vec![]);
                let y = self.add(
                    &name,
                    "Transpose",
                    vec![y],
                    vec![signed_ints("perm", &[0, 2, 1, 3, 4])],
                );
                let s2 = self.shape(&name, &[0, c, h, w]);
                self.add(&name, "Reshape", vec![y, s2], vec![])
            }
            LayerSpec::LayerNorm {
                shape,
                eps,
                affine,
                bias,
                channels_first,
            } => {
                let n: usize = shape.iter().product();
                let scale = if affine {
                    self.param(&p("weight"))
                } else {
                    self.constant(&name, &shape, &vec![1.0; n])
                };
                let b = if affine && bias {
                    self.param(&p("bias"))
                } else {
                    self.constant(&name, &shape, &vec![0.0; n])
                };
                let attrs = vec![int("axis", -(shape.len() as i64)), float("epsilon", eps)];
                if channels_first {
                    let y = self.add(
                        &name,
                        "Transpose",
                        vec![x],
                        vec![signed_ints("perm", &[0, 2, 3, 1])],
                    );
                    let y = self.add(&name, "LayerNormalization", vec![y, scale, b], attrs);
                    self.add(
                        &name,
                        "Transpose",
                        vec![y],
                        vec![signed_ints("perm", &[0, 3, 1, 2])],
                    )
                } else {
                    self.add(&name, "LayerNormalization", vec![x, scale, b], attrs)
                }
            }
            LayerSpec::Permute { axes } => {
                let perm: Vec<i64> = std::iter::once(0)
                    .chain(axes.iter().map(|&a| a as i64 + 1))
                    .collect();
                self.add(
                    &name,
                    "Transpose",
                    vec![x],
                    vec![signed_ints("perm", &perm)],
                )
            }
            LayerSpec::LayerScale { .. } => {
                let s = self.param(&name);
                self.add(&name, "Mul", vec![x, s], vec![])
            }
            LayerSpec::Softmax { axis, log } => {
                let op = if log { "LogSoftmax" } else { "Softmax" };
                self.add(&name, op, vec![x], vec![int("axis", axis as i64 + 1)])
            }
            LayerSpec::Activation(a) => self.activation(&name, &a, x),
        }
    }

    fn activation(&mut self, name: &str, a: &Activation, x: String) -> String {
        match a {
            Activation::ReLU => self.add(name, "Relu", vec![x], vec![]),
            Activation::ReLU6 => {
                let lo = self.constant(name, &[], &[0.0]);
                let hi = self.constant(name, &[], &[6.0]);
                self.add(name, "Clip", vec![x, lo, hi], vec![])
            }
            Activation::LeakyReLU { negative_slope } => self.add(
                name,
                "LeakyRelu",
                vec![x],
                vec![float("alpha", *negative_slope)],
            ),
            Activation::ELU { alpha } => {
                self.add(name, "Elu", vec![x], vec![float("alpha", *alpha)])
            }
            Activation::GELU { tanh: false } => {
                // x * (erf(x / sqrt 2) + 1) * 0.5, as PyTorch exports it.
                let r2 = self.constant(name, &[], &[std::f32::consts::SQRT_2]);
                let one = self.constant(name, &[], &[1.0]);
                let half = self.constant(name, &[], &[0.5]);
                let y = self.add(name, "Div", vec![x.clone(), r2], vec![]);
                let y = self.add(name, "Erf", vec![y], vec![]);
                let y = self.add(name, "Add", vec![y, one], vec![]);
                let y = self.add(name, "Mul", vec![x, y], vec![]);
                self.add(name, "Mul", vec![y, half], vec![])
            }
            Activation::GELU { tanh: true } => {
                // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
                let c = self.constant(name, &[], &[(2.0f64 / std::f64::consts::PI).sqrt() as f32]);
                let k = self.constant(name, &[], &[0.044715]);
                let one = self.constant(name, &[], &[1.0]);
                let half = self.constant(name, &[], &[0.5]);
                let x2 = self.add(name, "Mul", vec![x.clone(), x.clone()], vec![]);
                let x3 = self.add(name, "Mul", vec![x2, x.clone()], vec![]);
                let kx3 = self.add(name, "Mul", vec![x3, k], vec![]);
                let inner = self.add(name, "Add", vec![x.clone(), kx3], vec![]);
                let inner = self.add(name, "Mul", vec![inner, c], vec![]);
                let t = self.add(name, "Tanh", vec![inner], vec![]);
                let t = self.add(name, "Add", vec![t, one], vec![]);
                let y = self.add(name, "Mul", vec![x, t], vec![]);
                self.add(name, "Mul", vec![y, half], vec![])
            }
            Activation::SiLU => {
                let s = self.add(name, "Sigmoid", vec![x.clone()], vec![]);
                self.add(name, "Mul", vec![x, s], vec![])
            }
            Activation::Hardswish => self.add(name, "HardSwish", vec![x], vec![]),
            Activation::Hardsigmoid => self.add(
                name,
                "HardSigmoid",
                vec![x],
                vec![float("alpha", 1.0 / 6.0), float("beta", 0.5)],
            ),
            Activation::Sigmoid => self.add(name, "Sigmoid", vec![x], vec![]),
            Activation::Tanh => self.add(name, "Tanh", vec![x], vec![]),
        }
    }
}
