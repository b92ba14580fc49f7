//! The syntax tree of a `cnn!` invocation, as written, before any checking.

use proc_macro2::Span;
use syn::{Attribute, Ident, Visibility};

use crate::span::SpanRange;

/// Everything inside one `cnn! { ... }`.
#[derive(Clone)]
pub struct File {
    pub models: Vec<ModelDecl>,
    pub blocks: Vec<BlockDecl>,
}

/// `/// docs  block Name(param, param = default) { layers }`: a reusable
/// piece of network, as a PyTorch user writes a small `nn.Module`.
#[derive(Clone)]
pub struct BlockDecl {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub params: Vec<BlockParam>,
    pub layers: Vec<LayerEntry>,
}

/// A block parameter, with its default value when it has one.
#[derive(Clone)]
pub struct BlockParam {
    pub name: Ident,
    pub default: Option<Expr>,
}

/// `/// docs  pub struct Name<C, H, W> { layers }`
#[derive(Clone)]
pub struct ModelDecl {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    /// The declared input size, one expression per dimension.
    pub input: Vec<Expr>,
    /// From `<` to `>`.
    pub input_span: SpanRange,
    pub layers: Vec<LayerEntry>,
}

/// One entry of a layer list: `name: node`, or `node` alone, optionally
/// followed by `if condition` (the entry exists only when it holds).
#[derive(Clone)]
pub struct LayerEntry {
    pub attrs: Vec<Attribute>,
    pub name: Option<Ident>,
    /// A name written as a string, `"block1-0": ...`, for PyTorch names
    /// that are not Rust identifiers (then `name` is `None`).
    pub quoted: Option<syn::LitStr>,
    pub node: Node,
    pub condition: Option<Expr>,
    /// The whole entry, name included.
    pub span: SpanRange,
}

impl LayerEntry {
    /// The node's own tokens, without the name before it.
    pub fn node_span(&self) -> SpanRange {
        match &self.node {
            Node::Call(call) => call.span,
            Node::Sequential { span, .. }
            | Node::Repeat { span, .. }
            | Node::Path { span, .. }
            | Node::Residual { span, .. }
            | Node::Concat { span, .. }
            | Node::Gate { span, .. } => *span,
            Node::Invalid => self.span,
        }
    }
}

/// What a layer entry holds.
#[derive(Clone)]
pub enum Node {
    /// `Conv2d(3, 16, 5, stride = 2)`, a bare `ReLU`, or a block's use
    /// `BasicBlock(64, 128, stride = 2)`.
    Call(Call),
    /// `[a, b, c]`: an `nn.Sequential`; its layers are numbered (or named)
    /// inside it.
    Sequential {
        items: Vec<LayerEntry>,
        span: SpanRange,
    },
    /// `[node; n]`: `n` copies, numbered like an `nn.Sequential`; spread
    /// (`..[node; n]`), the copies are entries of the enclosing list,
    /// numbered on from the entries before them (torchvision's
    /// `_make_layer`: `[first, ..[Block(..); n - 1]]`).
    Repeat {
        item: Box<LayerEntry>,
        count: Expr,
        spread: bool,
        span: SpanRange,
    },
    /// `{ a, b }`: layers in a row, named and numbered in the enclosing
    /// module as if written there (a branch); named, a Sequential.
    Path {
        items: Vec<LayerEntry>,
        span: SpanRange,
    },
    /// `residual { main } + shortcut`: the sum of the main path and the
    /// shortcut (the input itself when there is no `+ shortcut`).
    Residual {
        keyword: Span,
        main: Vec<LayerEntry>,
        shortcut: Option<Box<LayerEntry>>,
        span: SpanRange,
    },
    /// `concat { a, b, c }`: the branches' outputs joined along channels.
    /// `split { a, b }`: the same, but each branch reads its own equal
    /// part of the input's channels (ShuffleNet's `x.chunk(2, dim=1)`; `{}`
    /// passes its part on).
    Concat {
        keyword: Span,
        branches: Vec<LayerEntry>,
        split: bool,
        span: SpanRange,
    },
    /// `gate { branch }`: the input multiplied by the branch's output,
    /// which broadcasts over it (`[C, 1, 1]`: squeeze-excitation's
    /// channel-wise scale).
    Gate {
        keyword: Span,
        branch: Vec<LayerEntry>,
        span: SpanRange,
    },
    /// An entry that did not parse; its error is already reported.
    Invalid,
}

/// A layer constructor call, as PyTorch writes it.
#[derive(Clone, Debug)]
pub struct Call {
    /// The layer kind, e.g. `Conv2d` (an `nn.` prefix is accepted and dropped).
    pub kind: Ident,
    pub args: Vec<Arg>,
    /// The parentheses, when written.
    pub parens: Option<Span>,
    /// From the kind (or its `nn.` prefix) to the closing parenthesis.
    pub span: SpanRange,
    /// An argument failed to parse (its error is reported); the checker then
    /// does not also report it as missing.
    pub damaged: bool,
    /// Made by the checker from another call (a `SqueezeExcitation`'s
    /// layers): its span is not its own text, so no fix rewrites it.
    pub synthetic: bool,
}

/// One argument: positional (`5`) or keyword (`stride = 2`).
#[derive(Clone, Debug)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
    pub span: SpanRange,
}

/// An argument value: a literal, a name, or integer arithmetic on them.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: SpanRange,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// An integer literal with its text as written.
    Int(u128, String),
    /// A float literal with its text as written.
    Float(f64, String),
    Str(String),
    /// `true`/`false`, or Python's `True`/`False` (the text as written).
    Bool(bool, String),
    /// `_`: infer this size from the previous layer.
    Infer,
    /// Python's `None`.
    None,
    /// Any other name (a block parameter, or a mistake).
    Name(Ident),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `(a, b)`, or `(a,)`.
    Tuple(Vec<Expr>),
    /// `(a)`.
    Paren(Box<Expr>),
    /// `floor(a / b)` (Python's `a // b`) or `ceil(a / b)`: the division
    /// inside rounded down or up instead of having to be exact.
    Round {
        up: bool,
        inner: Box<Expr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "&&",
            BinOp::Or => "||",
        }
    }
}

impl Expr {
    /// Whether the expression refers to a name (a block parameter).
    pub fn has_names(&self) -> bool {
        match &self.kind {
            ExprKind::Name(_) => true,
            ExprKind::Neg(e) | ExprKind::Not(e) | ExprKind::Paren(e) => e.has_names(),
            ExprKind::Round { inner, .. } => inner.has_names(),
            ExprKind::Binary(_, a, b) => a.has_names() || b.has_names(),
            ExprKind::Tuple(items) => items.iter().any(Expr::has_names),
            _ => false,
        }
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            ExprKind::Int(_, text) | ExprKind::Float(_, text) | ExprKind::Bool(_, text) => {
                f.write_str(text)
            }
            ExprKind::Str(s) => write!(f, "{s:?}"),
            ExprKind::Infer => f.write_str("_"),
            ExprKind::None => f.write_str("None"),
            ExprKind::Name(ident) => write!(f, "{ident}"),
            ExprKind::Neg(inner) => write!(f, "-{inner}"),
            ExprKind::Not(inner) => write!(f, "!{inner}"),
            ExprKind::Binary(op, lhs, rhs) => write!(f, "{lhs} {} {rhs}", op.symbol()),
            ExprKind::Tuple(items) => {
                f.write_str("(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                if items.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            ExprKind::Paren(inner) => write!(f, "({inner})"),
            ExprKind::Round { up, inner } => {
                write!(f, "{}({inner})", if *up { "ceil" } else { "floor" })
            }
        }
    }
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} = {}", self.value),
            None => write!(f, "{}", self.value),
        }
    }
}

impl LayerEntry {
    /// The entry's name as PyTorch spells it, and where it is written.
    pub fn local_name(&self) -> Option<(String, Span)> {
        use syn::ext::IdentExt;
        match (&self.name, &self.quoted) {
            (Some(ident), _) => Some((ident.unraw().to_string(), ident.span())),
            (None, Some(lit)) => Some((lit.value(), lit.span())),
            (None, None) => None,
        }
    }

    /// Whether the entry's layers are walked as if written in the
    /// enclosing list: an unnamed `{ .. }`, `residual`, `concat`, or a
    /// spread repeat. It takes no index of its own.
    pub fn is_inlined(&self) -> bool {
        self.local_name().is_none()
            && matches!(
                self.node,
                Node::Path { .. }
                    | Node::Residual { .. }
                    | Node::Concat { .. }
                    | Node::Gate { .. }
                    | Node::Repeat { spread: true, .. }
            )
    }
}
