//! The README quotes `cargo cnn`'s real output, and the lint warning's real
//! text.

mod common;
use common::*;

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).unwrap()
}

#[test]
fn the_readme_quotes_check_summary_and_weights() {
    let readme = readme();
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
    ] {
        let r = run(&repo(), args);
        assert!(
            readme.contains(r.stdout.trim_end()),
            "README.md must quote `cargo cnn {}`:\n{}",
            args.join(" "),
            r.stdout
        );
    }
}

#[test]
fn the_readme_quotes_the_lint_warning() {
    // The snapshot denies the lint, so rustc calls it an error; the README
    // shows the warning a user sees, whose text is the same.
    let snapshot =
        std::fs::read_to_string(repo().join("tests/ui/lints/unused-pixels.stderr")).unwrap();
    let readme = readme();
    for line in snapshot
        .lines()
        .take_while(|l| !l.trim_start().starts_with("-->"))
    {
        let text = line
            .trim_start()
            .replacen("error: use of", "warning: use of", 1);
        assert!(readme.contains(&text), "README.md must show: {text}");
    }
}
