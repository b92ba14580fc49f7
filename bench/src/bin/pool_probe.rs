//! Times max pooling on GoogLeNet's and ResNet's pooling shapes, one
//! thread, warm: `cargo run --release -p cnn-bench --bin pool_probe`.

use cnn::kernels::pool::{PoolGeometry, max_pool2d};

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
}
