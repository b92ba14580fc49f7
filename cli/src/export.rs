//! `cargo cnn export`: a model of the crate as an ONNX file (with its
//! weights) and as a PyTorch module.

use std::path::{Path, PathBuf};

use cnn_dsl::model::CheckedModel;

use crate::{Failure, Outcome};

/// What `cargo cnn export` was asked for.
pub struct Options {
    pub onnx: Option<PathBuf>,
    pub pytorch: Option<PathBuf>,
    pub weights: Option<PathBuf>,
}

/// Writes the files asked for; says what it wrote on standard error.
pub fn run(model: &CheckedModel, options: &Options) -> Result<Outcome, Failure> {
    if options.onnx.is_none() && options.pytorch.is_none() {
        return Err(Failure::Usage(
            "say what to write: `--onnx FILE`, `--pytorch FILE`, or both".into(),
        ));
    }
    if let Some(path) = &options.onnx {
        let Some(weights) = &options.weights else {
            return Err(Failure::Usage(format!(
                "an ONNX file carries its weights: give `--weights FILE`, a safetensors file of \
                 `{}`'s state_dict (`{}::new(seed).save_safetensors(path)` writes one)",
                model.name, model.name
            )));
        };
        let weights = cnn_onnx::read_weights(model, weights).map_err(broken)?;
        let bytes = cnn_onnx::export_onnx(model, &weights).map_err(broken)?;
        write(path, &bytes)?;
        eprintln!(
            "wrote {} (opset {})",
            path.display(),
            cnn_onnx::export::onnx::OPSET
        );
    }
    if let Some(path) = &options.pytorch {
        let text = cnn_onnx::export_pytorch(model).map_err(broken)?;
        write(path, text.as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    Ok(Outcome::Clean)
}

fn broken(e: cnn_onnx::Error) -> Failure {
    Failure::Broken(e.to_string())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure::Io(path.display().to_string(), e))
}
