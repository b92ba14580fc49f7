//! Quick timings while tuning: each model's best median over a few short
//! rounds (the machine is shared; the best round is the least disturbed).
//!
//! ```text
//! BATCH=8 THREADS=2 cargo run --release -p cnn-bench --bin quick -- [MODEL...]
//! ```
//!
//! With no model named, every fixture model; `zoo` adds torchvision's.
//! Batch sizes above a model's larger benchmark batch are cut to it.

use cnn::Model;
use cnn_bench::{EachModel, every_model, input, time};

struct Quick {
    names: Vec<String>,
    batch: usize,
    rounds: usize,
    /// Past the fixture models (all of them when no name is given).
    in_zoo: bool,
}

impl EachModel for Quick {
    fn model<M: Model>(&mut self, name: &'static str, batches: [usize; 2]) {
        self.in_zoo |= name == "mobilenet_v3_small_tiny";
        let wanted = if self.names.is_empty() {
            !self.in_zoo
        } else {
            self.names
                .iter()
                .any(|n| n == name || (n == "zoo" && self.in_zoo))
        };
        if !wanted {
            return;
        }
        let batch = self.batch.min(batches[1]);
        let m = M::init(1);
        let x = input::<M>(batch);
        let best = (0..self.rounds)
            .map(|_| {
                time(0.3, || {
                    std::hint::black_box(m.forward(&x));
                })
                .median
            })
            .min()
            .unwrap_or_default();
        println!(
            "{name:>24} batch {batch:>2}: {:9.4} ms",
            best.as_secs_f64() * 1e3
        );
    }
}

fn main() {
    let batch: usize = std::env::var("BATCH")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(1);
    if let Some(t) = std::env::var("THREADS").ok().and_then(|t| t.parse().ok()) {
        cnn::set_threads(t);
    }
    every_model(&mut Quick {
        names: std::env::args().skip(1).collect(),
        batch,
        rounds: 5,
        in_zoo: false,
    });
}
