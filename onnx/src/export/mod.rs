//! Models out: as ONNX ([`onnx`]) and as a PyTorch module ([`pytorch`]).

pub mod onnx;
pub mod pytorch;

use std::collections::BTreeMap;
use std::path::Path;

use cnn_dsl::model::CheckedModel;

use crate::error::Error;

/// A model's weights: each state_dict tensor's shape and values.
pub type Weights = BTreeMap<String, (Vec<usize>, Vec<f32>)>;

/// Reads the tensors `model` needs from a safetensors file (F32, F64, F16
/// or BF16), checking each one's shape; other tensors are left unread.
///
/// # Errors
/// [`Error::Weights`] naming the file and every missing or wrongly shaped
/// tensor, or what is wrong with the file.
pub fn read_weights(model: &CheckedModel, path: &Path) -> Result<Weights, Error> {
    let failed = |e: cnn_core::Error| Error::Weights(format!("{}: {e}", path.display()));
    let mut file = cnn_core::checkpoint::open_file(path).map_err(failed)?;
    let mut problems = Vec::new();
    let mut weights = Weights::new();
    for (name, shape) in model.tensors() {
        match file.get(&name).map(|e| e.shape.clone()) {
            None => problems.push(format!("`{name}` {shape:?} is not in the file")),
            Some(found) if found != shape => problems.push(format!(
                "`{name}` is {found:?} in the file, the model needs {shape:?}"
            )),
            Some(_) => {
                let mut data = vec![0.0; shape.iter().product()];
                file.read_f32_into(&name, &mut data).map_err(failed)?;
                weights.insert(name, (shape, data));
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Weights(format!(
            "{} does not hold `{}`'s weights:\n  {}",
            path.display(),
            model.name,
            problems.join("\n  ")
        )));
    }
    Ok(weights)
}

/// Every tensor of `model`'s state_dict is in `weights` with its shape.
pub(crate) fn check_weights(model: &CheckedModel, weights: &Weights) -> Result<(), Error> {
    let problems: Vec<String> = model
        .tensors()
        .into_iter()
        .filter_map(|(name, shape)| match weights.get(&name) {
            None => Some(format!("`{name}` {shape:?} is missing")),
            Some((s, data)) if *s != shape || data.len() != shape.iter().product::<usize>() => {
                Some(format!("`{name}` is {s:?}, the model needs {shape:?}"))
            }
            Some(_) => None,
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Weights(problems.join("; ")))
    }
}
