//! Fuzzing the macro: the models of the UI corpus (`tests/ui`), mutated a
//! few tokens at a time (a token dropped, doubled, swapped, or replaced by
//! an extreme number, a keyword, a bracket), go through the whole macro.
//! Every input must expand quickly and without a panic, to valid Rust, and
//! the macro must agree with `cargo cnn check` (the checker alone): a model
//! the checker passes is one the generator builds, never an "internal
//! error".
//!
//! A few thousand inputs run with the tests; the long run is
//! `CNN_FUZZ_CASES=1000000 CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true cargo
//! test --release -p cnn-macros fuzz_long -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::expand;

// The UI cases are read as the checker's fix round trip reads them.
#[path = "../../../dsl/tests/support/cnn_body.rs"]
mod cnn_body;
use cnn_body::body;

/// Words a mutation puts in place of a token.
const WORDS: &[&str] = &[
    "0",
    "1",
    "-1",
    "3",
    "1024",
    "2147483647",
    "2147483648",
    "4294967296",
    "18446744073709551615",
    "99999999999999999999999",
    "170141183460469231731687303715884105727",
    "1e400",
    "0.5",
    "_",
    "None",
    "True",
    "\"same\"",
    "\"x\\n\"",
    "r#type",
    "Conv2d",
    "Linear",
    "ReLU",
    "Flatten",
    "MaxPool2d",
    "BatchNorm2d",
    "residual",
    "concat",
    "split",
    "gate",
    "block",
    "struct",
    "if",
    "floor",
    "..",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    ";",
    ",",
    ":",
    "=",
    "+",
    "-",
    "*",
    "/",
    "!=",
    "#",
];

/// The `cnn! { ... }` bodies of the UI corpus.
pub fn corpus() -> Vec<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/ui");
    let mut bodies = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                bodies.extend(body(&text).map(str::to_string));
            }
        }
    }
    bodies.sort();
    bodies
}

/// A token stream as a flat list of words, brackets included.
fn words(tokens: TokenStream, out: &mut Vec<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push(open.to_string());
                words(g.stream(), out);
                out.push(close.to_string());
            }
            other => out.push(other.to_string()),
        }
    }
}

/// A small deterministic generator (xorshift): the long run needs no crate.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `source` with one to four mutations.
pub fn mutate(source: &str, rng: &mut Rng) -> String {
    let mut list = Vec::new();
    if let Ok(tokens) = source.parse::<TokenStream>() {
        words(tokens, &mut list);
    }
    for _ in 0..=rng.below(4) {
        let n = list.len();
        let i = rng.below(n);
        match rng.below(6) {
            0 if n > 0 => {
                list.remove(i);
            }
            1 if n > 0 => {
                let copy = list[i].clone();
                list.insert(i, copy);
            }
            2 if n > 1 => {
                let j = rng.below(n);
                list.swap(i, j);
            }
            3 => list.insert(i, WORDS[rng.below(WORDS.len())].to_string()),
            // Numbers are where the overflows live: replace one.
            4 => {
                let numbers: Vec<usize> = (0..n)
                    .filter(|&k| list[k].starts_with(|c: char| c.is_ascii_digit()))
                    .collect();
                if !numbers.is_empty() {
                    let k = numbers[rng.below(numbers.len())];
                    list[k] = WORDS[rng.below(12)].to_string();
                }
            }
            _ if n > 0 => list[i] = WORDS[rng.below(WORDS.len())].to_string(),
            _ => {}
        }
    }
    list.join(" ")
}

/// Expands `src`; fails on a slow expansion, invalid Rust, or an internal
/// error on a model the checker passed. Returns whether it tokenized.
pub fn check_one(src: &str, budget: Duration) -> Result<bool, String> {
    let Ok(tokens) = src.parse::<TokenStream>() else {
        return Ok(false);
    };
    let passed = !cnn_dsl::analyze(tokens.clone()).diagnostics.has_errors();
    // The macro's own work is timed; the checks of its output are not.
    let start = Instant::now();
    let out = expand(tokens);
    let took = start.elapsed();
    if took > budget {
        return Err(format!("{took:?} to expand:\n{src}"));
    }
    let text = out.to_string();
    if text.contains("internal error in cnn!") {
        return Err(format!(
            "the checker {} but the generator failed:\n{src}\n{text}",
            if passed { "passed it" } else { "found errors" }
        ));
    }
    if let Err(e) = syn::parse2::<syn::File>(out) {
        return Err(format!("the expansion is not Rust ({e}):\n{src}\n{text}"));
    }
    Ok(true)
}

/// Runs `cases` mutated inputs from `seed`, on every core.
pub fn run(cases: usize, seed: u64, budget: Duration) -> (usize, usize, Vec<String>) {
    let corpus = corpus();
    assert!(corpus.len() > 60, "the UI corpus is missing");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let results: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let corpus = &corpus;
                scope.spawn(move || {
                    let mut rng = Rng::new(seed ^ ((t as u64 + 1) * 0x1234_5678));
                    let (mut tokenized, mut failures) = (0, Vec::new());
                    let mine = cases / threads + usize::from(t < cases % threads);
                    for _ in 0..mine {
                        let src = mutate(&corpus[rng.below(corpus.len())], &mut rng);
                        let outcome = std::panic::catch_unwind(|| check_one(&src, budget));
                        match outcome {
                            Ok(Ok(true)) => tokenized += 1,
                            Ok(Ok(false)) => {}
                            Ok(Err(e)) => failures.push(e),
                            Err(_) => failures.push(format!("panicked on:\n{src}")),
                        }
                        if failures.len() > 5 {
                            break;
                        }
                    }
                    (mine, tokenized, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut total = (0, 0, Vec::new());
    for (n, ok, f) in results {
        total.0 += n;
        total.1 += ok;
        total.2.extend(f);
    }
    total
}

#[test]
fn mutated_ui_models_expand_to_rust_and_agree_with_the_checker() {
    // A fixed seed and budget: the same inputs on every run.
    let (cases, tokenized, failures) = run(3000, 16, Duration::from_secs(2));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        tokenized > cases / 2,
        "only {tokenized} of {cases} tokenized"
    );
}

#[test]
#[ignore = "the long run: see the module's documentation"]
fn fuzz_long() {
    let cases = std::env::var("CNN_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let seed = std::env::var("CNN_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let start = Instant::now();
    let (cases, tokenized, failures) = run(cases, seed, Duration::from_millis(500));
    println!(
        "{cases} mutated models ({tokenized} tokenized) in {:?}: {} failures",
        start.elapsed(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
