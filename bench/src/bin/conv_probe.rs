//! The convolution kernels side by side on the fixture models',
//! ResNet-18's and MobileNetV2's depthwise convolution shapes (one image,
//! one thread), every kernel that runs on this instruction set, so that the
//! rule table's choice rests on a measurement. Arguments, if any, keep only the
//! shapes whose names contain one of them (one that keeps none is an error,
//! as is an unknown name in `CNN_PROBE_KERNELS`).
//!
//! ```text
//! CNN_PROBE_KERNELS=Depthwise,Gemm cargo run --release -p cnn-bench --bin conv_probe [NAME...]
//! ```
//!
//! `CNN_PROBE_COLD=MIB` writes that many MiB of other data before each
//! call and reports the median call: inside a model the other layers have
//! run in between, and a layer's data comes from memory much as with 16
//! MiB here (MobileNetV2's 16->96 at 112x112: 1.1-1.2 ms in the model,
//! 0.7 ms warm, 1.2 ms at 16 MiB, on an AMD Zen 4 with a 32 MiB L3). Give
//! more than the last-level cache holds for a layer's weights to come
//! from memory, as in a large model at batch 1: a Xeon whose L3 is
//! reported as hundreds of MiB keeps them at 64 MiB, not at 256 (ResNet's
//! 512->512 at 7x7 with F(2x2, 3x3): 1.12 ms at 64, 1.84 ms at 256 and
//! 1.66 ms inside ResNet-18).
//! `CNN_PROBE_EPILOGUE=1` runs each call with the whole epilogue (a scale
//! and shift per channel, a residual, ReLU), as a ResNet block's last
//! convolution does, rather than none; `CNN_PROBE_EPILOGUE=bn` with a
//! scale and shift and ReLU6, as a MobileNet's first layer.

use cnn::kernels::conv::{ConvGeometry, ConvKernel, PackedConv, conv2d};
use cnn::kernels::epilogue::{Act, Epilogue};
use cnn::kernels::isa::Isa;

fn main() {
    // `CNN_PROBE_THREADS=2` times the kernels shared by two threads.
    let threads = std::env::var("CNN_PROBE_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    cnn::set_threads(threads);
    let isa = Isa::detect();
    // Every kernel, a column each, "-" where it does not take the shape or
    // run on this instruction set (set `CNN_ISA` to probe a lower one); the
    // last column is the rule table's choice.
    // `CNN_PROBE_KERNELS=Depthwise,Gemm` keeps those columns alone.
    let kernels: Vec<ConvKernel> = match std::env::var("CNN_PROBE_KERNELS") {
        Ok(names) => ConvKernel::ALL
            .into_iter()
            .filter(|k| names.split(',').any(|n| n == format!("{k:?}")))
            .collect(),
        Err(_) => ConvKernel::ALL.to_vec(),
    };
    // (name, c_in, c_out, input, kernel, stride, pad), square
    let square = [
        ("gray200 conv1", 1, 16, 200, 2, 2, 0),
        ("gray200 conv1 1x1", 4, 16, 100, 1, 1, 0),
        ("lenet conv1", 1, 6, 28, 5, 1, 2),
        ("lenet conv2", 6, 16, 14, 5, 1, 0),
        ("quiz conv1", 3, 10, 130, 3, 1, 0),
        ("seed_a conv1", 3, 16, 32, 3, 2, 1),
        ("seed_a conv2", 16, 32, 16, 3, 2, 1),
        ("seed_b conv1", 3, 16, 32, 5, 2, 1),
        ("seed_b conv2", 16, 32, 15, 5, 2, 1),
        ("quiz conv2", 10, 20, 32, 5, 1, 2),
        ("gray200 conv2", 16, 32, 50, 3, 1, 1),
        ("vgg conv1", 3, 32, 32, 3, 1, 1),
        ("vgg conv2", 32, 32, 32, 3, 1, 1),
        ("vgg conv3", 32, 64, 16, 3, 1, 1),
        ("vgg conv4", 64, 64, 16, 3, 1, 1),
        ("vgg conv5", 64, 128, 8, 3, 1, 1),
        ("features conv4", 32, 64, 8, 1, 1, 0),
        ("resnet conv1", 3, 64, 224, 7, 2, 3),
        ("resnet layer1", 64, 64, 56, 3, 1, 1),
        ("resnet layer2.0", 64, 128, 56, 3, 2, 1),
        ("resnet layer2", 128, 128, 28, 3, 1, 1),
        ("resnet down2", 64, 128, 56, 1, 2, 0),
        ("resnet layer3", 256, 256, 14, 3, 1, 1),
        ("resnet layer4", 512, 512, 7, 3, 1, 1),
        ("resnet down4", 256, 512, 14, 1, 2, 0),
        // The mobile models' first layer, 3x3 at stride 2.
        ("mnv2 conv1", 3, 32, 224, 3, 2, 1),
        // SqueezeNet 1.1's first layer: 64 channels, no padding.
        ("squeezenet conv1", 3, 64, 224, 3, 2, 0),
        // MobileNetV2's pointwise convolutions, expanding and projecting.
        ("mnv2 pw 32-16", 32, 16, 112, 1, 1, 0),
        ("mnv2 pw 16-96", 16, 96, 112, 1, 1, 0),
        ("mnv2 pw 144-24", 144, 24, 56, 1, 1, 0),
        ("mnv2 pw 24-144", 24, 144, 56, 1, 1, 0),
        ("mnv2 pw 192-32", 192, 32, 28, 1, 1, 0),
        ("mnv2 pw 32-192", 32, 192, 28, 1, 1, 0),
        ("mnv2 pw 384-64", 384, 64, 14, 1, 1, 0),
        ("mnv2 pw 64-384", 64, 384, 14, 1, 1, 0),
        ("mnv2 pw 960-160", 960, 160, 7, 1, 1, 0),
        ("mnv2 pw 160-960", 160, 960, 7, 1, 1, 0),
        ("mnv2 pw 320-1280", 320, 1280, 7, 1, 1, 0),
        ("mnasnet pw 96-576", 96, 576, 7, 1, 1, 0),
        // EfficientNet-B0's widest pointwise convolutions.
        ("effnet pw 112-672", 112, 672, 14, 1, 1, 0),
        ("effnet pw 672-112", 672, 112, 14, 1, 1, 0),
        ("effnet pw 192-1152", 192, 1152, 7, 1, 1, 0),
        // MNASNet 0.5's pointwise convolutions from 16 channels.
        ("mnasnet pw 16-8", 16, 8, 112, 1, 1, 0),
        ("mnasnet pw 16-48", 16, 48, 56, 1, 1, 0),
        // ResNet-50's bottleneck 1x1s.
        ("resnet50 1x1 256-64", 256, 64, 56, 1, 1, 0),
        ("resnet50 1x1 64-256", 64, 256, 56, 1, 1, 0),
        ("resnet50 1x1 1024-256", 1024, 256, 14, 1, 1, 0),
        ("resnet50 1x1 256-1024", 256, 1024, 14, 1, 1, 0),
        ("resnet50 1x1 2048-512", 2048, 512, 7, 1, 1, 0),
        ("resnet50 1x1 512-2048", 512, 2048, 7, 1, 1, 0),
        ("resnet50 1x1 512-128", 512, 128, 28, 1, 1, 0),
        ("resnet50 1x1 128-512", 128, 512, 28, 1, 1, 0),
        ("resnet50 down 256-512", 256, 512, 56, 1, 2, 0),
        ("resnet50 down 512-1024", 512, 1024, 28, 1, 2, 0),
        ("resnet50 down 1024-2048", 1024, 2048, 14, 1, 2, 0),
        ("resnet50 3x3 s2 128", 128, 128, 56, 3, 2, 1),
        ("resnet50 3x3 s2 256", 256, 256, 28, 3, 2, 1),
        ("resnet layer3.0", 128, 256, 28, 3, 2, 1),
        ("resnet layer4.0", 256, 512, 14, 3, 2, 1),
        ("resnet50 3x3 s2 512", 512, 512, 14, 3, 2, 1),
        ("resnet50 3x3 512", 512, 512, 7, 3, 1, 1),
        // RegNetX-400MF's 1x1s, onto channels in blocks of 16 (not 32).
        ("regnet 1x1 400", 400, 400, 7, 1, 1, 0),
        ("regnet 1x1 160", 160, 160, 14, 1, 1, 0),
        ("regnet 1x1 32", 32, 32, 112, 1, 1, 0),
        ("regnet 1x1 32 s2", 32, 32, 112, 1, 2, 0),
        ("regnet 1x1 32 56", 32, 32, 56, 1, 1, 0),
        ("regnet 1x1 32-64", 32, 64, 56, 1, 1, 0),
        ("regnet 1x1 32-64 s2", 32, 64, 56, 1, 2, 0),
        ("regnet 1x1 64-160 s2", 64, 160, 28, 1, 2, 0),
        ("regnet 1x1 160-400 s2", 160, 400, 14, 1, 2, 0),
        ("resnet down3", 128, 256, 28, 1, 2, 0),
        // SqueezeNet 1.1's expanding 3x3s and its 1x1 classifier.
        // DenseNet-121's growth convolutions and GoogLeNet's 3x3 branches.
        ("densenet 3x3 56", 128, 32, 56, 3, 1, 1),
        ("densenet 3x3 28", 128, 32, 28, 3, 1, 1),
        ("densenet 3x3 14", 128, 32, 14, 3, 1, 1),
        ("densenet 3x3 7", 128, 32, 7, 3, 1, 1),
        ("googlenet 3x3 96-128", 96, 128, 28, 3, 1, 1),
        ("googlenet 3x3 112-224", 112, 224, 14, 3, 1, 1),
        ("googlenet 3x3 160-320", 160, 320, 7, 3, 1, 1),
        ("googlenet 3x3 32-64", 32, 64, 14, 3, 1, 1),
        ("squeezenet 3x3 16-64", 16, 64, 55, 3, 1, 1),
        ("squeezenet 3x3 32-128", 32, 128, 27, 3, 1, 1),
        ("squeezenet 3x3 48-192", 48, 192, 13, 3, 1, 1),
        ("squeezenet 3x3 64-256", 64, 256, 13, 3, 1, 1),
        ("squeezenet 1x1 512-1000", 512, 1000, 13, 1, 1, 0),
        // Squeeze-and-excitation's 1x1s on one pixel (MobileNetV3-Small's
        // widest, EfficientNet-B0's).
        ("se 144-576", 144, 576, 1, 1, 1, 0),
        ("se 576-144", 576, 144, 1, 1, 1, 0),
        ("se 48-1152", 48, 1152, 1, 1, 1, 0),
        ("se 1152-48", 1152, 48, 1, 1, 1, 0),
        // A classifier's Linear on one image takes the same product
        // (MobileNetV3-Small's two).
        ("fc 576-1024", 576, 1024, 1, 1, 1, 0),
        ("fc 1024-1000", 1024, 1000, 1, 1, 1, 0),
        // The small configurations' 1x1s on planes narrower than a panel.
        ("tiny pw 80-1280", 80, 1280, 2, 1, 1, 0),
        ("tiny pw 240-40", 240, 40, 2, 1, 1, 0),
        ("tiny pw 40-240", 40, 240, 2, 1, 1, 0),
        ("tiny pw 144-24", 144, 24, 4, 1, 1, 0),
        ("tiny pw 24-144", 24, 144, 4, 1, 1, 0),
        ("tiny pw 96-16", 96, 16, 4, 1, 1, 0),
        ("tiny pw 16-96", 16, 96, 4, 1, 1, 0),
        ("tiny pw 48-8", 48, 8, 16, 1, 1, 0),
    ];
    let mut shapes: Vec<(&str, ConvGeometry)> = square
        .into_iter()
        .map(|(name, c_in, c_out, size, k, s, p)| {
            let out = (size + 2 * p - k) / s + 1;
            let g = ConvGeometry {
                c_in,
                c_out,
                input: [size, size],
                output: [out, out],
                kernel: [k, k],
                stride: [s, s],
                pad: [p, p],
                dilation: [1, 1],
                groups: 1,
            };
            (name, g)
        })
        .collect();
    // features_ext's rectangular and grouped, dilated convolutions.
    shapes.push((
        "features conv1",
        ConvGeometry {
            c_in: 3,
            c_out: 16,
            input: [32, 32],
            output: [16, 32],
            kernel: [3, 5],
            stride: [2, 1],
            pad: [1, 2],
            dilation: [1, 1],
            groups: 1,
        },
    ));
    shapes.push((
        "features conv2",
        ConvGeometry {
            c_in: 16,
            c_out: 32,
            input: [16, 32],
            output: [16, 32],
            kernel: [3, 3],
            stride: [1, 1],
            pad: [2, 2],
            dilation: [2, 2],
            groups: 2,
        },
    ));
    // features_ext's depthwise 3x3 on a 16x32 plane.
    let mut depthwise_16x32 = grouped_3x3(32, 16, 1, 32);
    depthwise_16x32.input = [16, 32];
    depthwise_16x32.output = [16, 32];
    shapes.push(("features conv3", depthwise_16x32));
    // RegNetX-400MF's grouped 3x3s, 16 channels a group.
    for (name, channels, size, stride) in [
        ("regnet g16 7", 400, 7, 1),
        ("regnet g16 14", 160, 14, 1),
        ("regnet g16 28", 64, 28, 1),
        ("regnet g16 14 s2", 400, 14, 2),
        ("regnet g16 28 s2", 160, 28, 2),
        ("regnet g16 56 s2", 64, 56, 2),
        ("regnet g16 112 s2", 32, 112, 2),
    ] {
        shapes.push((name, grouped_3x3(channels, size, stride, channels / 16)));
    }
    // MobileNetV2's depthwise 3x3 convolutions, at strides 2 and 1, from
    // its large planes down to the small configuration's 2x2.
    for (name, channels, size, stride) in [
        ("mobilenet dw 112", 32, 112, 1),
        ("mobilenet dw s2", 96, 112, 2),
        // The same with its input inside a second-level cache: as long a
        // channel, so the kernel is bound by its own instructions.
        ("mobilenet dw s2 16ch", 16, 112, 2),
        ("mobilenet dw s1", 144, 56, 1),
        ("mobilenet dw 56 s2", 144, 56, 2),
        ("mobilenet dw 28 s2", 192, 28, 2),
        ("mobilenet dw 28", 192, 28, 1),
        ("mobilenet dw 24", 144, 24, 1),
        ("mobilenet dw 20", 144, 20, 1),
        ("mobilenet dw 16", 144, 16, 1),
        ("mobilenet dw 14", 384, 14, 1),
        ("mobilenet dw 14 s2", 576, 14, 2),
        ("mobilenet dw 12", 96, 12, 1),
        ("mobilenet dw 10", 96, 10, 1),
        ("mobilenet dw 7", 960, 7, 1),
        ("tiny dw 32 s2", 48, 32, 2),
        ("tiny dw 32", 8, 32, 1),
        ("tiny dw 16", 48, 16, 1),
        ("tiny dw 8", 96, 8, 1),
        ("tiny dw 4", 144, 4, 1),
        ("tiny dw 2", 240, 2, 1),
    ] {
        shapes.push((name, grouped_3x3(channels, size, stride, channels)));
    }
    // MNASNet's and EfficientNet-B0's depthwise 5x5 convolutions.
    for (name, channels, size, stride) in [
        ("mnasnet dw5 28", 72, 28, 1),
        ("mnasnet dw5 14", 240, 14, 1),
        ("effnet dw5 28", 240, 28, 1),
        ("effnet dw5 14", 672, 14, 1),
        ("mnasnet dw5 7", 576, 7, 1),
        ("effnet dw5 7", 1152, 7, 1),
        ("effnet dw5 56 s2", 144, 56, 2),
        ("mnasnet dw5 28 s2", 144, 28, 2),
        ("effnet dw5 14 s2", 672, 14, 2),
    ] {
        let mut g = grouped_3x3(channels, size, stride, channels);
        g.kernel = [5, 5];
        g.pad = [2, 2];
        shapes.push((name, g));
    }
    // A name that keeps no shape, or a kernel that is not one, is a typo:
    // said at once rather than a table that silently leaves it out.
    let only: Vec<String> = std::env::args().skip(1).collect();
    let unknown: Vec<&String> = only
        .iter()
        .filter(|o| !shapes.iter().any(|(name, _)| name.contains(o.as_str())))
        .collect();
    if !unknown.is_empty() {
        let names: Vec<&str> = shapes.iter().map(|(name, _)| *name).collect();
        eprintln!("no shape's name contains {unknown:?}; the shapes: {names:?}");
        std::process::exit(2);
    }
    if let Ok(names) = std::env::var("CNN_PROBE_KERNELS") {
        let known = |n: &str| ConvKernel::ALL.iter().any(|k| format!("{k:?}") == n);
        let unknown: Vec<&str> = names.split(',').filter(|n| !known(n)).collect();
        if !unknown.is_empty() {
            eprintln!(
                "CNN_PROBE_KERNELS: no kernel named {unknown:?}; the kernels: {:?}",
                ConvKernel::ALL
            );
            std::process::exit(2);
        }
    }
    let peak = cnn_bench::peak::measured_peak();
    println!("measured single-core FMA peak: {peak:.1} GFLOP/s");
    print!("{:>16}", "conv");
    for kernel in &kernels {
        print!(" {:>16}", format!("{kernel:?} us (%)"));
    }
    println!("  chosen");
    let epilogue_kind = std::env::var("CNN_PROBE_EPILOGUE").ok();
    let mut cold: Option<Vec<f32>> = std::env::var("CNN_PROBE_COLD")
        .ok()
        .and_then(|mib| mib.parse::<usize>().ok())
        .map(|mib| vec![0.0; mib << 18]);
    for (name, g) in shapes {
        if !only.is_empty() && !only.iter().any(|o| name.contains(o.as_str())) {
            continue;
        }
        let weight: Vec<f32> = (0..g.c_out * g.patch_len())
            .map(|i| (i % 13) as f32 * 0.01)
            .collect();
        // From the pool, as a model's tensors are: on a cache line's start.
        let mut input = cnn::pool::take(g.in_len());
        for (i, x) in input.iter_mut().enumerate() {
            *x = (i % 7) as f32 * 0.1;
        }
        let mut output = cnn::pool::take(g.out_len());
        let (scale, shift): (Vec<f32>, Vec<f32>) = (0..g.c_out)
            .map(|i| (1.0 + (i % 5) as f32 * 0.1, (i % 3) as f32 * 0.1))
            .unzip();
        let mut residual = cnn::pool::take(g.out_len());
        for (i, x) in residual.iter_mut().enumerate() {
            *x = (i % 11) as f32 * 0.1;
        }
        let epilogue = match epilogue_kind.as_deref() {
            None => Epilogue::default(),
            Some("bn") => Epilogue {
                scale: Some(&scale),
                shift: Some(&shift),
                residual: None,
                act: Act::ReLU6,
            },
            Some(_) => Epilogue {
                scale: Some(&scale),
                shift: Some(&shift),
                residual: Some(&residual),
                act: Act::ReLU,
            },
        };
        let flops = 2.0 * (g.c_out * g.patch_len() * g.output[0] * g.output[1]) as f64;
        let percent = |seconds: f64| flops / seconds / 1e9 / peak * 100.0;
        let mut cells = Vec::new();
        for &kernel in &kernels {
            let Some(packed) = PackedConv::with_kernel(isa, &g, &weight, kernel) else {
                cells.push("-".to_string());
                continue;
            };
            let call = || conv2d(&g, &weight, &packed, 1, &input, &mut output, &epilogue);
            let seconds = match &mut cold {
                Some(other) => cold_median(other, call),
                None => cnn_bench::best_of(flops, call),
            };
            cells.push(format!("{:.1} ({:.0}%)", seconds * 1e6, percent(seconds)));
        }
        let chosen = PackedConv::new(&g, &weight).kernel();
        print!("{name:>16}");
        for cell in &cells {
            print!(" {cell:>16}");
        }
        println!("  {chosen:?}");
    }
}

/// The median of single calls of `f`, each after writing `other` (one
/// value a cache line), so that `f` finds its data out of the caches.
fn cold_median(other: &mut [f32], mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..41)
        .map(|round| {
            for v in other.iter_mut().step_by(16) {
                *v += round as f32;
            }
            std::hint::black_box(&*other);
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// A 3x3 convolution padded by 1 from `channels` to as many on a square
/// plane, in `groups` groups.
fn grouped_3x3(channels: usize, size: usize, stride: usize, groups: usize) -> ConvGeometry {
    ConvGeometry {
        c_in: channels,
        c_out: channels,
        input: [size, size],
        output: [size.div_ceil(stride), size.div_ceil(stride)],
        kernel: [3, 3],
        stride: [stride, stride],
        pad: [1, 1],
        dilation: [1, 1],
        groups,
    }
}
