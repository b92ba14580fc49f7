//! What a layer sees while its shape is inferred: the tensor that arrives,
//! how it arose, and where to report problems.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::shape::{Dim, Shape, times};
use crate::span::SpanRange;
use crate::spec::LayerSpec;
use crate::vocab::args::Args;

/// How a layer is named in messages.
#[derive(Clone, Debug)]
pub struct LayerRef {
    /// The state_dict prefix: the user's name, or the position for unnamed layers.
    pub name: String,
    pub named: bool,
    pub kind: &'static str,
}

impl LayerRef {
    /// A module at `path` (a Sequential or a block's use); its dotted path
    /// names it well enough even when its last part is a number.
    pub fn module(path: &str) -> Self {
        LayerRef {
            name: path.to_string(),
            named: true,
            kind: "Sequential",
        }
    }
}

impl LayerRef {
    /// For headlines: "`conv1`", or "layer 3 (`MaxPool2d`)" when unnamed.
    pub fn quoted(&self) -> String {
        if self.named {
            format!("`{}`", self.name)
        } else {
            format!("layer {} (`{}`)", self.name, self.kind)
        }
    }

    /// For shape traces: "conv1", or "3:MaxPool2d" when unnamed.
    pub fn label(&self) -> String {
        if self.named {
            self.name.clone()
        } else {
            format!("{}:{}", self.name, self.kind)
        }
    }
}

/// Where the current tensor came from, for "receives 1568 (= 32 x 7 x 7
/// from `conv2`)".
#[derive(Clone, Debug)]
pub struct Flattened {
    /// The shape before flattening.
    pub from: Shape,
    /// Who produced that shape (`None`: the model's input).
    pub producer: Option<LayerRef>,
    pub by: LayerRef,
}

/// The tensor flowing through the model, and its history.
#[derive(Clone, Debug)]
pub struct Flow {
    pub shape: Shape,
    /// The last layer that changed the shape (`None`: the model's input).
    pub producer: Option<LayerRef>,
    /// Set while the tensor is the output of a Flatten (and of layers that
    /// keep its shape).
    pub flattened: Option<Flattened>,
    /// `(label, shape)` after the input and after every shape change.
    pub steps: Vec<(String, Shape)>,
}

impl Flow {
    pub fn new(input: Shape) -> Self {
        Flow {
            steps: vec![(String::new(), input.clone())],
            shape: input,
            producer: None,
            flattened: None,
        }
    }

    /// A flow for a branch that starts here: the same tensor, a fresh trace.
    pub fn branch(&self) -> Flow {
        Flow {
            shape: self.shape.clone(),
            producer: self.producer.clone(),
            flattened: self.flattened.clone(),
            steps: vec![(String::new(), self.shape.clone())],
        }
    }

    /// After an entry that could not be read: nothing more is known.
    pub fn forget(&mut self) {
        self.shape = Shape::Unknown;
        self.flattened = None;
        self.steps.push(("?".to_string(), Shape::Unknown));
    }

    /// Moves the flow past `layer`, which output `shape`.
    pub fn advance(&mut self, layer: &LayerRef, shape: Shape, is_flatten: bool) {
        if shape == self.shape {
            return;
        }
        if is_flatten {
            self.flattened = Some(Flattened {
                from: self.shape.clone(),
                producer: self.producer.clone(),
                by: layer.clone(),
            });
        } else {
            self.flattened = None;
        }
        self.producer = Some(layer.clone());
        self.steps.push((layer.label(), shape.clone()));
        self.shape = shape;
    }

    /// "shapes: [3, 32, 32] -conv1-> [16, 15, 15] -flatten-> \[3600\]",
    /// wrapped to stay readable.
    pub fn trace(&self) -> String {
        self.trace_as("shapes:")
    }

    /// The trace under another label: "main path: [64, 56, 56] -conv1-> ...".
    pub fn trace_as(&self, label: &str) -> String {
        const WIDTH: usize = 96;
        let indent = " ".repeat(label.len() + 1);
        let mut out = format!("{label} ");
        let mut line_len = out.len();
        for (i, (label, shape)) in self.steps.iter().enumerate() {
            let piece = if i == 0 {
                shape.to_string()
            } else {
                format!(" -{label}-> {shape}")
            };
            if i > 0 && line_len + piece.len() > WIDTH {
                out.push('\n');
                out.push_str(&indent);
                line_len = indent.len();
                let piece = piece.trim_start();
                out.push_str(piece);
                line_len += piece.len();
            } else {
                out.push_str(&piece);
                line_len += piece.len();
            }
        }
        out
    }

    /// "from `conv2`", or "from the model's input".
    pub fn source(&self) -> String {
        match &self.producer {
            Some(p) => format!("from {}", p.quoted()),
            None => "from the model's input".to_string(),
        }
    }
}

/// A layer's result: its output shape and, when everything is known, the
/// resolved layer and its counts.
#[derive(Clone, Debug)]
pub struct Inferred {
    pub output: Shape,
    pub spec: Option<LayerSpec>,
    pub params: Option<usize>,
    pub macs: Option<usize>,
}

impl Inferred {
    /// A layer that keeps its input's shape and has no parameters.
    pub fn same(input: &Shape, spec: LayerSpec) -> Self {
        Inferred {
            output: input.clone(),
            spec: Some(spec),
            params: Some(0),
            macs: Some(0),
        }
    }

    /// A layer with invalid arguments: only the output shape (maybe partly
    /// known) carries on.
    pub fn broken(output: Shape) -> Self {
        Inferred {
            output,
            spec: None,
            params: None,
            macs: None,
        }
    }
}

/// Context for one layer's shape inference.
pub struct InferCx<'a> {
    pub flow: &'a Flow,
    pub layer: &'a LayerRef,
    pub args: &'a Args,
    /// The whole entry, name included: where a layer before it goes.
    pub entry_span: SpanRange,
    /// Where the model's input size is written.
    pub input_span: Option<SpanRange>,
    pub diags: &'a mut Diagnostics,
}

impl InferCx<'_> {
    pub fn input(&self) -> &Shape {
        &self.flow.shape
    }

    /// Reports `diag` with the shape trace up to this layer appended.
    pub fn report(&mut self, diag: Diagnostic) {
        let diag = diag.note(self.flow.trace());
        self.diags.push(diag);
    }

    /// Reports without a trace (for argument errors that do not depend on shapes).
    pub fn report_plain(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    /// The input as `[C, H, W]`. When the input has another rank, reports
    /// that this layer needs an image and returns `None`.
    pub fn image_input(&mut self) -> Option<[Dim; 3]> {
        match self.input().dims() {
            None => Some([None; 3]),
            Some([c, h, w]) => Some([*c, *h, *w]),
            Some(_) => {
                let input = self.input().clone();
                let why = match &self.flow.flattened {
                    Some(f) => format!(" (flattened by {})", f.by.quoted()),
                    None if self.flow.producer.is_none() => " (the model's input)".to_string(),
                    None => format!(" ({})", self.flow.source()),
                };
                let help = match &self.flow.flattened {
                    Some(f) => format!(
                        "move {} after the last layer that works on images",
                        f.by.quoted()
                    ),
                    None if self.flow.producer.is_none() => {
                        "declare the input as `<C, H, W>`, e.g. `<1, 28, 28>`".to_string()
                    }
                    None => "image layers need a [C, H, W] tensor".to_string(),
                };
                let kind = self.layer.kind;
                let diag = Diagnostic::error(
                    self.args.kind_span,
                    format!(
                        "{} is a {kind} and needs a [C, H, W] image, but receives {input}{why}",
                        self.layer.quoted()
                    ),
                );
                let diag = match self.image_size(&input) {
                    Some(text) if self.flow.producer.is_none() => diag.guess(
                        self.input_span.unwrap_or(self.args.call_span),
                        text.clone(),
                        format!("declare the input as `<C, H, W>`, e.g. `{text}`"),
                    ),
                    _ => diag.help(help),
                };
                self.report(diag);
                None
            }
        }
    }

    /// A flat input of N values as a square image with this layer's input
    /// channels (`<784>` before `Conv2d(1, ..)` is `<1, 28, 28>`).
    fn image_size(&self, input: &Shape) -> Option<String> {
        let [Some(n)] = input.dims()? else {
            return None;
        };
        let c = ["in_channels", "num_features"]
            .iter()
            .find_map(|p| match self.args.get(p)?.value {
                crate::eval::Value::Int(c) => usize::try_from(c).ok(),
                _ => None,
            })
            .unwrap_or(1);
        if c == 0 || n % c != 0 {
            return None;
        }
        let side = (n / c).isqrt();
        (side * side == n / c).then(|| format!("<{c}, {side}, {side}>"))
    }

    /// The help for an input size that should be `received`: the call to
    /// write, or, when the size is a block parameter, what to pass for it.
    /// `diag` with the fix that makes `param` (written at `span`) equal the
    /// `received` size: at the block's use when the value came from there,
    /// else in place. A block parameter left at its default is a guess: the
    /// block is changed to infer the size.
    pub fn size_fix(
        &self,
        diag: Diagnostic,
        span: SpanRange,
        param: &str,
        received: usize,
    ) -> Diagnostic {
        let help = self.size_help(param, received);
        match (self.args.block_param(param), self.args.use_span(param)) {
            (Some(_), Some(at)) => diag.fix(at, received.to_string(), help),
            (Some(_), None) => diag.guess(span, "_", help),
            (None, _) => diag.fix(span, received.to_string(), help),
        }
    }

    pub fn size_help(&self, param: &str, received: usize) -> String {
        let infer = self.args.text.with(param, "_");
        match self.args.block_param(param) {
            Some(name) => format!(
                "`{name}` must be {received} here: pass {received} for `{name}` where the block is used, or write `{infer}` in the block to infer it"
            ),
            None => {
                let fix = self.args.text.with(param, &received.to_string());
                format!("write `{fix}`, or `{infer}` to infer it")
            }
        }
    }

    /// "receives 1568 (= 32 x 7 x 7 from `conv2`)" when the last dimension
    /// was made by a Flatten, else "receives 120 (from `fc1`)".
    pub fn describe_features(&self, received: usize) -> String {
        if let Some(f) = &self.flow.flattened
            && let Some(dims) = f.from.concrete()
            && dims.len() > 1
            && self.input().rank() == Some(1)
        {
            let from = match &f.producer {
                Some(p) => format!("from {}", p.quoted()),
                None => "from the model's input".to_string(),
            };
            return format!("{received} (= {} {from})", times(&dims));
        }
        format!("{received} ({})", self.flow.source())
    }
}
