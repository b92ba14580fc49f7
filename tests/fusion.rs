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

cnn! {
    /// Convolutions of several kernels (1x1, 3x3, depthwise, strided) and a
    /// product, each with an activation after it: Hardswish and Hardsigmoid
    /// run in the convolution's epilogue, SiLU and Sigmoid as passes of
    /// their own on whole vectors.
    pub struct EpilogueActs<6, 17, 19> {
        pw: Conv2d(6, 40, 1),
        silu: SiLU(),
        conv: Conv2d(40, 32, 3, padding = 1),
        hswish: Hardswish(),
        dw: Conv2d(32, 32, 3, stride = 2, padding = 1, groups = 32),
        hsig: Hardsigmoid(),
        down: Conv2d(32, 16, 5, stride = 2),
        sig: Sigmoid(),
        flatten: Flatten(),
        fc: Linear(144, 21),
        silu2: SiLU(),
    }
}

/// The generated pass, with what it fuses, gives bit for bit what the
/// layers and the activations run one by one give.
#[test]
fn activations_after_convolutions_match_the_layers_one_by_one() {
    use cnn::{Hardsigmoid, Hardswish, SiLU, Sigmoid};
    let net = EpilogueActs::new(11);
    let mut init = Init::new(8);
    let x: Batch<6, 17, 19> = Batch::from_vec(
        3,
        (0..3 * 6 * 17 * 19)
            .map(|_| init.unit() * 8.0 - 4.0)
            .collect(),
    )
    .unwrap();
    let y = net.forward(&x);
    let a: Batch<40, 17, 19> = SiLU.forward(net.pw.forward(&x));
    let b: Batch<32, 17, 19> = Hardswish.forward(net.conv.forward(&a));
    let c: Batch<32, 9, 10> = Hardsigmoid.forward(net.dw.forward(&b));
    let d: Batch<16, 3, 3> = Sigmoid.forward(net.down.forward(&c));
    let flat: Batch<144> = net.flatten.forward(d);
    let want: Batch<21> = SiLU.forward(net.fc.forward(&flat));
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(y.as_slice()), bits(want.as_slice()));
    // The activations did something: values below zero and above one.
    assert!(y.as_slice().iter().any(|&v| v < 0.0));
}

cnn! {
    /// BatchNorm2d layers no convolution takes, each with an activation
    /// after it: the first reads the model's input (into a new batch), the
    /// second a result of the pass's own (in place).
    pub struct NormActs<4, 9, 11> {
        norm: BatchNorm2d(4),
        relu: ReLU,
        conv: Conv2d(4, 6, 3),
        relu6: ReLU6,
        norm2: BatchNorm2d(6),
        leaky: LeakyReLU(0.1),
    }
}

/// A BatchNorm2d and the activation after it, run as one pass, give bit
/// for bit what the two layers give one after the other.
#[test]
fn a_batch_norm_and_its_activation_match_the_layers_one_by_one() {
    use cnn::{BatchNorm2d, LeakyReLU, Module, ReLU, ReLU6};
    let mut net = NormActs::new(5);
    // Statistics that move values across zero and past six.
    for t in net.tensors_mut() {
        for (i, v) in t.data.iter_mut().enumerate() {
            let i = i as f32;
            if t.name.ends_with("running_var") {
                *v = 0.3 + i * 0.2;
            } else if t.name.ends_with("running_mean") {
                *v = 0.5 - i * 0.3;
            } else if t.name.starts_with("norm") && t.name.ends_with("weight") {
                *v = 3.0 - i;
            }
        }
    }
    let mut init = Init::new(9);
    let x: Batch<4, 9, 11> = Batch::from_vec(
        3,
        (0..3 * 4 * 9 * 11)
            .map(|_| init.unit() * 6.0 - 3.0)
            .collect(),
    )
    .unwrap();
    let y = net.forward(&x);
    let norm = |bn: &BatchNorm2d<4>| ReLU.forward(bn.forward_from(&x));
    let a = norm(&net.norm);
    let b: Batch<6, 7, 9> = ReLU6.forward(net.conv.forward(&a));
    let want = LeakyReLU::new(0.1).forward(net.norm2.forward(b));
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(y.as_slice()), bits(want.as_slice()));
    // Each activation did something.
    assert!(a.as_slice().contains(&0.0));
    assert!(y.as_slice().iter().any(|&v| v < 0.0));
}
