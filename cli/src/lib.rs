//! `cargo cnn`: the `cnn!` checker as a command. Checks, lints, summarizes
//! and draws the models of a crate, and checks checkpoints against them,
//! all without building the crate. The stages are this library's modules;
//! the binary only parses its arguments and calls [`run`].

pub mod check;
pub mod draw;
pub mod export;
pub mod field;
pub mod find;
pub mod fix;
pub mod import;
pub mod pick;
pub mod render;
pub mod report;
pub mod rustc_json;
pub mod summary;
pub mod weights;
pub mod workspace;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Check, lint, summarize and draw cnn! models without building the crate.
#[derive(Parser, Debug)]
#[command(name = "cargo cnn", version, bin_name = "cargo cnn")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check every cnn! model: errors and lint warnings, as rustc prints them.
    ///
    /// Exit status: 0 clean, 1 errors (or warnings with `--deny warnings`),
    /// 2 usage or I/O failure.
    Check {
        /// Files or directories [default: the package's src, examples, tests and benches]
        paths: Vec<PathBuf>,
        /// `json`: one object a line in cnn's own schema; `github`: workflow annotations
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// `json`: rustc's diagnostics as `cargo check --message-format=json`
        /// prints them (for rust-analyzer and `cargo fix`-style tools)
        #[arg(long, value_enum, value_name = "FMT")]
        message_format: Option<MessageFormat>,
        /// `warnings`: fail (exit 1) on warnings too.
        #[arg(long, short = 'D', value_name = "warnings")]
        deny: Option<Deny>,
        /// Turn the pedantic lints on (as `#[warn(pedantic)]` on every model)
        #[arg(long)]
        pedantic: bool,
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        #[command(flatten)]
        selection: workspace::Selection,
    },
    /// Apply the machine-applicable fixes in place, then check again.
    ///
    /// Exit status: 0 when no error is left, 1 when some are, 2 on a usage
    /// or I/O failure (such as files with changes not yet committed).
    Fix {
        /// Files or directories [default: the package's src, examples, tests and benches]
        paths: Vec<PathBuf>,
        /// Fix files with changes not yet committed
        #[arg(long)]
        allow_dirty: bool,
        /// Fix files outside any git repository
        #[arg(long)]
        allow_no_vcs: bool,
        #[command(flatten)]
        selection: workspace::Selection,
    },
    /// Print the layer table of a model, with receptive field and output stride.
    Summary {
        /// A file or directory [default: the crate's src, examples, tests and benches]
        path: Option<PathBuf>,
        /// The model to summarize [default: every model found]
        #[arg(long)]
        model: Option<String>,
        #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
        format: SummaryFormat,
    },
    /// Draw a model's shapes as an SVG picture.
    Draw {
        /// A file or directory [default: the crate's src, examples, tests and benches]
        path: Option<PathBuf>,
        /// The model to draw (needed when several are found)
        #[arg(long)]
        model: Option<String>,
        /// Where to write the SVG [default: standard output]
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// List the lints, with what each warns about.
    Lints,
    /// Check a safetensors checkpoint against a model's state_dict: missing,
    /// unexpected, wrongly shaped and wrongly typed tensors.
    Weights {
        /// The model's name, as declared in cnn!
        model: String,
        /// The .safetensors file
        file: PathBuf,
        /// Where to look for the model [default: the crate's src, examples, tests and benches]
        #[arg(long)]
        path: Vec<PathBuf>,
    },
    /// Write a model as an ONNX file (with its weights) or a PyTorch module.
    ///
    /// The PyTorch module's state_dict has the model's names and shapes, so
    /// weights move between the two as safetensors files.
    Export {
        /// The model's name, as declared in cnn!
        model: String,
        /// Write an ONNX file (opset 17, any batch size); needs `--weights`
        #[arg(long, value_name = "FILE")]
        onnx: Option<PathBuf>,
        /// Write a Python file defining the model as an `nn.Module`
        #[arg(long, value_name = "FILE")]
        pytorch: Option<PathBuf>,
        /// The model's weights, a safetensors file
        #[arg(long, value_name = "FILE")]
        weights: Option<PathBuf>,
        /// Where to look for the model [default: the crate's src, examples, tests and benches]
        #[arg(long)]
        path: Vec<PathBuf>,
    },
    /// Write an ONNX model as a cnn! model, and its weights as safetensors.
    ///
    /// Residual adds, concatenations, gates, channel splits and shuffles
    /// are recovered from the graph; names come from its state_dict names.
    /// Nodes cnn! cannot express are listed, and nothing is written.
    Import {
        /// The .onnx file
        file: PathBuf,
        /// The model's struct name
        #[arg(long, default_value = "Net")]
        name: String,
        /// The input size per image, when the file does not fix it: C,H,W
        #[arg(long, value_parser = import::parse_input, value_name = "C,H,W")]
        input: Option<Vec<usize>>,
        /// Where to write the Rust file [default: standard output]
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Where to write the weights [default: the output's (or the ONNX
        /// file's) name with .safetensors]
        #[arg(long)]
        weights: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
    /// rustc's JSON (`--message-format json`).
    #[value(skip)]
    Rustc,
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum SummaryFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Why a command could not do its work (exit status 2).
#[derive(Debug)]
pub enum Failure {
    /// The command line or the paths make no sense.
    Usage(String),
    /// A file or directory could not be read or written.
    Io(String, std::io::Error),
    /// The model asked for has errors (exit status 1, as for `check`).
    Broken(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Broken(message) => f.write_str(message),
            Failure::Io(what, e) => write!(f, "{what}: {e}"),
        }
    }
}

/// How a command ended, as its exit status.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// 0: nothing wrong.
    Clean,
    /// 1: the models (or the checkpoint) have problems.
    Problems,
}

/// The paths given, or the current package's source directories.
fn paths_or_default(paths: Vec<PathBuf>) -> Result<Vec<PathBuf>, Failure> {
    selected_paths(paths, &workspace::Selection::default())
}

/// The paths given, or the source directories of the packages selected
/// (the current package when nothing is given; the crate's directories
/// when `cargo metadata` cannot read it).
fn selected_paths(
    paths: Vec<PathBuf>,
    selection: &workspace::Selection,
) -> Result<Vec<PathBuf>, Failure> {
    if !paths.is_empty() {
        if selection.is_given() {
            return Err(Failure::Usage(
                "give paths or `--manifest-path`/`--package`/`--workspace`, not both".into(),
            ));
        }
        return Ok(paths);
    }
    let packages = match workspace::packages(selection) {
        Ok(packages) => packages,
        Err(e) if selection.is_given() => return Err(e),
        Err(_) => return find::default_paths(),
    };
    let cwd = std::env::current_dir().ok();
    let dirs: Vec<PathBuf> = packages
        .iter()
        .flat_map(workspace::Package::source_dirs)
        .map(|dir| match &cwd {
            Some(cwd) => match dir.strip_prefix(cwd) {
                Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
                _ => dir,
            },
            None => dir,
        })
        .collect();
    if dirs.is_empty() {
        return Err(Failure::Usage(
            "the selected packages have no source directories".into(),
        ));
    }
    Ok(dirs)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome, Failure> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Check {
            paths,
            format,
            message_format,
            deny,
            pedantic,
            color,
            selection,
        } => {
            let levels = if pedantic {
                vec![cnn_dsl::lint::Level::warn("pedantic")]
            } else {
                Vec::new()
            };
            let files = find::load_with(&selected_paths(paths, &selection)?, &levels)?;
            let format = match message_format {
                Some(MessageFormat::Json) => CheckFormat::Rustc,
                Some(MessageFormat::Human) | None => format,
            };
            // The packages name each message's crate and target.
            let packages = if format == CheckFormat::Rustc {
                workspace::packages(&selection).unwrap_or_default()
            } else {
                Vec::new()
            };
            let color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let options = check::Options {
                format,
                deny_warnings: deny.is_some(),
                color,
                packages,
            };
            check::run(&files, options, &mut out)
        }
        Command::Fix {
            paths,
            allow_dirty,
            allow_no_vcs,
            selection,
        } => {
            let paths = selected_paths(paths, &selection)?;
            let options = fix::Options {
                allow_dirty,
                allow_no_vcs,
                levels: Vec::new(),
            };
            fix::run(&paths, options, &mut out)
        }
        Command::Summary {
            path,
            model,
            format,
        } => {
            let files = find::load(&paths_or_default(path.into_iter().collect())?)?;
            let models = pick::models(&files, model.as_deref(), pick::Need::Any)?;
            summary::print(&models, format, &mut out)
        }
        Command::Draw {
            path,
            model,
            output,
        } => {
            let files = find::load(&paths_or_default(path.into_iter().collect())?)?;
            let models = pick::models(&files, model.as_deref(), pick::Need::One)?;
            let svg = draw::svg(models[0]);
            match output {
                Some(file) => std::fs::write(&file, svg)
                    .map_err(|e| Failure::Io(file.display().to_string(), e))?,
                None => write_out(&mut out, &svg)?,
            }
            Ok(Outcome::Clean)
        }
        Command::Lints => {
            let width = cnn_dsl::lint::LINTS
                .iter()
                .map(|l| l.name.len())
                .max()
                .unwrap_or(0);
            let text: String = cnn_dsl::lint::LINTS
                .iter()
                .map(|l| {
                    let level = if l.group.warns_by_default() {
                        "warn"
                    } else {
                        "allow"
                    };
                    format!(
                        "{:width$}  {:11}  {level:5}  {}\n",
                        l.name,
                        l.group.name(),
                        l.reason
                    )
                })
                .collect();
            write_out(&mut out, &text)?;
            Ok(Outcome::Clean)
        }
        Command::Weights { model, file, path } => {
            let files = find::load(&paths_or_default(path)?)?;
            let models = pick::models(&files, Some(&model), pick::Need::One)?;
            weights::check(models[0], &file, &mut out)
        }
        Command::Export {
            model,
            onnx,
            pytorch,
            weights,
            path,
        } => {
            let files = find::load(&paths_or_default(path)?)?;
            let models = pick::models(&files, Some(&model), pick::Need::One)?;
            let options = export::Options {
                onnx,
                pytorch,
                weights,
            };
            export::run(models[0], &options)
        }
        Command::Import {
            file,
            name,
            input,
            output,
            weights,
        } => import::run(
            import::Options {
                file,
                name,
                input,
                output,
                weights,
            },
            &mut out,
        ),
    }
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
pub fn write_out(out: &mut impl std::io::Write, text: &str) -> Result<(), Failure> {
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Io("standard output".into(), e))
        }
        _ => Ok(()),
    }
}
