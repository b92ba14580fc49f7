//! `cargo cnn import`: an ONNX file written as a `cnn!` model, with its
//! weights as a safetensors file under the model's names.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Failure, Outcome, write_out};

/// What `cargo cnn import` was asked for.
pub struct Options {
    pub file: PathBuf,
    pub name: String,
    pub input: Option<Vec<usize>>,
    /// Where the Rust file goes (standard output when `None`).
    pub output: Option<PathBuf>,
    /// Where the weights go [default: next to the output, `.safetensors`].
    pub weights: Option<PathBuf>,
}

/// Imports the file; prints or writes the model, writes the weights.
pub fn run(options: Options, out: &mut impl Write) -> Result<Outcome, Failure> {
    let bytes = std::fs::read(&options.file)
        .map_err(|e| Failure::Io(options.file.display().to_string(), e))?;
    let source = options.file.file_name().map_or_else(
        || "an ONNX file".into(),
        |n| format!("`{}`", n.to_string_lossy()),
    );
    let import_options = cnn_onnx::ImportOptions {
        name: options.name.clone(),
        input: options.input.clone(),
        source,
        dir: options.file.parent().map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".").to_path_buf()
            } else {
                d.to_path_buf()
            }
        }),
    };
    let imported = cnn_onnx::import(&bytes, &import_options).map_err(|e| match e {
        cnn_onnx::Error::InputSize(_) => Failure::Usage(e.to_string()),
        other => Failure::Broken(format!("{}: {other}", options.file.display())),
    })?;
    let weights_path = options.weights.clone().or_else(|| {
        let base = options.output.as_deref().unwrap_or(&options.file);
        Some(base.with_extension("safetensors"))
    });
    match &options.output {
        Some(path) => write_file(path, imported.source.as_bytes())?,
        None => write_out(out, &imported.source)?,
    }
    let mut report = format!(
        "{}: `{}` with input {:?}, {} parameters\n",
        options.file.display(),
        options.name,
        imported.input,
        imported.params
    );
    match (imported.safetensors(), weights_path) {
        (Some(bytes), Some(path)) => {
            write_file(&path, &bytes)?;
            report += &format!("weights: {}\n", path.display());
        }
        (None, _) => {
            report += "weights: none written; the graph keeps them in another file, which is not \
                       beside it\n";
        }
        (Some(_), None) => {}
    }
    eprint!("{report}");
    Ok(Outcome::Clean)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure::Io(path.display().to_string(), e))
}

/// `3,224,224` as sizes.
pub fn parse_input(text: &str) -> Result<Vec<usize>, String> {
    let sizes: Result<Vec<usize>, _> = text.split(',').map(|s| s.trim().parse::<usize>()).collect();
    match sizes {
        Ok(s) if (s.len() == 3 || s.len() == 1) && s.iter().all(|&d| d > 0) => Ok(s),
        _ => Err(format!(
            "`{text}` is not an input size: write C,H,W (such as 3,224,224) or one size"
        )),
    }
}
