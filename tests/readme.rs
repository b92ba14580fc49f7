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

cnn::cnn! {
    /// The summary in the macro's documentation is this model's.
    pub struct Tutorial5x5<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(1568, 10),
    }
}

#[test]
fn the_docs_show_the_real_summary() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/docs/cnn.md")).unwrap();
    let summary = Tutorial5x5::summary().to_string();
    assert!(
        docs.contains(&summary),
        "src/docs/cnn.md must show:\n{summary}"
    );
}

#[test]
fn the_readme_shows_the_real_resnet_and_its_error() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let model = std::fs::read_to_string(format!("{root}/tests/models/resnet18.rs")).unwrap();
    let dsl = &model[model.find("cnn! {").unwrap()..];
    assert!(
        readme.contains(dsl.trim_end()),
        "README.md must show tests/models/resnet18.rs's cnn! invocation"
    );
    let snapshot = std::fs::read_to_string(format!(
        "{root}/tests/ui/blocks/add-stride-two-identity-shortcut.stderr"
    ))
    .unwrap();
    assert!(readme.contains(snapshot.trim_end()));
}
