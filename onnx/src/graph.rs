//! An ONNX file decoded into what the importer works on: nodes with their
//! attributes, and the constant tensors (initializers and `Constant` nodes)
//! by value name. Every length and size a file states is checked against
//! the bytes it holds before anything is allocated from it.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Component, Path};

use prost::Message;

use crate::error::Error;
use crate::proto;

/// ONNX's `TensorProto.DataType` codes the importer reads.
pub mod dtype {
    pub const FLOAT: i32 = 1;
    pub const INT32: i32 = 6;
    pub const INT64: i32 = 7;
    pub const DOUBLE: i32 = 11;
}

/// A dimension of an input as the file declares it.
#[derive(Clone, Debug, PartialEq)]
pub enum Dim {
    Fixed(usize),
    /// A named (dynamic) dimension, such as `batch`.
    Named(String),
    Unknown,
}

/// A constant tensor's values.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Float(Vec<f32>),
    Int(Vec<i64>),
    /// Stored in another file the graph names (a weightless graph).
    External,
}

/// A constant: an initializer or a `Constant` node's value.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub dims: Vec<usize>,
    pub data: Data,
}

impl Tensor {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.dims.iter().product()
    }

    /// Whether it holds no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values as integers, when it holds integers (or whole floats).
    pub fn ints(&self) -> Option<Vec<i64>> {
        match &self.data {
            Data::Int(v) => Some(v.clone()),
            Data::Float(v) => v
                .iter()
                .map(|&x| (x.fract() == 0.0 && x.abs() < 1e15).then_some(x as i64))
                .collect(),
            Data::External => None,
        }
    }

    /// The single value of a scalar (or one-element) float constant.
    pub fn scalar(&self) -> Option<f64> {
        match &self.data {
            Data::Float(v) if v.len() == 1 => Some(f64::from(v[0])),
            Data::Int(v) if v.len() == 1 => Some(v[0] as f64),
            _ => None,
        }
    }
}

/// An attribute's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Attr {
    Int(i64),
    Ints(Vec<i64>),
    Float(f32),
    Floats(Vec<f32>),
    Str(String),
    Tensor(Tensor),
    /// A kind the importer never reads (graphs, sparse tensors, types).
    Other,
}

/// One operator of the graph.
#[derive(Clone, Debug)]
pub struct Node {
    /// The node's name (PyTorch's exporter writes the module path:
    /// `/layer1/layer1.0/conv1/Conv`), or `#i` for an unnamed node.
    pub name: String,
    pub op: String,
    pub domain: String,
    /// Value names; an empty name is an omitted optional input.
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub attrs: BTreeMap<String, Attr>,
}

impl Node {
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.attrs.get(name)? {
            Attr::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn ints(&self, name: &str) -> Option<&[i64]> {
        match self.attrs.get(name)? {
            Attr::Ints(v) => Some(v),
            _ => None,
        }
    }

    pub fn float(&self, name: &str) -> Option<f32> {
        match self.attrs.get(name)? {
            Attr::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub fn string(&self, name: &str) -> Option<&str> {
        match self.attrs.get(name)? {
            Attr::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The `i`th input's name, when present and not omitted.
    pub fn input(&self, i: usize) -> Option<&str> {
        self.inputs
            .get(i)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// A decoded graph.
#[derive(Clone, Debug)]
pub struct Graph {
    /// The default domain's opset version.
    pub opset: i64,
    /// The one data input (not an initializer): its name and shape.
    pub input: String,
    pub input_shape: Vec<Dim>,
    pub outputs: Vec<String>,
    /// In the file's order, which ONNX requires to be topological; the
    /// `Constant` nodes are in `constants` instead.
    pub nodes: Vec<Node>,
    pub constants: HashMap<String, Tensor>,
    /// The initializers' names, in the file's order.
    pub initializers: Vec<String>,
}

/// The largest tensor the importer accepts, in elements: 2^31.
const MAX_ELEMENTS: usize = 1 << 31;

impl Graph {
    /// Decodes an ONNX file's bytes; tensors stored in other files are
    /// left unread ([`Data::External`]).
    pub fn decode(bytes: &[u8]) -> Result<Graph, Error> {
        Graph::decode_in(bytes, None)
    }

    /// Decodes an ONNX file's bytes, reading tensors stored in other files
    /// from `dir` (the ONNX file's directory), where those files exist.
    pub fn decode_in(bytes: &[u8], dir: Option<&Path>) -> Result<Graph, Error> {
        let model = proto::ModelProto::decode(bytes).map_err(|e| Error::Decode(e.to_string()))?;
        let opset = model
            .opset_import
            .iter()
            .find(|o| o.domain.as_deref().unwrap_or("").is_empty())
            .and_then(|o| o.version)
            .unwrap_or(0);
        let graph = model
            .graph
            .ok_or_else(|| Error::Decode("the file holds no graph".into()))?;
        let mut constants = HashMap::new();
        let mut initializers = Vec::new();
        for t in &graph.initializer {
            let name = t.name.clone().unwrap_or_default();
            let mut value = tensor(t, &name)?;
            if let (Data::External, Some(dir)) = (&value.data, dir) {
                value.data = external(t, &name, value.len(), dir)?;
            }
            constants.insert(name.clone(), value);
            initializers.push(name);
        }
        let mut inputs: Vec<&proto::ValueInfoProto> = graph
            .input
            .iter()
            .filter(|i| !constants.contains_key(i.name.as_deref().unwrap_or("")))
            .collect();
        if inputs.len() != 1 {
            return Err(Error::Inputs(
                inputs
                    .iter()
                    .map(|i| i.name.clone().unwrap_or_default())
                    .collect(),
            ));
        }
        let input = inputs.remove(0);
        let input_shape = input_dims(input);
        let mut nodes = Vec::new();
        for (i, n) in graph.node.iter().enumerate() {
            let mut attrs = BTreeMap::new();
            for a in &n.attribute {
                let name = a.name.clone().unwrap_or_default();
                let value = attr(a, &name)?;
                attrs.insert(name, value);
            }
            let node = Node {
                name: n
                    .name
                    .clone()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| format!("#{i}")),
                op: n.op_type.clone().unwrap_or_default(),
                domain: n.domain.clone().unwrap_or_default(),
                inputs: n.input.clone(),
                outputs: n.output.clone(),
                attrs,
            };
            // An Identity of a constant (PyTorch's exporter shares equal
            // tensors so) is that constant under another name.
            if node.op == "Identity"
                && node.domain.is_empty()
                && let (Some(x), Some(out)) = (node.input(0), node.outputs.first())
                && let Some(value) = constants.get(x).cloned()
            {
                constants.insert(out.clone(), value);
                continue;
            }
            if node.op == "Constant" && node.domain.is_empty() {
                let value = constant_value(&node)?;
                if let Some(out) = node.outputs.first() {
                    constants.insert(out.clone(), value);
                }
                continue;
            }
            nodes.push(node);
        }
        check_order(&input.name.clone().unwrap_or_default(), &constants, &nodes)?;
        Ok(Graph {
            opset,
            input: input.name.clone().unwrap_or_default(),
            input_shape,
            outputs: graph
                .output
                .iter()
                .map(|o| o.name.clone().unwrap_or_default())
                .collect(),
            nodes,
            constants,
            initializers,
        })
    }
}

/// Every node's inputs are made before it and every value once, as ONNX
/// requires: the walk over the graph relies on it to end.
fn check_order(
    input: &str,
    constants: &HashMap<String, Tensor>,
    nodes: &[Node],
) -> Result<(), Error> {
    let mut made: std::collections::HashSet<&str> = std::collections::HashSet::new();
    made.insert(input);
    for node in nodes {
        for i in &node.inputs {
            if !i.is_empty() && !made.contains(i.as_str()) && !constants.contains_key(i) {
                return Err(Error::Malformed {
                    what: format!("node `{}`", node.name),
                    problem: format!(
                        "reads `{i}` before any node makes it: the graph is not in order"
                    ),
                });
            }
        }
        for o in &node.outputs {
            if !o.is_empty() && (!made.insert(o) || constants.contains_key(o) || o == input) {
                return Err(Error::Malformed {
                    what: format!("node `{}`", node.name),
                    problem: format!("makes `{o}`, which another node or constant already makes"),
                });
            }
        }
    }
    Ok(())
}

fn input_dims(input: &proto::ValueInfoProto) -> Vec<Dim> {
    use proto::tensor_shape_proto::dimension::Value;
    use proto::type_proto::Value as Type;
    let Some(Type::TensorType(t)) = input.r#type.as_ref().and_then(|t| t.value.as_ref()) else {
        return Vec::new();
    };
    let Some(shape) = &t.shape else {
        return Vec::new();
    };
    shape
        .dim
        .iter()
        .map(|d| match &d.value {
            Some(Value::DimValue(v)) if *v > 0 => Dim::Fixed(*v as usize),
            Some(Value::DimParam(p)) => Dim::Named(p.clone()),
            _ => Dim::Unknown,
        })
        .collect()
}

/// A `Constant` node's tensor (`value`, or one of the `value_*` forms).
fn constant_value(node: &Node) -> Result<Tensor, Error> {
    let bad = || Error::Malformed {
        what: format!("Constant node `{}`", node.name),
        problem: "has no value the importer reads".into(),
    };
    let (_, value) = node.attrs.iter().next().ok_or_else(bad)?;
    Ok(match value {
        Attr::Tensor(t) => t.clone(),
        Attr::Float(f) => Tensor {
            dims: vec![],
            data: Data::Float(vec![*f]),
        },
        Attr::Floats(v) => Tensor {
            dims: vec![v.len()],
            data: Data::Float(v.clone()),
        },
        Attr::Int(i) => Tensor {
            dims: vec![],
            data: Data::Int(vec![*i]),
        },
        Attr::Ints(v) => Tensor {
            dims: vec![v.len()],
            data: Data::Int(v.clone()),
        },
        _ => return Err(bad()),
    })
}

fn attr(a: &proto::AttributeProto, name: &str) -> Result<Attr, Error> {
    use proto::attribute_proto::AttributeType as T;
    let kind = a.r#type.and_then(|t| T::try_from(t).ok());
    Ok(match kind {
        Some(T::Int) => Attr::Int(a.i.unwrap_or(0)),
        Some(T::Ints) => Attr::Ints(a.ints.clone()),
        Some(T::Float) => Attr::Float(a.f.unwrap_or(0.0)),
        Some(T::Floats) => Attr::Floats(a.floats.clone()),
        Some(T::String) => Attr::Str(String::from_utf8_lossy(a.s.as_deref().unwrap_or(&[])).into()),
        Some(T::Tensor) => match &a.t {
            Some(t) => Attr::Tensor(tensor(t, name)?),
            None => Attr::Other,
        },
        _ => Attr::Other,
    })
}

/// A tensor stored in a file beside the model (`location`, `offset`,
/// `length` as ONNX's external data says): read when the file is there,
/// left [`Data::External`] when it is not. The location must be a plain
/// relative path: a file cannot make the importer read outside `dir`.
fn external(t: &proto::TensorProto, name: &str, count: usize, dir: &Path) -> Result<Data, Error> {
    let bad = |problem: String| Error::Malformed {
        what: format!("tensor `{name}`"),
        problem,
    };
    let field = |key: &str| {
        t.external_data
            .iter()
            .find(|e| e.key.as_deref() == Some(key))
            .and_then(|e| e.value.clone())
    };
    let location =
        field("location").ok_or_else(|| bad("has external data with no location".into()))?;
    let relative = Path::new(&location);
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(bad(format!(
            "has its data at `{location}`, outside the model's directory"
        )));
    }
    let number = |key: &str| -> Result<Option<u64>, Error> {
        field(key)
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| bad(format!("has a bad {key} `{v}`")))
            })
            .transpose()
    };
    let offset = number("offset")?.unwrap_or(0);
    let kind = t.data_type.unwrap_or(0);
    let width = match kind {
        dtype::FLOAT | dtype::INT32 => 4,
        dtype::DOUBLE | dtype::INT64 => 8,
        other => {
            return Err(bad(format!(
                "is stored outside with data type {other}; the importer reads float, double, \
                 int32 and int64"
            )));
        }
    };
    let length = (count * width) as u64;
    if number("length")?.is_some_and(|l| l != length) {
        return Err(bad(format!(
            "states a length other than {length} bytes for {count} values"
        )));
    }
    let path = dir.join(relative);
    let Ok(mut file) = std::fs::File::open(&path) else {
        return Ok(Data::External);
    };
    let read = |e: std::io::Error| bad(format!("cannot be read from {}: {e}", path.display()));
    let size = file.metadata().map_err(read)?.len();
    if offset.checked_add(length).is_none_or(|end| end > size) {
        return Err(bad(format!(
            "lies past the end of {} ({size} bytes)",
            path.display()
        )));
    }
    file.seek(SeekFrom::Start(offset)).map_err(read)?;
    let mut bytes = vec![0u8; length as usize];
    file.read_exact(&mut bytes).map_err(read)?;
    Ok(little_endian(kind, &bytes))
}

/// Little-endian values of ONNX data type `kind` (float, double, int32 or
/// int64; `bytes` a whole number of them), floats narrowed to f32.
fn little_endian(kind: i32, bytes: &[u8]) -> Data {
    let word = |b: &[u8]| -> [u8; 8] { std::array::from_fn(|i| b[i]) };
    let half = |b: &[u8]| -> [u8; 4] { std::array::from_fn(|i| b[i]) };
    match kind {
        dtype::INT64 => Data::Int(
            bytes
                .chunks_exact(8)
                .map(|b| i64::from_le_bytes(word(b)))
                .collect(),
        ),
        dtype::INT32 => Data::Int(
            bytes
                .chunks_exact(4)
                .map(|b| i64::from(i32::from_le_bytes(half(b))))
                .collect(),
        ),
        dtype::DOUBLE => Data::Float(
            bytes
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(word(b)) as f32)
                .collect(),
        ),
        _ => Data::Float(
            bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes(half(b)))
                .collect(),
        ),
    }
}

/// A tensor's dims and values, checked: the element count fits, and the
/// values present are as many as the dims say.
fn tensor(t: &proto::TensorProto, name: &str) -> Result<Tensor, Error> {
    let bad = |problem: String| Error::Malformed {
        what: format!("tensor `{name}`"),
        problem,
    };
    let mut dims = Vec::with_capacity(t.dims.len());
    let mut count: usize = 1;
    for &d in &t.dims {
        let d = usize::try_from(d).map_err(|_| bad(format!("has a negative dimension {d}")))?;
        count = count
            .checked_mul(d)
            .filter(|&c| c <= MAX_ELEMENTS)
            .ok_or_else(|| bad(format!("is too large: {:?}", t.dims)))?;
        dims.push(d);
    }
    // DataLocation EXTERNAL = 1.
    if t.data_location == Some(1) {
        return Ok(Tensor {
            dims,
            data: Data::External,
        });
    }
    let kind = t.data_type.unwrap_or(0);
    let raw = t.raw_data.as_deref();
    let data = match kind {
        dtype::FLOAT | dtype::DOUBLE => {
            let width = if kind == dtype::FLOAT { 4 } else { 8 };
            let values: Vec<f32> = match raw {
                Some(raw) => {
                    if raw.len() != count * width {
                        return Err(bad(format!("holds {} bytes for {count} values", raw.len())));
                    }
                    match little_endian(kind, raw) {
                        Data::Float(v) => v,
                        _ => unreachable!("a float kind"),
                    }
                }
                None if kind == dtype::FLOAT => t.float_data.clone(),
                None => t.double_data.iter().map(|&x| x as f32).collect(),
            };
            if values.len() != count {
                return Err(bad(format!("holds {} values for {count}", values.len())));
            }
            Data::Float(values)
        }
        dtype::INT64 | dtype::INT32 => {
            let width = if kind == dtype::INT64 { 8 } else { 4 };
            let values: Vec<i64> = match raw {
                Some(raw) => {
                    if raw.len() != count * width {
                        return Err(bad(format!("holds {} bytes for {count} values", raw.len())));
                    }
                    match little_endian(kind, raw) {
                        Data::Int(v) => v,
                        _ => unreachable!("an integer kind"),
                    }
                }
                None if kind == dtype::INT64 => t.int64_data.clone(),
                None => t.int32_data.iter().map(|&x| i64::from(x)).collect(),
            };
            if values.len() != count {
                return Err(bad(format!("holds {} values for {count}", values.len())));
            }
            Data::Int(values)
        }
        other => {
            return Err(bad(format!(
                "has ONNX data type {other}; the importer reads float, double, int32 and int64"
            )));
        }
    };
    Ok(Tensor { dims, data })
}
