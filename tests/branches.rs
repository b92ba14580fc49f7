//! An Inception-style module (four concatenated branches, one of them a
//! 3x3/stride-1/pad-1 max-pool) and a DenseNet-style dense block, checked
//! against a hand-written reference computation.

#[path = "models/branchy.rs"]
mod branchy;
mod reference;

use branchy::{DenseNet, InceptionNet};
use cnn::{Batch, Init, Module, StateDict};
use reference::{Image, batch_norm, concat, conv, max_diff, max_pool, relu};

fn image(seed: u64, c: usize, h: usize, w: usize) -> (Vec<f32>, Image) {
    let mut init = Init::new(seed);
    let data: Vec<f32> = (0..c * h * w).map(|_| init.unit() * 2.0 - 1.0).collect();
    let reference = Image::new(c, h, w, data.iter().map(|&v| v as f64).collect());
    (data, reference)
}

fn tensor<'a>(sd: &'a StateDict, name: &str) -> &'a [f32] {
    &sd.get(name)
        .unwrap_or_else(|| panic!("no tensor {name}"))
        .data
}

#[test]
fn inception_module() {
    assert_eq!(InceptionNet::OUTPUT_SHAPE, &[4 + 5 + 3 + 2, 9, 7]);
    let net = InceptionNet::new(11);
    let sd = net.state_dict();
    let (data, x) = image(1, 6, 9, 7);
    let y: Batch<14, 9, 7> = net.forward(&Batch::from_vec(1, data).unwrap());

    let c = |x: &Image, name: &str, c_out: usize, k: usize, pad: usize| {
        conv(
            x,
            tensor(&sd, &format!("{name}.weight")),
            Some(tensor(&sd, &format!("{name}.bias"))),
            c_out,
            k,
            1,
            pad,
        )
    };
    let stem = c(&x, "stem", 8, 3, 1);
    let b1 = c(&stem, "mixed.branch1", 4, 1, 0);
    let b2 = c(
        &relu(&c(&stem, "mixed.branch2_reduce", 3, 1, 0)),
        "mixed.branch2",
        5,
        3,
        1,
    );
    let b3 = c(
        &c(&stem, "mixed.branch3_reduce", 2, 1, 0),
        "mixed.branch3",
        3,
        5,
        2,
    );
    let b4 = c(&max_pool(&stem, 3, 1, 1), "mixed.branch4", 2, 1, 0);
    let want = relu(&concat(&[b1, b2, b3, b4]));
    let diff = max_diff(y.as_slice(), &want);
    assert!(diff < 1e-5, "max diff {diff}");
    let names: Vec<&str> = InceptionNet::LAYERS.iter().map(|l| l.name).collect();
    assert_eq!(names[..3], ["stem", "mixed", "mixed.branch1"]);
}

#[test]
fn dense_block() {
    // 5 channels, then 3 new ones per layer: 8, 11, 14.
    assert_eq!(DenseNet::OUTPUT_SHAPE, &[14, 6, 6]);
    let mut net = DenseNet::new(5);
    // Non-trivial BatchNorm statistics, so a wrong formula shows.
    for t in net.tensors_mut() {
        if t.name.ends_with("running_var") || t.name.ends_with("weight") && t.shape.len() == 1 {
            for (i, v) in t.data.iter_mut().enumerate() {
                *v = 0.5 + (i % 3) as f32 * 0.4;
            }
        } else if t.name.ends_with("running_mean") || t.name.ends_with("bias") {
            for (i, v) in t.data.iter_mut().enumerate() {
                *v = (i % 5) as f32 * 0.1 - 0.2;
            }
        }
    }
    let sd = net.state_dict();
    let (data, x) = image(2, 5, 6, 6);
    // Two images first (each concatenation's input is copied, not
    // lengthened where it lies), then each alone.
    let (other, _) = image(3, 5, 6, 6);
    let both = Batch::from_vec(2, [&data[..], &other[..]].concat()).unwrap();
    let two: Batch<14, 6, 6> = net.forward(&both);
    let y: Batch<14, 6, 6> = net.forward(&Batch::from_vec(1, data).unwrap());
    let y_other: Batch<14, 6, 6> = net.forward(&Batch::from_vec(1, other).unwrap());
    assert_eq!(two.image(0), y.image(0));
    assert_eq!(two.image(1), y_other.image(0));

    let bn = |x: &Image, name: &str| {
        let t = |s: &str| tensor(&sd, &format!("{name}.{s}"));
        batch_norm(
            x,
            t("weight"),
            t("bias"),
            t("running_mean"),
            t("running_var"),
            1e-5,
        )
    };
    let mut features = x;
    for i in 0..3 {
        let p = format!("block.{i}");
        let new = conv(
            &relu(&bn(&features, &format!("{p}.norm"))),
            tensor(&sd, &format!("{p}.conv.weight")),
            None,
            3,
            3,
            1,
            1,
        );
        features = concat(&[features, new]);
    }
    let want = bn(&features, "norm");
    let diff = max_diff(y.as_slice(), &want);
    assert!(diff < 1e-5, "max diff {diff}");
    assert_eq!(
        DenseNet::LAYERS
            .iter()
            .filter(|l| l.kind == "Conv2d")
            .map(|l| l.args)
            .collect::<Vec<_>>(),
        [
            "Conv2d(5, 3, 3, padding = 1, bias = false)",
            "Conv2d(8, 3, 3, padding = 1, bias = false)",
            "Conv2d(11, 3, 3, padding = 1, bias = false)"
        ]
    );
}

cnn::cnn! {
    /// The input twice over, after a layer that makes it a value of the
    /// pass's own: both branches are the input itself.
    pub struct Twice<2, 2, 2> {
        relu: ReLU,
        both: concat { {}, Identity },
    }
}

#[test]
fn a_concatenation_of_the_input_with_itself() {
    let x = Batch::<2, 2, 2>::from_vec(1, (0..8).map(|i| i as f32 - 3.0).collect()).unwrap();
    let y: Batch<4, 2, 2> = Twice::new(0).forward(&x);
    let relu: Vec<f32> = x.as_slice().iter().map(|v| v.max(0.0)).collect();
    assert_eq!(y.as_slice(), [&relu[..], &relu[..]].concat());
}

cnn::cnn! {
    /// SqueezeNet's Fire module, with a BatchNorm2d and a reflect-padded
    /// convolution in the branches: each branch's last convolution writes
    /// into its channels of the concatenation.
    pub struct Fire<4, 7, 9> {
        squeeze: Conv2d(4, 3, 1),
        squeeze_relu: ReLU,
        expand: concat {
            { e1: Conv2d(3, 5, 1), e1_relu: ReLU },
            { e3: Conv2d(3, 6, 3, padding = 1), e3_bn: BatchNorm2d(6), e3_relu: ReLU6 },
            reflect: Conv2d(3, 2, 3, padding = 1, padding_mode = "reflect"),
        },
    }
}

/// The concatenation the generated pass writes in place holds, bit for bit,
/// what each branch's layers give alone, at batch 1 and 2.
#[test]
fn branches_written_into_their_channels_match_the_layers_one_by_one() {
    use cnn::{Act, ReLU};
    let mut net = Fire::new(4);
    let mut set = 0;
    for t in net.tensors_mut() {
        if t.name.starts_with("expand.e3_bn") {
            // A large scale: some values past ReLU6's ceiling.
            let weight = t.name.ends_with("weight");
            for (i, v) in t.data.iter_mut().enumerate() {
                *v = if weight { 20.0 } else { 0.5 + i as f32 * 0.7 };
            }
            set += 1;
        }
    }
    assert_eq!(set, 4, "the BatchNorm2d's statistics");
    for batch in [1, 2] {
        let mut init = Init::new(batch as u64);
        let values = (0..batch * 4 * 7 * 9)
            .map(|_| init.unit() * 4.0 - 2.0)
            .collect();
        let x: Batch<4, 7, 9> = Batch::from_vec(batch, values).unwrap();
        let y: Batch<13, 7, 9> = net.forward(&x);
        let s: Batch<3, 7, 9> = ReLU.forward(net.squeeze.forward(&x));
        let a: Batch<5, 7, 9> = net.expand_e1.forward_fused(&s, None, Act::ReLU, None);
        let b: Batch<6, 7, 9> =
            net.expand_e3
                .forward_fused(&s, Some(&net.expand_e3_bn), Act::ReLU6, None);
        let c: Batch<2, 7, 9> = net.expand_reflect.forward(&s);
        let mut want = Batch::<13, 7, 9>::zeros(batch);
        want.write_channels::<0, 5>(&a);
        want.write_channels::<5, 6>(&b);
        want.write_channels::<11, 2>(&c);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(y.as_slice()), bits(want.as_slice()), "batch {batch}");
        // The activations did something: zeros, and ReLU6's ceiling.
        assert!(a.as_slice().contains(&0.0) && b.as_slice().contains(&6.0));
    }
}
