//! Which kernel runs a geometry: a rule table per instruction set, read top
//! down; the first rule whose condition holds and whose kernel takes the
//! geometry wins, else the GEMM (which takes anything). The conditions
//! and their order come from `conv_probe` (the bench crate), which times
//! every kernel on the fixture models' and ResNet-18's shapes.
//!
//! Whether the CPU *can* run an instruction set is [`Isa`]'s question;
//! this table only says what *should* run on one.

use super::ConvKernel;
use super::geometry::ConvGeometry;
use crate::kernels::isa::Isa;

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

const RULES: &[Rule] = &[
    // One input channel per group: a GEMM of one row wastes the vectors.
    Rule {
        isa: None,
        kernel: ConvKernel::Depthwise,
        when: always,
    },
    // AVX-512 (16 lanes).
    // 3x3 at stride 1 on images of 14x14 or more and 32 channels or more:
    // 1.1-1.45x the direct kernel on ResNet-18's and the VGG's layers. On
    // smaller images most of a vector of 32 tiles is empty (ResNet's 7x7
    // layers: 0.64x); with fewer channels the transforms dominate (the
    // quiz's first layer: 0.65x the shallow kernel).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Winograd,
        when: |g| g.output[0] * g.output[1] >= 196 && g.c_in >= 32 && g.c_out >= 32,
    },
    // 1x1: the direct kernel runs at 0.55-0.85x the GEMM.
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Gemm,
        when: |g| g.kernel == [1, 1],
    },
    // Spatial kernels of some depth that fill blocks of 32 channels:
    // 1.05-1.6x the GEMM (ResNet's 7x7 stem 1.45x).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Direct,
        when: |g| deep(g) && g.c_out.is_multiple_of(32),
    },
    // Shallow patches and first layers: 1.0-2.5x (the others spend their
    // time packing or storing sums; a 5x5 first layer to 16 channels 1.7x).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Shallow,
        when: |g| !deep(g) || g.c_in <= 3,
    },
    // The rest the direct kernel takes (16 or 48 channels).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Direct,
        when: always,
    },
    // Few input channels over rows of a vector or more (the quiz's second
    // convolution, 20 channels: 1.5x).
    Rule {
        isa: Some(Isa::Avx512),
        kernel: ConvKernel::Shallow,
        when: |g| g.c_in <= 12 && g.output[1] >= 16,
    },
    // AVX2 (8 lanes).
    // Windows that tile the input (gray200's 2x2/2 first layer: 1.55x the
    // direct kernel).
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Patch,
        when: always,
    },
    // 3x3 at stride 1: 1.3-1.7x the direct kernel on ResNet-18's and the
    // VGG's layers, 1.4x the flat kernel on the quiz's first layer.
    Rule {
        isa: Some(Isa::Avx2),
        kernel: ConvKernel::Winograd,
        when: always,
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
    // NEON and the portable fallback: the width-generic kernels, which do
    // fewer multiply-adds (Winograd's) or fewer loads (the patch kernel)
    // than the GEMM.
    Rule {
        isa: Some(Isa::Neon),
        kernel: ConvKernel::Patch,
        when: always,
    },
    Rule {
        isa: Some(Isa::Neon),
        kernel: ConvKernel::Winograd,
        when: always,
    },
    Rule {
        isa: Some(Isa::Portable),
        kernel: ConvKernel::Patch,
        when: always,
    },
    Rule {
        isa: Some(Isa::Portable),
        kernel: ConvKernel::Winograd,
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
