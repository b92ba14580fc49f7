//! Evaluates argument expressions to values, with checked arithmetic.

use syn::Ident;

use crate::ast::{BinOp, Expr, ExprKind};
use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::span::{SpanRange, Spanned};
use crate::suggest::did_you_mean;

/// The value of an argument.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i128),
    Float(f64),
    Str(String),
    Bool(bool),
    /// `_`
    Infer,
    /// `None`
    None,
    Tuple(Vec<Spanned<Value>>),
    /// A value an earlier error left unknown (a block argument that was
    /// missing or invalid). It spreads through arithmetic silently, so one
    /// mistake is reported once.
    Unknown,
}

impl Value {
    /// How the value is named in messages: "the float `2.5`".
    pub fn describe(&self) -> String {
        match self {
            Value::Int(v) => format!("the integer `{v}`"),
            Value::Float(v) => format!("the float `{}`", fmt_float(*v)),
            Value::Str(s) => format!("the string {s:?}"),
            Value::Bool(b) => format!("`{b}`"),
            Value::Infer => "`_`".to_string(),
            Value::None => "`None`".to_string(),
            Value::Tuple(items) => format!("a tuple of {} values", items.len()),
            Value::Unknown => "an unknown value".to_string(),
        }
    }
}

impl Value {
    /// The value as it would be written in a call: `128`, `(3, 5)`, `"same"`.
    pub fn render(&self) -> Option<String> {
        Some(match self {
            Value::Int(v) => v.to_string(),
            Value::Float(v) => fmt_float(*v),
            Value::Str(s) => format!("{s:?}"),
            Value::Bool(b) => b.to_string(),
            Value::Infer => "_".to_string(),
            Value::None => "None".to_string(),
            Value::Tuple(items) => {
                let parts: Option<Vec<String>> = items.iter().map(|i| i.value.render()).collect();
                format!("({})", parts?.join(", "))
            }
            Value::Unknown => return None,
        })
    }
}

/// Formats a float the way Python prints it: `0.5`, `1e-05`.
pub fn fmt_float(v: f64) -> String {
    let s = format!("{v}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// Names an expression may refer to: the parameters of the enclosing block.
pub trait Env {
    fn lookup(&self, name: &Ident) -> Option<Value>;
    /// The names in scope, for "did you mean" suggestions.
    fn names(&self) -> Vec<String>;
    /// Where the value of `name` was written where the block is used (the
    /// place a fix of that value goes), when it was written there.
    fn written_at(&self, _name: &Ident) -> Option<crate::span::SpanRange> {
        None
    }
}

/// The empty environment of a model's top level.
pub struct NoNames;

impl Env for NoNames {
    fn lookup(&self, _: &Ident) -> Option<Value> {
        None
    }
    fn names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Errors are boxed: a diagnostic is large and the happy path is hot.
fn fail<T>(d: Diagnostic) -> Result<T, Box<Diagnostic>> {
    Err(Box::new(d))
}

/// Evaluates `expr`; the error, if any, sits on the offending sub-expression.
pub fn eval(expr: &Expr, env: &dyn Env) -> Result<Spanned<Value>, Box<Diagnostic>> {
    let value = match &expr.kind {
        ExprKind::Int(v, text) => match i128::try_from(*v) {
            Ok(v) => Value::Int(v),
            Err(_) => {
                return fail(Diagnostic::error(
                    expr.span,
                    format!("the number `{text}` is too large"),
                ));
            }
        },
        ExprKind::Float(v, _) => Value::Float(*v),
        ExprKind::Str(s) => Value::Str(s.clone()),
        ExprKind::Bool(b, _) => Value::Bool(*b),
        ExprKind::Infer => Value::Infer,
        ExprKind::None => Value::None,
        ExprKind::Name(ident) => match env.lookup(ident) {
            Some(v) => v,
            None => return fail(unknown_name(ident, env)),
        },
        ExprKind::Paren(inner) => eval(inner, env)?.value,
        ExprKind::Round { up, inner } => round(*up, inner, env)?,
        ExprKind::Tuple(items) => Value::Tuple(
            items
                .iter()
                .map(|e| eval(e, env))
                .collect::<Result<_, _>>()?,
        ),
        ExprKind::Neg(inner) => {
            let v = eval(inner, env)?;
            match v.value {
                Value::Unknown => Value::Unknown,
                Value::Int(i) => match i.checked_neg() {
                    Some(n) => Value::Int(n),
                    None => {
                        return fail(Diagnostic::error(expr.span, "this arithmetic overflows"));
                    }
                },
                Value::Float(f) => Value::Float(-f),
                other => {
                    return fail(Diagnostic::error(
                        expr.span,
                        format!("cannot negate {}", other.describe()),
                    ));
                }
            }
        }
        ExprKind::Not(inner) => {
            let v = eval(inner, env)?;
            match v.value {
                Value::Unknown => Value::Unknown,
                Value::Bool(b) => Value::Bool(!b),
                other => {
                    return fail(Diagnostic::error(
                        expr.span,
                        format!("`!` needs `true` or `false`, not {}", other.describe()),
                    ));
                }
            }
        }
        ExprKind::Binary(op, lhs, rhs) => {
            let l = eval(lhs, env)?;
            let r = eval(rhs, env)?;
            arith(*op, l, r, expr.span)?
        }
    };
    Ok(Spanned::new(value, expr.span))
}

/// `floor(inner)` or `ceil(inner)`: a division of integers at the top of
/// `inner` rounded (as Python's `//`, or up) instead of required exact; any
/// other integer as it is; a float rounded to an integer.
fn round(up: bool, inner: &Expr, env: &dyn Env) -> Result<Value, Box<Diagnostic>> {
    let mut core = inner;
    while let ExprKind::Paren(e) = &core.kind {
        core = e;
    }
    if let ExprKind::Binary(BinOp::Div, lhs, rhs) = &core.kind {
        let (l, r) = (eval(lhs, env)?, eval(rhs, env)?);
        if let (Value::Int(a), Value::Int(b)) = (&l.value, &r.value) {
            let (a, b) = (*a, *b);
            if b == 0 {
                return fail(Diagnostic::error(r.span, "division by zero"));
            }
            let overflow = || Box::new(Diagnostic::error(inner.span, "this arithmetic overflows"));
            let q = a.checked_div(b).ok_or_else(overflow)?;
            let rem = a.checked_rem(b).ok_or_else(overflow)?;
            // Truncation rounds toward zero; step to the floor or ceiling.
            let below = rem != 0 && ((rem < 0) != (b < 0));
            let above = rem != 0 && !below;
            return Ok(Value::Int(match (up, below, above) {
                (false, true, _) => q - 1,
                (true, _, true) => q.checked_add(1).ok_or_else(overflow)?,
                _ => q,
            }));
        }
        if matches!(l.value, Value::Unknown) || matches!(r.value, Value::Unknown) {
            return Ok(Value::Unknown);
        }
    }
    let v = eval(inner, env)?;
    match v.value {
        Value::Int(i) => Ok(Value::Int(i)),
        Value::Unknown => Ok(Value::Unknown),
        Value::Float(f) if f.is_finite() && f.abs() < 1e30 => {
            Ok(Value::Int(if up { f.ceil() } else { f.floor() } as i128))
        }
        other => fail(Diagnostic::error(
            v.span,
            format!(
                "`{}` rounds a number, not {}",
                if up { "ceil" } else { "floor" },
                other.describe()
            ),
        )),
    }
}

fn unknown_name(ident: &Ident, env: &dyn Env) -> Diagnostic {
    let name = ident.to_string();
    let mut candidates = env.names();
    candidates.extend(["True", "False", "None", "true", "false"].map(String::from));
    let diag = Diagnostic::error(ident.span(), format!("unknown name `{name}`"));
    match did_you_mean(&name, candidates.iter().map(String::as_str)) {
        Some(s) => diag.guess(ident.span().into(), s, format!("did you mean `{s}`?")),
        None if env.names().is_empty() => diag.help(
            "arguments are numbers, pairs like `(3, 5)`, strings, `true`/`false`, `None` or `_`",
        ),
        None => diag.help(format!(
            "the names in scope are: {}",
            env.names().join(", ")
        )),
    }
}

fn arith(
    op: BinOp,
    l: Spanned<Value>,
    r: Spanned<Value>,
    span: SpanRange,
) -> Result<Value, Box<Diagnostic>> {
    if l.value == Value::Unknown || r.value == Value::Unknown {
        return Ok(Value::Unknown);
    }
    match op {
        BinOp::And | BinOp::Or => {
            return match (&l.value, &r.value) {
                (Value::Bool(a), Value::Bool(b)) => Ok(Value::Bool(if op == BinOp::And {
                    *a && *b
                } else {
                    *a || *b
                })),
                _ => {
                    let bad = if matches!(l.value, Value::Bool(_)) {
                        &r
                    } else {
                        &l
                    };
                    fail(Diagnostic::error(
                        bad.span,
                        format!(
                            "`{}` needs `true` or `false` on both sides, not {}",
                            op.symbol(),
                            bad.value.describe()
                        ),
                    ))
                }
            };
        }
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            return compare(op, &l, &r);
        }
        _ => {}
    }
    let overflow = || Diagnostic::error(span, "this arithmetic overflows");
    match (&l.value, &r.value) {
        (Value::Int(a), Value::Int(b)) => {
            let (a, b) = (*a, *b);
            let v = match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                BinOp::Div => {
                    if b == 0 {
                        return fail(Diagnostic::error(r.span, "division by zero"));
                    }
                    let Some(rem) = a.checked_rem(b) else {
                        return fail(overflow());
                    };
                    if rem != 0 {
                        return fail(
                            Diagnostic::error(
                                span,
                                format!("`{a} / {b}` is not a whole number; sizes are integers"),
                            )
                            .edits(
                                vec![Edit::before(span, "floor("), Edit::after(span, ")")],
                                Applicability::MaybeIncorrect,
                                format!(
                                    "write `floor({a} / {b})` (Python's `{a} // {b}`) or `ceil({a} / {b})`"
                                ),
                            ),
                        );
                    }
                    a.checked_div(b)
                }
                // Comparisons and logic returned above.
                _ => return compare(op, &l, &r),
            };
            v.map(Value::Int).ok_or_else(|| Box::new(overflow()))
        }
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let a = as_f64(&l.value);
            let b = as_f64(&r.value);
            let v = match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                _ => return compare(op, &l, &r),
            };
            if v.is_finite() {
                Ok(Value::Float(v))
            } else {
                fail(Diagnostic::error(
                    span,
                    "this arithmetic does not give a finite number",
                ))
            }
        }
        _ => {
            let bad = if matches!(l.value, Value::Int(_) | Value::Float(_)) {
                &r
            } else {
                &l
            };
            fail(Diagnostic::error(
                bad.span,
                format!(
                    "`{}` needs numbers on both sides, not {}",
                    op.symbol(),
                    bad.value.describe()
                ),
            ))
        }
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => f64::NAN,
    }
}

fn compare(op: BinOp, l: &Spanned<Value>, r: &Spanned<Value>) -> Result<Value, Box<Diagnostic>> {
    use std::cmp::Ordering;
    let equality = matches!(op, BinOp::Eq | BinOp::Ne);
    let ordering = match (&l.value, &r.value) {
        (Value::Int(a), Value::Int(b)) => a.cmp(b),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            match as_f64(&l.value).partial_cmp(&as_f64(&r.value)) {
                Some(o) => o,
                None => return Ok(Value::Bool(op == BinOp::Ne)),
            }
        }
        (Value::Bool(a), Value::Bool(b)) if equality => a.cmp(b),
        (Value::Str(a), Value::Str(b)) if equality => a.cmp(b),
        (Value::None, Value::None) if equality => Ordering::Equal,
        (Value::None, _) | (_, Value::None) if equality => Ordering::Less,
        _ => {
            return fail(Diagnostic::error(
                l.span.to(r.span),
                format!(
                    "cannot compare {} with {}",
                    l.value.describe(),
                    r.value.describe()
                ),
            ));
        }
    };
    Ok(Value::Bool(match op {
        BinOp::Eq => ordering == Ordering::Equal,
        BinOp::Ne => ordering != Ordering::Equal,
        BinOp::Lt => ordering == Ordering::Less,
        BinOp::Le => ordering != Ordering::Greater,
        BinOp::Gt => ordering == Ordering::Greater,
        _ => ordering != Ordering::Less,
    }))
}
