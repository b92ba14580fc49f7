//! Reading safetensors files a tensor at a time: the header first, then only
//! the tensors asked for, each checked against the file before a byte of it
//! is allocated. Memory follows what is read, not what the file holds.
//!
//! The format: an 8-byte little-endian header length, a JSON header mapping
//! each name to `{dtype, shape, data_offsets}` (offsets into the data that
//! follows), and the data.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::dtype::Dtype;
use crate::error::{Error, Result, printable};
use crate::float16::{bf16_to_f32, f16_to_f32};

/// The largest header read: the safetensors crate's own limit.
const MAX_HEADER: u64 = 100_000_000;

/// The formats PyTorch's `torch.save` writes, told apart from
/// safetensors by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TorchFormat {
    /// A zip archive (`torch.save` since PyTorch 1.6: `.pt`, `.pth`,
    /// `.bin`, Lightning's `.ckpt`).
    Zip,
    /// A bare pickle (`torch.save(..., _use_new_zipfile_serialization=False)`
    /// and PyTorch before 1.6).
    Pickle,
}

impl TorchFormat {
    /// The format of a file that starts with `start`, if its first bytes
    /// are those of one of PyTorch's formats (a zip's local header, a
    /// pickle's protocol opcode).
    pub fn of(start: &[u8]) -> Option<TorchFormat> {
        match start {
            [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => Some(TorchFormat::Zip),
            // PROTO opcode and a protocol version.
            [0x80, 2..=5, ..] => Some(TorchFormat::Pickle),
            _ => None,
        }
    }
}

impl fmt::Display for TorchFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TorchFormat::Zip => "a zip archive",
            TorchFormat::Pickle => "a pickle",
        })
    }
}

/// One tensor's entry in the header.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The tensor's dtype.
    pub dtype: Dtype,
    /// Its shape.
    pub shape: Vec<usize>,
    /// Byte range in the data section.
    start: u64,
    end: u64,
}

/// A safetensors file whose header has been read and checked.
pub struct Checkpoint<R> {
    reader: R,
    /// Where the data section starts in the file.
    data_start: u64,
    entries: BTreeMap<String, Entry>,
}

impl<R: Read + Seek> Checkpoint<R> {
    /// Reads and checks the header of the file `reader` holds: every
    /// tensor's range lies inside the file and has its shape's size, no
    /// name is given twice.
    pub fn open(mut reader: R) -> Result<Self> {
        let len = reader
            .seek(SeekFrom::End(0))
            .and_then(|len| reader.seek(SeekFrom::Start(0)).map(|_| len))
            .map_err(|e| format_error(format!("cannot read it: {e}")))?;
        let mut n = [0u8; 8];
        reader
            .read_exact(&mut n)
            .map_err(|_| format_error(format!("{len} bytes are too few for a header")))?;
        let start = n;
        let n = u64::from_le_bytes(n);
        // Only a length no safetensors file could have: a safetensors
        // header that happens to start with these bytes still loads.
        if n > MAX_HEADER.min(len - 8)
            && let Some(format) = TorchFormat::of(&start)
        {
            return Err(Error::TorchCheckpoint { path: None, format });
        }
        if n > MAX_HEADER {
            return Err(format_error(format!(
                "its header claims {n} bytes, more than the {MAX_HEADER} allowed (is it a safetensors file? PyTorch's `torch.save` writes another format: save with `safetensors.torch.save_file(model.state_dict(), path)`)"
            )));
        }
        if n > len - 8 {
            return Err(format_error(format!(
                "its header claims {n} bytes, but the file has {} after the length",
                len - 8
            )));
        }
        let mut header = vec![0u8; n as usize];
        reader
            .read_exact(&mut header)
            .map_err(|e| format_error(format!("cannot read its header: {e}")))?;
        let header = std::str::from_utf8(&header)
            .map_err(|_| format_error("its header is not UTF-8 text".into()))?;
        let parsed = parse_header(header)?;
        let data_start = 8 + n;
        let data_len = len - data_start;
        let mut entries = BTreeMap::new();
        for (name, raw) in parsed {
            let entry = raw.check(&name, data_len)?;
            entries.insert(name, entry);
        }
        Ok(Checkpoint {
            reader,
            data_start,
            entries,
        })
    }

    /// Every tensor's name, dtype and shape, sorted by name.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(n, e)| (n.as_str(), e))
    }

    /// Tensor `name`'s entry, if the file holds it.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.get(name)
    }

    /// Reads tensor `name` into `out` (its element count), converting to f32 a
    /// piece at a time, so no second copy of the tensor is ever held.
    ///
    /// # Errors
    /// [`Error::Dtype`] for a tensor that is not floating point,
    /// [`Error::TensorFormat`] for one missing, of another size, or unreadable.
    pub fn read_f32_into(&mut self, name: &str, out: &mut [f32]) -> Result<()> {
        let file = self;
        let dtype = file.get(name).map(|e| e.dtype);
        let width = match dtype {
            Some(Dtype::F32) => 4,
            Some(Dtype::F64) => 8,
            Some(Dtype::F16 | Dtype::BF16) => 2,
            Some(other) => {
                return Err(Error::Dtype {
                    name: name.to_string(),
                    dtype: format!("{other:?}"),
                });
            }
            None => {
                return Err(Error::TensorFormat {
                    name: name.to_string(),
                    problem: "is not in the file".into(),
                });
            }
        };
        let count = file
            .get(name)
            .map_or(0, |e| e.shape.iter().product::<usize>());
        if count != out.len() {
            return Err(Error::TensorFormat {
                name: name.to_string(),
                problem: format!("holds {count} values where {} are needed", out.len()),
            });
        }
        // 16,384 values a piece.
        let mut chunk = vec![0u8; 16_384 * width];
        file.read_chunks(name, &mut chunk, |offset, bytes| {
            let values = &mut out[offset / width..(offset + bytes.len()) / width];
            match dtype {
                Some(Dtype::F32) => {
                    for (v, b) in values.iter_mut().zip(bytes.chunks_exact(4)) {
                        *v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                    }
                }
                Some(Dtype::F64) => {
                    for (v, b) in values.iter_mut().zip(bytes.chunks_exact(8)) {
                        *v = f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
                            as f32;
                    }
                }
                Some(Dtype::F16) => {
                    for (v, b) in values.iter_mut().zip(bytes.chunks_exact(2)) {
                        *v = f16_to_f32(u16::from_le_bytes([b[0], b[1]]));
                    }
                }
                _ => {
                    for (v, b) in values.iter_mut().zip(bytes.chunks_exact(2)) {
                        *v = bf16_to_f32(u16::from_le_bytes([b[0], b[1]]));
                    }
                }
            }
        })
    }

    /// Reads tensor `name`'s bytes a `buffer` at a time, handing each piece
    /// and its offset in the tensor to `take` (the buffer's length must be
    /// a multiple of the element width).
    pub fn read_chunks(
        &mut self,
        name: &str,
        buffer: &mut [u8],
        mut take: impl FnMut(usize, &[u8]),
    ) -> Result<()> {
        let entry = self.entries.get(name).ok_or_else(|| Error::TensorFormat {
            name: name.to_string(),
            problem: "is not in the file".into(),
        })?;
        let (start, end) = (entry.start, entry.end);
        let failed = |e: std::io::Error| Error::TensorFormat {
            name: name.to_string(),
            problem: format!("cannot be read: {e}"),
        };
        self.reader
            .seek(SeekFrom::Start(self.data_start + start))
            .map_err(failed)?;
        let total = (end - start) as usize;
        let mut done = 0;
        while done < total {
            let n = buffer.len().min(total - done);
            self.reader.read_exact(&mut buffer[..n]).map_err(failed)?;
            take(done, &buffer[..n]);
            done += n;
        }
        Ok(())
    }
}

/// An entry as the header states it, before it is checked.
struct RawEntry {
    dtype: String,
    shape: Vec<u64>,
    offsets: Vec<u64>,
}

impl RawEntry {
    fn check(self, name: &str, data_len: u64) -> Result<Entry> {
        let bad = |problem: String| Error::TensorFormat {
            name: name.to_string(),
            problem,
        };
        let dtype = Dtype::from_name(&self.dtype)
            .ok_or_else(|| bad(format!("has an unknown dtype `{}`", printable(&self.dtype))))?;
        let [start, end] = self.offsets[..] else {
            return Err(bad("has no [start, end] data offsets".into()));
        };
        if start > end || end > data_len {
            return Err(bad(format!(
                "lies at bytes {start}..{end}, outside the file's {data_len} bytes of data"
            )));
        }
        let shape: Vec<usize> = self
            .shape
            .iter()
            .map(|&d| usize::try_from(d))
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad("has a dimension too large to count".into()))?;
        let bits = dtype.bits();
        let needed = shape
            .iter()
            .try_fold(bits, |acc, &d| acc.checked_mul(d as u64))
            .map(|b| b.div_ceil(8));
        if needed != Some(end - start) {
            return Err(bad(format!(
                "holds {} bytes, but its shape {shape:?} in {dtype:?} needs {}",
                end - start,
                needed.map_or("more than can be counted".to_string(), |n| n.to_string())
            )));
        }
        Ok(Entry {
            dtype,
            shape,
            start,
            end,
        })
    }
}

fn format_error(problem: String) -> Error {
    Error::Format(problem)
}

/// The header's entries in file order; a name given twice is an error,
/// and `__metadata__` is skipped.
fn parse_header(text: &str) -> Result<Vec<(String, RawEntry)>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let entries = de
        .deserialize_map(HeaderVisitor)
        .and_then(|e| de.end().map(|_| e))
        .map_err(|e| format_error(format!("its header is not valid: {e}")))?;
    let mut seen = std::collections::HashSet::new();
    for (name, _) in &entries {
        if !seen.insert(name.as_str()) {
            return Err(Error::DuplicateTensor { name: name.clone() });
        }
    }
    Ok(entries)
}

struct HeaderVisitor;

impl<'de> Visitor<'de> for HeaderVisitor {
    type Value = Vec<(String, RawEntry)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map from tensor names to entries")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if name == "__metadata__" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            out.push((name, map.next_value::<RawEntry>()?));
        }
        Ok(out)
    }
}

impl<'de> serde::Deserialize<'de> for RawEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = RawEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("{\"dtype\", \"shape\", \"data_offsets\"}")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<RawEntry, A::Error> {
                let (mut dtype, mut shape, mut offsets) = (None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "dtype" => dtype = Some(map.next_value()?),
                        "shape" => shape = Some(map.next_value()?),
                        "data_offsets" => offsets = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(RawEntry {
                    dtype: dtype.ok_or_else(|| de::Error::missing_field("dtype"))?,
                    shape: shape.ok_or_else(|| de::Error::missing_field("shape"))?,
                    offsets: offsets.ok_or_else(|| de::Error::missing_field("data_offsets"))?,
                })
            }
        }
        d.deserialize_map(EntryVisitor)
    }
}

/// PyTorch's BatchNorm counter: stored in its checkpoints, unused at inference.
pub const BATCHES_TRACKED: &str = "num_batches_tracked";

/// Whether `name` is a BatchNorm's `num_batches_tracked`, which a
/// checkpoint may hold or not: inference never reads it.
pub fn is_batches_tracked(name: &str) -> bool {
    name == BATCHES_TRACKED || name.ends_with(".num_batches_tracked")
}

/// Whether tensors of `dtype` load as weights (converted to f32).
pub fn is_float(dtype: Dtype) -> bool {
    matches!(dtype, Dtype::F32 | Dtype::F64 | Dtype::F16 | Dtype::BF16)
}

/// One tensor as a safetensors file's header lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorHeader {
    /// The tensor's name.
    pub name: String,
    /// Its dtype in the file.
    pub dtype: Dtype,
    /// Its shape.
    pub shape: Vec<usize>,
}

/// The tensors a safetensors file holds, from its header alone (checked
/// against the file: ranges, sizes, no name twice), sorted by name.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::NotAFile`] for
/// a directory, a device or a pipe, [`Error::TorchCheckpoint`] for a file
/// `torch.save` wrote, and the format errors for a damaged header.
pub fn read_header(path: impl AsRef<Path>) -> Result<Vec<TensorHeader>> {
    let file = open_file(path.as_ref())?;
    Ok(file
        .entries()
        .map(|(name, e)| TensorHeader {
            name: name.to_string(),
            dtype: e.dtype,
            shape: e.shape.clone(),
        })
        .collect())
}

/// Opens a regular file and reads its header.
pub fn open_file(path: &Path) -> Result<Checkpoint<BufReader<File>>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    // A device or a pipe never ends, or ends where it likes: refused.
    if !file.metadata().map_err(io)?.is_file() {
        return Err(Error::NotAFile {
            path: path.to_path_buf(),
        });
    }
    Checkpoint::open(BufReader::new(file)).map_err(|e| match e {
        Error::TorchCheckpoint { path: None, format } => Error::TorchCheckpoint {
            path: Some(path.to_path_buf()),
            format,
        },
        e => e,
    })
}
