//! The `cargo-cnn` binary: `cargo cnn <command>`.

use std::process::ExitCode;

use cargo_cnn::{Cli, Failure, Outcome, run};
use clap::Parser;

/// The worker thread's stack: reserved, and used only as deep as needed.
const STACK: usize = 512 << 20;

fn main() -> ExitCode {
    // `cargo cnn check` runs `cargo-cnn cnn check`.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "cnn") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // Rust's parser recurses into brackets: a thread with room for the
    // deepest nesting `find` lets through.
    let outcome = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || run(cli))
        .map(|worker| worker.join());
    let outcome = match outcome {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => return ExitCode::from(101),
        Err(e) => {
            eprintln!("error: cannot start a thread: {e}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(if matches!(failure, Failure::Broken(_)) {
                1
            } else {
                2
            })
        }
    }
}
