//! The README shows the compiler's real output.

#[test]
fn the_readme_shows_the_pinned_2048_error() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let snapshot = std::fs::read_to_string(format!(
        "{root}/tests/ui/shapes/linear-features-after-flatten.stderr"
    ))
    .unwrap();
    assert!(
        readme.contains(snapshot.trim_end()),
        "README.md must quote tests/ui/shapes/linear-features-after-flatten.stderr verbatim"
    );
}
