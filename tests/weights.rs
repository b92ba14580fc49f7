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

fn checkpoint(name: &str) -> String {
    format!(
        "{}/tests/fixtures/checkpoints/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn torch_save_files_are_named_with_the_python_that_converts_them() {
    // Both of torch.save's formats, as PyTorch wrote them.
    for (file, format) in [
        ("seed_b.pth", "a zip archive"),
        ("seed_b_legacy.pt", "a pickle"),
    ] {
        let path = checkpoint(file);
        let err = SeedB::from_safetensors(&path).err().unwrap();
        assert!(matches!(err, Error::TorchCheckpoint { .. }), "{err}");
        let stem = file.split('.').next().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "{path} is {format} written by PyTorch's `torch.save`, not a safetensors file; convert it once in Python:\n\n    \
                 import torch\n    from safetensors.torch import save_file\n    \
                 save_file(torch.load(\"{path}\", map_location=\"cpu\"), \"{stem}.safetensors\")\n\n\
                 (a Lightning or training checkpoint holds the weights under a key: save `torch.load(...)[\"state_dict\"]` or `[\"model\"]`)"
            )
        );
        // What `main` prints on `?` reads the same.
        assert_eq!(format!("{err:?}"), err.to_string());
        assert!(matches!(
            StateDict::read(&path).unwrap_err(),
            Error::TorchCheckpoint { .. }
        ));
        let bytes = std::fs::read(&path).unwrap();
        assert!(matches!(
            StateDict::from_safetensors(&bytes).unwrap_err(),
            Error::TorchCheckpoint { path: None, .. }
        ));
    }
}

#[test]
fn a_safetensors_header_that_starts_like_a_pickle_still_loads() {
    // A header of 0x10280 bytes starts the file with 0x80 0x02, as a
    // pickle starts; its length fits the file, so it is read as safetensors.
    let file = |name_len: usize| {
        let mut sd = StateDict::new();
        let t = Tensor {
            shape: vec![2],
            data: vec![1.0, 2.0],
        };
        sd.insert("x".repeat(name_len), t);
        sd.to_safetensors()
    };
    let base = u64::from_le_bytes(file(1)[..8].try_into().unwrap()) as usize;
    let bytes = (0x10280 - base - 16..0x10280 - base + 16)
        .map(file)
        .find(|b| b[..8] == 0x10280u64.to_le_bytes())
        .expect("a header of 0x10280 bytes");
    assert_eq!(bytes[..2], [0x80, 0x02]);
    let back = StateDict::from_safetensors(&bytes).unwrap();
    assert_eq!(back.iter().next().unwrap().1.data, [1.0, 2.0]);
}

/// The fixture's weights under other names, as a file.
fn renamed_file(file: &str, rename: impl Fn(&str) -> String) -> std::path::PathBuf {
    let sd = fixture_weights("seed_b");
    let mut renamed = StateDict::new();
    for (name, t) in sd.iter() {
        renamed.insert(rename(name), t.clone());
    }
    let path = temp_path(file);
    renamed.write(&path).unwrap();
    path
}

#[test]
fn a_data_parallel_checkpoint_is_named_and_loads_with_its_prefix_stripped() {
    let path = renamed_file("data_parallel.safetensors", |n| format!("module.{n}"));
    let err = SeedB::from_safetensors(&path).err().unwrap();
    let text = err.to_string();
    assert!(
        text.ends_with(
            "\n  hint: every missing tensor is in the file with `module.` in front of its name \
             (as a checkpoint of a `DataParallel` or Lightning model has); load with \
             `LoadOptions::new().strip_prefix(\"module.\")`"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4, "{text}");

    let options = cnn::LoadOptions::new().strip_prefix("module.");
    let net = SeedB::from_safetensors_with(&path, &options).unwrap();
    let mut expected = SeedB::new(0);
    expected
        .load_state_dict(&fixture_weights("seed_b"))
        .unwrap();
    assert_eq!(net.state_dict(), expected.state_dict());
}

#[test]
fn a_model_nested_in_another_is_told_to_add_the_prefix() {
    cnn::cnn! {
        struct Wrapped<3, 32, 32> {
            backbone: [
                conv1: Conv2d(3, 16, kernel_size = 5, stride = 2, padding = 1),
                relu1: ReLU(),
                conv2: Conv2d(16, 32, kernel_size = 5, stride = 2, padding = 1),
                relu2: ReLU(),
                flatten: Flatten(),
                fc: Linear(1568, 10),
            ],
        }
    }
    let path = renamed_file("plain.safetensors", str::to_string);
    let err = Wrapped::from_safetensors(&path).err().unwrap();
    assert!(
        err.to_string().ends_with(
            "hint: every missing tensor is in the file without the `backbone.` in front of its name; \
             load with `LoadOptions::new().add_prefix(\"backbone.\")`"
        ),
        "{err}"
    );
    let net =
        Wrapped::from_safetensors_with(&path, &cnn::LoadOptions::new().add_prefix("backbone."))
            .unwrap();
    let x = Batch::<3, 32, 32>::from_vec(1, (0..3072).map(|i| (i % 7) as f32).collect()).unwrap();
    let mut plain = SeedB::new(0);
    plain.load_state_dict(&fixture_weights("seed_b")).unwrap();
    assert_eq!(net.forward(&x), plain.forward(&x));
}

#[test]
fn renamed_keys_load_through_a_mapping_function() {
    // Another framework's names, and an entry the model does not take.
    let path = renamed_file("renamed.safetensors", |n| {
        n.replace("conv", "features.conv")
            .replace("fc.", "classifier.")
    });
    let mut sd = StateDict::read(&path).unwrap();
    sd.insert(
        "optimizer.lr",
        Tensor {
            shape: vec![1],
            data: vec![0.1],
        },
    );
    sd.write(&path).unwrap();

    let options = cnn::LoadOptions::new().rename(|name| {
        (!name.starts_with("optimizer."))
            .then(|| name.replace("features.", "").replace("classifier.", "fc."))
    });
    let mut net = SeedB::new(1);
    let left = net.load_safetensors_with(&path, &options).unwrap();
    assert!(left.is_empty(), "{left}");
    let mut expected = SeedB::new(0);
    expected
        .load_state_dict(&fixture_weights("seed_b"))
        .unwrap();
    assert_eq!(net.state_dict(), expected.state_dict());

    // The same mapping over a state dict in memory.
    let mut net = SeedB::new(1);
    cnn::load_state_dict_with(&mut net, &sd, &options).unwrap();
    assert_eq!(net.state_dict(), expected.state_dict());

    // Without the mapping, strict loading names every tensor, and no hint.
    let err = SeedB::from_safetensors(&path).err().unwrap();
    assert!(!err.to_string().contains("hint"), "{err}");

    // Two names made one: an error that names both, nothing loaded.
    let clash = cnn::LoadOptions::new().rename(|name| Some(name.replace("features.", "")));
    let clash = clash.rename(|name| Some(name.replace("optimizer.lr", "conv1.bias")));
    let err = SeedB::new(1)
        .load_safetensors_with(&path, &clash)
        .unwrap_err();
    assert!(matches!(err, Error::NameClash { .. }), "{err}");
}
