//! `cli/README.md` quotes `cargo cnn`'s real output, and the macro's
//! documentation the lint warning's real text.

mod common;
use common::*;

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap()
}

#[test]
fn the_manual_quotes_check_summary_weights_and_import() {
    let readme = read("cli/README.md");
    for args in [
        &["check", "tests/ui/model/three-mistakes.rs"][..],
        &["summary", "examples/tutorial.rs"],
        &[
            "weights",
            "VggSmall",
            "tests/fixtures/vgg_small.safetensors",
            "--path",
            "tests/models",
        ],
        &[
            "import",
            "tests/fixtures/onnx/seed_a.onnx",
            "--name",
            "SeedA",
            "--weights",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/seed_a.safetensors"),
        ],
    ] {
        let r = run(&repo(), args);
        assert!(
            readme.contains(r.stdout.trim_end()),
            "cli/README.md must quote `cargo cnn {}`:\n{}",
            args.join(" "),
            r.stdout
        );
    }
}

#[test]
fn the_macro_docs_quote_the_lint_warning() {
    // The snapshot denies the lint, so rustc calls it an error; the docs
    // show the warning a user sees, whose text is the same.
    let snapshot =
        std::fs::read_to_string(repo().join("tests/ui/lints/unused-pixels.stderr")).unwrap();
    let readme = read("src/docs/cnn.md");
    for line in snapshot
        .lines()
        .take_while(|l| !l.trim_start().starts_with("-->"))
    {
        let text = line
            .trim_start()
            .replacen("error: use of", "warning: use of", 1);
        assert!(readme.contains(&text), "src/docs/cnn.md must show: {text}");
    }
}
