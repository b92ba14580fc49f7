//! Every value's shape, from the input's: the per-image shape of each data
//! tensor (the batch dimension left out), and the values of the integer
//! tensors that shapes are computed with (`Shape`, `Gather`, `Concat`, ...:
//! how PyTorch exports `x.view(b, g, c // g, h, w)` and `x.chunk(2, 1)`),
//! with the batch size as a symbol.

use std::collections::HashMap;

use crate::graph::{Graph, Node};

/// A dimension of an integer tensor's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sym {
    Int(i64),
    /// The batch size.
    Batch,
    /// Anything else computed from it.
    Unknown,
}

impl Sym {
    pub fn int(self) -> Option<i64> {
        match self {
            Sym::Int(i) => Some(i),
            _ => None,
        }
    }
}

/// What is known of a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A data tensor: `[batch, ..shape]`.
    Data(Vec<usize>),
    /// An integer tensor computed from shapes (a 1-D list, or a scalar).
    Ints(Vec<Sym>),
}

/// The shapes of a graph's values, keyed by value name.
#[derive(Default, Debug)]
pub struct Shapes {
    pub values: HashMap<String, Value>,
}

impl Shapes {
    /// The per-image shape of data value `name`.
    pub fn data(&self, name: &str) -> Option<&[usize]> {
        match self.values.get(name)? {
            Value::Data(s) => Some(s),
            Value::Ints(_) => None,
        }
    }

    pub fn ints(&self, name: &str) -> Option<&[Sym]> {
        match self.values.get(name)? {
            Value::Ints(v) => Some(v),
            Value::Data(_) => None,
        }
    }

    /// Infers every value it can, in the graph's (topological) order. A
    /// value whose shape cannot be inferred is left out; the importer
    /// reports the node that needs it.
    pub fn infer(graph: &Graph, input: &[usize]) -> Shapes {
        let mut shapes = Shapes::default();
        shapes
            .values
            .insert(graph.input.clone(), Value::Data(input.to_vec()));
        for node in &graph.nodes {
            if let Some(value) = shapes.node(graph, node) {
                if let Some(out) = node.outputs.first() {
                    shapes.values.insert(out.clone(), value);
                }
            } else if node.op == "Split" {
                shapes.split(graph, node);
            }
        }
        shapes
    }

    /// An integer operand: a constant, or a computed list.
    fn int_operand(&self, graph: &Graph, name: &str) -> Option<Vec<Sym>> {
        if let Some(t) = graph.constants.get(name) {
            return Some(t.ints()?.into_iter().map(Sym::Int).collect());
        }
        self.ints(name).map(<[Sym]>::to_vec)
    }

    fn node(&self, graph: &Graph, node: &Node) -> Option<Value> {
        let x = node.input(0)?;
        let data = self.data(x);
        let data_shape = || data.map(<[usize]>::to_vec);
        match node.op.as_str() {
            "Conv" => {
                let s = data?;
                let w = graph.constants.get(node.input(1)?)?;
                let (out, kernel) = (*w.dims.first()?, w.dims.get(2..)?.to_vec());
                let spatial = window(node, &s[1..], &kernel, false)?;
                Some(Value::Data([vec![out], spatial].concat()))
            }
            "MaxPool" | "AveragePool" => {
                let s = data?;
                let kernel: Vec<usize> = node
                    .ints("kernel_shape")?
                    .iter()
                    .map(|&k| usize::try_from(k).ok())
                    .collect::<Option<_>>()?;
                let ceil = node.int("ceil_mode") == Some(1);
                let spatial = window(node, &s[1..], &kernel, ceil)?;
                Some(Value::Data([vec![s[0]], spatial].concat()))
            }
            "GlobalAveragePool" | "GlobalMaxPool" => {
                let s = data?;
                Some(Value::Data([vec![s[0]], vec![1; s.len() - 1]].concat()))
            }
            "Relu" | "Clip" | "LeakyRelu" | "Elu" | "Sigmoid" | "Tanh" | "HardSigmoid"
            | "HardSwish" | "Erf" | "Gelu" | "Softmax" | "LogSoftmax" | "Dropout" | "Identity"
            | "BatchNormalization" | "LayerNormalization" | "Sqrt" | "Neg" => {
                data_shape().map(Value::Data)
            }
            "Add" | "Mul" | "Div" | "Sub" => self.broadcast(graph, node),
            "Flatten" => {
                let s = data?;
                let axis = node.int("axis").unwrap_or(1);
                // Axis 0 would fold the batch in: not a per-image shape.
                let axis = usize::try_from(axis).ok().filter(|&a| a >= 1)?;
                let keep = &s[..axis - 1];
                let rest = product(&s[axis - 1..])?;
                Some(Value::Data([keep.to_vec(), vec![rest]].concat()))
            }
            "Gemm" => {
                let s = data?;
                let w = graph.constants.get(node.input(1)?)?;
                if w.dims.len() != 2 {
                    return None;
                }
                let out = if node.int("transB") == Some(1) {
                    w.dims[0]
                } else {
                    *w.dims.get(1)?
                };
                (s.len() == 1).then(|| Value::Data(vec![out]))
            }
            "MatMul" => {
                let s = data?;
                let w = graph.constants.get(node.input(1)?)?;
                (w.dims.len() == 2 && s.last() == Some(&w.dims[0])).then(|| {
                    let mut s = s.to_vec();
                    *s.last_mut().unwrap() = w.dims[1];
                    Value::Data(s)
                })
            }
            "Transpose" => {
                let s = data?;
                let perm = node.ints("perm")?;
                if perm.len() != s.len() + 1 || perm.first() != Some(&0) {
                    return None;
                }
                let shape = perm[1..]
                    .iter()
                    .map(|&p| s.get(usize::try_from(p).ok()?.checked_sub(1)?).copied())
                    .collect::<Option<Vec<_>>>()?;
                Some(Value::Data(shape))
            }
            "Reshape" => {
                let s = data?;
                let target = self.int_operand(graph, node.input(1)?)?;
                reshape(s, &target).map(Value::Data)
            }
            "Concat" => {
                if let Some(first) = data {
                    let axis = axis_of(node.int("axis")?, first.len() + 1)?;
                    let mut shape = first.to_vec();
                    shape[axis - 1] = 0;
                    for i in &node.inputs {
                        let s = self.data(i)?;
                        if s.len() != first.len() {
                            return None;
                        }
                        shape[axis - 1] += s[axis - 1];
                    }
                    return Some(Value::Data(shape));
                }
                let mut all = Vec::new();
                for i in &node.inputs {
                    all.extend(self.int_operand(graph, i)?);
                }
                Some(Value::Ints(all))
            }
            "Slice" => {
                let s = data?;
                let starts = self.int_operand(graph, node.input(1)?)?;
                let ends = self.int_operand(graph, node.input(2)?)?;
                let axes = match node.input(3) {
                    Some(a) => self.int_operand(graph, a)?,
                    None => (0..starts.len() as i64).map(Sym::Int).collect(),
                };
                if let Some(steps) = node.input(4) {
                    let steps = self.int_operand(graph, steps)?;
                    if steps.iter().any(|&s| s != Sym::Int(1)) {
                        return None;
                    }
                }
                let mut shape = s.to_vec();
                for ((start, end), axis) in starts.iter().zip(&ends).zip(&axes) {
                    let axis = axis_of(axis.int()?, s.len() + 1)?;
                    let (lo, hi) = slice_range(start.int()?, end.int()?, shape[axis - 1]);
                    shape[axis - 1] = hi - lo;
                }
                Some(Value::Data(shape))
            }
            "ReduceMean" => {
                let s = data?;
                let axes: Vec<i64> = match node.ints("axes") {
                    Some(a) => a.to_vec(),
                    None => self
                        .int_operand(graph, node.input(1)?)?
                        .iter()
                        .map(|a| a.int())
                        .collect::<Option<_>>()?,
                };
                let axes: Vec<usize> = axes
                    .iter()
                    .map(|&a| axis_of(a, s.len() + 1))
                    .collect::<Option<_>>()?;
                let keep = node.int("keepdims").unwrap_or(1) == 1;
                let mut shape = Vec::new();
                for (i, &d) in s.iter().enumerate() {
                    if axes.contains(&(i + 1)) {
                        if keep {
                            shape.push(1);
                        }
                    } else {
                        shape.push(d);
                    }
                }
                Some(Value::Data(shape))
            }
            // Integer arithmetic on shapes.
            "Shape" => {
                let s = data?;
                let all: Vec<Sym> = std::iter::once(Sym::Batch)
                    .chain(s.iter().map(|&d| Sym::Int(d as i64)))
                    .collect();
                let len = all.len() as i64;
                let start = node.int("start").unwrap_or(0);
                let end = node.int("end").unwrap_or(len);
                let (lo, hi) = slice_range(start, end, all.len());
                Some(Value::Ints(all[lo..hi].to_vec()))
            }
            "Gather" => {
                let v = self.int_operand(graph, x)?;
                let idx = graph.constants.get(node.input(1)?)?.ints()?;
                let picked = idx
                    .iter()
                    .map(|&i| {
                        let i = if i < 0 { i + v.len() as i64 } else { i };
                        v.get(usize::try_from(i).ok()?).copied()
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(Value::Ints(picked))
            }
            "Cast" | "Unsqueeze" | "Squeeze" => self.int_operand(graph, x).map(Value::Ints),
            _ => None,
        }
    }

    /// Element-wise arithmetic: a data tensor broadcast with its operand, or
    /// integer arithmetic on shape values.
    fn broadcast(&self, graph: &Graph, node: &Node) -> Option<Value> {
        let (a, b) = (node.input(0)?, node.input(1)?);
        match (self.data(a), self.data(b)) {
            (Some(x), Some(y)) => broadcast_shapes(x, y).map(Value::Data),
            (Some(x), None) | (None, Some(x)) => {
                let other = if self.data(a).is_some() { b } else { a };
                let c = graph.constants.get(other)?;
                // A constant that would widen the data tensor is not a layer.
                (c.dims.len() <= x.len() + 1).then(|| Value::Data(x.to_vec()))
            }
            (None, None) => {
                let x = self.int_operand(graph, a)?;
                let y = self.int_operand(graph, b)?;
                let n = x.len().max(y.len());
                let at = |v: &[Sym], i: usize| if v.len() == 1 { v[0] } else { v[i] };
                if (x.len() != n && x.len() != 1) || (y.len() != n && y.len() != 1) {
                    return None;
                }
                let out = (0..n)
                    .map(|i| match (at(&x, i), at(&y, i)) {
                        (Sym::Int(p), Sym::Int(q)) => match node.op.as_str() {
                            "Add" => p.checked_add(q),
                            "Sub" => p.checked_sub(q),
                            "Mul" => p.checked_mul(q),
                            _ => p.checked_div_euclid(q),
                        }
                        .map_or(Sym::Unknown, Sym::Int),
                        (Sym::Batch, Sym::Int(1)) if matches!(node.op.as_str(), "Mul" | "Div") => {
                            Sym::Batch
                        }
                        _ => Sym::Unknown,
                    })
                    .collect();
                Some(Value::Ints(out))
            }
        }
    }

    /// `Split`'s outputs along the channel (or another) axis.
    fn split(&mut self, graph: &Graph, node: &Node) {
        let Some(s) = node
            .input(0)
            .and_then(|x| self.data(x))
            .map(<[usize]>::to_vec)
        else {
            return;
        };
        let Some(axis) = axis_of(node.int("axis").unwrap_or(0), s.len() + 1) else {
            return;
        };
        let parts: Vec<usize> = match node.input(1).and_then(|n| graph.constants.get(n)) {
            Some(t) => match t.ints() {
                Some(v) => v.iter().map(|&p| p.max(0) as usize).collect(),
                None => return,
            },
            None => {
                let n = node.outputs.len();
                if n == 0 || s[axis - 1] % n != 0 {
                    return;
                }
                vec![s[axis - 1] / n; n]
            }
        };
        for (out, part) in node.outputs.iter().zip(parts) {
            let mut shape = s.clone();
            shape[axis - 1] = part;
            self.values.insert(out.clone(), Value::Data(shape));
        }
    }
}

/// The number of elements of a shape, if it fits.
pub fn product(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
}

/// An axis of a tensor of rank `rank` (batch included), negative from the end.
pub fn axis_of(axis: i64, rank: usize) -> Option<usize> {
    let a = if axis < 0 { axis + rank as i64 } else { axis };
    usize::try_from(a).ok().filter(|&a| a < rank)
}

/// `Slice`'s `start..end` on a dimension of size `n`, clamped as ONNX says.
pub fn slice_range(start: i64, end: i64, n: usize) -> (usize, usize) {
    let n = n as i64;
    let fix = |v: i64| if v < 0 { (v + n).max(0) } else { v.min(n) };
    let (lo, hi) = (fix(start), fix(end));
    (lo as usize, hi.max(lo) as usize)
}

/// The output size of a convolution or pooling window along each spatial
/// axis (`pads`, `strides`, `dilations` and `auto_pad` as ONNX defines them).
fn window(node: &Node, spatial: &[usize], kernel: &[usize], ceil: bool) -> Option<Vec<usize>> {
    let n = spatial.len();
    if kernel.len() != n {
        return None;
    }
    let strides = node.ints("strides").map_or(vec![1; n], <[i64]>::to_vec);
    let dilations = node.ints("dilations").map_or(vec![1; n], <[i64]>::to_vec);
    let pads = crate::import::layer::pads(node, spatial, kernel)?;
    (0..n)
        .map(|i| {
            let (s, d) = (
                usize::try_from(strides[i]).ok()?,
                usize::try_from(dilations[i]).ok()?,
            );
            let span = d.checked_mul(kernel[i].checked_sub(1)?)?.checked_add(1)?;
            let padded = spatial[i].checked_add(pads[i])?.checked_add(pads[i + n])?;
            let room = padded.checked_sub(span)?;
            if s == 0 {
                return None;
            }
            let mut out = if ceil { room.div_ceil(s) } else { room / s } + 1;
            // PyTorch's rule: the last window must start inside the input
            // or its left padding.
            if ceil && (out - 1).checked_mul(s)? >= spatial[i].checked_add(pads[i])? {
                out -= 1;
            }
            Some(out)
        })
        .collect()
}

/// `Reshape`'s target, with `0` (copy) and `-1` (infer) resolved against
/// the input; the batch must stay first.
fn reshape(input: &[usize], target: &[Sym]) -> Option<Vec<usize>> {
    let total = product(input)?;
    let first = *target.first()?;
    // The batch dimension: the batch symbol, `0` (copy), or `-1` when every
    // other dimension is given.
    let rest = &target[1..];
    let mut known = 1usize;
    let mut infer = None;
    let mut shape = Vec::with_capacity(rest.len());
    for (i, d) in rest.iter().enumerate() {
        match d {
            Sym::Int(-1) if infer.is_none() => {
                infer = Some(i);
                shape.push(0);
            }
            Sym::Int(0) => {
                let d = *input.get(i)?;
                known *= d;
                shape.push(d);
            }
            Sym::Int(d) if *d > 0 => {
                known = known.checked_mul(*d as usize)?;
                shape.push(*d as usize);
            }
            _ => return None,
        }
    }
    match first {
        Sym::Batch | Sym::Int(0) => {}
        Sym::Int(-1) if infer.is_none() => {}
        _ => return None,
    }
    if let Some(i) = infer {
        if known == 0 || !total.is_multiple_of(known) {
            return None;
        }
        shape[i] = total / known;
    } else if known != total {
        return None;
    }
    Some(shape)
}

fn broadcast_shapes(x: &[usize], y: &[usize]) -> Option<Vec<usize>> {
    if x.len() != y.len() {
        return None;
    }
    x.iter()
        .zip(y)
        .map(|(&a, &b)| match (a, b) {
            _ if a == b => Some(a),
            (1, b) => Some(b),
            (a, 1) => Some(a),
            _ => None,
        })
        .collect()
}
