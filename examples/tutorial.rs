//! The tutorial's Example 1, with 5x5 kernels, running PyTorch's weights.
//!
//! Loads `tests/fixtures/seed_b.safetensors` (weights made with PyTorch,
//! saved with an input batch and PyTorch's output for it), prints the
//! model's summary, and classifies the two images, side by side with
//! PyTorch's numbers.
//!
//! Run with `cargo run --example tutorial`.

use cnn::{Batch, StateDict, cnn};

cnn! {
    /// Example 1 of the tutorial, with 5x5 kernels: 32x32 -> 15x15 -> 7x7.
    pub struct Tutorial5x5<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(1568, 10),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seed_b.safetensors"
    );
    // The fixture holds the weights plus an input batch and PyTorch's output.
    let mut file = StateDict::read(path)?;
    let input = file.remove("input").ok_or("the fixture has no `input`")?;
    let expected = file
        .remove("expected_output")
        .ok_or("the fixture has no `expected_output`")?;
    file.remove("expected_output_f64");

    let mut net = Tutorial5x5::new(0);
    net.load_state_dict(&file)?; // strict: every name and shape must match
    println!("{}\n", Tutorial5x5::summary());

    let x = Batch::<3, 32, 32>::from_vec(input.shape[0], input.data)?;
    let y: Batch<10> = net.forward(&x);

    println!(
        "{:>5}  {:>12}  {:>12}  {:>9}",
        "class", "cnn", "PyTorch", "|diff|"
    );
    let mut worst = 0.0f32;
    for (i, (ours, theirs)) in y.images().zip(expected.data.chunks_exact(10)).enumerate() {
        println!("image {i}:");
        for (k, (a, b)) in ours.iter().zip(theirs).enumerate() {
            worst = worst.max((a - b).abs());
            println!("{k:>5}  {a:>12.6}  {b:>12.6}  {:>9.2e}", (a - b).abs());
        }
    }
    let theirs = Batch::<10>::from_vec(expected.shape[0], expected.data)?;
    println!(
        "\npredicted class per image: cnn {:?}, PyTorch {:?}",
        y.argmax(),
        theirs.argmax()
    );
    println!("largest difference from PyTorch: {worst:.2e}");
    Ok(())
}
