//! `cargo cnn check`: finding the models, the diagnostics in each format,
//! exit codes.

mod common;
use common::*;

#[test]
fn a_crate_with_errors_warnings_and_a_file_that_is_not_rust() {
    let r = run(&fixture_crate(), &["check", "--pedantic"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn json_has_one_object_per_diagnostic() {
    let r = run(
        &fixture_crate(),
        &["check", "--pedantic", "--format", "json"],
    );
    assert_eq!(r.code, 1);
    let all = json_lines(&r.stdout);
    let place = |d: &serde_json::Value| {
        format!(
            "{}:{}:{}",
            d["file"].as_str().unwrap(),
            d["line"],
            d["column"]
        )
    };
    let summary: Vec<String> = all
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                place(d),
                d["severity"].as_str().unwrap(),
                d["code"]
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "src/broken.rs:3:13 error null",
            "src/lib.rs:18:15 warning \"bias_before_batchnorm\"",
            "src/nets/mod.rs:10:24 error null",
            "src/nets/mod.rs:11:18 error null",
            "examples/strided.rs:6:15 warning \"unused_pixels\"",
        ]
    );
    let linear = &all[2];
    assert_eq!(
        linear["message"],
        "`fc` expects 1024 input features, but receives 1152 (= 8 x 12 x 12 from `pool`)"
    );
    assert_eq!(linear["end"]["line"], 10);
    assert_eq!(linear["end"]["column"], 28);
    assert_eq!(linear["fix"]["applicability"], "MachineApplicable");
    assert_eq!(linear["fix"]["edits"][0]["text"], "1152");
    assert_eq!(linear["fix"]["edits"][0]["column"], 24);
    let strided = &all[4];
    assert_eq!(
        strided["fix"]["edits"][0]["text"],
        "Conv2d(3, 8, 5, stride = 2, padding = 1)"
    );
    assert_eq!(strided["notes"].as_array().unwrap().len(), 2);
    assert!(strided["help"].as_str().unwrap().contains("padding = 1"));
}

#[test]
fn github_annotations() {
    let r = run(
        &fixture_crate(),
        &["check", "--pedantic", "--format", "github", "src/lib.rs"],
    );
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn warnings_fail_only_when_denied() {
    let dir = fixture_crate();
    assert_eq!(run(&dir, &["check", "--pedantic", "examples"]).code, 0);
    assert_eq!(
        run(
            &dir,
            &["check", "--pedantic", "--deny", "warnings", "examples"]
        )
        .code,
        1
    );
    // At the default levels, the pedantic warning is not raised at all.
    assert_eq!(
        run(&dir, &["check", "--deny", "warnings", "examples"]).code,
        0
    );
    assert_eq!(run(&dir, &["check", "-D", "warnings", "tests"]).code, 0);
}

#[test]
fn a_file_without_models_is_clean() {
    let r = run(&fixture_crate(), &["check", "src/empty.rs"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "checked 0 models in 1 file: no problems\n")
    );
}

#[test]
fn runs_as_a_cargo_subcommand() {
    // `cargo cnn check` calls `cargo-cnn cnn check`.
    let r = run(&fixture_crate(), &["cnn", "check", "tests"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "checked 1 model in 1 file: no problems\n")
    );
}

#[test]
fn usage_and_io_failures_exit_with_2() {
    let r = run(&fixture_crate(), &["check", "no/such/dir"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: no/such/dir: "), "{}", r.stderr);
    let r = run(&fixture_crate(), &["chek"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unrecognized subcommand 'chek'"),
        "{}",
        r.stderr
    );
    let r = run(&fixture_crate(), &["check", "--format", "xml"]);
    assert_eq!(r.code, 2);
    let outside = std::env::temp_dir();
    if !outside.ancestors().any(|d| d.join("Cargo.toml").is_file()) {
        let r = run(&outside, &["check"]);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("no Cargo.toml"), "{}", r.stderr);
    }
}

#[test]
fn the_examples_and_fixture_models_are_clean() {
    for dir in ["examples", "tests/models"] {
        let r = run(&repo(), &["check", "--deny", "warnings", dir]);
        assert_eq!(r.code, 0, "{dir}:\n{}", r.stdout);
        assert!(r.stdout.ends_with("no problems\n"), "{}", r.stdout);
    }
}

#[test]
fn every_lint_is_raised_by_the_command() {
    let r = run(&repo(), &["check", "--format", "json", "tests/ui/lints"]);
    let all = json_lines(&r.stdout);
    for lint in cnn_dsl::lint::LINTS {
        let raised = all.iter().filter(|d| d["code"] == lint.name).count();
        // `pool_stride_gaps` also fires in the case pinning `allow`, and
        // `unused_pixels`'s case has a default and a pedantic instance.
        let expected = if ["pool_stride_gaps", "unused_pixels"].contains(&lint.name) {
            2
        } else {
            1
        };
        assert_eq!(raised, expected, "{}", lint.name);
    }
}

#[test]
fn no_prefix_of_a_source_file_makes_it_panic() {
    // Cut anywhere, a file is a syntax error or a broken model: each is
    // reported, in every format, without a panic.
    let text = std::fs::read_to_string(repo().join("tests/ui/model/three-mistakes.rs")).unwrap();
    let cuts: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    for cut in cuts {
        let prefix = &text[..cut];
        let file = cargo_cnn::find::SourceFile {
            path: "prefix.rs".into(),
            text: prefix.to_string(),
            found: cargo_cnn::find::scan(prefix),
        };
        let files = [file];
        for report in cargo_cnn::report::reports(&files) {
            assert!(!cargo_cnn::render::human(&report, false).is_empty());
            assert!(cargo_cnn::render::json(&report).starts_with('{'));
            assert!(cargo_cnn::render::github(&report).starts_with("::"));
        }
    }
}

#[test]
fn lints_lists_every_lint_with_its_reason() {
    let r = run(&fixture_crate(), &["lints"]);
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), cnn_dsl::lint::LINTS.len());
    for (line, lint) in lines.iter().zip(cnn_dsl::lint::LINTS) {
        assert!(
            line.starts_with(lint.name) && line.ends_with(lint.reason),
            "{line}"
        );
    }
}

#[test]
fn message_format_json_is_cargos_compiler_messages_with_rustcs_suggestions() {
    let r = run(&fixture_crate(), &["check", "--message-format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    // Every line is one of cargo's messages, read with cargo's own schema.
    let messages: Vec<cargo_metadata::Message> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let Some(cargo_metadata::Message::BuildFinished(done)) = messages.last() else {
        panic!(
            "the last line is not build-finished: {}",
            lines.last().unwrap()
        );
    };
    assert!(!done.success);
    let diagnostics: Vec<&cargo_metadata::diagnostic::Diagnostic> = messages
        .iter()
        .filter_map(|m| match m {
            cargo_metadata::Message::CompilerMessage(c) => Some(&c.message),
            _ => None,
        })
        .collect();
    assert_eq!(diagnostics.len(), lines.len() - 1, "{}", r.stdout);
    let linear = diagnostics
        .iter()
        .find(|d| d.message.starts_with("`fc` expects 1024 input features"))
        .expect("the Linear error");
    assert_eq!(
        linear.level,
        cargo_metadata::diagnostic::DiagnosticLevel::Error
    );
    let primary = &linear.spans[0];
    assert!(primary.is_primary);
    assert!(
        primary.file_name.ends_with("src/nets/mod.rs"),
        "{}",
        primary.file_name
    );
    assert_eq!((primary.line_start, primary.column_start), (10, 24));
    assert_eq!(primary.text[0].text.trim(), "fc: Linear(1024, 10),");
    let help = linear
        .children
        .iter()
        .find(|c| c.level == cargo_metadata::diagnostic::DiagnosticLevel::Help)
        .expect("a help");
    assert_eq!(help.spans[0].suggested_replacement.as_deref(), Some("1152"));
    assert_eq!(
        help.spans[0].suggestion_applicability,
        Some(cargo_metadata::diagnostic::Applicability::MachineApplicable)
    );
    assert!(
        linear
            .rendered
            .as_deref()
            .is_some_and(|t| t.starts_with("error: `fc` expects 1024")),
        "{:?}",
        linear.rendered
    );
    // The byte range of the suggestion is the `1024` in the file.
    let text = std::fs::read_to_string(fixture_crate().join("src/nets/mod.rs")).unwrap();
    let s = &help.spans[0];
    assert_eq!(&text[s.byte_start as usize..s.byte_end as usize], "1024");
}

#[test]
fn packages_are_chosen_as_cargo_chooses_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"good\", \"bad\"]\nresolver = \"3\"\n",
    )
    .unwrap();
    for (name, model) in [
        ("good", "struct G<4> { fc: Linear(4, 2) }"),
        ("bad", "struct B<4> { fc: Linear(5, 2) }"),
    ] {
        std::fs::create_dir_all(root.join(name).join("src")).unwrap();
        std::fs::write(
            root.join(name).join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n"),
        )
        .unwrap();
        std::fs::write(
            root.join(name).join("src/lib.rs"),
            format!("cnn::cnn! {{ {model} }}\n"),
        )
        .unwrap();
    }
    let good = root.join("good");
    // In a member, that member; at a virtual workspace's root, every member.
    assert_eq!(run(&good, &["check"]).code, 0);
    assert_eq!(run(root, &["check"]).code, 1);
    assert_eq!(run(root, &["check", "-p", "good"]).code, 0);
    assert_eq!(run(root, &["check", "--package", "bad"]).code, 1);
    assert_eq!(run(&good, &["check", "--workspace"]).code, 1);
    let manifest = root.join("bad/Cargo.toml");
    let r = run(
        &good,
        &["check", "--manifest-path", manifest.to_str().unwrap()],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("expects 5 input features"),
        "{}",
        r.stdout
    );
    let r = run(root, &["check", "-p", "nope"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("good") && r.stderr.contains("bad"),
        "{}",
        r.stderr
    );
    let r = run(root, &["check", "-p", "good", "good/src"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not both"), "{}", r.stderr);
}
