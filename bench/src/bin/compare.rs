//! Times cnn and ONNX Runtime on the fixture models and torchvision's
//! (`--models zoo`), side by side in one run, and prints a markdown table: latency, images/s, GFLOP/s, % of the
//! measured peak, and the speed ratio to ONNX Runtime.
//!
//! ```text
//! cargo run --release -p cnn-bench --bin compare -- [--python PATH] [--seconds S]
//!     [--rounds N] [--models a,b] [--batches 1,64,8] [--threads 1,2] [--no-ort]
//! ```
//!
//! ONNX Runtime is timed by `../shared/bench/ort_bench.py` (needs `pip install
//! onnxruntime numpy`); each case alternates cnn and ONNX Runtime `rounds`
//! times and keeps each engine's best median, since the machine is shared.

/// What `--help` prints.
const USAGE: &str = "usage: compare [--python PATH] [--script ort_bench.py] [--seconds S] \
[--rounds N] [--models a,b] [--batches 1,64,8] [--threads 1,2] [--no-ort]
  --python   the Python with onnxruntime and numpy (default python3)
  --seconds  time per measurement (default 1)
  --rounds   alternations of cnn and ONNX Runtime per case; best medians kept (default 3)
  --models   models to time: names, `fixtures` (the default), `zoo` (torchvision's) or `all`
  --batches  batch sizes to keep of each model's two (1 and 64, or 1 and 8 for large models)
  --threads  thread counts (default 1,2)
  --no-ort   time cnn alone";

use std::process::Command;
use std::time::Duration;

use cnn::Model;
use cnn_bench::{EachModel, every_model, input, time};

struct Options {
    python: String,
    script: String,
    seconds: f64,
    rounds: usize,
    models: Option<Vec<String>>,
    threads: Vec<usize>,
    batches: Option<Vec<usize>>,
    ort: bool,
}

fn options() -> Options {
    let mut o = Options {
        python: "python3".into(),
        script: concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/bench/ort_bench.py"
        )
        .into(),
        seconds: 1.0,
        rounds: 3,
        models: None,
        threads: vec![1, 2],
        batches: None,
        ort: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--python" => o.python = value(),
            "--script" => o.script = value(),
            "--seconds" => o.seconds = value().parse().unwrap_or(1.0),
            "--rounds" => o.rounds = value().parse().unwrap_or(3).max(1),
            "--models" => o.models = Some(value().split(',').map(String::from).collect()),
            "--threads" => o.threads = value().split(',').filter_map(|t| t.parse().ok()).collect(),
            "--batches" => {
                o.batches = Some(value().split(',').filter_map(|b| b.parse().ok()).collect())
            }
            "--no-ort" => o.ort = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => eprintln!("ignoring unknown argument {other}\n{USAGE}"),
        }
    }
    o
}

fn cnn_median<M: Model>(model: &M, x: &M::Input, seconds: f64) -> Duration {
    time(seconds, || {
        std::hint::black_box(model.forward(x));
    })
    .median
}

fn ort_median(o: &Options, name: &str, batch: usize, threads: usize) -> Option<Duration> {
    let out = Command::new(&o.python)
        .arg(&o.script)
        .args([
            "--model",
            name,
            "--batch",
            &batch.to_string(),
            "--threads",
            &threads.to_string(),
        ])
        .args(["--seconds", &o.seconds.to_string()])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "ort_bench.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(Duration::from_secs_f64(json["median_ms"].as_f64()? / 1e3))
}

/// The first of torchvision's models in [`every_model`]'s order.
const FIRST_OF_ZOO: &str = "mobilenet_v3_small_tiny";

struct Compare {
    o: Options,
    rows: Vec<Row>,
    in_zoo: bool,
}

impl EachModel for Compare {
    fn model<M: Model>(&mut self, name: &'static str, batches: [usize; 2]) {
        self.in_zoo |= name == FIRST_OF_ZOO;
        let wanted = match &self.o.models {
            None => !self.in_zoo,
            Some(names) => names.iter().any(|n| {
                n == name
                    || n == "all"
                    || (n == "zoo" && self.in_zoo)
                    || (n == "fixtures" && !self.in_zoo)
            }),
        };
        if wanted {
            case::<M>(&self.o, name, batches, &mut self.rows);
        }
    }
}

struct Row {
    name: &'static str,
    batch: usize,
    threads: usize,
    cnn: Duration,
    ort: Option<Duration>,
    flops: f64,
}

fn case<M: Model>(o: &Options, name: &'static str, batches: [usize; 2], rows: &mut Vec<Row>) {
    let model = M::init(1);
    for batch in batches {
        if o.batches.as_ref().is_some_and(|b| !b.contains(&batch)) {
            continue;
        }
        let x = input::<M>(batch);
        for &threads in &o.threads {
            let (mut best_cnn, mut best_ort) = (Duration::MAX, None::<Duration>);
            for _ in 0..o.rounds {
                cnn::set_threads(threads);
                best_cnn = best_cnn.min(cnn_median(&model, &x, o.seconds));
                cnn::set_threads(1);
                if o.ort
                    && let Some(t) = ort_median(o, name, batch, threads)
                {
                    best_ort = Some(best_ort.map_or(t, |b| b.min(t)));
                }
            }
            eprintln!("{name} batch {batch} threads {threads}: cnn {best_cnn:?}, ORT {best_ort:?}");
            rows.push(Row {
                name,
                batch,
                threads,
                cnn: best_cnn,
                ort: best_ort,
                flops: 2.0 * M::MACS as f64 * batch as f64,
            });
        }
    }
}

fn main() {
    let o = options();
    let peak = cnn_bench::peak::measured_peak();
    eprintln!("measured single-core FMA peak: {peak:.1} GFLOP/s");
    let mut compare = Compare {
        o,
        rows: Vec::new(),
        in_zoo: false,
    };
    every_model(&mut compare);
    let rows = compare.rows;

    println!("Measured single-core FMA peak: {peak:.1} GFLOP/s (x threads for the % column).\n");
    println!(
        "| model | batch | threads | cnn ms | ORT ms | cnn img/s | cnn GFLOP/s | % of peak | speed vs ORT |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let ms = r.cnn.as_secs_f64() * 1e3;
        let gflops = r.flops / r.cnn.as_secs_f64() / 1e9;
        let ort_ms = r
            .ort
            .map_or("-".to_string(), |t| format!("{:.4}", t.as_secs_f64() * 1e3));
        let ratio = r.ort.map_or("-".to_string(), |t| {
            format!("{:.2}x", t.as_secs_f64() / r.cnn.as_secs_f64())
        });
        println!(
            "| {} | {} | {} | {ms:.4} | {ort_ms} | {:.0} | {gflops:.1} | {:.0}% | {ratio} |",
            r.name,
            r.batch,
            r.threads,
            r.batch as f64 / r.cnn.as_secs_f64(),
            100.0 * gflops / (peak * r.threads as f64)
        );
    }
}
