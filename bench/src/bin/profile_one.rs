//! Runs one model's forward pass over and over for a profiler:
//!
//! ```text
//! BATCH=8 THREADS=2 perf record cargo run --release -p cnn-bench --bin profile_one -- resnet50 5
//! ```
//!
//! With `LAYERS=1` it also prints each convolution's share of the time
//! (geometry, kernel, microseconds a pass), slowest first.

use cnn::Model;
use cnn_bench::{EachModel, every_model, input};

struct Profile {
    name: String,
    seconds: f64,
    batch: usize,
    found: bool,
}

impl EachModel for Profile {
    fn model<M: Model>(&mut self, name: &'static str, _: [usize; 2]) {
        if name != self.name {
            return;
        }
        self.found = true;
        let m = M::init(1);
        let x = input::<M>(self.batch);
        let t = std::time::Instant::now();
        let mut n = 0;
        while t.elapsed().as_secs_f64() < self.seconds {
            std::hint::black_box(m.forward(&x));
            n += 1;
        }
        let total = t.elapsed().as_secs_f64() / n as f64;
        println!("{n} iters, {:.4} ms each", total * 1e3);
        if std::env::var_os("LAYERS").is_some() {
            layers(&m, &x, total);
        }
    }
}

/// Each convolution's time a pass, slowest first, from a second run as
/// long as the first.
fn layers<M: Model>(m: &M, x: &M::Input, total: f64) {
    use cnn::kernels::conv::timing;
    let passes = ((0.5 / total) as usize).max(3);
    timing::start();
    for _ in 0..passes {
        std::hint::black_box(m.forward(x));
    }
    let mut times = timing::take();
    times.sort_by_key(|t| std::cmp::Reverse(t.time));
    let us = |d: std::time::Duration| d.as_secs_f64() * 1e6 / passes as f64;
    let convs: f64 = times.iter().map(|t| us(t.time)).sum();
    println!(
        "convolutions: {convs:.0} us of {:.0} us a pass ({:.0}%)",
        total * 1e6,
        convs / (total * 1e6) * 100.0
    );
    println!(
        "{:>9} {:>5} {:>6}  {:<15} geometry",
        "us/pass", "%", "calls", "kernel"
    );
    for t in &times {
        let g = &t.geometry;
        let flops = 2.0 * (g.c_out * g.patch_len() * g.output[0] * g.output[1] * t.batch) as f64;
        let gflops = flops * t.calls as f64 / t.time.as_secs_f64() / 1e9;
        println!(
            "{:>9.1} {:>5.1} {:>6}  {:<15} {}->{} {}x{}->{}x{} k{}x{} s{}x{} g{} ({gflops:.0} GFLOP/s)",
            us(t.time),
            us(t.time) / (total * 1e6) * 100.0,
            t.calls / passes as u64,
            format!("{:?}", t.kernel),
            g.c_in,
            g.c_out,
            g.input[0],
            g.input[1],
            g.output[0],
            g.output[1],
            g.kernel[0],
            g.kernel[1],
            g.stride[0],
            g.stride[1],
            g.groups,
        );
    }
}

fn main() {
    if let Some(n) = std::env::var("THREADS").ok().and_then(|n| n.parse().ok()) {
        cnn::set_threads(n);
    }
    let mut profile = Profile {
        name: std::env::args().nth(1).unwrap_or_default(),
        seconds: std::env::args()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(3.0),
        batch: std::env::var("BATCH")
            .ok()
            .and_then(|b| b.parse().ok())
            .unwrap_or(1),
        found: false,
    };
    every_model(&mut profile);
    if !profile.found {
        eprintln!(
            "usage: profile_one MODEL [SECONDS] (a name from `quick`'s list or the zoo's ONNX files)"
        );
        std::process::exit(2);
    }
}
