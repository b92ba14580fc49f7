//! Runs one model's forward pass over and over for a profiler:
//!
//! ```text
//! BATCH=8 THREADS=2 perf record cargo run --release -p cnn-bench --bin profile_one -- resnet50 5
//! ```

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
        println!(
            "{n} iters, {:.4} ms each",
            t.elapsed().as_secs_f64() * 1e3 / n as f64
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
