//! Times max pooling on GoogLeNet's and ResNet's pooling shapes, and
//! average pooling on features_ext's, Inception's and DenseNet's, one
//! thread, warm: `cargo run --release -p cnn-bench --bin pool_probe`.

use cnn::kernels::pool::{AvgOptions, PoolGeometry, avg_pool2d, max_pool2d};

fn main() {
    cnn::set_threads(1);
    // (name, channels, input, kernel, stride, pad, output)
    let shapes = [
        ("resnet stem pool", 64, 112, 3, 2, 1, 56),
        ("googlenet pool1", 64, 112, 3, 2, 0, 56),
        ("googlenet pool2", 192, 56, 3, 2, 0, 28),
        ("googlenet 3a branch", 192, 28, 3, 1, 1, 28),
        ("googlenet 3b branch", 256, 28, 3, 1, 1, 28),
        ("googlenet pool3", 480, 28, 3, 2, 0, 14),
        ("googlenet 4x branch", 512, 14, 3, 1, 1, 14),
        ("googlenet 5x branch", 832, 7, 3, 1, 1, 7),
        ("googlenet pool4", 832, 14, 2, 2, 0, 7),
    ];
    for (name, c, n, k, s, p, o) in shapes {
        let g = PoolGeometry {
            channels: c,
            input: [n, n],
            output: [o, o],
            kernel: [k, k],
            stride: [s, s],
            pad: [p, p],
            dilation: [1, 1],
        };
        let x: Vec<f32> = (0..c * n * n).map(|i| ((i * 7919) % 101) as f32).collect();
        let mut y = vec![0.0; c * o * o];
        let work = (c * o * o * k * k) as f64;
        let us = cnn_bench::best_of(work * 20.0, || max_pool2d(&g, 1, &x, &mut y)) * 1e6;
        println!("{name:>22} {us:8.1} us");
    }
    // (name, channels, [height, width], kernel, stride, pad, count_include_pad)
    let averages = [
        ("features_ext pool1", 32, [16, 32], 3, 2, 1, true),
        ("inception 3x3 s1", 192, [35, 35], 3, 1, 1, true),
        ("inception 3x3 s1 excl", 192, [35, 35], 3, 1, 1, false),
        ("densenet transition", 128, [56, 56], 2, 2, 0, true),
    ];
    for (name, c, [h, w], k, s, p, count_include_pad) in averages {
        let out = |n: usize| (n + 2 * p - k) / s + 1;
        let g = PoolGeometry {
            channels: c,
            input: [h, w],
            output: [out(h), out(w)],
            kernel: [k, k],
            stride: [s, s],
            pad: [p, p],
            dilation: [1, 1],
        };
        let options = AvgOptions {
            count_include_pad,
            divisor_override: None,
        };
        let x: Vec<f32> = (0..c * h * w).map(|i| ((i * 7919) % 101) as f32).collect();
        let mut y = vec![0.0; c * g.output[0] * g.output[1]];
        let work = (y.len() * k * k) as f64;
        let us = cnn_bench::best_of(work * 20.0, || avg_pool2d(&g, options, 1, &x, &mut y)) * 1e6;
        println!("{name:>22} {us:8.1} us");
    }
}
