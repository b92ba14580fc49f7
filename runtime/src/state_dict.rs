//! State dicts: a model's tensors by PyTorch name, loaded from and saved to
//! safetensors files.
//!
//! Loading is strict by default, as PyTorch's `load_state_dict`: one error
//! lists every missing, unexpected and wrongly shaped tensor. A file's
//! header is read and checked first (every tensor's range inside the file,
//! its size its shape's, no name twice); loading a model from a file then
//! reads only the tensors the model takes, so memory follows the model, not
//! the file. A corrupt, truncated or hostile file is an [`Error`], never a
//! panic.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read, Seek};
use std::path::Path;

use cnn_core::Dtype;
use cnn_core::write::{RawTensor, serialize};

use crate::checkpoint::{BATCHES_TRACKED, Checkpoint, open_file};
pub use crate::checkpoint::{TensorHeader, is_batches_tracked, is_float, read_header};
use crate::error::{Error, Result, StateDictMismatch};
use crate::module::Module;
use crate::names::LoadOptions;

/// One tensor: its shape and its values, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// The dimensions, as PyTorch gives them (`[out, in, kh, kw]`).
    pub shape: Vec<usize>,
    /// The values, row-major, as f32.
    pub data: Vec<f32>,
}

/// Tensors by state_dict name (`conv1.weight`, `bn1.running_var`).
///
/// ```
/// use cnn_runtime::{Conv2d, Init, Module, StateDict};
/// let conv: Conv2d<3, 8, 3, 3> = Conv2d::new(true, &mut Init::new(0));
/// let sd = StateDict::of(&conv);
/// assert_eq!(sd.names().collect::<Vec<_>>(), ["bias", "weight"]);
/// let bytes = sd.to_safetensors();
/// assert_eq!(StateDict::from_safetensors(&bytes).unwrap(), sd);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateDict {
    tensors: BTreeMap<String, Tensor>,
    /// Tensors of a file that are not floating point (an optimizer's step
    /// count, say): name -> (dtype, shape). Unexpected ones are ignored when
    /// loading leniently; one the model needs is a dtype error.
    others: BTreeMap<String, (String, Vec<usize>)>,
}

impl StateDict {
    /// An empty state dict.
    pub fn new() -> Self {
        StateDict::default()
    }

    /// A copy of every tensor of `module`.
    pub fn of<M: Module + ?Sized>(module: &M) -> Self {
        let mut sd = StateDict::new();
        for t in module.tensors() {
            sd.insert(
                t.name,
                Tensor {
                    shape: t.shape,
                    data: t.data.to_vec(),
                },
            );
        }
        sd
    }

    /// Adds or replaces a tensor, returning the one it replaced.
    pub fn insert(&mut self, name: impl Into<String>, tensor: Tensor) -> Option<Tensor> {
        self.tensors.insert(name.into(), tensor)
    }

    /// The tensor of that name.
    pub fn get(&self, name: &str) -> Option<&Tensor> {
        self.tensors.get(name)
    }

    /// Takes the tensor of that name out.
    pub fn remove(&mut self, name: &str) -> Option<Tensor> {
        self.tensors.remove(name)
    }

    /// The names, in sorted order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tensors.keys().map(String::as_str)
    }

    /// The tensors with their names, in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Tensor)> {
        self.tensors.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of (floating-point) tensors.
    pub fn len(&self) -> usize {
        self.tensors.len()
    }

    /// Whether it holds no tensor.
    pub fn is_empty(&self) -> bool {
        self.tensors.is_empty()
    }

    /// The tensors that are not floating point, by name: their dtype and
    /// shape. They are kept out of the state dict's tensors.
    pub fn others(&self) -> impl Iterator<Item = (&str, &str, &[usize])> {
        self.others
            .iter()
            .map(|(n, (d, s))| (n.as_str(), d.as_str(), s.as_slice()))
    }

    /// Parses a safetensors file's bytes. Float tensors (F32, F64, F16,
    /// BF16) are converted to f32; BatchNorm's integer `num_batches_tracked`
    /// is skipped, as it does not affect inference; other tensors are listed
    /// by [`StateDict::others`].
    ///
    /// # Errors
    /// [`Error::Format`], [`Error::TensorFormat`] or
    /// [`Error::DuplicateTensor`] for a malformed file.
    pub fn from_safetensors(bytes: &[u8]) -> Result<Self> {
        Self::from_checkpoint(Checkpoint::open(Cursor::new(bytes))?)
    }

    fn from_checkpoint<R: Read + Seek>(mut file: Checkpoint<R>) -> Result<Self> {
        let mut sd = StateDict::new();
        let entries: Vec<(String, Dtype, Vec<usize>)> = file
            .entries()
            .map(|(n, e)| (n.to_string(), e.dtype, e.shape.clone()))
            .collect();
        for (name, dtype, shape) in entries {
            if !is_float(dtype) {
                if !is_batches_tracked(&name) {
                    sd.others.insert(name, (format!("{dtype:?}"), shape));
                }
                continue;
            }
            let mut data = vec![0.0; shape.iter().product()];
            file.read_f32_into(&name, &mut data)?;
            sd.insert(name, Tensor { shape, data });
        }
        Ok(sd)
    }

    /// Reads a safetensors file, every tensor of it (to load a model, use
    /// [`load_safetensors`], which reads only the model's).
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::NotAFile`] for
    /// a directory, a device or a pipe, else as
    /// [`StateDict::from_safetensors`].
    pub fn read(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_checkpoint(open_file(path.as_ref())?)
    }

    /// The tensors as a safetensors file, in F32. Every BatchNorm (every
    /// `*.running_var`) also gets a `num_batches_tracked` of 0, so that
    /// PyTorch's strict `load_state_dict` accepts the file.
    #[must_use]
    pub fn to_safetensors(&self) -> Vec<u8> {
        let mut raw: BTreeMap<String, RawTensor> = self
            .tensors
            .iter()
            .map(|(name, t)| {
                let bytes = t.data.iter().flat_map(|v| v.to_le_bytes()).collect();
                let shape = t.shape.clone();
                (
                    name.clone(),
                    RawTensor {
                        dtype: Dtype::F32,
                        shape,
                        bytes,
                    },
                )
            })
            .collect();
        for name in self.tensors.keys() {
            if let Some(prefix) = name.strip_suffix("running_var") {
                let tracked = format!("{prefix}{BATCHES_TRACKED}");
                if !self.tensors.contains_key(&tracked) {
                    let bytes = 0i64.to_le_bytes().to_vec();
                    let shape = Vec::new();
                    raw.insert(
                        tracked,
                        RawTensor {
                            dtype: Dtype::I64,
                            shape,
                            bytes,
                        },
                    );
                }
            }
        }
        serialize(&raw)
    }

    /// Writes the tensors as a safetensors file.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = self.to_safetensors();
        std::fs::write(path, bytes).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Loads a safetensors file into `module`, reading only the tensors it
/// takes: names and shapes are matched against the file's header first, so
/// a file holding far more than the model (an optimizer's state, other
/// models) costs no memory beyond the model's own. Strict as PyTorch's
/// `load_state_dict(strict=True)`, or lenient as `strict=False`, which
/// ignores every unexpected tensor whatever its dtype.
///
/// Returns the tensors that were missing or unexpected (empty when strict).
///
/// # Errors
/// As [`StateDict::read`] for the file; [`Error::StateDict`] listing every
/// mismatch and [`Error::Dtype`] for a needed tensor that is not floating
/// point, before anything is loaded. An I/O error while the tensors are
/// read leaves the module partly loaded.
pub fn load_safetensors<M: Module + ?Sized>(
    module: &mut M,
    path: impl AsRef<Path>,
    strictness: Strictness,
) -> Result<StateDictMismatch> {
    load_safetensors_with(module, path, &LoadOptions::new().strictness(strictness))
}

/// [`load_safetensors`] with the file's names mapped first (a prefix
/// stripped or added, a function), and the strictness, from `options`.
///
/// ```no_run
/// # use cnn_runtime::{Conv2d, LoadOptions, load_safetensors_with};
/// # let mut conv: Conv2d<3, 8, 3, 3> = Conv2d::new(true, &mut cnn_runtime::Init::new(0));
/// // Saved from `nn.DataParallel(model)`: every name starts with `module.`.
/// load_safetensors_with(&mut conv, "data_parallel.safetensors", &LoadOptions::new().strip_prefix("module."))?;
/// # Ok::<(), cnn_runtime::Error>(())
/// ```
///
/// # Errors
/// As [`load_safetensors`], and [`Error::NameClash`] when two of the file's
/// tensors are renamed to one name.
pub fn load_safetensors_with<M: Module + ?Sized>(
    module: &mut M,
    path: impl AsRef<Path>,
    options: &LoadOptions,
) -> Result<StateDictMismatch> {
    let mut file = open_file(path.as_ref())?;
    let names: HashMap<String, String> = options
        .map(file.entries().map(|(name, _)| name))?
        .into_iter()
        .map(|(model, file)| (model, file.to_string()))
        .collect();
    let mismatch = matched(
        module,
        |name| {
            let e = file.get(names.get(name)?)?;
            Some(Held {
                shape: e.shape.clone(),
                dtype: (!is_float(e.dtype)).then(|| format!("{:?}", e.dtype)),
            })
        },
        names.keys().map(String::as_str),
        options.strictness,
    )?;
    for t in module.tensors_mut() {
        if let Some(name) = names.get(&t.name) {
            file.read_f32_into(name, t.data)?;
        }
    }
    module.refresh();
    Ok(mismatch)
}

/// What a source (a state dict, a file) holds under a name.
struct Held {
    shape: Vec<usize>,
    /// The dtype, when it is not floating point.
    dtype: Option<String>,
}

/// Matches `module`'s tensors with what a source holds, as PyTorch's
/// `load_state_dict` does: every missing, unexpected and wrongly shaped
/// tensor, and whether that stops the load under `strictness`. A tensor the
/// module needs that is not floating point stops it in any case.
fn matched<'a, M: Module + ?Sized>(
    module: &M,
    held: impl Fn(&str) -> Option<Held>,
    names: impl Iterator<Item = &'a str>,
    strictness: Strictness,
) -> Result<StateDictMismatch> {
    let mut mismatch = StateDictMismatch::default();
    let targets = module.tensors();
    for t in &targets {
        match held(&t.name) {
            None => mismatch.missing.push(t.name.clone()),
            Some(h) if h.shape != t.shape => {
                mismatch
                    .wrong_shape
                    .push((t.name.clone(), t.shape.clone(), h.shape))
            }
            Some(Held {
                dtype: Some(dtype), ..
            }) => {
                return Err(Error::Dtype {
                    name: t.name.clone(),
                    dtype,
                });
            }
            Some(_) => {}
        }
    }
    let wanted: HashMap<&str, ()> = targets.iter().map(|t| (t.name.as_str(), ())).collect();
    for name in names {
        if !wanted.contains_key(name) && !is_batches_tracked(name) {
            mismatch.unexpected.push(name.to_string());
        }
    }
    mismatch.unexpected.sort();
    let fatal = match strictness {
        Strictness::Strict => !mismatch.is_empty(),
        Strictness::Lenient => !mismatch.wrong_shape.is_empty(),
    };
    if fatal {
        return Err(Error::StateDict(mismatch));
    }
    Ok(mismatch)
}

/// How [`load_state_dict`] treats tensors that are missing or unexpected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Strictness {
    /// Every tensor of the model must be in the state dict, and nothing else
    /// (PyTorch's default, `strict=True`).
    #[default]
    Strict,
    /// Load what matches by name; report the rest (PyTorch's `strict=False`).
    /// Wrongly shaped tensors are still an error.
    Lenient,
}

/// Copies the tensors of `sd` into `module` by name, then lets the module
/// refresh what it derives from them. BatchNorm's `num_batches_tracked` is
/// accepted and ignored.
///
/// Returns the tensors that were missing or unexpected (always empty when
/// strict).
///
/// # Errors
/// [`Error::StateDict`] listing every missing, unexpected and wrongly shaped
/// tensor (only wrong shapes when lenient). Nothing is loaded on error.
pub fn load_state_dict<M: Module + ?Sized>(
    module: &mut M,
    sd: &StateDict,
    strictness: Strictness,
) -> Result<StateDictMismatch> {
    load_state_dict_with(module, sd, &LoadOptions::new().strictness(strictness))
}

/// [`load_state_dict`] with the state dict's names mapped first, and the
/// strictness, from `options`.
///
/// # Errors
/// As [`load_state_dict`], and [`Error::NameClash`] when two tensors are
/// renamed to one name.
pub fn load_state_dict_with<M: Module + ?Sized>(
    module: &mut M,
    sd: &StateDict,
    options: &LoadOptions,
) -> Result<StateDictMismatch> {
    let names = options.map(sd.names().chain(sd.others.keys().map(String::as_str)))?;
    let mismatch = matched(
        module,
        |name| {
            let name = *names.get(name)?;
            match (sd.get(name), sd.others.get(name)) {
                (Some(t), _) => Some(Held {
                    shape: t.shape.clone(),
                    dtype: None,
                }),
                (None, Some((dtype, shape))) => Some(Held {
                    shape: shape.clone(),
                    dtype: Some(dtype.clone()),
                }),
                (None, None) => None,
            }
        },
        names.keys().map(String::as_str),
        options.strictness,
    )?;
    for t in module.tensors_mut() {
        if let Some(src) = names.get(&t.name).and_then(|name| sd.get(name)) {
            t.data.copy_from_slice(&src.data);
        }
    }
    module.refresh();
    Ok(mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BatchNorm2d, Conv2d, Init, Linear};
    // Files made and read by the reference implementation.
    use safetensors::tensor::{Dtype, TensorView};

    struct Net {
        conv: Conv2d<2, 4, 3, 3>,
        bn: BatchNorm2d<4>,
        fc: Linear<4, 3>,
    }

    impl Module for Net {
        fn tensors(&self) -> Vec<crate::TensorRef<'_>> {
            let mut t: Vec<_> = self
                .conv
                .tensors()
                .into_iter()
                .map(|t| t.prefixed("conv"))
                .collect();
            t.extend(self.bn.tensors().into_iter().map(|t| t.prefixed("bn")));
            t.extend(self.fc.tensors().into_iter().map(|t| t.prefixed("fc")));
            t
        }
        fn tensors_mut(&mut self) -> Vec<crate::TensorMut<'_>> {
            let mut t: Vec<_> = self
                .conv
                .tensors_mut()
                .into_iter()
                .map(|t| t.prefixed("conv"))
                .collect();
            t.extend(self.bn.tensors_mut().into_iter().map(|t| t.prefixed("bn")));
            t.extend(self.fc.tensors_mut().into_iter().map(|t| t.prefixed("fc")));
            t
        }
    }

    fn net(seed: u64) -> Net {
        let init = &mut Init::new(seed);
        Net {
            conv: Conv2d::new(true, init),
            bn: BatchNorm2d::new(1e-5, true),
            fc: Linear::new(false, init),
        }
    }

    #[test]
    fn round_trip_through_bytes() {
        let a = net(1);
        let bytes = StateDict::of(&a).to_safetensors();
        let sd = StateDict::from_safetensors(&bytes).unwrap();
        let mut b = net(2);
        assert_ne!(StateDict::of(&b), StateDict::of(&a));
        load_state_dict(&mut b, &sd, Strictness::Strict).unwrap();
        assert_eq!(StateDict::of(&b), StateDict::of(&a));
        // num_batches_tracked was written for PyTorch and is ignored on the way back.
        let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
        assert_eq!(
            file.tensor("bn.num_batches_tracked").unwrap().dtype(),
            Dtype::I64
        );
        // The reference implementation reads every tensor as written.
        for (name, t) in sd.iter() {
            let view = file.tensor(name).unwrap();
            assert_eq!(view.dtype(), Dtype::F32);
            assert_eq!(view.shape(), t.shape);
            let values: Vec<f32> = view
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            assert_eq!(values, t.data, "{name}");
        }
        assert_eq!(file.len(), sd.len() + 1);
    }

    #[test]
    fn any_name_and_empty_tensors_are_written_as_the_format_wants() {
        let mut sd = StateDict::new();
        let names = ["a\"b\\c", "line\nbreak\u{1b}[31m", "é.weight", ""];
        for (i, name) in names.iter().enumerate() {
            let data: Vec<f32> = (0..i).map(|v| v as f32 - 0.5).collect();
            sd.insert(
                *name,
                Tensor {
                    shape: vec![i],
                    data,
                },
            );
        }
        let bytes = sd.to_safetensors();
        let header = u64::from_le_bytes(bytes[..8].try_into().unwrap());
        assert_eq!(header % 8, 0, "the data must start 8-byte aligned");
        let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
        for name in names {
            assert_eq!(
                file.tensor(name).unwrap().shape(),
                sd.get(name).unwrap().shape
            );
        }
        assert_eq!(StateDict::from_safetensors(&bytes).unwrap(), sd);
    }

    #[test]
    fn strict_loading_lists_every_problem() {
        let mut sd = StateDict::of(&net(1));
        sd.remove("conv.bias");
        sd.insert(
            "extra.weight",
            Tensor {
                shape: vec![1],
                data: vec![0.0],
            },
        );
        sd.insert(
            "fc.weight",
            Tensor {
                shape: vec![4, 3],
                data: vec![0.0; 12],
            },
        );
        let mut b = net(2);
        let before = StateDict::of(&b);
        let err = load_state_dict(&mut b, &sd, Strictness::Strict).unwrap_err();
        let Error::StateDict(m) = &err else {
            panic!("{err}")
        };
        assert_eq!(m.missing, ["conv.bias"]);
        assert_eq!(m.unexpected, ["extra.weight"]);
        assert_eq!(
            m.wrong_shape,
            [("fc.weight".to_string(), vec![3, 4], vec![4, 3])]
        );
        assert_eq!(
            err.to_string(),
            "the weights do not fit the model\n  missing: conv.bias\n  unexpected: extra.weight\n  \
             wrong shape: fc.weight is [3, 4] in the model but [4, 3] in the file"
        );
        assert_eq!(StateDict::of(&b), before, "nothing is loaded on error");
    }

    #[test]
    fn lenient_loading_reports_but_loads() {
        let mut sd = StateDict::of(&net(1));
        sd.remove("conv.bias");
        sd.insert(
            "extra",
            Tensor {
                shape: vec![],
                data: vec![1.0],
            },
        );
        let mut b = net(2);
        let report = load_state_dict(&mut b, &sd, Strictness::Lenient).unwrap();
        assert_eq!(report.missing, ["conv.bias"]);
        assert_eq!(report.unexpected, ["extra"]);
        assert_eq!(b.fc.weight(), net(1).fc.weight());
    }

    fn file(entries: &[(&str, Dtype, Vec<usize>, Vec<u8>)]) -> Vec<u8> {
        let views: Vec<_> = entries
            .iter()
            .map(|(n, d, s, b)| (*n, TensorView::new(*d, s.clone(), b).unwrap()))
            .collect();
        safetensors::tensor::serialize(views, None).unwrap()
    }

    #[test]
    fn other_float_dtypes_are_converted() {
        let f16: Vec<u8> = [1.5f32, -2.0]
            .iter()
            .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
            .collect();
        let bf16: Vec<u8> = [0.25f32]
            .iter()
            .flat_map(|v| half::bf16::from_f32(*v).to_le_bytes())
            .collect();
        let f64b: Vec<u8> = [3.0f64].iter().flat_map(|v| v.to_le_bytes()).collect();
        let bytes = file(&[
            ("a", Dtype::F16, vec![2], f16),
            ("b", Dtype::BF16, vec![1], bf16),
            ("c", Dtype::F64, vec![1], f64b),
            (
                "bn.num_batches_tracked",
                Dtype::I64,
                vec![],
                7i64.to_le_bytes().to_vec(),
            ),
        ]);
        let sd = StateDict::from_safetensors(&bytes).unwrap();
        assert_eq!(sd.get("a").unwrap().data, [1.5, -2.0]);
        assert_eq!(sd.get("b").unwrap().data, [0.25]);
        assert_eq!(sd.get("c").unwrap().data, [3.0]);
        assert!(sd.get("bn.num_batches_tracked").is_none());
    }

    #[test]
    fn integer_tensors_are_kept_apart_and_a_dtype_error_only_where_needed() {
        let mut tensors = vec![("step".to_string(), Dtype::I64, vec![], vec![0u8; 8])];
        for (name, t) in StateDict::of(&net(1)).iter() {
            let bytes = t.data.iter().flat_map(|v| v.to_le_bytes()).collect();
            tensors.push((name.to_string(), Dtype::F32, t.shape.clone(), bytes));
        }
        let entries: Vec<(&str, Dtype, Vec<usize>, Vec<u8>)> = tensors
            .iter()
            .map(|(n, d, s, b)| (n.as_str(), *d, s.clone(), b.clone()))
            .collect();
        let sd = StateDict::from_safetensors(&file(&entries)).unwrap();
        assert_eq!(sd.others().collect::<Vec<_>>(), [("step", "I64", &[][..])]);
        // Lenient loading ignores it, as PyTorch's strict=False does;
        // strict loading names it.
        let report = load_state_dict(&mut net(2), &sd, Strictness::Lenient).unwrap();
        assert_eq!(report.unexpected, ["step"]);
        let err = load_state_dict(&mut net(2), &sd, Strictness::Strict).unwrap_err();
        assert!(err.to_string().contains("unexpected: step"), "{err}");
        // A tensor the model needs, in integers, is a dtype error.
        let bytes = file(&[("conv.weight", Dtype::I32, vec![4, 2, 3, 3], vec![0; 288])]);
        let sd = StateDict::from_safetensors(&bytes).unwrap();
        let err = load_state_dict(&mut net(2), &sd, Strictness::Lenient).unwrap_err();
        assert_eq!(
            err.to_string(),
            "tensor `conv.weight` has dtype I32, which cannot be converted to f32"
        );
    }

    #[test]
    fn truncated_and_corrupt_files_are_errors() {
        let bytes = StateDict::of(&net(1)).to_safetensors();
        for len in [0, 3, 8, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                StateDict::from_safetensors(&bytes[..len]).is_err(),
                "length {len}"
            );
        }
        let mut huge = bytes.clone();
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            StateDict::from_safetensors(&huge),
            Err(Error::Format(_))
        ));
    }
}
