//! `cargo cnn fix`: the certain fixes of several broken models applied in
//! place, in a git repository, refusing to touch uncommitted changes.

mod common;
use common::*;

use std::path::Path;
use std::process::Command;

/// A crate with three broken models in two files, committed to a fresh git
/// repository.
fn broken_crate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/nets")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"broken\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/lib.rs"),
        r#"pub mod nets;
use cnn::cnn;

cnn! {
    pub struct Small<3, 32, 32> {
        conv1: Conv2d(3, 16, 3, padding = 1),
        bn1: BatchNorm2d(8),
        relu: ReLU,
        flatten: Flatten,
        fc: Linear(1000, 10),
    }

    pub struct Res<16, 8, 8> {
        res: residual {
            conv1: Conv2d(16, 16, 3),
            relu: ReLU,
        },
        pool: AdaptiveAvgPool2d(1),
    }
}
"#,
    )
    .unwrap();
    std::fs::write(
        root.join("src/nets/mod.rs"),
        r#"use cnn::cnn;

cnn! {
    pub struct Mixed<3, 32, 32> {
        conv: Conv2d(3, 16, kernel = 3, stride = 2, padding = "same")
        relu: ReLU,
        fc: Linear(100, 10),
        out: Softmax(dim = 0),
    }
}
"#,
    )
    .unwrap();
    git(root, &["init", "-q"]);
    commit(root, "broken");
    dir
}

/// Commits everything in `dir`.
fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "."]);
    let identity = ["-c", "user.name=t", "-c", "user.email=t@t"];
    git(dir, &[&identity[..], &["commit", "-qm", message]].concat());
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn fix_applies_every_certain_fix_and_the_crate_checks_clean() {
    let dir = broken_crate();
    let before = run(dir.path(), &["check"]);
    assert_eq!(before.code, 1);
    assert!(before.stdout.contains("errors"), "{}", before.stdout);

    let r = run(dir.path(), &["fix"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("fixed src/lib.rs"), "{}", r.stdout);
    assert!(r.stdout.contains("fixed src/nets/mod.rs"), "{}", r.stdout);
    assert!(
        r.stdout.contains("`8` -> `16`") && r.stdout.contains("`1000` -> `16384`"),
        "{}",
        r.stdout
    );

    let lib = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    assert!(lib.contains("bn1: BatchNorm2d(16)"), "{lib}");
    assert!(lib.contains("fc: Linear(16384, 10)"), "{lib}");
    assert!(
        lib.contains("conv1: Conv2d(16, 16, 3, padding = 1)"),
        "{lib}"
    );
    let nets = std::fs::read_to_string(dir.path().join("src/nets/mod.rs")).unwrap();
    assert!(
        nets.contains("Conv2d(3, 16, kernel_size = 3, stride = 2, padding = 1),"),
        "{nets}"
    );
    assert!(nets.contains("Softmax(dim = 1)"), "{nets}");

    let after = run(dir.path(), &["check"]);
    assert_eq!(after.code, 0, "{}", after.stdout);
    assert!(after.stdout.contains("no problems"), "{}", after.stdout);
    // Nothing is left to do.
    commit(dir.path(), "fixed");
    assert!(run(dir.path(), &["fix"]).stdout.contains("nothing to fix"));
}

#[test]
fn fix_leaves_uncommitted_changes_alone_unless_allowed() {
    let dir = broken_crate();
    let lib = dir.path().join("src/lib.rs");
    let edited = std::fs::read_to_string(&lib).unwrap() + "\n// an edit of the user's\n";
    std::fs::write(&lib, &edited).unwrap();

    let r = run(dir.path(), &["fix"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("not yet committed"), "{}", r.stderr);
    assert!(r.stderr.contains("src/lib.rs"), "{}", r.stderr);
    assert!(r.stderr.contains("--allow-dirty"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), edited);

    let r = run(dir.path(), &["fix", "--allow-dirty"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let fixed = std::fs::read_to_string(&lib).unwrap();
    assert!(fixed.contains("BatchNorm2d(16)") && fixed.contains("an edit of the user's"));
}

#[test]
fn fix_outside_git_needs_permission_and_reports_what_it_cannot_fix() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("model.rs");
    // A fix that is certain, and a mistake whose fix is a guess.
    std::fs::write(
        &file,
        "cnn::cnn! { struct N<3, 8, 8> { conv: Conv2d(3, 8, 3), bn: BatchNorm2d(4), pool: MaxPool2d(9) } }\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let r = run(dir.path(), &["fix", path]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--allow-no-vcs"), "{}", r.stderr);

    let r = run(dir.path(), &["fix", "--allow-no-vcs", path]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("`4` -> `8`"), "{}", r.stdout);
    assert!(
        r.stdout.contains("pooling window does not fit"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 left: 1 error"), "{}", r.stdout);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("BatchNorm2d(8)") && text.contains("MaxPool2d(9)"),
        "{text}"
    );
}
