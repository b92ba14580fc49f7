//! The shared reference checks: every kernel, on every instruction set
//! this CPU runs, against the loop-by-loop definition.

use super::*;
use crate::kernels::epilogue::Act;

use crate::kernels::test_values as values;

/// `batch` images of `x` convolved by `kernel` on `isa` with the epilogue
/// `ep`, or `None` where the kernel does not take `g` there.
#[allow(clippy::too_many_arguments)]
fn convolve(
    isa: Isa,
    kernel: ConvKernel,
    g: &ConvGeometry,
    w: &[f32],
    batch: usize,
    x: &[f32],
    ep: &Epilogue,
) -> Option<Vec<f32>> {
    let packed = PackedConv::with_kernel(isa, g, w, kernel)?;
    let mut y = vec![f32::NAN; batch * g.out_len()];
    conv2d(g, w, &packed, batch, x, &mut y, ep);
    Some(y)
}

/// `batch` images of `x` convolved by `packed` and max-pooled with
/// `pooling` in one call, and convolved then pooled: the two results.
fn pooled_both(
    g: &ConvGeometry,
    w: &[f32],
    packed: &PackedConv,
    batch: usize,
    x: &[f32],
    ep: &Epilogue,
    pooling: &PoolGeometry,
) -> (Vec<f32>, Vec<f32>) {
    let mut conv = vec![f32::NAN; batch * g.out_len()];
    conv2d(g, w, packed, batch, x, &mut conv, ep);
    let pooled_len = g.c_out * pooling.output[0] * pooling.output[1];
    let mut want = vec![f32::NAN; batch * pooled_len];
    super::super::pool::max_pool2d(pooling, batch, &conv, &mut want);
    let mut got = vec![f32::NAN; batch * pooled_len];
    conv2d_max_pooled(g, w, packed, batch, x, &mut got, ep, pooling);
    (got, want)
}

/// Every kernel on every instruction set this CPU runs (each test packs
/// those that take its geometry, whether or not the rule table would choose
/// them).
pub(super) fn all_kernels() -> Vec<(Isa, ConvKernel)> {
    let mut all = Vec::new();
    for &isa in Isa::available() {
        for kernel in ConvKernel::ALL {
            all.push((isa, kernel));
        }
    }
    all
}

/// Checks every kernel that takes `g` on every instruction set against the
/// reference; returns the (instruction set, kernel) pairs it ran.
fn check(g: ConvGeometry, batch: usize, bias: bool) -> Vec<(Isa, ConvKernel)> {
    let mut ran = Vec::new();
    let w = values(g.c_out * g.patch_len(), 1);
    let b = values(g.c_out, 2);
    let x = values(batch * g.in_len(), 3);
    let bias = bias.then_some(&b[..]);
    let want = conv2d_reference(&g, &w, bias, batch, &x);
    // Each output's sum of its terms' magnitudes.
    let abs = |v: &[f32]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
    let abs_bias = bias.map(abs);
    let mass = conv2d_reference(&g, &abs(&w), abs_bias.as_deref(), batch, &abs(&x));
    for (isa, kernel) in all_kernels() {
        let Some(packed) = PackedConv::with_kernel(isa, &g, &w, kernel) else {
            continue;
        };
        assert_eq!((packed.isa(), packed.kernel()), (isa, kernel));
        ran.push((isa, kernel));
        let mut y = vec![f32::NAN; batch * g.out_len()];
        let ep = Epilogue {
            shift: bias,
            ..Epilogue::default()
        };
        conv2d(&g, &w, &packed, batch, &x, &mut y, &ep);
        // F(4x4, 3x3)'s transforms scale values by up to 8 on the way, and
        // their rounding with them: its error grows with the sum of the
        // terms' magnitudes, not with the result (1.5e-4 on sums of 4608
        // terms of |1150| in all, where the others stay in 1e-4).
        let tolerance = |i: usize| match kernel {
            ConvKernel::Winograd4 => 1e-4 + 1e-6 * mass[i],
            _ => 1e-4,
        };
        for (i, (a, b)) in y.iter().zip(&want).enumerate() {
            assert!(
                (a - b).abs() < tolerance(i),
                "{isa:?} {kernel:?} {g:?} at {i}: {a} vs {b}"
            );
        }
    }
    ran
}

/// Every kernel the rule table can pick on each instruction set this CPU
/// runs passes the reference check on a geometry it takes: a kernel never
/// goes untested because the machine prefers another.
#[test]
fn every_kernel_is_checked_on_every_instruction_set() {
    let mut ran = Vec::new();
    for g in [
        geo(8, 32, [9, 11], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        geo(3, 16, [12, 40], [3, 3], [2, 1], [1, 1], [1, 1], 1),
        geo(1, 6, [16, 34], [2, 2], [2, 2], [0, 0], [1, 1], 1),
        geo(6, 6, [9, 21], [3, 3], [2, 2], [1, 1], [1, 1], 6),
        geo(8, 48, [7, 7], [1, 1], [1, 1], [0, 0], [1, 1], 1),
        geo(40, 20, [1, 1], [1, 1], [1, 1], [0, 0], [1, 1], 1),
    ] {
        ran.extend(check(g, 2, true));
    }
    for &isa in Isa::available() {
        let kernels = choose::kernels(isa);
        let missing: Vec<_> = kernels
            .iter()
            .filter(|&&k| !ran.contains(&(isa, k)))
            .collect();
        assert!(missing.is_empty(), "{isa:?}: {missing:?} never ran");
        eprintln!("reference check on {isa:?}: {kernels:?}");
    }
}

// One argument per size keeps the test table below readable.
#[allow(clippy::too_many_arguments)]
pub(super) fn geo(
    c_in: usize,
    c_out: usize,
    input: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
    pad: [usize; 2],
    dilation: [usize; 2],
    groups: usize,
) -> ConvGeometry {
    let out = |a: usize| {
        cnn_shape::conv_out(input[a], kernel[a], stride[a], pad[a], pad[a], dilation[a]).unwrap()
    };
    ConvGeometry {
        c_in,
        c_out,
        input,
        output: [out(0), out(1)],
        kernel,
        stride,
        pad,
        dilation,
        groups,
    }
}

#[test]
fn flat_kernel_matches_reference() {
    // Widths 1 to 70: 1 to 8 vectors a tile, and a second tile; 1 to
    // 17 channels: tiles of 1 to 8 channels (17 = 6 + 6 + 5); strides 1
    // and 2.
    for width in 1..=70 {
        for stride in [1, 2] {
            let c_out = 1 + width % 17;
            let _ = check(
                geo(2, c_out, [4, width], [2, 3], [1, stride], [1, 1], [1, 1], 1),
                2,
                true,
            );
        }
    }
    // Unpadded at stride 1, read in place: rows whose vectors end with the
    // row (16 columns) or past it (15, 13), the copy's rows two wider.
    for width in [15, 17, 18] {
        let _ = check(
            geo(3, 10, [9, width], [3, 3], [1, 1], [0, 0], [1, 1], 1),
            2,
            true,
        );
    }
    // The first layers of the fixture models, dilation, and padding
    // wider than the kernel.
    let _ = check(
        geo(1, 16, [20, 20], [2, 2], [2, 2], [0, 0], [1, 1], 1),
        1,
        true,
    );
    let _ = check(
        geo(3, 10, [13, 13], [3, 3], [1, 1], [0, 0], [1, 1], 1),
        2,
        true,
    );
    let _ = check(
        geo(3, 16, [9, 11], [3, 5], [2, 1], [1, 2], [1, 1], 1),
        1,
        false,
    );
    let _ = check(
        geo(2, 8, [7, 19], [3, 3], [1, 2], [4, 5], [2, 2], 1),
        2,
        true,
    );
    // First layers onto 56x56 and up, whose tasks run their channel tiles
    // one after another: several tiles (17 and 40 channels), at stride 1
    // and 2, a plane of one input channel and one of three.
    let _ = check(
        geo(3, 17, [58, 57], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        2,
        true,
    );
    let _ = check(
        geo(1, 40, [115, 113], [3, 3], [2, 2], [1, 1], [1, 1], 1),
        1,
        true,
    );
    // Rows of 64, whole vectors: each row's pixels from its start.
    let _ = check(
        geo(3, 12, [56, 64], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        1,
        true,
    );
    // The tutorial models' first layers: 16 rows of one vector of 16 into
    // 16 channels (tiles of 4 x 4 with 32 registers), and 15 of 15 (8 x 3).
    for (kernel, batch) in [(3, 3), (5, 2)] {
        let _ = check(
            geo(3, 16, [32, 32], [kernel, kernel], [2, 2], [1, 1], [1, 1], 1),
            batch,
            true,
        );
    }
}

#[test]
fn direct_kernel_matches_reference() {
    let check = |g: ConvGeometry, batch: usize, bias: bool| {
        let ran = check(g, batch, bias);
        for &isa in Isa::available() {
            assert!(ran.contains(&(isa, ConvKernel::Direct)), "{isa:?} {g:?}");
        }
    };
    // Widths 1 to 25: tiles of every size from 1 to 12 pixels, across the
    // ends of rows.
    for width in 1..=25 {
        check(
            geo(5, 32, [3, width], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            2,
            true,
        );
    }
    // Groups of tiles across rows, several groups a task, `k` in
    // blocks (360 and 270 > 256).
    check(
        geo(40, 32, [11, 13], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        2,
        true,
    );
    check(
        geo(30, 32, [19, 6], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        1,
        false,
    );
    // Stride 2, dilation, rectangular kernels and padding, 64 channels.
    check(
        geo(8, 64, [15, 17], [5, 5], [2, 2], [1, 2], [1, 1], 1),
        1,
        true,
    );
    check(
        geo(7, 32, [11, 13], [3, 3], [1, 1], [2, 2], [2, 2], 1),
        2,
        false,
    );
    check(
        geo(3, 32, [9, 10], [3, 5], [2, 1], [0, 2], [1, 1], 1),
        1,
        true,
    );
    // Padded rows of 64 values and of 72, either side of the narrow
    // planes' copy.
    for width in [62, 70] {
        check(
            geo(3, 16, [4, width], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            2,
            true,
        );
    }
    // 1x1 convolution with stride 2.
    check(
        geo(16, 32, [9, 9], [1, 1], [2, 2], [0, 0], [1, 1], 1),
        1,
        true,
    );
    // 16 and 48 channels: a half-filled last block.
    check(
        geo(6, 16, [14, 14], [5, 5], [1, 1], [0, 0], [1, 1], 1),
        2,
        true,
    );
    check(
        geo(4, 48, [9, 7], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        1,
        true,
    );
    // Groups, each reading its own input channels; a stride of 3.
    check(
        geo(6, 32, [10, 9], [3, 3], [1, 1], [1, 1], [1, 1], 2),
        2,
        true,
    );
    check(
        geo(4, 16, [13, 11], [3, 2], [3, 3], [1, 0], [1, 1], 1),
        1,
        false,
    );
    // Groups of one vector of output channels, two to a block, each vector
    // reading its own group's inputs (16 a group with AVX-512, 8 with
    // AVX2): an odd number of groups leaves the last block one group, at
    // stride 1 and 2, with other depths than widths, and 1x1.
    for isa in [Isa::Avx512, Isa::Avx2] {
        if !Isa::available().contains(&isa) {
            continue;
        }
        let per_group = isa.lanes();
        let mut shapes: Vec<ConvGeometry> = [(48, 3, 2), (15, 3, 1), (64, 4, 1), (10, 5, 2)]
            .into_iter()
            .map(|(c_in, groups, stride)| {
                let c_out = per_group * groups;
                geo(
                    c_in,
                    c_out,
                    [9, 11],
                    [3, 3],
                    [stride; 2],
                    [1, 1],
                    [1, 1],
                    groups,
                )
            })
            .collect();
        shapes.push(geo(
            21,
            per_group * 7,
            [7, 7],
            [1, 1],
            [1, 1],
            [0, 0],
            [1, 1],
            7,
        ));
        for g in shapes {
            let ran = self::check(g, 2, true);
            assert!(ran.contains(&(isa, ConvKernel::Direct)), "{isa:?} {g:?}");
        }
    }
}

/// Weights too large to stay in the caches, which the direct and Winograd
/// kernels prefetch as they go (a stream across blocks of `k` and of
/// output channels that stops at the weights' end): the same values as
/// the reference.
#[test]
fn prefetched_weights_match_reference() {
    // Direct: 64 x 4608 weights, 18 blocks of `k` per block of channels;
    // 25 pixels (tiles of 9 and 8 that share out the lines) and 1 (one
    // tile asks for them all).
    for input in [[5, 5], [1, 1]] {
        let g = geo(512, 64, input, [3, 3], [1, 1], [1, 1], [1, 1], 1);
        assert!(g.c_out * g.patch_len() >= super::PREFETCH_FROM);
        let ran = check(g, 1, true);
        for &isa in Isa::available() {
            assert!(ran.contains(&(isa, ConvKernel::Direct)), "{isa:?} {g:?}");
        }
    }
    // Winograd: 16 positions x 96 x 96 transformed kernels.
    let g = geo(96, 96, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], 1);
    assert!(16 * g.c_out * g.c_in >= super::PREFETCH_FROM);
    let ran = check(g, 2, true);
    for &isa in Isa::available() {
        assert!(ran.contains(&(isa, ConvKernel::Winograd)), "{isa:?}");
    }
}

/// The kernels besides the GEMM on every instruction set this CPU runs.
fn row_kernels() -> Vec<(Isa, ConvKernel)> {
    all_kernels()
        .into_iter()
        .filter(|&(_, k)| {
            !matches!(
                k,
                ConvKernel::Gemm
                    | ConvKernel::Depthwise
                    | ConvKernel::DepthwiseLanes
                    | ConvKernel::Vector
            )
        })
        .collect()
}

/// Convolving and pooling band by band gives exactly the convolution
/// then the pooling: every row kernel that takes the geometry, windows
/// of 2x2 to 4x4 and 3x2, outputs that leave rows and columns out,
/// several bands, batch 2, BatchNorm's scale and shift and an
/// activation.
#[test]
fn pooled_convolution_matches_convolution_then_pooling() {
    let mut pooled = 0;
    for (g, pool) in [
        (
            geo(8, 32, [21, 23], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            [2, 2],
        ),
        (
            geo(8, 16, [30, 19], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            [3, 2],
        ),
        (
            geo(1, 16, [40, 40], [2, 2], [2, 2], [0, 0], [1, 1], 1),
            [2, 2],
        ),
        // Tile vectors that cross rows, an odd number of output
        // channel panels.
        (
            geo(5, 13, [36, 35], [3, 3], [1, 1], [1, 1], [1, 1], 1),
            [2, 2],
        ),
        (
            geo(3, 10, [35, 34], [3, 3], [1, 1], [0, 0], [1, 1], 1),
            [4, 4],
        ),
    ] {
        let w = values(g.c_out * g.patch_len(), 1);
        let x = values(2 * g.in_len(), 2);
        let scale = values(g.c_out, 3);
        let shift = values(g.c_out, 4);
        let ep = Epilogue {
            scale: Some(&scale),
            shift: Some(&shift),
            residual: None,
            act: Act::LeakyReLU(0.1),
        };
        let pooling = PoolGeometry {
            channels: g.c_out,
            input: g.output,
            output: [g.output[0] / pool[0], g.output[1] / pool[1]],
            kernel: pool,
            stride: pool,
            pad: [0, 0],
            dilation: [1, 1],
        };
        for (isa, kernel) in all_kernels() {
            let Some(packed) = PackedConv::with_kernel(isa, &g, &w, kernel) else {
                continue;
            };
            // In one pass: every kernel that writes output rows, and
            // Winograd's where its 2x2 tiles are the windows. Else the
            // convolution, then the pooling; the same values either way.
            let fused = match kernel {
                ConvKernel::Gemm
                | ConvKernel::Depthwise
                | ConvKernel::DepthwiseLanes
                | ConvKernel::Vector => false,
                ConvKernel::Winograd | ConvKernel::Winograd4 => pool == [2, 2],
                _ => true,
            };
            assert_eq!(
                poolable(&g, &packed, &pooling),
                fused,
                "{isa:?} {kernel:?} {g:?}"
            );
            let (got, want) = pooled_both(&g, &w, &packed, 2, &x, &ep, &pooling);
            for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                assert_eq!(
                    a.to_bits(),
                    b.to_bits(),
                    "{isa:?} {kernel:?} {g:?} at {i}: {a} vs {b}"
                );
            }
            // Nor for overlapping windows.
            let overlapping = PoolGeometry {
                stride: [1, 1],
                output: [g.output[0] - pool[0] + 1, g.output[1] - pool[1] + 1],
                ..pooling
            };
            assert!(!poolable(&g, &packed, &overlapping));
            pooled += usize::from(fused);
        }
    }
    // The width-generic kernels pool in one pass on every CPU.
    assert!(pooled >= 6, "{pooled} kernels and geometries pooled");
}

/// Every row kernel's epilogue (scale, shift, residual, activation)
/// matches the GEMM's: 64 channels, and 13 over rows of 37 and 75
/// columns at strides 1 and 2 (channel tiles that leave some out).
#[test]
fn row_kernels_epilogue() {
    for g in [
        geo(6, 64, [10, 14], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        geo(3, 13, [6, 37], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        geo(2, 13, [6, 75], [3, 3], [1, 2], [1, 1], [1, 1], 1),
        geo(5, 24, [9, 7], [3, 3], [2, 1], [1, 1], [1, 1], 1),
        // Windows that tile the input: a vector tail, 4 + 3 channels.
        geo(2, 7, [12, 41], [2, 2], [2, 2], [0, 0], [1, 1], 1),
    ] {
        let w = values(g.c_out * g.patch_len(), 4);
        let x = values(2 * g.in_len(), 5);
        let scale = values(g.c_out, 6);
        let shift = values(g.c_out, 7);
        let residual = values(2 * g.out_len(), 8);
        // With a residual and without (the activation then comes before
        // the direct kernel's transposes).
        let acts = [Act::None, Act::ReLU, Act::ReLU6, Act::LeakyReLU(0.1)];
        for (act, residual) in acts
            .into_iter()
            .flat_map(|a| [(a, Some(&residual[..])), (a, None)])
        {
            let ep = Epilogue {
                scale: Some(&scale),
                shift: Some(&shift),
                residual,
                act,
            };
            let run = |isa, kernel| convolve(isa, kernel, &g, &w, 2, &x, &ep);
            let gemm = run(Isa::detect(), ConvKernel::Gemm).expect("the GEMM runs anything");
            for (isa, kernel) in row_kernels() {
                let Some(y) = run(isa, kernel) else {
                    continue;
                };
                for (i, (a, b)) in y.iter().zip(&gemm).enumerate() {
                    assert!(
                        (a - b).abs() < 1e-4,
                        "{isa:?} {kernel:?} {act:?} residual {} {g:?} at {i}: {a} vs {b}",
                        residual.is_some()
                    );
                }
            }
        }
    }
}

#[test]
fn matches_reference() {
    let _ = check(
        geo(3, 4, [7, 9], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        2,
        true,
    );
    // windows that tile the input, rectangular, rows and columns
    // left over, 4 + 1 output channels
    let _ = check(
        geo(3, 5, [9, 40], [2, 3], [2, 3], [0, 0], [1, 1], 1),
        2,
        true,
    );
    // enough output channels for a small image's Winograd tasks to
    // share them out (17 panels of 6, in two tasks)
    let _ = check(
        geo(4, 100, [6, 7], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        2,
        true,
    );
    // windows two columns wide, split a pair of vectors at a time: rows
    // of one vector and a tail (17, 35), and a last column no window
    // reads (an odd width)
    for input in [[6, 34], [4, 70], [5, 35], [3, 7]] {
        let ran = check(geo(2, 6, input, [2, 2], [2, 2], [0, 0], [1, 1], 1), 2, true);
        assert!(ran.iter().any(|&(_, k)| k == ConvKernel::Patch));
    }
    // stride larger than the kernel
    let _ = check(
        geo(2, 3, [11, 10], [2, 2], [3, 3], [0, 0], [1, 1], 1),
        1,
        true,
    );
    // padding on one axis only, odd sizes, rectangular kernel
    let _ = check(
        geo(3, 5, [5, 8], [3, 5], [2, 1], [0, 2], [1, 1], 1),
        3,
        false,
    );
    // groups read straight from the input (stride 1, no padding): the
    // last group's rows reach furthest
    let _ = check(
        geo(4, 2, [9, 12], [1, 2], [1, 1], [0, 0], [1, 1], 2),
        1,
        true,
    );
    // dilation with groups
    let _ = check(
        geo(4, 6, [9, 9], [3, 3], [1, 1], [2, 2], [2, 2], 2),
        1,
        true,
    );
    // groups of 16 and of 8 output channels (blocks per group)
    let _ = check(
        geo(16, 32, [9, 11], [3, 3], [1, 1], [2, 2], [2, 2], 2),
        2,
        true,
    );
    let _ = check(
        geo(6, 24, [7, 8], [3, 3], [2, 1], [1, 1], [1, 1], 3),
        1,
        true,
    );
    // depthwise: groups = channels
    let _ = check(
        geo(5, 5, [6, 7], [3, 3], [1, 1], [1, 1], [1, 1], 5),
        2,
        true,
    );
    // depthwise over rows longer than a vector (a tail of 5), with a
    // multiplier, dilation, vertical stride, rectangular kernels and
    // padding wider than the kernel
    for (input, kernel, stride, pad, dilation, mult) in [
        ([9, 37], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        ([9, 21], [3, 3], [1, 1], [2, 2], [2, 2], 2),
        ([11, 18], [5, 3], [2, 1], [2, 1], [1, 1], 1),
        ([4, 5], [3, 3], [1, 1], [4, 3], [1, 2], 1),
        ([7, 16], [1, 7], [1, 1], [0, 3], [1, 1], 3),
        // 5x5 and 7x7 (the taps a kernel row at a time), and 4 wide (one
        // at a time)
        ([8, 23], [5, 5], [1, 1], [2, 2], [1, 1], 1),
        ([9, 19], [7, 7], [1, 1], [3, 3], [1, 1], 1),
        ([6, 20], [2, 4], [1, 1], [1, 2], [1, 1], 1),
        // horizontal strides 2 and 3 over rows of several vectors (the
        // stride-2 rows split by vector unzips, their tails one by one),
        // with columns no window reaches and dilated taps
        ([5, 67], [3, 3], [1, 2], [1, 1], [1, 1], 1),
        ([5, 40], [3, 3], [2, 2], [0, 0], [1, 1], 1),
        ([4, 50], [5, 5], [2, 3], [2, 2], [1, 1], 1),
        ([6, 35], [3, 3], [2, 2], [1, 1], [2, 2], 2),
        ([3, 70], [3, 2], [1, 2], [0, 1], [1, 1], 1),
    ] {
        let _ = check(
            geo(3, 3 * mult, input, kernel, stride, pad, dilation, 3),
            2,
            true,
        );
    }
    // depthwise at stride 2 over planes and inputs large enough for the
    // input rows to be prefetched (AVX-512), 3x3 and 5x5: each task's
    // last row blocks would prefetch past its last plane, and are held
    // to it
    for (c, input, kernel) in [(48, [97, 113], 3), (44, [115, 104], 5)] {
        let _ = check(
            geo(c, c, input, [kernel; 2], [2, 2], [kernel / 2; 2], [1, 1], c),
            2,
            true,
        );
    }
    // depthwise multiplier 2, strided
    let _ = check(
        geo(3, 6, [6, 6], [3, 3], [2, 2], [1, 1], [1, 1], 3),
        1,
        true,
    );
    // 1x1 pointwise, and 1x1 with stride
    let _ = check(
        geo(4, 3, [5, 5], [1, 1], [1, 1], [0, 0], [1, 1], 1),
        2,
        true,
    );
    let _ = check(
        geo(4, 3, [5, 5], [1, 1], [2, 2], [0, 0], [1, 1], 1),
        2,
        true,
    );
    // kernel as large as the padded input
    let _ = check(
        geo(1, 2, [3, 3], [5, 5], [1, 1], [1, 1], [1, 1], 1),
        1,
        true,
    );
    // large padding: whole rows outside
    let _ = check(
        geo(2, 2, [2, 3], [3, 3], [1, 1], [3, 2], [1, 1], 1),
        1,
        true,
    );
    // big enough to be split into tasks
    let _ = check(
        geo(16, 40, [40, 40], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        2,
        true,
    );
    let _ = check(
        geo(64, 200, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        1,
        true,
    );
}

/// The two depthwise kernels give the same values, bit for bit, through
/// the whole epilogue (each output is one sum over the taps in order in
/// both), and match the GEMM: blocks of 16 channels with some lanes left
/// over, a multiplier, strides, dilation, planes of one pixel and planes
/// whose pixels the lanes kernel's steps do not divide.
#[test]
fn depthwise_kernels_agree() {
    for (c, mult, input, kernel, stride, pad, dilation) in [
        (5, 1, [6, 7], [3, 3], [1, 1], [1, 1], [1, 1]),
        (16, 1, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1]),
        (20, 1, [8, 9], [3, 3], [2, 2], [1, 1], [1, 1]),
        (33, 1, [4, 4], [5, 5], [1, 1], [2, 2], [1, 1]),
        (7, 3, [9, 5], [3, 2], [2, 1], [1, 0], [2, 1]),
        (18, 1, [2, 2], [3, 3], [1, 1], [1, 1], [1, 1]),
        (12, 1, [3, 3], [3, 3], [2, 2], [1, 1], [1, 1]),
        // planes of one and of three pixels (fewer than a step of four)
        (17, 1, [3, 3], [3, 3], [2, 2], [0, 0], [1, 1]),
        (20, 1, [3, 5], [3, 3], [1, 1], [0, 0], [1, 1]),
        // the last row and column reached by no window
        (9, 1, [7, 7], [2, 2], [2, 2], [0, 0], [1, 1]),
        // 3x3 at stride 1 read in place: padding wider than the window's
        // reach, a plane narrower than the padding, a last vector of one
        // column
        (16, 1, [9, 20], [3, 3], [1, 1], [2, 2], [1, 1]),
        (4, 1, [3, 2], [3, 3], [1, 1], [3, 3], [1, 1]),
        (3, 2, [13, 33], [3, 3], [1, 1], [1, 1], [1, 1]),
        // and at stride 2: rows past two vectors of output, no padding
        (5, 1, [19, 71], [3, 3], [2, 2], [1, 1], [1, 1]),
        (4, 1, [10, 36], [3, 3], [2, 2], [0, 0], [1, 1]),
        // 5x5 read in place, at strides 1 and 2
        (6, 1, [20, 37], [5, 5], [1, 1], [2, 2], [1, 1]),
        (5, 1, [23, 70], [5, 5], [2, 2], [2, 2], [1, 1]),
        (3, 1, [6, 9], [5, 5], [2, 2], [3, 3], [1, 1]),
        // windows 7 wide, in steps of 7 and of 8 along rows of 14 and 10
        // (the last overlapping), and 5 wide dilated down but not across
        (18, 1, [14, 14], [7, 7], [1, 1], [3, 3], [1, 1]),
        (9, 1, [21, 19], [7, 7], [2, 2], [3, 3], [1, 1]),
        (17, 2, [12, 11], [3, 5], [1, 1], [2, 2], [2, 1]),
        // planes large enough to be copied in several bands of rows
        (20, 1, [40, 70], [3, 3], [1, 1], [1, 1], [1, 1]),
        (17, 1, [81, 70], [3, 3], [2, 2], [1, 1], [1, 1]),
        (3, 2, [50, 60], [5, 5], [1, 1], [4, 4], [2, 2]),
    ] {
        let g = geo(c, c * mult, input, kernel, stride, pad, dilation, c);
        let w = values(g.c_out * g.patch_len(), 4);
        let x = values(2 * g.in_len(), 5);
        let scale = values(g.c_out, 6);
        let shift = values(g.c_out, 7);
        let residual = values(2 * g.out_len(), 8);
        for act in [Act::None, Act::ReLU6] {
            for with_residual in [false, true] {
                let ep = Epilogue {
                    scale: Some(&scale),
                    shift: Some(&shift),
                    residual: with_residual.then_some(&residual[..]),
                    act,
                };
                let run = |isa, kernel| {
                    convolve(isa, kernel, &g, &w, 2, &x, &ep).expect("a depthwise geometry")
                };
                let gemm = run(Isa::detect(), ConvKernel::Gemm);
                for &isa in Isa::available() {
                    let planes = run(isa, ConvKernel::Depthwise);
                    let lanes = run(isa, ConvKernel::DepthwiseLanes);
                    for (i, ((a, b), r)) in lanes.iter().zip(&planes).zip(&gemm).enumerate() {
                        assert_eq!(a.to_bits(), b.to_bits(), "{isa:?} {g:?} {act:?} at {i}");
                        assert!((a - r).abs() < 1e-4, "{isa:?} {g:?} at {i}: {a} vs {r}");
                    }
                }
            }
        }
    }
}

/// The one-pixel kernel: squeeze-and-excitation's 1x1 on `C x 1 x 1`, a
/// window inside a larger input, and one mostly over the padding; with
/// the whole epilogue, the residual per image, against the GEMM.
#[test]
fn vector_kernel_matches_gemm() {
    for g in [
        geo(48, 20, [1, 1], [1, 1], [1, 1], [0, 0], [1, 1], 1),
        geo(5, 7, [4, 5], [3, 4], [2, 2], [0, 0], [1, 1], 1),
        geo(6, 9, [1, 1], [3, 3], [1, 1], [1, 1], [1, 1], 1),
    ] {
        assert_eq!(g.output, [1, 1]);
        let w = values(g.c_out * g.patch_len(), 4);
        let x = values(3 * g.in_len(), 5);
        let scale = values(g.c_out, 6);
        let shift = values(g.c_out, 7);
        let residual = values(3 * g.out_len(), 8);
        let ep = Epilogue {
            scale: Some(&scale),
            shift: Some(&shift),
            residual: Some(&residual),
            act: Act::ReLU6,
        };
        let run =
            |isa, kernel| convolve(isa, kernel, &g, &w, 3, &x, &ep).expect("a one-pixel geometry");
        let gemm = run(Isa::detect(), ConvKernel::Gemm);
        for &isa in Isa::available() {
            let y = run(isa, ConvKernel::Vector);
            for (i, (a, b)) in y.iter().zip(&gemm).enumerate() {
                assert!((a - b).abs() < 1e-4, "{isa:?} {g:?} at {i}: {a} vs {b}");
            }
        }
        let _ = check(g, 2, true);
    }
}

/// Layers large enough to share, cut into more pieces when there are
/// helpers (a 1x1 of one band and few channel tiles, Winograd's panels and
/// output channel blocks): every kernel gives the same bits on 1, 2 and 3 threads.
#[test]
fn shared_layers_give_the_same_bits_on_any_thread_count() {
    // Shared whatever the helpers' distance, so that every layer below is
    // cut as for near cores.
    let _near = crate::threads::NearForTests::hold();
    let mut ran = Vec::new();
    for (g, batch) in [
        (
            geo(256, 128, [12, 12], [1, 1], [1, 1], [0, 0], [1, 1], 1),
            1,
        ),
        (geo(64, 64, [20, 20], [3, 3], [1, 1], [1, 1], [1, 1], 1), 1),
        (geo(32, 96, [24, 24], [3, 3], [2, 2], [1, 1], [1, 1], 1), 2),
        // One panel of Winograd tiles, its output channels cut in blocks.
        (geo(48, 128, [8, 8], [3, 3], [1, 1], [1, 1], [1, 1], 1), 1),
        // Two panels of tiles of 4 (fewer than three threads): inputs
        // transformed first, their channels shared out.
        (geo(40, 64, [24, 24], [3, 3], [1, 1], [1, 1], [1, 1], 1), 1),
        // Depthwise: planes, and blocks of channels across the lanes (a
        // last block part empty).
        (geo(96, 96, [56, 56], [3, 3], [1, 1], [1, 1], [1, 1], 96), 1),
        (
            geo(1000, 1000, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1], 1000),
            5,
        ),
    ] {
        assert!(
            batch * g.c_out * g.patch_len() * g.output[0] * g.output[1]
                >= crate::threads::MIN_SHARED_WORK
        );
        let w = values(g.c_out * g.patch_len(), 9);
        let x = values(batch * g.in_len(), 10);
        let shift = values(g.c_out, 11);
        let ep = Epilogue {
            shift: Some(&shift),
            act: Act::ReLU,
            ..Epilogue::default()
        };
        for (isa, kernel) in all_kernels() {
            let runs: Vec<Vec<u32>> = [1, 2, 3]
                .into_iter()
                .filter_map(|threads| {
                    crate::set_threads(threads);
                    let y = convolve(isa, kernel, &g, &w, batch, &x, &ep)?;
                    Some(y.iter().map(|v| v.to_bits()).collect())
                })
                .collect();
            crate::set_threads(1);
            if let Some(first) = runs.first() {
                ran.push((kernel, g.c_in));
                assert!(
                    runs.iter().all(|run| run == first),
                    "{isa:?} {kernel:?} {g:?}: the bits depend on the thread count"
                );
            }
        }
    }
    for kernel in [
        ConvKernel::Flat,
        ConvKernel::Winograd,
        ConvKernel::Gemm,
        ConvKernel::Depthwise,
        ConvKernel::DepthwiseLanes,
    ] {
        assert!(
            ran.iter().any(|&(k, _)| k == kernel),
            "{kernel:?} took none of the layers"
        );
    }
    // Both Winograd layers of few panels ran with tiles of 2 and of 4.
    for c_in in [48, 40] {
        for kernel in [ConvKernel::Winograd, ConvKernel::Winograd4] {
            assert!(
                ran.contains(&(kernel, c_in)),
                "{kernel:?} skipped {c_in} channels"
            );
        }
    }
}

/// Winograd's layers of fewer tile panels than threads, max-pooled in the
/// same pass: the same bits on 1, 2 and 3 threads, and the same as the
/// convolution pooled after.
#[test]
fn shared_pooled_winograd_gives_the_same_bits_on_any_thread_count() {
    let _near = crate::threads::NearForTests::hold();
    let mut ran = 0;
    // One panel of tiles of 2 and of 4; two panels of tiles of 4.
    for g in [
        geo(48, 128, [8, 8], [3, 3], [1, 1], [1, 1], [1, 1], 1),
        geo(40, 64, [24, 24], [3, 3], [1, 1], [1, 1], [1, 1], 1),
    ] {
        assert!(
            g.c_out * g.patch_len() * g.output[0] * g.output[1] >= crate::threads::MIN_SHARED_WORK
        );
        let w = values(g.c_out * g.patch_len(), 12);
        let x = values(g.in_len(), 13);
        let shift = values(g.c_out, 14);
        let ep = Epilogue {
            shift: Some(&shift),
            act: Act::ReLU,
            ..Epilogue::default()
        };
        let pooling = PoolGeometry {
            channels: g.c_out,
            input: g.output,
            output: [g.output[0] / 2, g.output[1] / 2],
            kernel: [2, 2],
            stride: [2, 2],
            pad: [0, 0],
            dilation: [1, 1],
        };
        for isa in Isa::available() {
            for kernel in [ConvKernel::Winograd, ConvKernel::Winograd4] {
                let Some(packed) = PackedConv::with_kernel(*isa, &g, &w, kernel) else {
                    continue;
                };
                let runs: Vec<Vec<u32>> = [1, 2, 3]
                    .into_iter()
                    .map(|threads| {
                        crate::set_threads(threads);
                        let (got, want) = pooled_both(&g, &w, &packed, 1, &x, &ep, &pooling);
                        let bits = |v: &[f32]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                        assert_eq!(
                            bits(&got),
                            bits(&want),
                            "{isa:?} {kernel:?} {g:?} on {threads}"
                        );
                        bits(&got)
                    })
                    .collect();
                crate::set_threads(1);
                assert!(
                    runs.iter().all(|run| run == &runs[0]),
                    "{isa:?} {kernel:?} {g:?}: the bits depend on the thread count"
                );
                ran += 1;
            }
        }
    }
    assert!(ran >= 4, "{ran} kernels and geometries ran");
}

/// A geometry from random sizes (`None` where no output pixel results):
/// `groups` groups of `per_group` input and `out_per_group` output
/// channels, or as many depthwise channels with that multiplier.
#[allow(clippy::too_many_arguments)]
fn random_geometry(
    groups: usize,
    per_group: usize,
    out_per_group: usize,
    depthwise: bool,
    input: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
    pad: [usize; 2],
    dilation: [usize; 2],
) -> Option<ConvGeometry> {
    let (c_in, c_out, groups) = if depthwise {
        let c = groups * per_group;
        (c, c * out_per_group, c)
    } else {
        (groups * per_group, groups * out_per_group, groups)
    };
    let out = |a: usize| {
        cnn_shape::conv_out(input[a], kernel[a], stride[a], pad[a], pad[a], dilation[a])
            .filter(|&o| o > 0)
    };
    Some(ConvGeometry {
        c_in,
        c_out,
        input,
        output: [out(0)?, out(1)?],
        kernel,
        stride,
        pad,
        dilation,
        groups,
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Random geometries, depthwise ones with a multiplier among them:
    /// every kernel that takes one, on every instruction set, against the
    /// reference (rectangular kernels, strides past the kernel, padding
    /// past it, dilation, one-pixel outputs).
    #[test]
    fn random_geometries_match_reference(
        groups in 1usize..4,
        per_group in 1usize..13,
        out_per_group in 1usize..13,
        depthwise in proptest::bool::ANY,
        input in (1usize..24, 1usize..70),
        kernel in (1usize..5, 1usize..5),
        stride in (1usize..4, 1usize..4),
        pad in (0usize..4, 0usize..4),
        dilation in (1usize..3, 1usize..3),
        batch in 1usize..3,
    ) {
        let g = random_geometry(
            groups, per_group, out_per_group, depthwise,
            [input.0, input.1], [kernel.0, kernel.1], [stride.0, stride.1],
            [pad.0, pad.1], [dilation.0, dilation.1],
        );
        if let Some(g) = g {
            let _ = check(g, batch, true);
        }
    }

    /// Random geometries convolved and max-pooled in one call give the
    /// convolution then the pooling, bit for bit, with every kernel.
    #[test]
    fn random_pooled_convolutions_match(
        groups in 1usize..3,
        per_group in 1usize..9,
        out_per_group in 1usize..20,
        input in (2usize..30, 2usize..50),
        kernel in (1usize..4, 1usize..4),
        stride in (1usize..3, 1usize..3),
        pad in (0usize..2, 0usize..2),
        window in 2usize..4,
    ) {
        let g = random_geometry(
            groups, per_group, out_per_group, false,
            [input.0, input.1], [kernel.0, kernel.1], [stride.0, stride.1],
            [pad.0, pad.1], [1, 1],
        );
        let Some(g) = g.filter(|g| g.output[0] >= window && g.output[1] >= window) else {
            return Ok(());
        };
        let pooling = PoolGeometry {
            channels: g.c_out,
            input: g.output,
            output: [g.output[0] / window, g.output[1] / window],
            kernel: [window; 2],
            stride: [window; 2],
            pad: [0, 0],
            dilation: [1, 1],
        };
        let w = values(g.c_out * g.patch_len(), 1);
        let x = values(2 * g.in_len(), 2);
        let shift = values(g.c_out, 4);
        let ep = Epilogue { shift: Some(&shift), act: Act::ReLU, ..Epilogue::default() };
        for (isa, kernel) in all_kernels() {
            let Some(packed) = PackedConv::with_kernel(isa, &g, &w, kernel) else {
                continue;
            };
            let (got, want) = pooled_both(&g, &w, &packed, 2, &x, &ep, &pooling);
            for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                proptest::prop_assert_eq!(
                    a.to_bits(), b.to_bits(),
                    "{:?} {:?} {:?} at {}: {} vs {}", isa, kernel, g, i, a, b
                );
            }
        }
    }
}

/// Winograd's panels of one vector of tiles (small planes, output channel
/// panels in pairs and one alone) give the same bits as panels of two:
/// an image alone, where one vector holds its tiles, and in a batch of
/// copies of it, where two vectors fill.
#[test]
fn winograd_panels_of_one_vector_give_the_same_bits() {
    let mut ran = 0;
    for (isa, kernel) in all_kernels() {
        let m: usize = match kernel {
            ConvKernel::Winograd => 2,
            ConvKernel::Winograd4 => 4,
            _ => continue,
        };
        let lanes = isa.lanes();
        // The smallest plane whose tiles fit one vector better than two,
        // and a batch of it that fills two (AVX-512's 7x7 with tiles of 2
        // alone, and two of them).
        let Some((side, batch)) = (1..=8 * m).find_map(|side: usize| {
            let tiles = side.div_ceil(m).pow(2);
            let two = (2..=8).find(|&b| winograd::panel_vectors(b * tiles, lanes) == 2)?;
            (winograd::panel_vectors(tiles, lanes) == 1).then_some((side, two))
        }) else {
            continue;
        };
        // 26 output channels: panels of 6 in two pairs and one alone.
        let g = geo(5, 26, [side, side], [3, 3], [1, 1], [1, 1], [1, 1], 1);
        let w = values(g.c_out * g.patch_len(), 12);
        let image = values(g.in_len(), 13);
        let shift = values(g.c_out, 14);
        let ep = Epilogue {
            shift: Some(&shift),
            act: Act::ReLU,
            ..Epilogue::default()
        };
        let Some(alone) = convolve(isa, kernel, &g, &w, 1, &image, &ep) else {
            continue;
        };
        let copies = image.repeat(batch);
        let together = convolve(isa, kernel, &g, &w, batch, &copies, &ep).unwrap();
        for (b, y) in together.chunks_exact(g.out_len()).enumerate() {
            let same = y
                .iter()
                .zip(&alone)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(
                same,
                "{isa:?} {kernel:?} {side}x{side}: image {b} of {batch} differs"
            );
        }
        ran += 1;
    }
    assert!(ran >= 2, "{ran} kernels ran");
}
