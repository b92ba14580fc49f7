//! Weights in and out under PyTorch's names, and every way a file can be
//! wrong, on the real fixture files.

mod models;

use cnn::{Batch, Error, StateDict, Tensor};
use models::*;

fn fixture_weights(name: &str) -> StateDict {
    let path = format!(
        "{}/tests/fixtures/{name}.safetensors",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut sd = StateDict::read(path).unwrap();
    for extra in ["input", "expected_output", "expected_output_f64"] {
        sd.remove(extra).unwrap();
    }
    sd
}

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cnn-weights-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn saved_weights_load_back_and_give_the_same_output() {
    let mut net = VggSmall::new(0);
    net.load_state_dict(&fixture_weights("vgg_small")).unwrap();
    let path = temp_path("vgg.safetensors");
    net.save_safetensors(&path).unwrap();

    let back = VggSmall::from_safetensors(&path).unwrap();
    assert_eq!(back.state_dict(), net.state_dict());
    let x =
        Batch::<3, 32, 32>::from_vec(1, (0..3072).map(|i| (i % 17) as f32 / 8.0 - 1.0).collect())
            .unwrap();
    assert_eq!(back.forward(&x), net.forward(&x));

    // PyTorch's names, and the BatchNorm counter PyTorch's strict loading wants.
    let bytes = std::fs::read(&path).unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut names = file.names();
    names.sort();
    assert!(names.contains(&"bn1.running_var") && names.contains(&"bn1.num_batches_tracked"));
    assert!(names.contains(&"fc2.weight") && names.contains(&"conv5.bias"));
    assert_eq!(names.len(), 34 + 5);
}

#[test]
fn unnamed_layers_use_sequential_numbers() {
    cnn::cnn! {
        struct Gray<1, 200, 200> {
            Conv2d(1, 16, 2, stride = 2), MaxPool2d(2), ReLU,
            Conv2d(16, 32, 3, padding = 1), MaxPool2d(2), ReLU,
            Flatten, Linear(32 * 25 * 25, 10),
        }
    }
    let names: Vec<String> = Gray::new(0)
        .state_dict()
        .names()
        .map(String::from)
        .collect();
    assert_eq!(
        names,
        [
            "0.bias", "0.weight", "3.bias", "3.weight", "7.bias", "7.weight"
        ]
    );
    // The fixture's named tensors renamed to numbers load and run.
    let named = fixture_weights("gray200");
    let mut numbered = StateDict::new();
    for (name, t) in named.iter() {
        let n = name
            .replace("conv1.", "0.")
            .replace("conv2.", "3.")
            .replace("fc.", "7.");
        numbered.insert(n, t.clone());
    }
    let mut a = Gray::new(1);
    a.load_state_dict(&numbered).unwrap();
    let mut b = Gray200::new(2);
    b.load_state_dict(&named).unwrap();
    let x = Batch::<1, 200, 200>::zeros(1);
    assert_eq!(a.forward(&x), b.forward(&x));
}

#[test]
fn a_missing_tensor() {
    let mut sd = fixture_weights("seed_b");
    sd.remove("conv2.bias");
    let err = SeedB::new(0).load_state_dict(&sd).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the weights do not fit the model\n  missing: conv2.bias"
    );
}

#[test]
fn an_unexpected_tensor() {
    let mut sd = fixture_weights("seed_b");
    sd.insert(
        "fc2.weight",
        Tensor {
            shape: vec![10, 10],
            data: vec![0.0; 100],
        },
    );
    let err = SeedB::new(0).load_state_dict(&sd).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the weights do not fit the model\n  unexpected: fc2.weight"
    );
}

#[test]
fn a_wrong_shape_names_both_shapes() {
    // The 3x3 model's weights in the 5x5 model.
    let err = SeedB::new(0)
        .load_state_dict(&fixture_weights("seed_a"))
        .unwrap_err();
    let Error::StateDict(m) = &err else {
        panic!("{err}")
    };
    assert!(m.missing.is_empty() && m.unexpected.is_empty());
    assert_eq!(
        m.wrong_shape,
        [
            ("conv1.weight".into(), vec![16, 3, 5, 5], vec![16, 3, 3, 3]),
            (
                "conv2.weight".into(),
                vec![32, 16, 5, 5],
                vec![32, 16, 3, 3]
            ),
            ("fc.weight".into(), vec![10, 1568], vec![10, 2048]),
        ]
    );
    assert!(
        err.to_string().contains(
            "wrong shape: fc.weight is [10, 1568] in the model but [10, 2048] in the file"
        )
    );
}

#[test]
fn a_wrong_dtype() {
    let bytes = safetensors::tensor::serialize(
        [(
            "conv1.weight",
            safetensors::tensor::TensorView::new(
                safetensors::tensor::Dtype::I32,
                vec![16, 3, 5, 5],
                &[0u8; 4 * 16 * 3 * 5 * 5],
            )
            .unwrap(),
        )],
        None,
    )
    .unwrap();
    let path = temp_path("int.safetensors");
    std::fs::write(&path, bytes).unwrap();
    let err = SeedB::from_safetensors(&path).err().unwrap();
    assert_eq!(
        err.to_string(),
        "tensor `conv1.weight` has dtype I32, which cannot be converted to f32"
    );
}

#[test]
fn a_truncated_header() {
    let path = format!(
        "{}/tests/fixtures/seed_b.safetensors",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(path).unwrap();
    let short = temp_path("short.safetensors");
    std::fs::write(&short, &bytes[..100]).unwrap();
    let err = SeedB::from_safetensors(&short).err().unwrap();
    assert!(matches!(err, Error::Format(_)), "{err}");
    assert!(
        err.to_string().starts_with("not a valid safetensors file"),
        "{err}"
    );
}

#[test]
fn a_missing_file() {
    let err = SeedB::from_safetensors("/nonexistent/weights.safetensors")
        .err()
        .unwrap();
    assert!(matches!(err, Error::Io { .. }));
    assert!(
        err.to_string()
            .starts_with("/nonexistent/weights.safetensors: "),
        "{err}"
    );
}

#[test]
fn models_run_from_several_threads() {
    let net = SeedB::new(3);
    let x =
        Batch::<3, 32, 32>::from_vec(2, (0..6144).map(|i| (i % 13) as f32 / 6.0 - 1.0).collect())
            .unwrap();
    let alone = net.forward(&x);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| net.forward(&x))).collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), alone);
        }
    });
}
