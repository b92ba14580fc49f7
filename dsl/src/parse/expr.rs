//! Argument expressions: literals, `_`, names, pairs, and integer arithmetic
//! (`Linear(32 * 7 * 7, 10)` is how PyTorch code often writes sizes).

use syn::parse::ParseStream;
use syn::{Ident, Lit, Token};

use crate::ast::{BinOp, Expr, ExprKind};
use crate::span::SpanRange;

/// Parses one expression, conditions included:
/// `a || b`, `a && b`, `a == b` (and `!=`, `<`, `<=`, `>`, `>=`), `!a`,
/// then arithmetic.
pub fn parse_expr(input: ParseStream) -> syn::Result<Expr> {
    let mut lhs = parse_and(input)?;
    while input.peek(Token![||]) {
        input.parse::<Token![||]>()?;
        let rhs = parse_and(input)?;
        lhs = binary(BinOp::Or, lhs, rhs);
    }
    Ok(lhs)
}

fn parse_and(input: ParseStream) -> syn::Result<Expr> {
    let mut lhs = parse_comparison(input)?;
    while input.peek(Token![&&]) {
        input.parse::<Token![&&]>()?;
        let rhs = parse_comparison(input)?;
        lhs = binary(BinOp::And, lhs, rhs);
    }
    Ok(lhs)
}

fn parse_comparison(input: ParseStream) -> syn::Result<Expr> {
    let lhs = parse_arith(input)?;
    // Two-character operators first: `<` would also match the start of `<=`.
    let op = if input.peek(Token![==]) {
        input.parse::<Token![==]>()?;
        BinOp::Eq
    } else if input.peek(Token![!=]) {
        input.parse::<Token![!=]>()?;
        BinOp::Ne
    } else if input.peek(Token![<=]) {
        input.parse::<Token![<=]>()?;
        BinOp::Le
    } else if input.peek(Token![>=]) {
        input.parse::<Token![>=]>()?;
        BinOp::Ge
    } else if input.peek(Token![<]) {
        input.parse::<Token![<]>()?;
        BinOp::Lt
    } else if input.peek(Token![>]) {
        input.parse::<Token![>]>()?;
        BinOp::Gt
    } else {
        return Ok(lhs);
    };
    let rhs = parse_arith(input)?;
    Ok(binary(op, lhs, rhs))
}

/// Parses arithmetic only: `term (('+' | '-') term)*`. Used where a `>`
/// ends the expression, as in a model's `<3, 32, 32>`.
pub fn parse_arith(input: ParseStream) -> syn::Result<Expr> {
    let mut lhs = parse_term(input)?;
    loop {
        let op = if input.peek(Token![+]) {
            input.parse::<Token![+]>()?;
            BinOp::Add
        } else if input.peek(Token![-]) && !input.peek(Token![->]) {
            input.parse::<Token![-]>()?;
            BinOp::Sub
        } else {
            return Ok(lhs);
        };
        let rhs = parse_term(input)?;
        lhs = binary(op, lhs, rhs);
    }
}

/// `unary (('*' | '/') unary)*`
fn parse_term(input: ParseStream) -> syn::Result<Expr> {
    let mut lhs = parse_unary(input)?;
    loop {
        let op = if input.peek(Token![*]) {
            let star: Token![*] = input.parse()?;
            if input.peek(Token![*]) {
                return Err(syn::Error::new(
                    star.span,
                    "`**` (power) is not supported in sizes; write the number out",
                ));
            }
            BinOp::Mul
        } else if input.peek(Token![/]) {
            input.parse::<Token![/]>()?;
            BinOp::Div
        } else {
            return Ok(lhs);
        };
        let rhs = parse_unary(input)?;
        lhs = binary(op, lhs, rhs);
    }
}

fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr {
        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
        span,
    }
}

fn parse_unary(input: ParseStream) -> syn::Result<Expr> {
    if input.peek(Token![!]) && !input.peek(Token![!=]) {
        let bang: Token![!] = input.parse()?;
        let inner = parse_unary(input)?;
        let span = SpanRange::new(bang.span, inner.span.end);
        return Ok(Expr {
            kind: ExprKind::Not(Box::new(inner)),
            span,
        });
    }
    if input.peek(Token![-]) {
        let minus: Token![-] = input.parse()?;
        let inner = parse_unary(input)?;
        let span = SpanRange::new(minus.span, inner.span.end);
        return Ok(Expr {
            kind: ExprKind::Neg(Box::new(inner)),
            span,
        });
    }
    parse_atom(input)
}

fn parse_atom(input: ParseStream) -> syn::Result<Expr> {
    if input.peek(Token![_]) {
        let underscore: Token![_] = input.parse()?;
        return Ok(Expr {
            kind: ExprKind::Infer,
            span: underscore.span.into(),
        });
    }
    if input.peek(syn::token::Bracket) {
        // A Python list, `[0, 2, 3, 1]`: read as a tuple.
        let content;
        let bracket = syn::bracketed!(content in input);
        let span = SpanRange::new(bracket.span.open(), bracket.span.close());
        let mut items = Vec::new();
        while !content.is_empty() {
            items.push(parse_expr(&content)?);
            if content.is_empty() {
                break;
            }
            if !content.peek(Token![,]) {
                return Err(content.error("expected `,` or `]`"));
            }
            content.parse::<Token![,]>()?;
        }
        return Ok(Expr {
            kind: ExprKind::Tuple(items),
            span,
        });
    }
    if input.peek(syn::token::Paren) {
        let content;
        let paren = syn::parenthesized!(content in input);
        let span = SpanRange::new(paren.span.open(), paren.span.close());
        let mut items = Vec::new();
        let mut trailing_comma = false;
        while !content.is_empty() {
            items.push(parse_expr(&content)?);
            trailing_comma = false;
            if content.is_empty() {
                break;
            }
            if !content.peek(Token![,]) {
                return Err(content.error("expected `,` or `)`"));
            }
            content.parse::<Token![,]>()?;
            trailing_comma = true;
        }
        if items.is_empty() {
            return Err(syn::Error::new(
                paren.span.join(),
                "expected a value inside `()`, e.g. a pair such as `(3, 5)`",
            ));
        }
        let kind = if items.len() == 1 && !trailing_comma {
            ExprKind::Paren(Box::new(items.remove(0)))
        } else {
            ExprKind::Tuple(items)
        };
        return Ok(Expr { kind, span });
    }
    if input.peek(Ident) && input.peek2(syn::token::Paren) {
        let fork = input.fork();
        let ident: Ident = fork.parse()?;
        if ident == "floor" || ident == "ceil" {
            input.parse::<Ident>()?;
            let content;
            let paren = syn::parenthesized!(content in input);
            let inner = parse_expr(&content)?;
            if !content.is_empty() {
                return Err(content.error(format!(
                    "`{ident}(...)` takes one value, e.g. `{ident}(k / 2)`"
                )));
            }
            let span = SpanRange::new(ident.span(), paren.span.close());
            return Ok(Expr {
                kind: ExprKind::Round {
                    up: ident == "ceil",
                    inner: Box::new(inner),
                },
                span,
            });
        }
    }
    if input.peek(Ident) && input.peek2(Token![.]) && !input.peek2(Token![..]) {
        // `nn.SiLU`, as torchvision passes an activation class: the `nn.`
        // is dropped, as in layer calls.
        let fork = input.fork();
        let module: Ident = fork.parse()?;
        if module == "nn" {
            input.parse::<Ident>()?;
            input.parse::<Token![.]>()?;
        }
    }
    if input.peek(Ident) {
        let ident: Ident = input.parse()?;
        let span = SpanRange::single(ident.span());
        let kind = match ident.to_string().as_str() {
            "True" => ExprKind::Bool(true, "True".into()),
            "False" => ExprKind::Bool(false, "False".into()),
            "None" => ExprKind::None,
            _ => ExprKind::Name(ident),
        };
        return Ok(Expr { kind, span });
    }
    if input.peek(Lit) {
        let lit: Lit = input.parse()?;
        let span = SpanRange::single(lit.span());
        let kind = match &lit {
            Lit::Int(int) => {
                if !int.suffix().is_empty() {
                    return Err(syn::Error::new(
                        int.span(),
                        format!(
                            "write sizes without a type suffix: `{}`, not `{int}`",
                            int.base10_digits()
                        ),
                    ));
                }
                let value = int.base10_parse::<u128>().map_err(|_| {
                    syn::Error::new(int.span(), format!("the number `{int}` is too large"))
                })?;
                ExprKind::Int(value, int.to_string())
            }
            Lit::Float(float) => {
                if !float.suffix().is_empty() {
                    return Err(syn::Error::new(
                        float.span(),
                        format!(
                            "write numbers without a type suffix: `{}`, not `{float}`",
                            float.base10_digits()
                        ),
                    ));
                }
                let value = float.base10_parse::<f64>().map_err(|_| {
                    syn::Error::new(
                        float.span(),
                        format!("`{float}` is not a number cnn can read"),
                    )
                })?;
                ExprKind::Float(value, float.to_string())
            }
            Lit::Str(s) => ExprKind::Str(s.value()),
            Lit::Bool(b) => ExprKind::Bool(b.value, b.value.to_string()),
            _ => {
                return Err(syn::Error::new(
                    lit.span(),
                    "expected a number, a pair like `(3, 5)`, a string like \"same\", `true`/`false` or `_`",
                ));
            }
        };
        return Ok(Expr { kind, span });
    }
    Err(input.error(
        "expected a number, a pair like `(3, 5)`, a string like \"same\", `true`/`false` or `_`",
    ))
}
