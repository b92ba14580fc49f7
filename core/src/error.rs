//! The runtime's errors. Nothing in the runtime panics on user data or
//! files; every failure is one of these.

use std::fmt;
use std::path::PathBuf;

use crate::checkpoint::TorchFormat;

/// Everything that can go wrong at run time.
///
/// Its `Debug` form is its message, so that `fn main() -> Result<(), cnn::Error>`
/// prints the same text `Display` does.
#[derive(thiserror::Error)]
pub enum Error {
    // ---- data entering the typed world ----
    /// An array's shape is not `[N, ...]` with the model's per-image shape.
    #[error("expected a batch of shape [N, {}], found {found:?}", dims(expected))]
    Shape {
        /// The per-image shape the model takes.
        expected: Vec<usize>,
        /// The whole shape given, batch first.
        found: Vec<usize>,
    },
    /// A flat buffer does not hold a whole number of images.
    #[error(
        "a buffer of {len} values is not a whole batch of [{}] images ({per_image} values each)",
        dims(image)
    )]
    Length {
        /// Values in the buffer.
        len: usize,
        /// The per-image shape.
        image: Vec<usize>,
        /// Values in one image.
        per_image: usize,
    },

    /// `from_vec(batch, data)`: `data` does not hold `batch` images.
    #[error(
        "from_vec was given batch = {batch}, which is {} values of [{}] images ({per_image} each), but a buffer of {len} values{}",
        batch.checked_mul(*per_image).map_or("more".to_string(), |n| n.to_string()),
        dims(image),
        whole_images(*len, *per_image)
    )]
    BatchLength {
        /// The batch size given.
        batch: usize,
        /// Values in the buffer.
        len: usize,
        /// The per-image shape.
        image: Vec<usize>,
        /// Values in one image.
        per_image: usize,
    },

    // ---- weights ----
    /// Strict loading found missing, unexpected or wrongly shaped tensors.
    #[error("{0}")]
    StateDict(StateDictMismatch),
    /// A tensor the model needs is stored in a dtype cnn cannot read as f32.
    #[error(
        "tensor `{}` has dtype {dtype}, which cannot be converted to f32",
        printable(name)
    )]
    Dtype {
        /// The tensor's name in the file.
        name: String,
        /// Its dtype, as safetensors names it (`I64`, `U8`).
        dtype: String,
    },
    /// A tensor's entry in a safetensors file is wrong (its range, size or
    /// dtype).
    #[error("tensor `{}` {problem}", printable(name))]
    TensorFormat {
        /// The tensor's name in the file.
        name: String,
        /// What is wrong with it, as a phrase ("holds 12 bytes, ...").
        problem: String,
    },
    /// A safetensors header names a tensor twice.
    #[error(
        "not a valid safetensors file: tensor `{}` is listed twice in its header",
        printable(name)
    )]
    DuplicateTensor {
        /// The name listed twice.
        name: String,
    },
    /// A file is not a safetensors file, or is damaged.
    #[error("not a valid safetensors file: {0}")]
    Format(String),
    /// A checkpoint written by PyTorch's `torch.save`, which cnn does not
    /// read (it is a pickle, which can run code): the message gives the
    /// Python that converts it to safetensors.
    #[error(
        "{} is {format} written by PyTorch's `torch.save`, not a safetensors file; convert it once in Python:\n\n    import torch\n    from safetensors.torch import save_file\n    save_file(torch.load(\"{name}\", map_location=\"cpu\"), \"{stem}.safetensors\")\n\n(a Lightning or training checkpoint holds the weights under a key: save `torch.load(...)[\"state_dict\"]` or `[\"model\"]`)",
        path.as_ref().map_or("the data".to_string(), |p| p.display().to_string()),
        name = path.as_ref().map_or("model.pth".to_string(), |p| p.display().to_string()),
        stem = path.as_ref().and_then(|p| p.file_stem()).map_or("model".to_string(), |s| s.to_string_lossy().into_owned()),
    )]
    TorchCheckpoint {
        /// The file, when the data came from one.
        path: Option<PathBuf>,
        /// Which of `torch.save`'s formats it is.
        format: TorchFormat,
    },
    /// Renaming a file's tensors (`LoadOptions`)
    /// gave two of them the same name.
    #[error(
        "renaming gives two tensors of the file the name `{}`: `{}` and `{}`",
        printable(name),
        printable(first),
        printable(second)
    )]
    NameClash {
        /// The name both were given.
        name: String,
        /// The first tensor's name in the file.
        first: String,
        /// The second tensor's name in the file.
        second: String,
    },
    /// A path that is not a regular file (a directory, a device, a pipe):
    /// weights are read from files only.
    #[error("{}: not a regular file", path.display())]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
    /// An image that cannot be read, decoded or transformed into the
    /// model's input (the `image` feature).
    #[error("{}{problem}", path.as_ref().map_or(String::new(), |p| format!("{}: ", p.display())))]
    Image {
        /// The file, when the image came from one.
        path: Option<PathBuf>,
        /// What went wrong, as a sentence.
        problem: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `name` with control characters and other unprintable ones shown as
/// escapes (`\n`, `\u{1b}`): names come from files, and must not forge
/// lines or colours in a terminal.
///
/// ```
/// assert_eq!(cnn_core::printable("fc.weight"), "fc.weight");
/// assert_eq!(cnn_core::printable("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
/// ```
pub fn printable(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// ", which is 2 images" when `len` values are whole images.
fn whole_images(len: usize, per_image: usize) -> String {
    match len.checked_div(per_image) {
        Some(1) if len == per_image => ", which is 1 image".to_string(),
        Some(n) if n * per_image == len => format!(", which is {n} images"),
        _ => String::new(),
    }
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
    /// Whether nothing is missing, unexpected or wrongly shaped.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty() && self.wrong_shape.is_empty()
    }
}

impl fmt::Display for StateDictMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |names: &[String]| {
            names
                .iter()
                .map(|n| printable(n))
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(f, "the weights do not fit the model")?;
        if !self.missing.is_empty() {
            write!(f, "\n  missing: {}", list(&self.missing))?;
        }
        if !self.unexpected.is_empty() {
            write!(f, "\n  unexpected: {}", list(&self.unexpected))?;
        }
        for (name, model, file) in &self.wrong_shape {
            write!(
                f,
                "\n  wrong shape: {} is {model:?} in the model but {file:?} in the file",
                printable(name)
            )?;
        }
        if let Some(hint) = self.prefix_hint() {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// `Result` with the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
