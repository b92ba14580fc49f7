//! Blocks: their table, and the parameters of one use of a block.

use std::collections::HashMap;

use syn::Ident;

use crate::ast::{BlockDecl, Call};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::{Env, Value, eval};
use crate::span::SpanRange;
use crate::vocab::args::{Args, Params, bind};
use crate::vocab::signature;

/// The blocks of one invocation, by name.
pub struct Blocks<'a> {
    map: HashMap<String, &'a BlockDecl>,
}

impl<'a> Blocks<'a> {
    /// Indexes `decls`, reporting duplicate names, names of layers, and
    /// duplicate parameters.
    pub fn new(decls: &'a [BlockDecl], diags: &mut Diagnostics) -> Self {
        let mut map = HashMap::new();
        for block in decls {
            // A misspelt lint in the block's `#[allow]` is reported here, once.
            crate::lint::allow::split(&block.attrs, diags);
            let name = block.name.to_string();
            if signature(&name).is_some() {
                diags.push(
                    Diagnostic::error(
                        block.name.span(),
                        format!("`{name}` is a layer; a block needs another name"),
                    )
                    .guess(
                        block.name.span().into(),
                        format!("{name}Block"),
                        format!("rename the block, e.g. `{name}Block`, and its uses"),
                    ),
                );
                continue;
            }
            if map.contains_key(&name) {
                diags.push(
                    Diagnostic::error(
                        block.name.span(),
                        format!("the block `{name}` is defined twice"),
                    )
                    .help("rename one of them"),
                );
                continue;
            }
            let mut seen: Vec<String> = Vec::new();
            for p in &block.params {
                let pname = p.name.to_string();
                if seen.contains(&pname) {
                    diags.push(Diagnostic::error(
                        p.name.span(),
                        format!("the parameter `{pname}` of `{name}` is declared twice"),
                    ));
                }
                seen.push(pname);
            }
            map.insert(name, block);
        }
        Blocks { map }
    }

    pub fn get(&self, name: &str) -> Option<&'a BlockDecl> {
        self.map.get(name).copied()
    }
}

/// A block's parameters as a signature, for binding a use's arguments.
pub fn params(block: &BlockDecl) -> Params {
    Params {
        kind: block.name.to_string(),
        params: block
            .params
            .iter()
            .map(|p| {
                (
                    p.name.to_string(),
                    p.default.as_ref().map(|d| d.to_string()),
                )
            })
            .collect(),
        ignores_args: false,
    }
}

/// The values of a block's parameters for one use of it.
pub struct BlockEnv {
    values: Vec<(String, Value)>,
    /// Per parameter, where the use wrote its value (through enclosing
    /// blocks, to the outermost place a number was written).
    spans: Vec<(String, SpanRange)>,
}

impl Env for BlockEnv {
    fn lookup(&self, name: &Ident) -> Option<Value> {
        let key = name.to_string();
        self.values
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(_, v)| v.clone())
    }

    fn names(&self) -> Vec<String> {
        self.values.iter().map(|(n, _)| n.clone()).collect()
    }

    fn written_at(&self, name: &Ident) -> Option<SpanRange> {
        let key = name.to_string();
        self.spans.iter().find(|(n, _)| *n == key).map(|(_, s)| *s)
    }
}

/// Binds a use's arguments (evaluated where the block is used) to the
/// block's parameters; defaults may refer to earlier parameters. What could
/// not be bound is unknown, so it raises no second error inside the block.
pub fn bind_use(
    block: &BlockDecl,
    call: &Call,
    caller: &dyn Env,
    diags: &mut Diagnostics,
) -> (Args, BlockEnv) {
    let args = bind(call, &params(block), caller, diags);
    let mut env = BlockEnv {
        values: Vec::new(),
        spans: Vec::new(),
    };
    for p in &block.params {
        let name = p.name.to_string();
        if args.written(&name) {
            let span = args.use_span(&name).unwrap_or(args.span(&name));
            env.spans.push((name.clone(), span));
        }
        let value = if let Some(v) = args.get(&name) {
            v.value.clone()
        } else if args.written(&name) {
            Value::Unknown
        } else if let Some(default) = &p.default {
            match eval(default, &env) {
                Ok(v) => v.value,
                Err(d) => {
                    diags.push(*d);
                    Value::Unknown
                }
            }
        } else {
            Value::Unknown
        };
        env.values.push((name, value));
    }
    (args, env)
}
