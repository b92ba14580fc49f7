//! `cargo cnn export` and `cargo cnn import` together: every fixture model
//! (and ResNet-18) exported to ONNX with PyTorch's weights imports back to
//! the same state_dict, names and values; the PyTorch modules written are
//! the ones in `tests/exported/` (`CNN_BLESS=1` rewrites them), which CI
//! compiles with `python3 -m py_compile`; and, run explicitly with
//! `CNN_PYTHON` naming a Python that has onnxruntime and numpy, ONNX
//! Runtime's outputs of the exported files are the fixtures' within their
//! tolerance.

mod common;
use common::*;

use std::path::{Path, PathBuf};

/// The fixture models: (struct, fixture file).
const MODELS: [(&str, &str); 7] = [
    ("SeedA", "seed_a"),
    ("SeedB", "seed_b"),
    ("Quiz", "quiz"),
    ("Gray200", "gray200"),
    ("LeNet5", "lenet5"),
    ("VggSmall", "vgg_small"),
    ("FeaturesExt", "features_ext"),
];

fn out_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every tensor of a safetensors file but the fixtures' input and outputs.
fn tensors(path: &Path) -> Vec<(String, Vec<usize>, Vec<u8>)> {
    let bytes = std::fs::read(path).unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut out: Vec<(String, Vec<usize>, Vec<u8>)> = file
        .iter()
        .filter(|(name, _)| !["input", "expected_output", "expected_output_f64"].contains(name))
        .filter(|(name, _)| !name.ends_with("num_batches_tracked"))
        .map(|(name, view)| {
            (
                name.to_string(),
                view.shape().to_vec(),
                view.data().to_vec(),
            )
        })
        .collect();
    out.sort();
    out
}

fn export_onnx(model: &str, models: &str, weights: &Path, dir: &Path, file: &str) -> PathBuf {
    let onnx = dir.join(format!("{file}.onnx"));
    let r = run(
        &repo(),
        &[
            "export",
            model,
            "--path",
            models,
            "--weights",
            weights.to_str().unwrap(),
            "--onnx",
            onnx.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{model}: {}{}", r.stdout, r.stderr);
    onnx
}

#[test]
fn exported_onnx_imports_back_to_the_same_weights() {
    let dir = out_dir("onnx_round_trip");
    for (model, file) in MODELS {
        let weights = repo().join(format!("tests/fixtures/{file}.safetensors"));
        let onnx = export_onnx(model, "tests/models/mod.rs", &weights, &dir, file);
        let rust = dir.join(format!("{file}.rs"));
        let r = run(
            &repo(),
            &[
                "import",
                onnx.to_str().unwrap(),
                "--name",
                model,
                "-o",
                rust.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 0, "{model}: {}{}", r.stdout, r.stderr);
        // The same names, shapes and values: the graph carried them all.
        let back = tensors(&rust.with_extension("safetensors"));
        assert_eq!(back, tensors(&weights), "{model}");
        assert!(!back.is_empty());
    }
}

/// The exported module equals the committed one.
fn compare_pytorch(model: &str, models: &str, file: &str) {
    let dir = out_dir("pytorch");
    let py = dir.join(format!("{file}.py"));
    let r = run(
        &repo(),
        &[
            "export",
            model,
            "--path",
            models,
            "--pytorch",
            py.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{model}: {}{}", r.stdout, r.stderr);
    let text = std::fs::read_to_string(&py).unwrap();
    let expected = repo().join(format!("tests/exported/{file}.py"));
    if std::env::var_os("CNN_BLESS").is_some() {
        std::fs::write(&expected, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&expected)
        .unwrap_or_else(|e| panic!("{}: {e}", expected.display()));
    assert_eq!(
        text, committed,
        "{file}.py changed; CNN_BLESS=1 rewrites it"
    );
}

#[test]
fn pytorch_modules_of_the_fixture_models() {
    for (model, file) in MODELS {
        compare_pytorch(model, "tests/models/mod.rs", file);
    }
    compare_pytorch("ResNet18", "tests/models/resnet18.rs", "resnet18");
    compare_pytorch("InceptionNet", "tests/models/branchy.rs", "inception_net");
    compare_pytorch("DenseNet", "tests/models/branchy.rs", "dense_net");
}

#[test]
fn an_onnx_export_needs_weights() {
    let r = run(
        &repo(),
        &[
            "export",
            "SeedA",
            "--path",
            "tests/models/mod.rs",
            "--onnx",
            "x.onnx",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("give `--weights FILE`"), "{}", r.stderr);
}

#[test]
fn wrong_weights_are_named() {
    let dir = out_dir("wrong_weights");
    let r = run(
        &repo(),
        &[
            "export",
            "SeedB",
            "--path",
            "tests/models/mod.rs",
            "--weights",
            repo()
                .join("tests/fixtures/seed_a.safetensors")
                .to_str()
                .unwrap(),
            "--onnx",
            dir.join("x.onnx").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`conv1.weight` is [16, 3, 3, 3] in the file, the model needs [16, 3, 5, 5]"),
        "{}",
        r.stderr
    );
}

#[test]
#[ignore = "needs CNN_PYTHON, a Python with onnxruntime and numpy; .ci/run makes one and runs it"]
fn onnx_runtime_runs_the_exports() {
    let python = std::env::var("CNN_PYTHON")
        .expect("CNN_PYTHON must name a Python with onnxruntime and numpy");
    let dir = out_dir("onnx_runtime");
    let mut cases = Vec::new();
    for (model, file) in MODELS {
        let weights = repo().join(format!("tests/fixtures/{file}.safetensors"));
        let onnx = export_onnx(model, "tests/models/mod.rs", &weights, &dir, file);
        cases.push(format!("{}={}", onnx.display(), weights.display()));
    }
    let status = std::process::Command::new(python)
        .arg(repo().join("tests/fixtures/scripts/onnx_runtime_check.py"))
        .args(&cases)
        .status()
        .unwrap();
    assert!(status.success(), "ONNX Runtime's outputs differ (above)");
}
