//! Layers the generated forward pass runs fused with a convolution give
//! the values of running them one after another: an activation after a
//! max pooling runs in the convolution's epilogue only where it commutes
//! with the maximum.

mod reference;

use cnn::{Batch, Init, StateDict, cnn};
use reference::{Image, conv, max_diff, max_pool};

cnn! {
    /// A negative slope turns the largest value into the smallest: the
    /// activation must run after the pooling.
    pub struct NegativeSlope<2, 8, 10> {
        conv: Conv2d(2, 3, 3, padding = 1),
        pool: MaxPool2d(2),
        act: LeakyReLU(-0.5),
    }

    /// A positive slope commutes with the maximum: it may run first.
    pub struct PositiveSlope<2, 8, 10> {
        conv: Conv2d(2, 3, 3, padding = 1),
        pool: MaxPool2d(2),
        act: LeakyReLU(0.25),
    }
}

fn leaky(x: &Image, slope: f64) -> Image {
    let data = x
        .data
        .iter()
        .map(|&v| if v >= 0.0 { v } else { v * slope })
        .collect();
    Image::new(x.c, x.h, x.w, data)
}

fn reference(sd: &StateDict, data: &[f32], slope: f64) -> Image {
    let x = Image::new(2, 8, 10, data.iter().map(|&v| v as f64).collect());
    let tensor = |name: &str| &sd.get(name).expect(name).data;
    let y = conv(
        &x,
        tensor("conv.weight"),
        Some(tensor("conv.bias")),
        3,
        3,
        1,
        1,
    );
    leaky(&max_pool(&y, 2, 2, 0), slope)
}

fn input() -> Vec<f32> {
    let mut init = Init::new(5);
    (0..2 * 8 * 10).map(|_| init.unit() * 2.0 - 1.0).collect()
}

#[test]
fn a_negative_slope_after_a_max_pooling_runs_after_it() {
    let net = NegativeSlope::new(3);
    let y: Batch<3, 4, 5> = net.forward(&Batch::from_vec(1, input()).unwrap());
    let want = reference(&net.state_dict(), &input(), -0.5);
    // pool(act(x)) would differ by up to 1.5 x the largest negative value.
    assert!(
        max_diff(y.as_slice(), &want) < 1e-5,
        "{}",
        max_diff(y.as_slice(), &want)
    );
}

#[test]
fn a_positive_slope_after_a_max_pooling_gives_the_same_values() {
    let net = PositiveSlope::new(3);
    let y: Batch<3, 4, 5> = net.forward(&Batch::from_vec(1, input()).unwrap());
    let want = reference(&net.state_dict(), &input(), 0.25);
    assert!(max_diff(y.as_slice(), &want) < 1e-5);
}
