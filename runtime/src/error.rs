//! The runtime's errors. Nothing in the runtime panics on user data or
//! files; every failure is one of these.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong at run time.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // ---- data entering the typed world ----
    /// An array's shape is not `[N, ...]` with the model's per-image shape.
    #[error("expected a batch of shape [N, {}], found {found:?}", dims(expected))]
    Shape {
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    /// A flat buffer does not hold a whole number of images.
    #[error(
        "a buffer of {len} values is not a whole batch of [{}] images ({per_image} values each)",
        dims(image)
    )]
    Length {
        len: usize,
        image: Vec<usize>,
        per_image: usize,
    },

    // ---- weights ----
    /// Strict loading found missing, unexpected or wrongly shaped tensors.
    #[error("{0}")]
    StateDict(StateDictMismatch),
    /// A tensor is stored in a dtype cnn cannot read as f32.
    #[error("tensor `{name}` has dtype {dtype}, which cannot be converted to f32")]
    Dtype { name: String, dtype: String },
    /// A tensor's byte length does not match its shape and dtype.
    #[error("tensor `{name}` holds {bytes} bytes, but its shape {shape:?} needs {expected}")]
    TensorBytes {
        name: String,
        shape: Vec<usize>,
        bytes: usize,
        expected: usize,
    },
    /// A safetensors file could not be read or written.
    #[error("not a valid safetensors file: {0}")]
    Safetensors(#[from] safetensors::SafeTensorError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn dims(d: &[usize]) -> String {
    d.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What strict loading found wrong, every tensor listed by name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StateDictMismatch {
    /// Tensors the model has but the file lacks.
    pub missing: Vec<String>,
    /// Tensors the file has but the model does not.
    pub unexpected: Vec<String>,
    /// `(name, model's shape, file's shape)`.
    pub wrong_shape: Vec<(String, Vec<usize>, Vec<usize>)>,
}

impl StateDictMismatch {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty() && self.wrong_shape.is_empty()
    }
}

impl fmt::Display for StateDictMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the weights do not fit the model")?;
        if !self.missing.is_empty() {
            write!(f, "\n  missing: {}", self.missing.join(", "))?;
        }
        if !self.unexpected.is_empty() {
            write!(f, "\n  unexpected: {}", self.unexpected.join(", "))?;
        }
        for (name, model, file) in &self.wrong_shape {
            write!(
                f,
                "\n  wrong shape: {name} is {model:?} in the model but {file:?} in the file"
            )?;
        }
        Ok(())
    }
}

/// `Result` with the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
