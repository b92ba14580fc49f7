//! The `cargo-cnn` binary: `cargo cnn <command>`.

use std::process::ExitCode;

use cargo_cnn::{Cli, Failure, Outcome, run};
use clap::Parser;

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
    match run(cli) {
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
