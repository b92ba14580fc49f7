//! Classifies an image file with torchvision's ResNet-18 and prints the
//! five likeliest ImageNet classes, as torchvision's own example does:
//! `weights.transforms()` (resize to 256, crop 224, normalise), the
//! network, a softmax.
//!
//! ```sh
//! cargo run --release --example classify [IMAGE] [--weights resnet18.safetensors]
//! ```
//!
//! The image defaults to `examples/images/chelsea.png` (Chelsea the cat, CC0
//! by Stefan van der Walt); the weights to `$CNN_RESNET18` or
//! `../shared/fixtures/resnet18.safetensors`. That test fixture is
//! torchvision's ResNet-18 with its seeded random initialisation, so the
//! classes it names are noise (though in torchvision's order, which a test
//! checks); for real predictions, save torchvision's trained weights once in
//! Python and pass them with `--weights`:
//!
//! ```python
//! from safetensors.torch import save_file
//! from torchvision.models import resnet18
//! save_file(resnet18(weights="IMAGENET1K_V1").state_dict(), "resnet18.safetensors")
//! ```
//!
//! In a crate of your own, `cnn` needs its `image` feature for this.

#[path = "../tests/models/resnet18.rs"]
mod resnet18;

use std::path::PathBuf;

use cnn::vision::Preprocess;
use cnn::{Batch, LoadOptions};
use resnet18::ResNet18;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut image = root.join("examples/images/chelsea.png");
    let mut weights = std::env::var_os("CNN_RESNET18")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/fixtures/resnet18.safetensors"));
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--weights" => weights = args.next().ok_or("--weights needs a path")?.into(),
            _ => image = arg.into(),
        }
    }

    // The test fixture holds an input and PyTorch's output beside the
    // weights: leave them out, and load the rest strictly.
    let extras = ["input", "expected_output", "expected_output_f64"];
    let options =
        LoadOptions::new().rename(move |name| (!extras.contains(&name)).then(|| name.to_string()));
    let net = ResNet18::from_safetensors_with(&weights, &options)?;

    let x: Batch<3, 224, 224> = Preprocess::imagenet().load_batch(&[&image])?;
    let logits = net.forward(&x);

    let classes = std::fs::read_to_string(root.join("examples/images/imagenet_classes.txt"))?;
    let classes: Vec<&str> = classes.lines().collect();
    println!("{}:", image.display());
    for (class, p) in top5(logits.as_slice()) {
        println!(
            "  {:<24} {p:.4}",
            classes.get(class).copied().unwrap_or("?")
        );
    }
    Ok(())
}

/// The five likeliest classes, with their softmax probabilities.
fn top5(logits: &[f32]) -> Vec<(usize, f32)> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = logits.iter().map(|v| (v - max).exp()).collect();
    let total: f32 = exp.iter().sum();
    let mut order: Vec<usize> = (0..logits.len()).collect();
    order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
    order
        .into_iter()
        .take(5)
        .map(|i| (i, exp[i] / total))
        .collect()
}
