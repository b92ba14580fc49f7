//! Every ONNX file of the fixtures imports, the written model is the one
//! in `tests/imported/` (which the root crate's `onnx_import` test
//! compiles and runs), and the zoo graphs' parameter counts are
//! torchvision's once the BatchNorms folded into convolutions are counted.
//!
//! `CNN_BLESS=1 cargo test -p cnn-onnx --test import` rewrites the files in
//! `tests/imported/` after a deliberate change.

use std::path::{Path, PathBuf};

use cnn_onnx::graph::Graph;
use cnn_onnx::{ImportOptions, import};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `seed_a` -> `SeedA`.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The ONNX files under `dir`, sorted.
fn onnx_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "onnx"))
        .collect();
    files.sort();
    files
}

fn import_file(path: &Path) -> cnn_onnx::Imported {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let options = ImportOptions {
        name: camel(&name),
        input: None,
        source: format!("`{name}.onnx`"),
        dir: path.parent().map(Path::to_path_buf),
    };
    let bytes = std::fs::read(path).unwrap();
    import(&bytes, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The written model equals the committed one (in `tests/imported/`, or
/// its `dynamo/` for the graphs of PyTorch's newer exporter).
fn compare(path: &Path, imported: &cnn_onnx::Imported) {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let dir = if path.parent().is_some_and(|p| p.ends_with("dynamo")) {
        "tests/imported/dynamo"
    } else {
        "tests/imported"
    };
    let expected_path = root().join(dir).join(format!("{name}.rs"));
    if std::env::var_os("CNN_BLESS").is_some() {
        std::fs::write(&expected_path, &imported.source).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
    assert_eq!(
        imported.source,
        expected,
        "{} changed; CNN_BLESS=1 rewrites it",
        expected_path.display()
    );
}

#[test]
fn fixture_models_import_with_their_weights() {
    let files = onnx_files(&root().join("tests/fixtures/onnx"));
    assert_eq!(files.len(), 7);
    for path in &files {
        let imported = import_file(path);
        compare(path, &imported);
        let weights = imported
            .weights
            .as_ref()
            .expect("the fixture graphs hold weights");
        assert!(!weights.is_empty());
    }
}

/// Graphs from `torch.onnx.export(dynamo=True)`: nodes named without
/// module paths, weights in `<model>.onnx.data` beside the graph.
#[test]
fn graphs_of_the_newer_exporter_import_with_their_external_weights() {
    let files = onnx_files(&root().join("tests/fixtures/onnx/dynamo"));
    assert_eq!(files.len(), 5);
    for path in &files {
        let imported = import_file(path);
        compare(path, &imported);
        assert!(
            imported.weights.is_some(),
            "{}: the .data file is read",
            path.display()
        );
    }
}

/// Channels of the convolution biases the exporter made up: a BatchNorm
/// folded into the convolution before it, whose two tensors of `C` became
/// one bias of `C`.
fn folded_channels(path: &Path) -> usize {
    let graph = Graph::decode(&std::fs::read(path).unwrap()).unwrap();
    graph
        .initializers
        .iter()
        .filter(|n| n.starts_with("onnx::"))
        .map(|n| &graph.constants[n])
        .filter(|t| t.dims.len() == 1)
        .map(|t| t.dims[0])
        .sum()
}

#[test]
fn zoo_graphs_import_with_torchvision_parameter_counts() {
    let files = onnx_files(&root().join("tests/fixtures/onnx/zoo"));
    assert_eq!(files.len(), 19);
    let mut counted = 0;
    for path in &files {
        let imported = import_file(path);
        compare(path, &imported);
        assert!(
            imported.weights.is_none(),
            "weightless graphs give no weights"
        );
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let keys = root().join(format!("tests/fixtures/zoo/keys/{name}.json"));
        let Ok(text) = std::fs::read_to_string(&keys) else {
            continue;
        };
        let total: usize = text
            .split("\"total_params\":")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .and_then(|n| n.trim().parse().ok())
            .expect("total_params");
        assert_eq!(imported.params + folded_channels(path), total, "{name}");
        counted += 1;
    }
    assert_eq!(counted, 11, "every full-size zoo graph has its keys file");
}
