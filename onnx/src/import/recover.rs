//! The structure of a graph: runs of layers, and where the data flow forks,
//! what joins it again (an `Add` is a residual, a `Mul` a gate, a `Concat`
//! a concatenation, after a `Split` or `Slice`s a split).
//!
//! The walk follows the data from the input. Where a value has several
//! consumers, the node where every path from it meets again (its
//! post-dominator, found by running the nodes in order until one value is
//! left live) is the join, and each path to it is a branch, walked the
//! same way.

use std::collections::HashMap;

use crate::error::Unsupported;
use crate::graph::{Graph, Node};
use crate::import::layer::{self, Layer, param_path, scope_path};
use crate::import::shapes::{Shapes, axis_of};

/// A piece of the recovered model.
#[derive(Clone, Debug)]
pub enum Entry {
    Layer(Layer),
    /// `main(x) + shortcut(x)`; an empty shortcut is `x`.
    Residual {
        main: Vec<Entry>,
        shortcut: Vec<Entry>,
    },
    /// `x * branch(x)`.
    Gate {
        branch: Vec<Entry>,
    },
    /// Branches joined along channels; an empty branch is `x`.
    Concat {
        branches: Vec<Vec<Entry>>,
    },
    /// Equal channel parts, each through its branch, joined.
    Split {
        branches: Vec<Vec<Entry>>,
    },
}

impl Entry {
    /// Every layer inside, in order.
    pub fn layers(&self) -> Vec<&Layer> {
        match self {
            Entry::Layer(l) => vec![l],
            Entry::Residual { main, shortcut } => main
                .iter()
                .chain(shortcut)
                .flat_map(Entry::layers)
                .collect(),
            Entry::Gate { branch } => branch.iter().flat_map(Entry::layers).collect(),
            Entry::Concat { branches } | Entry::Split { branches } => {
                branches.iter().flatten().flat_map(Entry::layers).collect()
            }
        }
    }
}

pub struct Walker<'g> {
    graph: &'g Graph,
    shapes: &'g Shapes,
    /// Each data value's consumers, one per use (a node using it twice is
    /// listed twice).
    consumers: HashMap<String, Vec<usize>>,
    pub problems: Vec<Unsupported>,
    /// How many forks the walk is inside.
    depth: usize,
}

/// The deepest nesting of forks the walk follows.
const MAX_DEPTH: usize = 64;

/// A node was refused (it is in [`Walker::problems`]).
#[derive(Debug)]
pub struct Refused;

type Walk = Result<(Vec<Entry>, String), Refused>;

impl<'g> Walker<'g> {
    pub fn new(graph: &'g Graph, shapes: &'g Shapes) -> Walker<'g> {
        let mut consumers: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, node) in graph.nodes.iter().enumerate() {
            if node.op == "Shape" {
                continue;
            }
            for input in &node.inputs {
                if is_data(graph, shapes, input) {
                    consumers.entry(input.clone()).or_default().push(i);
                }
            }
        }
        Walker {
            graph,
            shapes,
            consumers,
            problems: Vec::new(),
            depth: 0,
        }
    }

    fn refuse(&mut self, node: &Node, why: impl Into<String>) {
        self.problems.push(Unsupported {
            node: node.name.clone(),
            op: node.op.clone(),
            why: why.into(),
        });
    }

    fn uses(&self, value: &str) -> &[usize] {
        self.consumers.get(value).map_or(&[], Vec::as_slice)
    }

    fn node(&self, i: usize) -> &'g Node {
        &self.graph.nodes[i]
    }

    /// The model from the input to the graph's output.
    pub fn model(&mut self) -> Result<Vec<Entry>, Refused> {
        let (entries, end) = self.walk(self.graph.input.clone(), None)?;
        if !self.graph.outputs.contains(&end) {
            return Err(Refused);
        }
        Ok(entries)
    }

    /// From `value` on until `stop` (the join the caller's branches meet
    /// at) or the end; returns the entries and the value reached.
    fn walk(&mut self, mut value: String, stop: Option<usize>) -> Walk {
        let mut entries = Vec::new();
        loop {
            let uses = self.uses(&value).to_vec();
            if uses.is_empty() || uses.iter().all(|&u| Some(u) == stop) {
                return Ok((entries, value));
            }
            let next = if uses.len() == 1 && !self.is_split(&value) {
                if self.is_join(uses[0]) {
                    let n = self.node(uses[0]);
                    self.refuse(n, "joins values that do not fork from one tensor");
                    return Err(Refused);
                }
                self.chain(uses[0], &mut entries)?
            } else {
                self.fork(&value, &mut entries)?
            };
            value = next;
        }
    }

    /// Whether node `i` joins two data values (a residual add, a gate's
    /// product, a concatenation).
    fn is_join(&self, i: usize) -> bool {
        let n = self.node(i);
        matches!(n.op.as_str(), "Add" | "Mul" | "Concat")
            && n.inputs
                .iter()
                .filter(|x| is_data(self.graph, self.shapes, x))
                .count()
                >= 2
    }

    /// Whether `value` is split along channels (`Split`, or `Slice`s).
    fn is_split(&self, value: &str) -> bool {
        let uses = self.uses(value);
        uses.iter().all(|&u| self.node(u).op == "Slice") && uses.len() >= 2
            || uses.len() == 1 && self.node(uses[0]).op == "Split"
    }

    /// The layers starting at node `i`, whose only data input is the
    /// current value; returns the value after them.
    fn chain(&mut self, i: usize, entries: &mut Vec<Entry>) -> Result<String, Refused> {
        let node = self.node(i);
        let out = node.outputs.first().cloned().unwrap_or_default();
        if let Some((layer, end)) = self.pattern(i) {
            entries.extend(layer.into_iter().map(Entry::Layer));
            return Ok(end);
        }
        match layer::single(self.graph, self.shapes, node) {
            Ok(Some(layer)) => entries.push(Entry::Layer(layer)),
            Ok(None) => {}
            Err(why) => {
                self.refuse(node, why);
                return Err(Refused);
            }
        }
        Ok(out)
    }

    /// The only consumer of `value`, when it has one.
    fn sole_use(&self, value: &str) -> Option<&'g Node> {
        match self.uses(value) {
            [u] => Some(self.node(*u)),
            _ => None,
        }
    }

    fn constant_scalar(&self, node: &Node) -> Option<f64> {
        node.inputs
            .iter()
            .find_map(|x| self.graph.constants.get(x))
            .and_then(|t| t.scalar())
    }

    /// Layers written as several nodes: `MatMul` + `Add` (Linear on the
    /// last dimension), `Reshape` + `Transpose` + `Reshape` (a channel
    /// shuffle), `Transpose` + `LayerNormalization` + `Transpose` in one
    /// module (LayerNorm2d), a `Mul` by a `[C, 1, 1]` parameter
    /// (LayerScale), `ReduceMean` over the image (an average pool).
    fn pattern(&mut self, i: usize) -> Option<(Vec<Layer>, String)> {
        let g = self.graph;
        let node = self.node(i);
        let out = node.outputs.first()?.clone();
        match node.op.as_str() {
            "MatMul" => {
                let w = g.constants.get(node.input(1)?)?;
                if w.dims.len() != 2 {
                    return None;
                }
                let weight = layer::transpose(w);
                let (o, n_in) = (weight.dims[0], weight.dims[1]);
                let mut l = Layer::new(format!("Linear({n_in}, {o}, bias = false)"), node);
                if let Some(p) = node.input(1).and_then(|n| param_path(n, "weight")) {
                    l.path = Some(p);
                }
                l.tensors.push(("weight".into(), weight));
                let add = self.sole_use(&out).filter(|n| n.op == "Add");
                if let Some(add) = add {
                    let bias = add.inputs.iter().find_map(|x| g.constants.get(x));
                    if let Some(b) = bias.filter(|b| b.len() == o) {
                        let mut b = b.clone();
                        b.dims = vec![o];
                        l.call = format!("Linear({n_in}, {o})");
                        if let Some(p) = add.inputs.iter().find_map(|x| param_path(x, "bias")) {
                            l.path = Some(p);
                        }
                        l.tensors.push(("bias".into(), b));
                        return Some((vec![l], add.outputs.first()?.clone()));
                    }
                }
                Some((vec![l], out))
            }
            "Reshape" => {
                let shape = self.shapes.data(&out)?;
                let t = self.sole_use(&out).filter(|n| n.op == "Transpose")?;
                if shape.len() != 4 || t.ints("perm")? != [0, 2, 1, 3, 4] {
                    return None;
                }
                let t_out = t.outputs.first()?;
                let back = self.sole_use(t_out).filter(|n| n.op == "Reshape")?;
                let end = back.outputs.first()?;
                let input = self.shapes.data(node.input(0)?)?;
                (self.shapes.data(end)? == input).then_some(())?;
                let l = Layer::new(format!("ChannelShuffle({})", shape[0]), node);
                Some((vec![l], end.clone()))
            }
            "Transpose" if node.ints("perm")? == [0, 2, 3, 1] => {
                let ln = self
                    .sole_use(&out)
                    .filter(|n| n.op == "LayerNormalization")?;
                let back = self
                    .sole_use(ln.outputs.first()?)
                    .filter(|n| n.op == "Transpose" && n.ints("perm") == Some(&[0, 3, 1, 2]))?;
                let scope = scope_path(&node.name);
                if scope.is_none()
                    || scope != scope_path(&ln.name)
                    || scope != scope_path(&back.name)
                {
                    return None;
                }
                let mut l = layer::single(g, self.shapes, ln).ok()??;
                l.call = l.call.replacen("LayerNorm(", "LayerNorm2d(", 1);
                Some((vec![l], back.outputs.first()?.clone()))
            }
            "Mul" => {
                let (name, t) = node
                    .inputs
                    .iter()
                    .find_map(|x| Some((x, g.constants.get(x)?)))?;
                let c = *t.dims.first()?;
                if t.dims != [c, 1, 1] {
                    return None;
                }
                let mut l = Layer::new(format!("LayerScale({c})"), node);
                if let Some(p) = param_path(name, "") {
                    l.path = Some(p);
                }
                l.tensors.push((String::new(), t.clone()));
                Some((vec![l], out))
            }
            "ReduceMean" => {
                let input = self.shapes.data(node.input(0)?)?;
                let axes: Vec<i64> = match node.ints("axes") {
                    Some(a) => a.to_vec(),
                    None => g.constants.get(node.input(1)?)?.ints()?,
                };
                let mut axes: Vec<usize> = axes
                    .iter()
                    .map(|&a| axis_of(a, input.len() + 1))
                    .collect::<Option<_>>()?;
                axes.sort_unstable();
                if input.len() != 3 || axes != [2, 3] {
                    return None;
                }
                let mut layers = vec![Layer::new("AdaptiveAvgPool2d(1)", node)];
                if node.int("keepdims") == Some(0) {
                    layers.push(Layer::new("Flatten", node));
                }
                Some((layers, out))
            }
            _ => None,
        }
    }

    /// The join of the paths leaving `value`: the first node after which
    /// only one value they made is still to be used.
    fn join_of(&self, value: &str) -> Option<usize> {
        let mut live: HashMap<&str, usize> = HashMap::new();
        live.insert(value, self.uses(value).len());
        let first = *self.uses(value).iter().min()?;
        for i in first..self.graph.nodes.len() {
            let node = self.node(i);
            if node.op == "Shape" {
                continue;
            }
            let mut touched = false;
            for input in &node.inputs {
                if let Some(n) = live.get_mut(input.as_str()) {
                    touched = true;
                    *n -= 1;
                    if *n == 0 {
                        live.remove(input.as_str());
                    }
                }
            }
            if !touched {
                continue;
            }
            for out in &node.outputs {
                // A graph output is used once more, by the caller.
                let n = self.uses(out).len() + usize::from(self.graph.outputs.contains(out));
                if n > 0 {
                    live.insert(out, n);
                }
            }
            if live.len() <= 1 {
                return (live.len() == 1
                    && node.outputs.iter().any(|o| live.contains_key(o.as_str())))
                .then_some(i);
            }
        }
        None
    }

    /// A fork at `value`: the branches to its join, and the join.
    fn fork(&mut self, value: &str, entries: &mut Vec<Entry>) -> Result<String, Refused> {
        if let Some(end) = self.gelu(value, entries) {
            return Ok(end);
        }
        if self.depth >= MAX_DEPTH {
            let n = self.node(self.uses(value)[0]);
            self.refuse(n, format!("nests branches more than {MAX_DEPTH} deep"));
            return Err(Refused);
        }
        self.depth += 1;
        let joined = self.fork_within(value, entries);
        self.depth -= 1;
        joined
    }

    fn fork_within(&mut self, value: &str, entries: &mut Vec<Entry>) -> Result<String, Refused> {
        let Some(j) = self.join_of(value) else {
            let n = self.node(self.uses(value)[0]);
            self.refuse(
                n,
                "its value's paths never join again: the graph has several outputs",
            );
            return Err(Refused);
        };
        let join = self.node(j);
        let join_out = join.outputs.first().cloned().unwrap_or_default();
        if self.is_split(value) {
            return self.split(value, j, entries).map(|()| join_out);
        }
        // Each branch, by the join input it arrives at.
        let mut arrived: Vec<(String, Vec<Entry>)> = Vec::new();
        for u in self.uses(value).to_vec() {
            if u == j {
                arrived.push((value.to_string(), Vec::new()));
                continue;
            }
            let mut branch = Vec::new();
            let next = self.chain(u, &mut branch)?;
            let (rest, end) = self.walk(next, Some(j))?;
            branch.extend(rest);
            arrived.push((end, branch));
        }
        let inputs: Vec<&String> = join
            .inputs
            .iter()
            .filter(|x| is_data(self.graph, self.shapes, x))
            .collect();
        let mut ordered = Vec::new();
        for input in &inputs {
            match arrived.iter().position(|(end, _)| end == *input) {
                Some(p) => ordered.push(arrived.remove(p).1),
                None => {
                    self.refuse(join, "joins a value from outside the fork");
                    return Err(Refused);
                }
            }
        }
        match join.op.as_str() {
            "Add" if ordered.len() == 2 => {
                let (a, b) = (ordered.remove(0), ordered.remove(0));
                let (main, shortcut) = if a.is_empty() { (b, a) } else { (a, b) };
                entries.push(Entry::Residual { main, shortcut });
            }
            "Mul" if ordered.len() == 2 => {
                let (a, b) = (ordered.remove(0), ordered.remove(0));
                let branch = match (a.is_empty(), b.is_empty()) {
                    (true, false) => b,
                    (false, true) => a,
                    _ => {
                        self.refuse(
                            join,
                            "multiplies two computed values; a gate multiplies its input",
                        );
                        return Err(Refused);
                    }
                };
                // `x * sigmoid(x)` is SiLU.
                if let [Entry::Layer(l)] = branch.as_slice()
                    && l.call == "Sigmoid"
                {
                    let mut silu = Layer::new("SiLU", join);
                    silu.path = l.path.clone().or(silu.path);
                    entries.push(Entry::Layer(silu));
                    return Ok(join_out);
                }
                entries.push(Entry::Gate { branch });
            }
            "Concat" => {
                let rank = self.shapes.data(&join_out).map_or(0, <[usize]>::len) + 1;
                if join.int("axis").and_then(|a| axis_of(a, rank)) != Some(1) {
                    self.refuse(join, "concatenates along an axis other than the channels");
                    return Err(Refused);
                }
                entries.push(Entry::Concat { branches: ordered });
            }
            _ => {
                self.refuse(join, "joins branches in a way cnn! has no construct for");
                return Err(Refused);
            }
        }
        Ok(join_out)
    }

    /// `x.chunk(n, 1)` (a `Split`, or one `Slice` per part), each part
    /// through a branch, and the parts joined in order.
    fn split(&mut self, value: &str, j: usize, entries: &mut Vec<Entry>) -> Result<(), Refused> {
        let uses = self.uses(value).to_vec();
        let channels = self
            .shapes
            .data(value)
            .and_then(|s| s.first().copied())
            .unwrap_or(0);
        // Each part's value and its first channel.
        let mut parts: Vec<(usize, String)> = Vec::new();
        if let [u] = uses.as_slice() {
            let split = self.node(*u);
            let rank = self.shapes.data(value).map_or(0, <[usize]>::len) + 1;
            if axis_of(split.int("axis").unwrap_or(0), rank) != Some(1) {
                self.refuse(split, "splits along an axis other than the channels");
                return Err(Refused);
            }
            let mut start = 0;
            for out in &split.outputs {
                let c = self.shapes.data(out).map_or(0, |s| s[0]);
                parts.push((start, out.clone()));
                start += c;
            }
        } else {
            for &u in &uses {
                let slice = self.node(u);
                let ints = |k: usize| -> Option<i64> {
                    let name = slice.input(k)?;
                    self.graph
                        .constants
                        .get(name)
                        .and_then(|t| t.ints())
                        .map(|v| v[0])
                        .or_else(|| self.shapes.ints(name)?.first()?.int())
                };
                match (ints(1), ints(3).or(Some(0))) {
                    (Some(start), Some(1)) => {
                        let (lo, _) = crate::import::shapes::slice_range(start, i64::MAX, channels);
                        parts.push((lo, slice.outputs[0].clone()));
                    }
                    _ => {
                        self.refuse(slice, "slices other than equal channel parts");
                        return Err(Refused);
                    }
                }
            }
            parts.sort();
        }
        let n = parts.len();
        let equal = n > 0
            && channels.is_multiple_of(n)
            && parts.iter().enumerate().all(|(k, (start, v))| {
                *start == k * channels / n
                    && self.shapes.data(v).map(|s| s[0]) == Some(channels / n)
            });
        let join = self.node(j);
        if !equal || join.op != "Concat" {
            self.refuse(
                join,
                "joins channel parts that are not equal, or not by concatenation",
            );
            return Err(Refused);
        }
        let mut arrived = Vec::new();
        for (_, part) in parts {
            let (branch, end) = self.walk(part, Some(j))?;
            arrived.push((end, branch));
        }
        let mut branches = Vec::new();
        for input in join.inputs.iter() {
            match arrived.iter().position(|(end, _)| end == input) {
                Some(p) => branches.push(arrived.remove(p).1),
                None => {
                    self.refuse(
                        join,
                        "joins the parts in another order than they were split",
                    );
                    return Err(Refused);
                }
            }
        }
        if !arrived.is_empty() {
            self.refuse(join, "leaves a part out");
            return Err(Refused);
        }
        entries.push(Entry::Split { branches });
        Ok(())
    }

    /// PyTorch's exact GELU: `x * (erf(x / sqrt 2) + 1) * 0.5`.
    fn gelu(&self, value: &str, entries: &mut Vec<Entry>) -> Option<String> {
        let uses = self.uses(value);
        if uses.len() != 2 {
            return None;
        }
        let (div, mul) = {
            let (a, b) = (self.node(uses[0]), self.node(uses[1]));
            if a.op == "Div" { (a, b) } else { (b, a) }
        };
        let near = |x: f64, v: f64| (x - v).abs() < 1e-4;
        if div.op != "Div" || !near(self.constant_scalar(div)?, std::f64::consts::SQRT_2) {
            return None;
        }
        let erf = self
            .sole_use(div.outputs.first()?)
            .filter(|n| n.op == "Erf")?;
        let add = self
            .sole_use(erf.outputs.first()?)
            .filter(|n| n.op == "Add")?;
        if !near(self.constant_scalar(add)?, 1.0) {
            return None;
        }
        let joined = self.sole_use(add.outputs.first()?)?;
        if !std::ptr::eq(joined, mul) || mul.op != "Mul" {
            return None;
        }
        let half = self
            .sole_use(mul.outputs.first()?)
            .filter(|n| n.op == "Mul")?;
        if !near(self.constant_scalar(half)?, 0.5) {
            return None;
        }
        entries.push(Entry::Layer(Layer::new("GELU", div)));
        half.outputs.first().cloned()
    }
}

/// Whether `name` is a data tensor (not a constant, not a shape value).
fn is_data(graph: &Graph, shapes: &Shapes, name: &str) -> bool {
    !name.is_empty() && !graph.constants.contains_key(name) && shapes.ints(name).is_none()
}
