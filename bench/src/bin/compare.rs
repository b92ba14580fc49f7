//! Times cnn and ONNX Runtime on the fixture models, side by side in one
//! run, and prints a markdown table: latency, images/s, GFLOP/s, % of the
//! measured peak, and the speed ratio to ONNX Runtime.
//!
//! ```text
//! cargo run --release -p cnn-bench --bin compare -- [--python PATH] [--seconds S]
//!     [--rounds N] [--models a,b] [--threads 1,2] [--no-ort]
//! ```
//!
//! ONNX Runtime is timed by `../shared/bench/ort_bench.py` (needs `pip install
//! onnxruntime numpy`); each case alternates cnn and ONNX Runtime `rounds`
//! times and keeps each engine's best median, since the machine is shared.

/// What `--help` prints.
const USAGE: &str = "usage: compare [--python PATH] [--script ort_bench.py] [--seconds S] \
[--rounds N] [--models a,b] [--threads 1,2] [--no-ort]
  --python   the Python with onnxruntime and numpy (default python3)
  --seconds  time per measurement (default 1)
  --rounds   alternations of cnn and ONNX Runtime per case; best medians kept (default 3)
  --models   fixture models to time (default all)
  --threads  thread counts (default 1,2)
  --no-ort   time cnn alone";

use std::process::Command;
use std::time::Duration;

use cnn::Model;
use cnn_bench::models::*;
use cnn_bench::resnet18::ResNet18;
use cnn_bench::{input, time};

struct Options {
    python: String,
    script: String,
    seconds: f64,
    rounds: usize,
    models: Option<Vec<String>>,
    threads: Vec<usize>,
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

struct Row {
    name: &'static str,
    batch: usize,
    threads: usize,
    cnn: Duration,
    ort: Option<Duration>,
    flops: f64,
}

fn case<M: Model>(o: &Options, name: &'static str, batches: [usize; 2], rows: &mut Vec<Row>) {
    if o.models
        .as_ref()
        .is_some_and(|m| !m.iter().any(|n| n == name))
    {
        return;
    }
    let model = M::init(1);
    for batch in batches {
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
    let mut rows = Vec::new();
    case::<SeedA>(&o, "seed_a", [1, 64], &mut rows);
    case::<SeedB>(&o, "seed_b", [1, 64], &mut rows);
    case::<Quiz>(&o, "quiz", [1, 64], &mut rows);
    case::<Gray200>(&o, "gray200", [1, 64], &mut rows);
    case::<LeNet5>(&o, "lenet5", [1, 64], &mut rows);
    case::<VggSmall>(&o, "vgg_small", [1, 64], &mut rows);
    case::<FeaturesExt>(&o, "features_ext", [1, 64], &mut rows);
    case::<ResNet18>(&o, "resnet18", [1, 8], &mut rows);

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
