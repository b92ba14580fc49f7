//! Images in: the transforms against torchvision's on the same image
//! (`tests/fixtures/vision.safetensors`, made by
//! `tests/fixtures/scripts/vision.py`), and ResNet-18's top five on it.

#[path = "models/resnet18.rs"]
mod resnet18;

use cnn::vision::Preprocess;
use cnn::{Batch, LoadOptions, StateDict};

const IMAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/images/chelsea.png");

fn reference() -> StateDict {
    StateDict::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vision.safetensors"
    ))
    .unwrap()
}

/// The largest difference, and how many values differ at all.
fn compare(ours: &[f32], theirs: &[f32]) -> (f32, usize) {
    assert_eq!(ours.len(), theirs.len());
    let worst = ours
        .iter()
        .zip(theirs)
        .map(|(a, b)| (a - b).abs())
        // NaN wins, so that a NaN fails.
        .fold(0.0, |m, d| if d > m || d.is_nan() { d } else { m });
    let differ = ours.iter().zip(theirs).filter(|(a, b)| a != b).count();
    (worst, differ)
}

#[test]
fn imagenet_transforms_equal_torchvisions() {
    let x: Batch<3, 224, 224> = Preprocess::imagenet().load_batch(&[IMAGE]).unwrap();
    let expected = reference().remove("imagenet_input").unwrap();
    assert_eq!(expected.shape, [3, 224, 224]);
    // A lossless image decodes to the same bytes on both sides, and every
    // step is Pillow's and PyTorch's arithmetic: equal, value for value.
    assert_eq!(compare(x.as_slice(), &expected.data), (0.0, 0));
}

#[test]
fn other_sizes_and_grayscale_equal_torchvisions() {
    let image = cnn::vision::open(IMAGE).unwrap();
    // Resize(64), CenterCrop((56, 60)), ToTensor(): a non-square crop, an
    // odd margin, no normalisation.
    let small: Batch<3, 56, 60> = Preprocess::new()
        .resize(64)
        .center_crop(56, 60)
        .batch(std::slice::from_ref(&image))
        .unwrap();
    let expected = reference().remove("small_input").unwrap();
    assert_eq!(compare(small.as_slice(), &expected.data), (0.0, 0));
    // Grayscale(), Resize((40, 50)), CenterCrop(48): enlarging rows,
    // shrinking columns, and a crop taller than the image (zero padding).
    let gray: Batch<1, 48, 48> = Preprocess::new()
        .resize_exact(40, 50)
        .center_crop(48, 48)
        .normalize(&[0.5], &[0.25])
        .batch(&[image])
        .unwrap();
    let expected = reference().remove("gray_input").unwrap();
    assert_eq!(compare(gray.as_slice(), &expected.data), (0.0, 0));
}

#[test]
#[ignore = "needs ../shared/fixtures/resnet18.safetensors (47 MB) or $CNN_RESNET18; \
            .ci/run runs it with --ignored"]
fn resnet18_ranks_the_image_as_torchvision_does() {
    let weights = std::env::var_os("CNN_RESNET18")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/fixtures/resnet18.safetensors"
            )
            .into()
        });
    let extras = ["input", "expected_output", "expected_output_f64"];
    let options =
        LoadOptions::new().rename(move |name| (!extras.contains(&name)).then(|| name.to_string()));
    let net = resnet18::ResNet18::from_safetensors_with(&weights, &options).unwrap();
    let x: Batch<3, 224, 224> = Preprocess::imagenet().load_batch(&[IMAGE]).unwrap();
    let logits = net.forward(&x);

    let mut reference = reference();
    let expected = reference.remove("logits").unwrap();
    // The fixture README's tolerance.
    let scale = expected.data.iter().fold(1.0f32, |m, v| m.max(v.abs()));
    let (worst, _) = compare(logits.as_slice(), &expected.data);
    assert!(
        worst <= 1e-4 * scale,
        "largest difference {worst} (scale {scale})"
    );

    let y = logits.as_slice();
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| y[b].total_cmp(&y[a]));
    let top5: Vec<f32> = order[..5].iter().map(|&i| i as f32).collect();
    assert_eq!(top5, reference.remove("top5_indices").unwrap().data);
    let max = y[order[0]];
    let total: f32 = y.iter().map(|v| (v - max).exp()).sum();
    let probs: Vec<f32> = order[..5]
        .iter()
        .map(|&i| (y[i] - max).exp() / total)
        .collect();
    let (worst, _) = compare(&probs, &reference.remove("top5_probs").unwrap().data);
    assert!(worst <= 1e-5, "probabilities differ by {worst}");
}
