//! `cargo cnn weights`: a checkpoint against a model, from the source.

mod common;
use common::*;

use safetensors::tensor::{Dtype, TensorView, serialize};

/// A safetensors file of `(name, dtype, shape)` tensors filled with zeros.
fn checkpoint(tensors: &[(&str, Dtype, &[usize])]) -> std::path::PathBuf {
    let data: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, dtype, shape)| vec![0u8; shape.iter().product::<usize>() * dtype.bitsize() / 8])
        .collect();
    let views: Vec<(&str, TensorView)> = tensors
        .iter()
        .zip(&data)
        .map(|((name, dtype, shape), bytes)| {
            (
                *name,
                TensorView::new(*dtype, shape.to_vec(), bytes).unwrap(),
            )
        })
        .collect();
    let bytes = serialize(views, None).unwrap();
    let name = tensors.iter().map(|t| t.0).collect::<Vec<_>>().join("-");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{:x}.safetensors", hash(&name)));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

/// The fixtures hold the test's input and PyTorch's output beside the
/// weights: exactly these are not the model's.
const NOT_WEIGHTS: [&str; 3] = [
    "error: unexpected: `expected_output` ",
    "error: unexpected: `expected_output_f64` ",
    "error: unexpected: `input` ",
];

fn assert_only_the_extras(stdout: &str) {
    let problems: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(problems.len(), 3, "{stdout}");
    for (line, start) in problems.iter().zip(NOT_WEIGHTS) {
        assert!(line.starts_with(start), "{stdout}");
    }
}

#[test]
fn a_pytorch_checkpoint_that_fits() {
    let fixture = repo().join("tests/fixtures/vgg_small.safetensors");
    let r = run(
        &repo(),
        &[
            "weights",
            "VggSmall",
            fixture.to_str().unwrap(),
            "--path",
            "tests/models",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_only_the_extras(&r.stdout);
    // Without them, the file is the model's state_dict.
    let bytes = std::fs::read(&fixture).unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let kept: Vec<(String, TensorView)> = file
        .iter()
        .filter(|(name, _)| !["input", "expected_output", "expected_output_f64"].contains(name))
        .map(|(name, view)| (name.to_string(), view))
        .collect();
    let path =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("vgg_small_weights.safetensors");
    std::fs::write(&path, serialize(kept, None).unwrap()).unwrap();
    let r = run(
        &repo(),
        &[
            "weights",
            "VggSmall",
            path.to_str().unwrap(),
            "--path",
            "tests/models",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .ends_with("matches `VggSmall`: all 34 tensors present with the right shapes\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn every_problem_is_named() {
    let file = checkpoint(&[
        // conv1's weight is right, in half precision; its bias is missing
        ("conv1.weight", Dtype::F16, &[16, 3, 3, 3]),
        // relu1 has no weights; pool1 neither
        ("fc.weight", Dtype::F32, &[10, 2048]),
        ("fc.bias", Dtype::I64, &[10]),
        ("fc2.weight", Dtype::F32, &[10, 10]),
        ("num_batches_tracked", Dtype::I64, &[]),
    ]);
    let fixture = fixture_crate();
    let r = run(&fixture, &["weights", "Small", file.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let stdout = r.stdout.replace(file.to_str().unwrap(), "FILE");
    insta::assert_snapshot!(stdout);
}

#[test]
fn files_that_are_not_checkpoints() {
    let fixture = fixture_crate();
    let r = run(&fixture, &["weights", "Small", "README.md"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("error: README.md is not a safetensors file: "),
        "{}",
        r.stderr
    );
    // A device is never read: it could be endless.
    let r = run(&fixture, &["weights", "Small", "/dev/zero"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    let r = run(&fixture, &["weights", "Small", "missing.safetensors"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("error: missing.safetensors: "),
        "{}",
        r.stderr
    );
    let r = run(&fixture, &["weights", "Large", "README.md"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_prefixed_checkpoint_gets_the_prefix_to_strip_and_torch_save_files_the_conversion() {
    let file = checkpoint(&[
        ("module.conv1.weight", Dtype::F32, &[16, 3, 3, 3]),
        ("module.conv1.bias", Dtype::F32, &[16]),
        ("module.fc.weight", Dtype::F32, &[10, 2048]),
        ("module.fc.bias", Dtype::F32, &[10]),
    ]);
    let fixture = fixture_crate();
    let r = run(&fixture, &["weights", "Small", file.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let stdout = r.stdout.replace(file.to_str().unwrap(), "FILE");
    insta::assert_snapshot!(stdout);

    let pth = repo().join("tests/fixtures/checkpoints/seed_b.pth");
    let r = run(&fixture, &["weights", "Small", pth.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let expected = format!(
        "error: {} is a zip archive written by PyTorch's `torch.save`, not a safetensors file; convert it once in Python:",
        pth.display()
    );
    assert!(r.stderr.starts_with(&expected), "{}", r.stderr);
}

#[test]
#[ignore = "needs ../shared/fixtures/resnet18.safetensors (47 MB, not in the repository); .ci/run runs it"]
fn resnet18_from_torchvision() {
    let file = repo().join("../shared/fixtures/resnet18.safetensors");
    assert!(
        file.exists(),
        "{} is absent (47 MB, not in the repository)",
        file.display()
    );
    let r = run(
        &repo(),
        &[
            "weights",
            "ResNet18",
            file.to_str().unwrap(),
            "--path",
            "tests/models",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_only_the_extras(&r.stdout);
    assert!(
        r.stdout.contains("(102 tensors expected, 105 in the file)"),
        "{}",
        r.stdout
    );
}
