//! torchvision's ResNet-18 written with `cnn!`, running PyTorch's weights.
//!
//! Reads `../shared/fixtures/resnet18.safetensors` (or the path given as the
//! first argument): torchvision's state_dict, loaded strictly with no
//! renaming, plus an input image and PyTorch's output for it.
//!
//! Run with `cargo run --release --example resnet18 [weights.safetensors]`.

#[path = "../tests/models/resnet18.rs"]
mod resnet18;

use cnn::{Batch, StateDict};
use resnet18::ResNet18;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/resnet18.safetensors"
        )
        .into()
    });
    println!("{}\n", ResNet18::summary());
    let mut file = match StateDict::read(&path) {
        Ok(file) => file,
        Err(e) => {
            println!("cannot read the weights ({e}); pass the path of resnet18.safetensors");
            return Ok(());
        }
    };
    let input = file.remove("input").ok_or("the file has no `input`")?;
    let expected = file
        .remove("expected_output")
        .ok_or("the file has no `expected_output`")?;
    file.remove("expected_output_f64");

    let mut net = ResNet18::new(0);
    net.load_state_dict(&file)?;
    let x = Batch::<3, 224, 224>::from_vec(input.shape[0], input.data)?;
    let start = std::time::Instant::now();
    let y = net.forward(&x);
    let elapsed = start.elapsed();

    let top5 = |values: &[f32]| {
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        order.truncate(5);
        order
    };
    let worst = y
        .as_slice()
        .iter()
        .zip(&expected.data)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    println!(
        "top-5 classes: cnn {:?}, PyTorch {:?}",
        top5(y.as_slice()),
        top5(&expected.data)
    );
    println!("largest difference from PyTorch: {worst:.2e}; forward pass: {elapsed:.1?}");
    Ok(())
}
