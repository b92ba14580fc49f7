//! `cargo cnn export` and `cargo cnn import` together: every fixture model
//! (the small-width torchvision ones too) exported to ONNX with PyTorch's
//! weights imports back to the same state_dict, names and values; the PyTorch modules written are
//! the ones in `tests/exported/` (`CNN_BLESS=1` rewrites them), which CI
//! compiles with `python3 -m py_compile`; and, run explicitly with
//! `CNN_PYTHON` naming a Python that has onnxruntime and numpy, ONNX
//! Runtime's outputs of the exported files are the fixtures' within their
//! tolerance.

mod common;
use common::*;

use std::path::{Path, PathBuf};

/// The fixture models: (struct, source, fixture file under
/// `tests/fixtures/`); torchvision's architectures at small widths cover
/// gates, splits and shuffles, dense concatenations, LayerNorm2d, GELU and
/// LayerScale.
const MODELS: [(&str, &str, &str); 15] = [
    ("SeedA", "tests/models/mod.rs", "seed_a"),
    ("SeedB", "tests/models/mod.rs", "seed_b"),
    ("Quiz", "tests/models/mod.rs", "quiz"),
    ("Gray200", "tests/models/mod.rs", "gray200"),
    ("LeNet5", "tests/models/mod.rs", "lenet5"),
    ("VggSmall", "tests/models/mod.rs", "vgg_small"),
    ("FeaturesExt", "tests/models/mod.rs", "features_ext"),
    (
        "MobileNetV3SmallTiny",
        "tests/zoo/mod.rs",
        "zoo/mobilenet_v3_small_tiny",
    ),
    (
        "EfficientNetB0Tiny",
        "tests/zoo/mod.rs",
        "zoo/efficientnet_b0_tiny",
    ),
    ("RegNetYTiny", "tests/zoo/mod.rs", "zoo/regnet_y_tiny"),
    ("RegNetXTiny", "tests/zoo/mod.rs", "zoo/regnet_x_tiny"),
    (
        "ShuffleNetV2Tiny",
        "tests/zoo/mod.rs",
        "zoo/shufflenet_v2_tiny",
    ),
    ("ConvNeXtTiny", "tests/zoo/mod.rs", "zoo/convnext_tiny_tiny"),
    (
        "MobileNetV2Tiny",
        "tests/zoo/mod.rs",
        "zoo/mobilenet_v2_tiny",
    ),
    ("DenseNetTiny", "tests/zoo/mod.rs", "zoo/densenet_tiny"),
];

/// `zoo/densenet_tiny` -> `densenet_tiny`.
fn stem(file: &str) -> &str {
    file.rsplit('/').next().unwrap()
}

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
    for (model, source, file) in MODELS {
        let weights = repo().join(format!("tests/fixtures/{file}.safetensors"));
        let onnx = export_onnx(model, source, &weights, &dir, stem(file));
        let rust = dir.join(format!("{}.rs", stem(file)));
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
    for (model, source, file) in MODELS {
        compare_pytorch(model, source, stem(file));
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
    for (model, source, file) in MODELS {
        let weights = repo().join(format!("tests/fixtures/{file}.safetensors"));
        let onnx = export_onnx(model, source, &weights, &dir, stem(file));
        cases.push(format!("{}={}", onnx.display(), weights.display()));
    }
    let status = std::process::Command::new(&python)
        .arg(repo().join("tests/fixtures/scripts/onnx_runtime_check.py"))
        .args(&cases)
        .status()
        .unwrap_or_else(|e| panic!("cannot run CNN_PYTHON={python}: {e}"));
    assert!(status.success(), "ONNX Runtime's outputs differ (above)");
}
