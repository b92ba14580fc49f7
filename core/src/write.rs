//! Writing safetensors files: an 8-byte little-endian header length, a JSON
//! header padded with spaces to a multiple of 8 bytes, then every tensor's
//! bytes in the header's order.

use std::collections::BTreeMap;

use crate::dtype::Dtype;

/// One tensor to write: its dtype, its shape, and its little-endian bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct RawTensor {
    /// The element type of `bytes`.
    pub dtype: Dtype,
    /// The shape, as PyTorch gives it.
    pub shape: Vec<usize>,
    /// The values, little-endian, row-major.
    pub bytes: Vec<u8>,
}

/// The safetensors file holding `tensors`, in name order.
pub fn serialize(tensors: &BTreeMap<String, RawTensor>) -> Vec<u8> {
    let mut header = String::from("{");
    let mut offset = 0usize;
    for (i, (name, t)) in tensors.iter().enumerate() {
        if i > 0 {
            header.push(',');
        }
        let end = offset + t.bytes.len();
        let shape: Vec<String> = t.shape.iter().map(usize::to_string).collect();
        header.push_str(&format!(
            "{}:{{\"dtype\":\"{}\",\"shape\":[{}],\"data_offsets\":[{offset},{end}]}}",
            json_string(name),
            t.dtype.name(),
            shape.join(",")
        ));
        offset = end;
    }
    header.push('}');
    // The data starts 8-byte aligned, as the format asks.
    while !header.len().is_multiple_of(8) {
        header.push(' ');
    }
    let mut out = Vec::with_capacity(8 + header.len() + offset);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for t in tensors.values() {
        out.extend_from_slice(&t.bytes);
    }
    out
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    // Serialising a string cannot fail.
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}
