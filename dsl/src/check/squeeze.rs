//! torchvision's `SqueezeExcitation(input_channels, squeeze_channels,
//! activation=ReLU, scale_activation=Sigmoid)`: a module whose layers are
//! named as torchvision names them (`avgpool`, `fc1`, `activation`, `fc2`,
//! `scale_activation`) and whose forward pass multiplies its input by
//! `scale_activation(fc2(activation(fc1(avgpool(x)))))`, a
//! `gate { .. }` around them.

use syn::Ident;

use super::cx::Flow;
use super::walk::{Scope, Walker};
use crate::ast::{Arg, Call, Expr, ExprKind, LayerEntry, Node};
use crate::diagnostic::Diagnostic;
use crate::eval::Env;
use crate::model::Op;
use crate::span::SpanRange;
use crate::vocab::args::LayerKind;
use crate::vocab::signature;

/// The module's PyTorch class name.
pub const NAME: &str = "SqueezeExcitation";

const PARAMS: [&str; 4] = [
    "input_channels",
    "squeeze_channels",
    "activation",
    "scale_activation",
];

impl Walker<'_, '_> {
    /// A use of `SqueezeExcitation(...)` at `path`.
    pub(super) fn squeeze_excitation(
        &mut self,
        call: &Call,
        path: &str,
        scope: &mut Scope,
        flow: &mut Flow,
        env: &dyn Env,
    ) -> Vec<Op> {
        let Some(args) = self.squeeze_args(call) else {
            flow.forget();
            return Vec::new();
        };
        let (input, squeeze, activation, scale) = args;
        let span = call.span;
        let entry = |name: &str, node: Node| LayerEntry {
            attrs: Vec::new(),
            name: Some(Ident::new(name, call.kind.span())),
            quoted: None,
            node,
            condition: None,
            span,
        };
        let int = |v: u128| Expr {
            kind: ExprKind::Int(v, v.to_string()),
            span,
        };
        let layer = |kind: &str, args: Vec<Expr>| {
            Node::Call(Call {
                kind: Ident::new(kind, call.kind.span()),
                args: args
                    .into_iter()
                    .map(|value| Arg {
                        name: None,
                        span: value.span,
                        value,
                    })
                    .collect(),
                parens: Some(call.kind.span()),
                span,
                damaged: false,
                synthetic: true,
            })
        };
        let activation_node = |a: Ident| {
            Node::Call(Call {
                span: SpanRange::single(a.span()),
                kind: a,
                args: Vec::new(),
                parens: None,
                damaged: false,
                synthetic: true,
            })
        };
        let branch = vec![
            entry("avgpool", layer("AdaptiveAvgPool2d", vec![int(1)])),
            entry(
                "fc1",
                layer("Conv2d", vec![input.clone(), squeeze.clone(), int(1)]),
            ),
            entry("activation", activation_node(activation)),
            entry("fc2", layer("Conv2d", vec![squeeze, input, int(1)])),
            entry("scale_activation", activation_node(scale)),
        ];
        let text = format!("{NAME}({})", {
            let args: Vec<String> = call.args.iter().map(ToString::to_string).collect();
            args.join(", ")
        });
        self.module(path, NAME, text, scope, flow, |w, inner, flow| {
            w.gate(call.kind.span(), &branch, inner, flow, env)
        })
    }

    /// The call's arguments by parameter: the two sizes as written, the two
    /// activations' names (defaults `ReLU` and `Sigmoid`).
    fn squeeze_args(&mut self, call: &Call) -> Option<(Expr, Expr, Ident, Ident)> {
        let mut slots: [Option<&Expr>; 4] = [None; 4];
        let mut ok = true;
        for (i, arg) in call.args.iter().enumerate() {
            let slot = match &arg.name {
                Some(name) => match PARAMS.iter().position(|p| name == p) {
                    Some(slot) => slot,
                    None => {
                        self.diags.push(
                            Diagnostic::error(
                                name.span(),
                                format!("`{NAME}` has no argument `{name}`"),
                            )
                            .note(format!("its arguments are {}", PARAMS.join(", "))),
                        );
                        ok = false;
                        continue;
                    }
                },
                None if i < PARAMS.len() => i,
                None => {
                    self.diags.push(Diagnostic::error(
                        arg.span,
                        format!("`{NAME}` takes at most {} arguments", PARAMS.len()),
                    ));
                    ok = false;
                    continue;
                }
            };
            if slots[slot].replace(&arg.value).is_some() {
                self.diags.push(Diagnostic::error(
                    arg.span,
                    format!("`{}` is given twice", PARAMS[slot]),
                ));
                ok = false;
            }
        }
        for (slot, name) in slots.iter().zip(PARAMS).take(2) {
            if slot.is_none() && !call.damaged {
                self.diags.push(
                    Diagnostic::error(call.span, format!("`{NAME}` needs `{name}`")).help(format!(
                        "write `{NAME}(input_channels, squeeze_channels)`, e.g. `{NAME}(96, 24)`"
                    )),
                );
                ok = false;
            }
        }
        let mut activation = |slot: Option<&Expr>, default: &str| -> Option<Ident> {
            let Some(expr) = slot else {
                return Some(Ident::new(default, call.kind.span()));
            };
            match &expr.kind {
                ExprKind::Name(ident)
                    if signature(&ident.to_string())
                        .is_some_and(|s| matches!(s.kind, LayerKind::Activation(_))) =>
                {
                    Some(ident.clone())
                }
                _ => {
                    self.diags.push(
                        Diagnostic::error(
                            expr.span,
                            format!("`{expr}` is not an activation"),
                        )
                        .guess(
                            expr.span,
                            default,
                            format!("name one, as a class: `ReLU`, `SiLU`, `Hardsigmoid`, `Sigmoid`, ...; the default is `{default}`"),
                        ),
                    );
                    None
                }
            }
        };
        let act = activation(slots[2], "ReLU");
        let scale = activation(slots[3], "Sigmoid");
        if !ok {
            return None;
        }
        Some((slots[0]?.clone(), slots[1]?.clone(), act?, scale?))
    }
}
