//! The recovered entries as `cnn!` text. Layers whose paths share a first
//! name are grouped into a module of that name, so the state_dict names
//! come out as the paths say: `layer1: { "0": { residual { conv1: ... } } }`
//! holds `layer1.0.conv1`.

use crate::import::layer::Layer;
use crate::import::recover::Entry;

const INDENT: &str = "    ";

/// The layer lines of a model (or a module) at `prefix`.
pub fn entries(entries: &[Entry], prefix: &[String], depth: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let key = key(&entries[i], prefix);
        let mut end = i + 1;
        if key.is_some() {
            while end < entries.len() && self::key(&entries[end], prefix) == key {
                end += 1;
            }
        }
        let group = &entries[i..end];
        let text = match (key, group) {
            // A split or concatenation whose layers are all in one branch,
            // under one name: the name is that branch's (`split { {},
            // branch2: .. }`).
            (Some(_), [e @ (Entry::Split { branches } | Entry::Concat { branches })])
                if branches.iter().filter(|b| !b.is_empty()).count() == 1 =>
            {
                unnamed(e, prefix, depth)
            }
            (Some(k), _) => named(&k, group, prefix, depth),
            (None, _) => unnamed(&entries[i], prefix, depth),
        };
        lines.push(text);
        i = end;
    }
    lines
}

/// Entries joined one a line at `depth`, each ending in a comma.
fn block(lines: &[String], depth: usize) -> String {
    let pad = INDENT.repeat(depth);
    lines.iter().map(|l| format!("{pad}{l},\n")).collect()
}

/// A name as `cnn!` takes it: bare when it is a Rust identifier.
pub fn name(k: &str) -> String {
    let ident = k
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !is_keyword(k);
    if ident {
        k.to_string()
    } else {
        format!("\"{k}\"")
    }
}

fn is_keyword(k: &str) -> bool {
    matches!(
        k,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
            | "residual"
            | "concat"
            | "split"
            | "gate"
    )
}

/// The first name, after `prefix`, that every layer of `entry` is under.
fn key(entry: &Entry, prefix: &[String]) -> Option<String> {
    let mut found: Option<&String> = None;
    for layer in entry.layers() {
        let path = layer.path.as_ref()?;
        if path.len() <= prefix.len() || path[..prefix.len()] != *prefix {
            return None;
        }
        let k = &path[prefix.len()];
        if found.is_some_and(|f| f != k) {
            return None;
        }
        found = Some(k);
    }
    found.cloned()
}

fn is_leaf(layer: &Layer, prefix: &[String], k: &str) -> bool {
    layer.path.as_ref().is_some_and(|p| {
        p.len() == prefix.len() + 1 && p[..prefix.len()] == *prefix && p[prefix.len()] == k
    })
}

/// `k: Layer(..)`, `k: [a, b]` (children named `0`, `1`, ...) or
/// `k: { .. }`.
fn named(k: &str, group: &[Entry], prefix: &[String], depth: usize) -> String {
    if let [Entry::Layer(l)] = group
        && is_leaf(l, prefix, k)
    {
        return format!("{}: {}", name(k), l.call);
    }
    let inner: Vec<String> = prefix.iter().cloned().chain([k.to_string()]).collect();
    // A Sequential of single layers: `[Conv2d(..), BatchNorm2d(..), ReLU]`.
    let numbered = group.iter().enumerate().all(|(i, e)| match e {
        Entry::Layer(l) => is_leaf(l, &inner, &i.to_string()),
        _ => false,
    });
    if numbered {
        let calls: Vec<&str> = group
            .iter()
            .map(|e| match e {
                Entry::Layer(l) => l.call.as_str(),
                _ => unreachable!("checked above"),
            })
            .collect();
        let one_line = format!("{}: [{}]", name(k), calls.join(", "));
        if one_line.len() <= 90 {
            return one_line;
        }
        let pad = INDENT.repeat(depth + 1);
        let body: String = calls.iter().map(|c| format!("{pad}{c},\n")).collect();
        return format!("{}: [\n{body}{}]", name(k), INDENT.repeat(depth));
    }
    let lines = entries(group, &inner, depth + 1);
    format!(
        "{}: {{\n{}{}}}",
        name(k),
        block(&lines, depth + 1),
        INDENT.repeat(depth)
    )
}

/// An entry its layers' names do not group: a layer written bare (numbered
/// where it stands), or a construct inline.
fn unnamed(entry: &Entry, prefix: &[String], depth: usize) -> String {
    let pad = INDENT.repeat(depth);
    let body = |list: &[Entry]| block(&entries(list, prefix, depth + 1), depth + 1);
    // A branch: one entry as itself, several inside `{ .. }`, none as `{}`.
    let branch = |list: &[Entry]| -> String {
        let lines = entries(list, prefix, depth + 1);
        match lines.as_slice() {
            [] => "{}".to_string(),
            [one] => one.clone(),
            _ => {
                let deeper = entries(list, prefix, depth + 2);
                format!("{{\n{}{pad}{INDENT}}}", block(&deeper, depth + 2))
            }
        }
    };
    match entry {
        Entry::Layer(l) => l.call.clone(),
        Entry::Residual { main, shortcut } => {
            let mut text = format!("residual {{\n{}{pad}}}", body(main));
            if !shortcut.is_empty() {
                text += &format!(" + {}", branch(shortcut));
            }
            text
        }
        Entry::Gate { branch: b } => format!("gate {{\n{}{pad}}}", body(b)),
        Entry::Concat { branches } | Entry::Split { branches } => {
            let kind = if matches!(entry, Entry::Concat { .. }) {
                "concat"
            } else {
                "split"
            };
            let parts: Vec<String> = branches.iter().map(|b| branch(b)).collect();
            let one_line = format!("{kind} {{ {} }}", parts.join(", "));
            if one_line.len() <= 90 && !one_line.contains('\n') {
                return one_line;
            }
            format!("{kind} {{\n{}{pad}}}", block(&parts, depth + 1))
        }
    }
}
