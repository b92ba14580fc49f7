//! Every layer against a straightforward reference written from PyTorch's
//! definitions (the fixture README's "exact semantics"), on odd sizes,
//! strides larger than the kernel, padding on one axis only, ceil_mode,
//! dilation and depthwise groups.

use cnn_runtime::*;

/// Deterministic values in [-1, 1) with some exact repeats and zeros.
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut init = Init::new(seed);
    (0..n)
        .map(|_| (init.unit() * 2.0 - 1.0) * if init.unit() < 0.05 { 0.0 } else { 1.0 })
        .collect()
}

fn close(a: &[f32], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((*x as f64 - y).abs() <= tol, "at {i}: {x} vs {y}");
    }
}

/// Reads input `(n, c, y, x)` of a `[N, C, H, W]` buffer, or `None` outside.
fn at(x: &[f32], [c_n, h, w]: [usize; 3], n: usize, c: usize, y: isize, xx: isize) -> Option<f32> {
    if y < 0 || xx < 0 || y >= h as isize || xx >= w as isize {
        return None;
    }
    Some(x[((n * c_n + c) * h + y as usize) * w + xx as usize])
}

/// A pooling window: kernel, stride, padding, dilation.
#[derive(Clone, Copy)]
struct Window {
    k: [usize; 2],
    s: [usize; 2],
    p: [usize; 2],
    d: [usize; 2],
}

fn win(k: [usize; 2], s: [usize; 2], p: [usize; 2], d: [usize; 2]) -> Window {
    Window { k, s, p, d }
}

// ---- max pooling ----

/// Max over the window positions inside the image; windows come from the
/// output size, which the type fixes.
fn max_pool_ref(x: &[f32], n: usize, dims: [usize; 3], out: [usize; 2], w: Window) -> Vec<f64> {
    let Window { k, s, p, d } = w;
    let mut y = Vec::new();
    for b in 0..n {
        for c in 0..dims[0] {
            for oy in 0..out[0] {
                for ox in 0..out[1] {
                    let mut m: Option<f32> = None;
                    for i in 0..k[0] {
                        for j in 0..k[1] {
                            let iy = (oy * s[0] + i * d[0]) as isize - p[0] as isize;
                            let ix = (ox * s[1] + j * d[1]) as isize - p[1] as isize;
                            if let Some(v) = at(x, dims, b, c, iy, ix) {
                                m = Some(match m {
                                    Some(a) if a.is_nan() || a >= v => a,
                                    _ => v,
                                });
                            }
                        }
                    }
                    y.push(m.unwrap() as f64);
                }
            }
        }
    }
    y
}

#[test]
fn max_pool_matches_reference() {
    // padding on one axis, odd sizes
    let x = values(2 * 3 * 7 * 9, 1);
    let b = Batch::<3, 7, 9>::from_vec(2, x.clone()).unwrap();
    let y: Batch<3, 4, 4> = MaxPool2d::<3, 3, 2, 2, 1, 0>.forward(&b);
    close(
        y.as_slice(),
        &max_pool_ref(
            &x,
            2,
            [3, 7, 9],
            [4, 4],
            win([3, 3], [2, 2], [1, 0], [1, 1]),
        ),
        0.0,
    );
    // stride larger than the kernel
    let y: Batch<3, 2, 3> = MaxPool2d::<2, 2, 4, 3>.forward(&b);
    close(
        y.as_slice(),
        &max_pool_ref(
            &x,
            2,
            [3, 7, 9],
            [2, 3],
            win([2, 2], [4, 3], [0, 0], [1, 1]),
        ),
        0.0,
    );
    // dilation and ceil_mode (the last window starts inside the image)
    let y: Batch<3, 4, 4> = MaxPool2d::<2, 3, 2, 2, 0, 1, 1, 2, true>.forward(&b);
    close(
        y.as_slice(),
        &max_pool_ref(
            &x,
            2,
            [3, 7, 9],
            [4, 4],
            win([2, 3], [2, 2], [0, 1], [1, 2]),
        ),
        0.0,
    );
    // ResNet's stem pool
    let x = values(64 * 112 * 112 / 16, 2);
    let b = Batch::<4, 112, 112>::from_vec(1, x.clone()).unwrap();
    let y: Batch<4, 56, 56> = MaxPool2d::<3, 3, 2, 2, 1, 1>.forward(&b);
    close(
        y.as_slice(),
        &max_pool_ref(
            &x,
            1,
            [4, 112, 112],
            [56, 56],
            win([3, 3], [2, 2], [1, 1], [1, 1]),
        ),
        0.0,
    );
}

#[test]
fn max_pool_propagates_nan() {
    let mut x = vec![1.0; 16];
    x[5] = f32::NAN;
    let b = Batch::<1, 4, 4>::from_vec(1, x).unwrap();
    let y: Batch<1, 2, 2> = MaxPool2d::<2, 2>.forward(&b);
    let y = y.as_slice();
    assert!(y[0].is_nan());
    assert_eq!(&y[1..], &[1.0, 1.0, 1.0]);
    let y: Batch<1, 1, 1> = AdaptiveMaxPool2d::<1>.forward(&b);
    assert!(y.as_slice()[0].is_nan());
}

// ---- average pooling ----

/// The window laid over the explicitly zero-padded image; it divides by the
/// positions inside the padded image (count_include_pad) or inside the
/// image, or by the override.
fn avg_pool_ref(
    x: &[f32],
    n: usize,
    dims: [usize; 3],
    out: [usize; 2],
    w: Window,
    include_pad: bool,
    divisor: Option<usize>,
) -> Vec<f64> {
    let Window { k, s, p, .. } = w;
    let padded = [dims[1] + 2 * p[0], dims[2] + 2 * p[1]];
    let mut y = Vec::new();
    for b in 0..n {
        for c in 0..dims[0] {
            for oy in 0..out[0] {
                for ox in 0..out[1] {
                    let (mut sum, mut in_padded, mut in_image) = (0.0f64, 0, 0);
                    for i in 0..k[0] {
                        for j in 0..k[1] {
                            let (py, px) = (oy * s[0] + i, ox * s[1] + j);
                            if py >= padded[0] || px >= padded[1] {
                                continue;
                            }
                            in_padded += 1;
                            let v = at(
                                x,
                                dims,
                                b,
                                c,
                                py as isize - p[0] as isize,
                                px as isize - p[1] as isize,
                            );
                            if let Some(v) = v {
                                in_image += 1;
                                sum += v as f64;
                            }
                        }
                    }
                    let div = divisor.unwrap_or(if include_pad { in_padded } else { in_image });
                    y.push(if in_image == 0 { 0.0 } else { sum / div as f64 });
                }
            }
        }
    }
    y
}

#[test]
fn avg_pool_matches_reference() {
    let x = values(2 * 3 * 7 * 9, 3);
    let b = Batch::<3, 7, 9>::from_vec(2, x.clone()).unwrap();
    // features_ext's pool: kernel 3, stride 2, padding 1, zeros counted
    let y: Batch<3, 4, 5> = AvgPool2d::<3, 3, 2, 2, 1, 1>::new(None).forward(&b);
    close(
        y.as_slice(),
        &avg_pool_ref(
            &x,
            2,
            [3, 7, 9],
            [4, 5],
            win([3, 3], [2, 2], [1, 1], [1, 1]),
            true,
            None,
        ),
        1e-6,
    );
    // zeros not counted, padding on one axis, ceil_mode
    let y: Batch<3, 4, 4> = AvgPool2d::<3, 3, 2, 2, 1, 0, true, false>::new(None).forward(&b);
    close(
        y.as_slice(),
        &avg_pool_ref(
            &x,
            2,
            [3, 7, 9],
            [4, 4],
            win([3, 3], [2, 2], [1, 0], [1, 1]),
            false,
            None,
        ),
        1e-6,
    );
    // ceil_mode windows that run past the padding, counted as PyTorch does
    let y: Batch<3, 4, 5> = AvgPool2d::<2, 2, 2, 2, 0, 0, true, true>::new(None).forward(&b);
    close(
        y.as_slice(),
        &avg_pool_ref(
            &x,
            2,
            [3, 7, 9],
            [4, 5],
            win([2, 2], [2, 2], [0, 0], [1, 1]),
            true,
            None,
        ),
        1e-6,
    );
    // stride larger than the kernel, divisor_override
    let y: Batch<3, 2, 3> = AvgPool2d::<2, 2, 4, 3>::new(Some(3)).forward(&b);
    close(
        y.as_slice(),
        &avg_pool_ref(
            &x,
            2,
            [3, 7, 9],
            [2, 3],
            win([2, 2], [4, 3], [0, 0], [1, 1]),
            true,
            Some(3),
        ),
        1e-6,
    );
}

// ---- adaptive pooling ----

fn adaptive_ref(x: &[f32], n: usize, dims: [usize; 3], out: [usize; 2], max: bool) -> Vec<f64> {
    let window = |i: usize, len: usize, o: usize| {
        let start = ((i * len) as f64 / o as f64).floor() as usize;
        let end = (((i + 1) * len) as f64 / o as f64).ceil() as usize;
        start..end
    };
    let mut y = Vec::new();
    for b in 0..n {
        for c in 0..dims[0] {
            for oy in 0..out[0] {
                for ox in 0..out[1] {
                    let vals: Vec<f64> = window(oy, dims[1], out[0])
                        .flat_map(|iy| window(ox, dims[2], out[1]).map(move |ix| (iy, ix)))
                        .map(|(iy, ix)| at(x, dims, b, c, iy as isize, ix as isize).unwrap() as f64)
                        .collect();
                    y.push(if max {
                        vals.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                    } else {
                        vals.iter().sum::<f64>() / vals.len() as f64
                    });
                }
            }
        }
    }
    y
}

#[test]
fn adaptive_pooling_matches_reference() {
    let x = values(2 * 3 * 10 * 7, 4);
    let b = Batch::<3, 10, 7>::from_vec(2, x.clone()).unwrap();
    let y: Batch<3, 3, 4> = AdaptiveAvgPool2d::<3, 4>.forward(&b);
    close(
        y.as_slice(),
        &adaptive_ref(&x, 2, [3, 10, 7], [3, 4], false),
        1e-6,
    );
    let y: Batch<3, 1, 1> = AdaptiveAvgPool2d::<1>.forward(&b);
    close(
        y.as_slice(),
        &adaptive_ref(&x, 2, [3, 10, 7], [1, 1], false),
        1e-6,
    );
    let y: Batch<3, 3, 4> = AdaptiveMaxPool2d::<3, 4>.forward(&b);
    close(
        y.as_slice(),
        &adaptive_ref(&x, 2, [3, 10, 7], [3, 4], true),
        0.0,
    );
    // larger than the input: cells repeat input values
    let y: Batch<3, 13, 9> = AdaptiveAvgPool2d::<13, 9>.forward(&b);
    close(
        y.as_slice(),
        &adaptive_ref(&x, 2, [3, 10, 7], [13, 9], false),
        1e-6,
    );
}

// ---- convolution through the typed layer ----

#[test]
fn conv_layer_with_padding_modes() {
    // reflect/replicate/circular: pad explicitly, then convolve (as PyTorch)
    let x = values(2 * 6 * 5, 5);
    let b = Batch::<2, 6, 5>::from_vec(1, x.clone()).unwrap();
    for mode in [
        PaddingMode::Zeros,
        PaddingMode::Reflect,
        PaddingMode::Replicate,
        PaddingMode::Circular,
    ] {
        let mut conv: Conv2d<2, 3, 3, 3, 1, 1, 1, 2> = Conv2d::new(true, &mut Init::new(9));
        conv = conv.with_padding_mode(mode);
        let y: Batch<3, 6, 7> = conv.forward(&b);
        // reference: pad by hand, convolve without padding
        let src = |c: usize, yy: isize, xx: isize| -> f64 {
            let map = |i: isize, n: isize| -> Option<isize> {
                if (0..n).contains(&i) {
                    return Some(i);
                }
                match mode {
                    PaddingMode::Zeros => None,
                    PaddingMode::Reflect => Some(if i < 0 { -i } else { 2 * (n - 1) - i }),
                    PaddingMode::Replicate => Some(i.clamp(0, n - 1)),
                    PaddingMode::Circular => Some(i.rem_euclid(n)),
                }
            };
            match (map(yy, 6), map(xx, 5)) {
                (Some(a), Some(b)) => x[(c * 6 + a as usize) * 5 + b as usize] as f64,
                _ => 0.0,
            }
        };
        let w = conv.weight();
        let bias = conv.bias().unwrap();
        let mut want = Vec::new();
        for o in 0..3 {
            for oy in 0..6 {
                for ox in 0..7 {
                    let mut acc = bias[o] as f64;
                    for c in 0..2 {
                        for i in 0..3 {
                            for j in 0..3 {
                                acc += w[((o * 2 + c) * 3 + i) * 3 + j] as f64
                                    * src(
                                        c,
                                        oy as isize + i as isize - 1,
                                        ox as isize + j as isize - 2,
                                    );
                            }
                        }
                    }
                    want.push(acc);
                }
            }
        }
        close(y.as_slice(), &want, 1e-5);
    }
}

#[test]
fn same_padding_with_an_even_kernel() {
    // padding="same", kernel 4: one row before, two after (PyTorch's rule)
    let x = values(5 * 6, 6);
    let b = Batch::<1, 5, 6>::from_vec(1, x.clone()).unwrap();
    let conv: Conv2d<1, 1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 2, 2> = Conv2d::new(false, &mut Init::new(1));
    let y: Batch<1, 5, 6> = conv.forward(&b);
    let w = conv.weight();
    let mut want = Vec::new();
    for oy in 0..5isize {
        for ox in 0..6isize {
            let mut acc = 0.0f64;
            for i in 0..4isize {
                for j in 0..4isize {
                    if let Some(v) = at(&x, [1, 5, 6], 0, 0, oy + i - 1, ox + j - 1) {
                        acc += v as f64 * w[(i * 4 + j) as usize] as f64;
                    }
                }
            }
            want.push(acc);
        }
    }
    close(y.as_slice(), &want, 1e-5);
}

// ---- normalisation, linear, activations ----

#[test]
fn batchnorm_matches_its_formula() {
    let mut bn: BatchNorm2d<3> = BatchNorm2d::new(1e-3, true);
    let params = values(12, 7);
    for t in bn.tensors_mut() {
        let offset = match t.name.as_str() {
            "weight" => 0,
            "bias" => 3,
            "running_mean" => 6,
            _ => 9,
        };
        for (i, v) in t.data.iter_mut().enumerate() {
            *v = params[offset + i] + if offset == 9 { 1.5 } else { 0.0 };
        }
    }
    let x = values(2 * 3 * 2 * 5, 8);
    let y = bn.forward(Batch::<3, 2, 5>::from_vec(2, x.clone()).unwrap());
    let want: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let c = (i / 10) % 3;
            let (w, b, m, var) = (
                params[c] as f64,
                params[3 + c] as f64,
                params[6 + c] as f64,
                params[9 + c] as f64 + 1.5,
            );
            (v as f64 - m) / (var + 1e-3).sqrt() * w + b
        })
        .collect();
    close(y.as_slice(), &want, 1e-6);
}

#[test]
fn linear_on_flat_and_last_dimension() {
    let fc: Linear<5, 3> = Linear::new(true, &mut Init::new(3));
    let x = values(4 * 5, 9);
    let reference = |rows: usize| -> Vec<f64> {
        let (w, b) = (fc.weight(), fc.bias().unwrap());
        (0..rows)
            .flat_map(|r| (0..3).map(move |o| (r, o)))
            .map(|(r, o)| {
                b[o] as f64
                    + (0..5)
                        .map(|i| x[r * 5 + i] as f64 * w[o * 5 + i] as f64)
                        .sum::<f64>()
            })
            .collect()
    };
    let y = fc.forward(&Batch::<5>::from_vec(4, x.clone()).unwrap());
    close(y.as_slice(), &reference(4), 1e-6);
    let y = fc.forward2(&Batch::<2, 5>::from_vec(2, x.clone()).unwrap());
    close(y.as_slice(), &reference(4), 1e-6);
    let y = fc.forward3(&Batch::<2, 2, 5>::from_vec(1, x.clone()).unwrap());
    close(y.as_slice(), &reference(4), 1e-6);
}

#[test]
fn initialisation_is_pytorch_default_and_deterministic() {
    let a: Conv2d<4, 8, 3, 3, 1, 1, 0, 0, 1, 1, 2> = Conv2d::new(true, &mut Init::new(42));
    let b: Conv2d<4, 8, 3, 3, 1, 1, 0, 0, 1, 1, 2> = Conv2d::new(true, &mut Init::new(42));
    assert_eq!(a.weight(), b.weight());
    // fan_in = 4/2 * 3 * 3 = 18: U(-1/sqrt(18), 1/sqrt(18)) for weight and bias
    let bound = 1.0 / 18f32.sqrt();
    assert!(
        a.weight()
            .iter()
            .chain(a.bias().unwrap())
            .all(|v| v.abs() <= bound)
    );
    let max = a.weight().iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(
        max > 0.8 * bound,
        "the samples should spread over the range"
    );
    let c: Conv2d<4, 8, 3, 3, 1, 1, 0, 0, 1, 1, 2> = Conv2d::new(true, &mut Init::new(43));
    assert_ne!(a.weight(), c.weight());
}
