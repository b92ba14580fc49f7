//! Which kernel runs a geometry: a rule table per instruction set, read top
//! down; the first rule whose condition holds and whose kernel takes the
//! geometry wins, else the GEMM (which takes anything). The conditions
//! and their order come from `conv_probe` (the bench crate), which times
//! every kernel on the fixture models' and ResNet-18's shapes. A few
//! AVX-512 rules also ask whose cores these are ([`intel`]): measured on an
//! Intel Xeon and on an AMD Zen 4, some choices differ, and each CPU gets
//! its own.
//!
//! Whether the CPU *can* run an instruction set is [`Isa`]'s question;
//! this table only says what *should* run on one.

use super::ConvKernel;
use super::depthwise::reads_in_place;
use super::geometry::ConvGeometry;
use crate::kernels::isa::{Isa, intel};

/// One line of the table.
struct Rule {
    /// The instruction set it applies to (`None`: every one).
    isa: Option<Isa>,
    kernel: ConvKernel,
    /// Whether the kernel should run the geometry (where it takes it).
    when: fn(&ConvGeometry) -> bool,
}

fn always(_: &ConvGeometry) -> bool {
    true
}

/// Enough depth (`C_IN/G * KH * KW`) for the direct kernel's blocks.
fn deep(g: &ConvGeometry) -> bool {
    g.patch_len() >= 64
}

/// 1x1 at stride 2, one group, onto 14x14 and up, on a CPU not Intel's.
fn strided_projection(g: &ConvGeometry) -> bool {
    g.kernel == [1, 1]
        && g.groups == 1
        && g.stride == [2, 2]
        && g.output[0] * g.output[1] >= 14 * 14
        && !intel()
}

/// 3x3 at stride 1, one group, into 32 channels or fewer from four times
/// as many, onto 14x14 and smaller (DenseNet's growth layers in its last
/// two blocks), which AMD's cores run fastest with the direct kernel.
fn reducing_3x3_onto_small(g: &ConvGeometry) -> bool {
    g.kernel == [3, 3]
        && g.stride == [1, 1]
        && g.groups == 1
        && g.c_out <= 32
        && g.c_in >= 4 * g.c_out
        && g.output[0] <= 14
        && g.output[1] <= 14
}

const RULES: &[Rule] = &[
    // One output pixel: squeeze-and-excitation's 1x1 convolutions, where a
    // tile of pixels would be nearly empty (EfficientNet-B0's 1152->48:
    // 87 us with the flat kernel).
    Rule {
        isa: None,
        kernel: ConvKernel::Vector,
        when: |g| g.output == [1, 1] && g.groups == 1,
    },
    // With AVX-512, depthwise 3x3 onto planes of 16x16 and up at stride 1
    // and of 12x12 and up at stride 2, and 5x5 onto 32x32 and up at
    // stride 1 or 2, are the plane kernel's (read in
    // place, their columns shifted or split into even and odd ones in
    // registers): 3x3 at 28x28 1.8-1.9x, at 14x14 1.3-1.4x, at 12x12
    // 1.2-1.4x, at stride 2 onto 56x56 1.5x and onto 16x16 1.8-1.9x,
    // 5x5 at 28x28 1.15-1.35x and at stride 2 onto 28x28 1.2-1.3x the
    // lanes kernel, warm and cold (MobileNetV2's, MNASNet's and
    // EfficientNet-B0's layers on a Xeon); on AMD Zen 4 3x3 at 28x28
    // 1.75-2.15x, at 14x14 1.2-2.4x, at stride 2 onto 56x56 1.05-1.4x,
    // 5x5 at 28x28 1.1-1.55x, at stride 2 onto 28x28 1.25-1.8x. 3x3 at
    // 10x10, stride 2 onto 7x7 and 5x5 onto 14x14 stay the lanes kernel's
    // (faster warm, slower cold); other depthwise shapes follow the rules
    // below. (Measured before the lanes kernel's blocks started on a
    // cache line: it now runs 5x5 at 14x14 at 1.1-1.45x the plane kernel,
    // and 3x3 at 12x12 and 14x14, 5x5 at 28x28 and at stride 2 onto 14x14
    // within 0.9-1.1x of it, warm and cold; on AMD Zen 4 it runs 5x5 at
    // 28x28, stride 1, at 1.1-1.25x the plane kernel (EfficientNet-B0's
    // 240 channels, MNASNet's 72), so 5x5 starts at 32x32.) Since the
    // lanes kernel loads each input pixel of a window row once for all
    // the outputs it feeds, it runs 3x3 at 14x14, stride 1, at 1.09x the
    // plane kernel warm and at 1.02-1.36x inside the models (MobileNetV2's
    // 384 and 576 channels, EfficientNet-B0's 480; AMD Zen 4; 0.6-0.8x with
    // the caches flushed, which a layer that reads what the layer before
    // it wrote never sees), so 3x3 at stride 1 starts at 16x16; at 28x28
    // (0.84x) and at stride 2 onto 28x28 and 14x14 (0.63x, 0.76-0.87x)
    // the plane kernel stays ahead.
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Depthwise,
        when: |g| {
            let least = match (g.kernel, g.stride) {
                ([3, 3], [1, 1]) => 16,
                ([3, 3], _) => 12,
                _ => 32,
            };
            reads_in_place(g) && g.output[0] >= least && g.output[1] >= least
        },
    },
    // One input channel per group: a GEMM of one row wastes the vectors.
    // Rows of 32 or fewer columns fill the vectors better with channels
    // across the lanes (`conv_probe`, MobileNetV2's 3x3s with AVX-512:
    // 7x7 3.5-4x, 14x14 1.6-1.9x, 28x28 1.0-1.1x the plane kernel), and so
    // do strided rows (MobileNetV2's 112x112 stride 2 in the model: 1.2x);
    // wide rows at stride 1 are the plane kernel's (56x56: 0.9x), and so
    // are rows at stride 1 of fewer channels than a block of 16, which
    // would run half empty (8 channels at 32x32: 0.45-0.5x, AVX-512 and
    // AVX2).
    Rule {
        isa: None,
        kernel: ConvKernel::DepthwiseLanes,
        when: |g| (g.output[1] <= 32 && g.c_out >= 16) || g.stride[1] > 1,
    },
    Rule {
        isa: None,
        kernel: ConvKernel::Depthwise,
        when: always,
    },
    // Windows that tile the input (gray200's 2x2/2 first layer: 1.4x the
    // flat kernel with AVX-512, 1.55x the direct kernel with AVX2), but
    // for 1x1 at stride 1, which the GEMM reads in place (1.0-1.9x the
    // patch kernel with AVX2, 1.0-1.5x on the portable vectors: MNASNet's
    // 16->8 at 112x112, 16->48 at 56x56).
    Rule {
        isa: None,
        kernel: ConvKernel::Patch,
        when: |g| !g.is_pointwise(),
    },
    // AVX-512 (16 lanes).
    // 1x1 onto planes of 4 pixels or fewer (the small configurations'
    // last stages): the GEMM's one vector of columns runs three quarters
    // empty, the direct kernel's channels fill theirs (1.1-1.5x the GEMM:
    // 40->240 and 80->1280 at 2x2, AMD Zen 4).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Direct,
        when: |g| g.kernel == [1, 1] && g.groups == 1 && g.output[0] * g.output[1] <= 4,
    },
    // 1x1 onto planes of one vector of pixels or fewer: the GEMM on one
    // vector of columns, 1.4-4x the flat and patch kernels, whose vectors
    // of pixels run (partly) empty and which read weights per pixel row
    // (144->24, 96->16 and 16->96 at 4x4, 240->40 at 2x2, AMD Zen 4).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Gemm,
        when: |g| g.kernel == [1, 1] && g.output[0] * g.output[1] <= 16,
    },
    // 1x1 widening from a few channels (a patch the patch kernel takes):
    // 1.0-1.2x the GEMM with the data in cache, 1.1-1.6x out of it, as
    // inside a model (`CNN_PROBE_COLD=16`: MobileNetV2's 16->96 at
    // 112x112, MNASNet's 16->48 at 56x56, gray200's 4->16 on AMD Zen 4).
    // On Intel's cores the GEMM runs them at 1.1-1.9x the patch kernel
    // (the same three, warm and cold, on a Xeon).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Patch,
        when: |g| g.is_pointwise() && g.c_out > g.c_in && !intel(),
    },
    // 3x3 at stride 1 onto 49 or more 4x4 tiles (25x25 and up) into 64
    // channels or more, or onto 64 or more tiles from 16 and into 32 or
    // more: F(4x4, 3x3), 1.25-1.4x F(2x2, 3x3) and 1.2-1.3x the flat and
    // direct kernels (ResNet's 64 channels at 56x56 and 128 at 28x28,
    // GoogLeNet's 96->128 at 28x28, SqueezeNet's 16->64 at 55x55 and
    // 32->128 at 27x27, DenseNet-121's 128->32 at 56x56, the VGG's 32->32
    // at 32x32; gray200's 16->32 at 50x50, pooled, 1.36x the flat kernel
    // inside the model; on a Xeon). On AMD's Zen 4 gray200's 16->32 runs
    // at 1.45x the flat kernel warm, 1.1-1.2x with the caches flushed, and
    // the whole model 1.5x, batch 1 and 64. With fewer tiles a vector of 32 runs
    // part empty (14x14: 0.7-0.9x F(2x2, 3x3)); with fewer channels the
    // transforms weigh more (DenseNet's 128->32 at 28x28 even).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Winograd4,
        when: |g| {
            let tiles = g.output[0].div_ceil(4) * g.output[1].div_ceil(4);
            let enough_in = g.c_in >= 16;
            (tiles >= 49 && g.c_out >= 64) || (tiles >= 64 && enough_in && g.c_out >= 32)
        },
    },
    // On AMD's Zen 4, F(4x4, 3x3) onto 16 or more tiles (13x13 and up)
    // from 48 channels or more into 128 or more: 1.2-1.55x F(2x2, 3x3),
    // warm and cold (ResNet's 256 channels at 14x14, GoogLeNet's 112->224
    // at 14x14, SqueezeNet's 48->192 and 64->256 at 13x13), where a Xeon's
    // wider multiply-adds leave the partly empty vectors of 32 tiles
    // behind (0.7-0.9x). From 32 channels into 64 as well: the VGG's
    // 32->64 and 64->64 at 16x16 and GoogLeNet's 32->64 at 14x14
    // 1.15-1.3x F(2x2, 3x3), warm and with the caches flushed, VGG-small
    // 1.1x whole, batch 1 and 64 (its two threads still 1.2x one at
    // batch 1, where a single panel of tiles shares less well).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Winograd4,
        when: |g| {
            let tiles = g.output[0].div_ceil(4) * g.output[1].div_ceil(4);
            let deep_enough = (g.c_in >= 48 && g.c_out >= 128) || (g.c_in >= 32 && g.c_out >= 64);
            !intel() && tiles >= 16 && deep_enough
        },
    },
    // On Intel's cores, 3x3 at stride 1 where Winograd's transforms weigh
    // more than its fewer products save: the flat kernel, warm and cold,
    // on a Xeon. From 16 channels or fewer onto 49 or more 2x2 tiles
    // (where F(4x4, 3x3) above does not take them); into 32 channels or
    // fewer from four times as many onto planes larger than 7x7
    // (DenseNet-121's 128->32 growth layers: 1.2x F(2x2, 3x3) at 28x28,
    // 1.35x at 14x14; at 7x7 the direct kernel runs them at 1.7-1.9x).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Flat,
        when: |g| {
            let few_in = g.c_in <= 16 && g.output[0].div_ceil(2) * g.output[1].div_ceil(2) >= 49;
            let few_out = g.c_out <= 32 && g.c_in >= 4 * g.c_out && g.output[0] * g.output[1] > 49;
            intel()
                && g.kernel == [3, 3]
                && g.stride == [1, 1]
                && g.groups == 1
                && (few_in || few_out)
        },
    },
    // On AMD's Zen 4, 3x3 at stride 1 into 32 channels or fewer from four
    // times as many onto 14x14 and smaller: the direct kernel, 1.0-1.05x
    // F(2x2, 3x3) warm and 1.2-1.25x with the weights from memory
    // (DenseNet-121's 128->32 growth layers at 14x14; at 7x7 the rules
    // below give it the direct kernel too).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Direct,
        when: |g| !intel() && reducing_3x3_onto_small(g),
    },
    // 3x3 at stride 1 onto 49 or more 2x2 tiles (13x13 and up) and 32
    // channels or more: 1.1-1.6x the direct kernel on ResNet-18's and the
    // VGG's layers, 1.1-1.2x on SqueezeNet's 13x13 (AMD Zen 4). With fewer
    // channels the transforms dominate (the quiz's first layer: 0.85x the
    // flat kernel).
    // Onto 13 to 16 tiles (7x7 and 8x8), one vector's worth (a panel of
    // one vector, full), from 64 channels into 128 or more, where the
    // transformed kernels (16 values for 9) stay within 1 MiB: the VGG's
    // 64->128 at 8x8 1.02-1.13x the direct kernel warm, even with the
    // caches flushed; VGG-small 1.04x whole, batch 1 and 64 (Xeon).
    // Larger kernels come from memory at every call inside a large model,
    // and there, on a Xeon, their size tells: ResNet's 512->512 at 7x7
    // 1.18x the direct kernel warm, 0.7x inside ResNet-18. AMD's Zen 4
    // runs them at 1.3-1.6x the direct kernel warm and cold (ResNet's
    // 512->512, GoogLeNet's 160->320).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Winograd,
        when: |g| {
            let tiles = g.output[0].div_ceil(2) * g.output[1].div_ceil(2);
            let one_vector = (13..=16).contains(&tiles);
            let small_kernels = g.c_in.saturating_mul(g.c_out).saturating_mul(16) <= 1 << 18;
            (tiles >= 49 && g.c_in >= 32 && g.c_out >= 32)
                || (one_vector && g.c_in >= 64 && g.c_out >= 128 && (small_kernels || !intel()))
        },
    },
    // 1x1 onto 7x7 or smaller from many channels, in whole blocks of 32
    // (or of 16 onto 256 or more, where one half-empty block is little):
    // the direct kernel 1.1-1.4x the GEMM (ResNet-50's last stage and its
    // downsampling into it, MobileNetV2's 960-160 and 320-1280,
    // RegNetX-400MF's 400-400), whose 49 columns fill few panels.
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Direct,
        when: |g| {
            g.kernel == [1, 1]
                && g.groups == 1
                && g.output[0] * g.output[1] <= 49
                && g.c_in >= 256
                && (g.c_out.is_multiple_of(32) || (g.c_out.is_multiple_of(16) && g.c_out >= 256))
        },
    },
    // Grouped convolutions at stride 2 onto 7x7 or smaller: the direct
    // kernel 1.4-1.5x the flat one, whose vectors of pixels run mostly
    // empty on rows of 7 (RegNetX-400MF's 400 channels in groups of 16,
    // 14x14 to 7x7, warm and cold; from 28x28 and 56x56 the flat kernel
    // keeps up or wins).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Direct,
        when: |g| g.groups > 1 && g.stride[0] > 1 && g.output[0] * g.output[1] <= 49,
    },
    // 1x1 at stride 1 onto fewer channels than it reads (bottlenecks'
    // reductions, inverted residuals' projections) onto 56x56 and up: the
    // flat kernel 1.0-1.25x the GEMM (ResNet-50's 256-64, MobileNetV2's
    // and EfficientNet-B0's 144-24 and 96-24 1.04-1.23x inside the models;
    // AMD Zen 4). From 32 channels or fewer the GEMM, whose tiles keep
    // their sums in registers, runs them at 1.17-1.23x (the same two
    // models' 32-16 at 112x112). Onto smaller planes the GEMM runs them
    // at 1.05-1.2x, warm and cold (ResNet-50's 512-128 and 1024-256,
    // MobileNetV2's 384-64), and so does it into fewer channels than a
    // vector (MNASNet's 16->8 at 112x112: 1.25x, warm and cold).
    // On Intel's cores the GEMM runs them at 1.06-1.13x the flat kernel
    // (cold: ResNet-50's 256-64, 512-128 and 1024-256 on a Xeon).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Flat,
        when: |g| {
            g.kernel == [1, 1]
                && g.groups == 1
                && g.stride == [1, 1]
                && g.c_in > g.c_out
                && g.c_in > 32
                && g.output[0] * g.output[1] >= 56 * 56
                && g.c_out >= 16
                && !intel()
        },
    },
    // 1x1 at stride 2 onto 14x14 and up (downsampling projections) on
    // AMD's Zen 4: the GEMM gathers every second pixel of rows that come
    // from memory inside a model. From 128 channels the direct kernel
    // runs them at 1.05-1.2x inside the model (ResNet-50's 256-512 and
    // 512-1024, ResNet-18's 128-256, batch 1 and 8); from fewer onto
    // 56x56 and up the flat kernel 1.3x (RegNetX's 32-32 from 112x112).
    // Onto smaller planes from fewer channels the GEMM stays ahead
    // (RegNetX's 32-64 and 64-160, ResNet-18's 64-128: the flat kernel
    // 0.8-0.95x), although `conv_probe` with 16 MiB written between calls
    // has the flat kernel ahead there too.
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Direct,
        when: |g| strided_projection(g) && g.c_in >= 128,
    },
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Flat,
        when: |g| strided_projection(g) && g.output[0] * g.output[1] >= 56 * 56,
    },
    // Other 1x1: the direct kernel runs at 0.55-0.85x the GEMM, the flat
    // one at 0.6-0.95x where the layer widens.
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Gemm,
        when: |g| g.kernel == [1, 1],
    },
    // First layers and shallow patches: 1.0-2.5x the others, which spend
    // their time packing or storing sums (ResNet's 7x7 stem 1.15x the
    // direct kernel, a 5x5 first layer to 16 channels 1.7x).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Flat,
        when: |g| !deep(g) || g.c_in <= 3,
    },
    // On Intel's cores, 3x3 at stride 2 onto 28x28 or more, one group:
    // the GEMM over the patches, 1.2x the direct kernel warm and with the
    // caches flushed (ResNet-50's 128->128 from 56x56), 1.02-1.1x on
    // ResNet-18's 64->128 (Xeon); onto 14x14 and 7x7 the direct kernel
    // stays ahead or even (ResNet's 128->256, 256->512, 512->512).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Gemm,
        when: |g| {
            intel()
                && g.kernel == [3, 3]
                && g.stride == [2, 2]
                && g.groups == 1
                && g.output[0] * g.output[1] >= 28 * 28
        },
    },
    // On AMD's Zen 4, first layers (3 channels or fewer) 3x3 at stride 2
    // onto 14x14 or more: the flat kernel, 1.4x the direct one
    // (MobileNetV2's and EfficientNet-B0's stem). Deeper ones go to the
    // direct kernel below: 1.05-1.25x the flat one, warm and with the
    // caches flushed (ResNet's 64->128 and 128->256, ResNet-50's 128->128
    // and 256->256; ResNet-18 1.03x and ResNet-50 1.01x whole at batch 8).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Flat,
        when: |g| {
            !intel()
                && g.c_in <= 3
                && g.kernel == [3, 3]
                && g.stride == [2, 2]
                && g.groups == 1
                && g.output[0] * g.output[1] >= 14 * 14
        },
    },
    // Groups of 16 output channels (one vector), two groups to a block
    // of the direct kernel, from 16 or more input channels a group:
    // RegNetX-400MF's 3x3s, the direct kernel 1.15-1.55x the flat one
    // warm and 1.1-1.2x cold at stride 2 (112x112 to 7x7) and onto 7x7,
    // even at stride 1 onto 14x14 and 28x28 (AMD Zen 4). Shallower groups
    // stay flat (features_ext's 8 a group: 0.8-0.9x).
    // On Intel's cores only onto 7x7 and smaller (1.3-1.5x the flat
    // kernel, whose vectors of pixels run part empty on rows of 7) and at
    // stride 2 onto 56x56 and larger (1.1-1.2x); onto 14x14 and 28x28 at
    // stride 1 the flat kernel runs them at 1.05-1.2x, and at stride 2
    // onto 28x28 even (warm and cold, RegNetX-400MF's layers on a Xeon).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Direct,
        when: |g| {
            let pixels = g.output[0] * g.output[1];
            let here = !intel() || pixels <= 49 || (g.stride[0] > 1 && pixels >= 56 * 56);
            here && g.groups > 1 && g.c_out / g.groups == 16 && g.patch_len() >= 128
        },
    },
    // From 16 channels or fewer a group onto wide planes at stride 1:
    // the flat kernel 1.1-1.4x the direct one warm, 1.05-1.1x cold
    // (gray200's 16->32 at 50x50, SqueezeNet's 16->64 at 55x55; AMD Zen
    // 4). Small strided planes stay direct (the tutorial models' 16->32
    // at 8x8: 0.55x).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Flat,
        when: |g| {
            g.c_in / g.groups.max(1) <= 16
                && g.stride == [1, 1]
                && g.output[0] * g.output[1] >= 1024
        },
    },
    // Spatial kernels of some depth whose groups fill blocks of 32
    // channels: 1.05-1.6x the GEMM.
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Direct,
        when: |g| (g.c_out / g.groups.max(1)).is_multiple_of(32),
    },
    // The rest: with 16 or 48 channels a group the direct kernel's blocks
    // run half empty (LeNet-5's second convolution: the flat kernel 1.4x,
    // features_ext's grouped one 2.4x), as with few input channels (the
    // quiz's second convolution: 1.2x).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Flat,
        when: always,
    },
    // AVX2 (8 lanes).
    // On AMD (measured on a Zen 1, whose vector units are 128 bits wide,
    // a 256-bit operation taking two), three shapes the rules below give
    // to other kernels: first layers of 3 channels or fewer are the flat
    // kernel's, ahead of Winograd (the quiz's 3->10 at 128x128 1.1-1.15x
    // F(4x4, 3x3), the VGG's 3->32 1.0-1.05x); 3x3 at stride 1 reducing to
    // 32 channels or fewer onto 14x14 or smaller are the direct kernel's
    // (DenseNet-121's 128->32: 1.6x F(2x2) at 7x7, 1.1x F(4x4) at 14x14;
    // from 28x28 up even); groups of 8 channels or fewer onto planes of
    // 16x16 and up at stride 1 are the flat kernel's (features_ext's
    // 16->32 in two groups at 16x32, dilated: 1.25-1.7x the direct kernel;
    // the tiny RegNets' 8-channel groups at stride 2 or onto 4x4 and
    // smaller stay direct: the flat kernel 0.35-0.9x there).
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Flat,
        when: |g| !intel() && g.c_in <= 3,
    },
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Direct,
        when: |g| !intel() && reducing_3x3_onto_small(g),
    },
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Flat,
        when: |g| {
            !intel()
                && g.groups > 1
                && g.c_in / g.groups <= 8
                && g.stride == [1, 1]
                && g.output[0] * g.output[1] >= 256
        },
    },
    // 3x3 at stride 1 onto 16 or more 4x4 tiles (13x13 and up): F(4x4,
    // 3x3), 1.2-1.55x F(2x2, 3x3) (ResNet-18's 56x56, 28x28 and 14x14
    // layers 1.5x, 1.35x, 1.55x; the VGG's 32x32 and 16x16 1.25-1.45x;
    // gray200's 16->32 1.2x; on a Xeon with AVX2).
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Winograd4,
        when: |g| g.output[0].div_ceil(4) * g.output[1].div_ceil(4) >= 16,
    },
    // Other 3x3 at stride 1: 1.3-1.7x the direct kernel on ResNet-18's and
    // the VGG's layers, 1.2x the flat kernel on the quiz's first layer.
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Winograd,
        when: always,
    },
    // 1x1 onto 7x7 or smaller, reducing channels: the direct kernel
    // 1.05-1.1x the GEMM (MobileNetV2's 960-160, ResNet's downsampling
    // into its last stage).
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Direct,
        when: |g| {
            g.kernel == [1, 1]
                && g.groups == 1
                && g.output[0] * g.output[1] <= 49
                && g.c_in > g.c_out
        },
    },
    // Other 1x1: the GEMM, reading the image in place, 1.1-1.9x the direct
    // kernel (ResNet-50's bottlenecks, MobileNetV2's 24-144 and 144-24),
    // whose sums over so short a patch cost less than storing them.
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Gemm,
        when: |g| g.kernel == [1, 1],
    },
    // First layers: the flat kernel 1.1-1.3x the direct one (ResNet's 7x7
    // stem, features_ext's first layer).
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Flat,
        when: |g| g.c_in <= 3,
    },
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Direct,
        when: always,
    },
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Flat,
        when: always,
    },
    // NEON and the portable fallback (measured on the portable one, with
    // CNN_ISA=portable): Winograd does fewer multiply-adds; 1x1 suits the
    // GEMM (1.2x the direct kernel); the direct kernel runs the other
    // spatial kernels at 1.05-2x the GEMM, and the flat one what the direct
    // one does not take (channels not in whole vectors: LeNet's first
    // layer 3.8x the GEMM).
    Rule {
        isa: Some(Isa::Neon),
        kernel: ConvKernel::Winograd,
        when: always,
    },
    Rule {
        isa: Some(Isa::Neon),
        kernel: ConvKernel::Gemm,
        when: |g| g.kernel == [1, 1],
    },
    Rule {
        isa: Some(Isa::Neon),
        kernel: ConvKernel::Direct,
        when: always,
    },
    Rule {
        isa: Some(Isa::Neon),
        kernel: ConvKernel::Flat,
        when: always,
    },
    Rule {
        isa: Some(Isa::Portable),
        kernel: ConvKernel::Winograd,
        when: always,
    },
    Rule {
        isa: Some(Isa::Portable),
        kernel: ConvKernel::Gemm,
        when: |g| g.kernel == [1, 1],
    },
    Rule {
        isa: Some(Isa::Portable),
        kernel: ConvKernel::Direct,
        when: always,
    },
    Rule {
        isa: Some(Isa::Portable),
        kernel: ConvKernel::Flat,
        when: always,
    },
];

/// The kernels the rules name for `g` on `isa`, best first (the GEMM, which
/// takes everything, runs what none of them takes).
pub(crate) fn candidates(isa: Isa, g: &ConvGeometry) -> impl Iterator<Item = ConvKernel> + '_ {
    RULES
        .iter()
        .filter(move |r| r.isa.is_none_or(|i| i == isa) && (r.when)(g))
        .map(|r| r.kernel)
}

/// Every kernel the table can pick on `isa`, the GEMM included, each once
/// (for tests and `conv_probe`).
pub fn kernels(isa: Isa) -> Vec<ConvKernel> {
    let mut all = Vec::new();
    for rule in RULES.iter().filter(|r| r.isa.is_none_or(|i| i == isa)) {
        if !all.contains(&rule.kernel) {
            all.push(rule.kernel);
        }
    }
    if !all.contains(&ConvKernel::Gemm) {
        all.push(ConvKernel::Gemm);
    }
    all
}
