//! Finding models: the `.rs` files under the given paths, parsed with syn,
//! and every `cnn!` invocation in them, checked by the same library the
//! macro uses.

use std::fs;
use std::path::{Path, PathBuf};

use cnn_dsl::Analysis;
use cnn_dsl::diagnostic::Diagnostic;
use cnn_dsl::lint::Level;
use cnn_dsl::model::CheckedModel;
use proc_macro2::{Span, TokenStream};
use syn::visit::Visit;

use crate::Failure;

/// One `.rs` file and what was found in it.
pub struct SourceFile {
    /// The path as given or found, for messages.
    pub path: PathBuf,
    pub text: String,
    pub found: Found,
}

/// What a file holds.
pub enum Found {
    /// The `cnn!` invocations, in source order.
    Invocations(Vec<Analysis>),
    /// The file is not Rust; rustc would stop at this error.
    Unparsable(Diagnostic),
}

impl SourceFile {
    pub fn analyses(&self) -> &[Analysis] {
        match &self.found {
            Found::Invocations(list) => list,
            Found::Unparsable(_) => &[],
        }
    }

    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        match &self.found {
            Found::Invocations(list) => list.iter().flat_map(|a| a.diagnostics.iter()).collect(),
            Found::Unparsable(d) => vec![d],
        }
    }

    pub fn models(&self) -> impl Iterator<Item = &CheckedModel> {
        self.analyses().iter().flat_map(|a| &a.models)
    }
}

/// The directories checked when no path is given: the crate's own sources,
/// from the nearest `Cargo.toml` at or above the working directory.
pub fn default_paths() -> Result<Vec<PathBuf>, Failure> {
    let cwd =
        std::env::current_dir().map_err(|e| Failure::Io("the working directory".into(), e))?;
    let root = cwd
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file())
        .ok_or_else(|| {
            Failure::Usage(format!(
                "no Cargo.toml in {} or above it; name the files or directories to check",
                cwd.display()
            ))
        })?;
    let relative = |p: PathBuf| p.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(p);
    Ok(["src", "examples", "tests", "benches"]
        .iter()
        .map(|dir| root.join(dir))
        .filter(|dir| dir.is_dir())
        .map(|dir| {
            let rel = relative(dir.clone());
            if rel.as_os_str().is_empty() { dir } else { rel }
        })
        .collect())
}

/// Every `.rs` file under `paths` (files are taken as given), in the order
/// of `paths` and sorted under each, with `target` and hidden directories
/// skipped.
pub fn rust_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| Failure::Io(path.display().to_string(), e))?;
        let mut here = Vec::new();
        if meta.is_dir() {
            walk(path, &mut here)?;
        } else {
            here.push(path.clone());
        }
        here.sort();
        here.retain(|file| !files.contains(file));
        files.extend(here);
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), Failure> {
    let entries = fs::read_dir(dir).map_err(|e| Failure::Io(dir.display().to_string(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Failure::Io(dir.display().to_string(), e))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry
            .file_type()
            .map_err(|e| Failure::Io(path.display().to_string(), e))?;
        if kind.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&path, files)?;
            }
        } else if name.ends_with(".rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads, parses and checks every file under `paths`.
pub fn load(paths: &[PathBuf]) -> Result<Vec<SourceFile>, Failure> {
    load_with(paths, &[])
}

/// As [`load`], with lint levels that hold before the sources' attributes.
pub fn load_with(paths: &[PathBuf], levels: &[Level]) -> Result<Vec<SourceFile>, Failure> {
    rust_files(paths)?
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path)
                .map_err(|e| Failure::Io(path.display().to_string(), e))?;
            let found = scan_with(&text, levels);
            Ok(SourceFile { path, text, found })
        })
        .collect()
}

/// Parses `text` as a Rust file and checks its `cnn!` invocations.
pub fn scan(text: &str) -> Found {
    scan_with(text, &[])
}

/// Files nested deeper than this are not given to the Rust parser, which
/// recurses into brackets.
const MAX_FILE_NESTING: usize = 4096;

/// As [`scan`], with lint levels that hold before the source's attributes.
pub fn scan_with(text: &str, levels: &[Level]) -> Found {
    if let Some(line) = nested_too_deep(text, MAX_FILE_NESTING) {
        return Found::Unparsable(
            Diagnostic::error(
                Span::call_site(),
                format!(
                    "brackets nested more than {MAX_FILE_NESTING} deep (line {line}); the file is not read"
                ),
            )
            .note("no Rust file needs this, and reading it could exhaust the stack"),
        );
    }
    match syn::parse_file(text) {
        Ok(file) => {
            let mut finder = Finder::default();
            finder.visit_file(&file);
            Found::Invocations(
                finder
                    .bodies
                    .into_iter()
                    .map(|body| cnn_dsl::analyze_with(body, levels))
                    .collect(),
            )
        }
        Err(e) => Found::Unparsable(unparsable(&e)),
    }
}

/// The line where brackets first nest deeper than `limit`, outside strings,
/// characters and comments (a rough lexer: it only has to be right about
/// depth, and to err towards reading the file).
fn nested_too_deep(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut line) = (0, 0usize, 1);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut nested = 0;
                while i + 1 < bytes.len() {
                    match (bytes[i], bytes[i + 1]) {
                        (b'/', b'*') => {
                            nested += 1;
                            i += 2;
                        }
                        (b'*', b'/') => {
                            nested -= 1;
                            i += 2;
                            if nested == 0 {
                                break;
                            }
                        }
                        (b'\n', _) => {
                            line += 1;
                            i += 1;
                        }
                        _ => i += 1,
                    }
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            // A bracket as a character literal: '(' or '\('.
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(line);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// A syntax error outside any model, as rustc reports the file.
fn unparsable(e: &syn::Error) -> Diagnostic {
    let span: Span = e.span();
    Diagnostic::error(span, e.to_string())
        .note("this file does not parse as Rust, so its models cannot be checked")
}

/// Collects the bodies of macro calls whose path ends in `cnn`
/// (`cnn!`, `cnn::cnn!`), wherever they are: items, statements, expressions.
#[derive(Default)]
struct Finder {
    bodies: Vec<TokenStream>,
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.segments.last().is_some_and(|s| s.ident == "cnn") {
            self.bodies.push(mac.tokens.clone());
        }
    }
}
