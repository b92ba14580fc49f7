//! The element types a safetensors file names in its header.

use std::fmt;

/// A tensor's element type, as safetensors spells it (`"F32"`, `"BF16"`).
/// Only the floating-point ones load as weights; the rest are recognised
/// so that a checkpoint holding them (an optimizer's step count) is read
/// and reported, not refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
#[non_exhaustive]
pub enum Dtype {
    /// Booleans, a byte each.
    BOOL,
    /// 4-bit floats, two to a byte.
    F4,
    /// 6-bit floats (2 exponent bits).
    F6_E2M3,
    /// 6-bit floats (3 exponent bits).
    F6_E3M2,
    /// Unsigned bytes.
    U8,
    /// Signed bytes.
    I8,
    /// 8-bit floats (5 exponent bits).
    F8_E5M2,
    /// 8-bit floats (4 exponent bits).
    F8_E4M3,
    /// 8-bit exponents (scales).
    F8_E8M0,
    /// 8-bit floats (4 exponent bits, no negative zero).
    F8_E4M3FNUZ,
    /// 8-bit floats (5 exponent bits, no negative zero).
    F8_E5M2FNUZ,
    /// 16-bit signed integers.
    I16,
    /// 16-bit unsigned integers.
    U16,
    /// IEEE half precision.
    F16,
    /// bfloat16.
    BF16,
    /// 32-bit signed integers.
    I32,
    /// 32-bit unsigned integers.
    U32,
    /// IEEE single precision.
    F32,
    /// Complex numbers of two f32s.
    C64,
    /// IEEE double precision.
    F64,
    /// 64-bit signed integers.
    I64,
    /// 64-bit unsigned integers.
    U64,
}

/// Every dtype with its name in a header and its width in bits.
const DTYPES: [(Dtype, &str, u64); 22] = [
    (Dtype::BOOL, "BOOL", 8),
    (Dtype::F4, "F4", 4),
    (Dtype::F6_E2M3, "F6_E2M3", 6),
    (Dtype::F6_E3M2, "F6_E3M2", 6),
    (Dtype::U8, "U8", 8),
    (Dtype::I8, "I8", 8),
    (Dtype::F8_E5M2, "F8_E5M2", 8),
    (Dtype::F8_E4M3, "F8_E4M3", 8),
    (Dtype::F8_E8M0, "F8_E8M0", 8),
    (Dtype::F8_E4M3FNUZ, "F8_E4M3FNUZ", 8),
    (Dtype::F8_E5M2FNUZ, "F8_E5M2FNUZ", 8),
    (Dtype::I16, "I16", 16),
    (Dtype::U16, "U16", 16),
    (Dtype::F16, "F16", 16),
    (Dtype::BF16, "BF16", 16),
    (Dtype::I32, "I32", 32),
    (Dtype::U32, "U32", 32),
    (Dtype::F32, "F32", 32),
    (Dtype::C64, "C64", 64),
    (Dtype::F64, "F64", 64),
    (Dtype::I64, "I64", 64),
    (Dtype::U64, "U64", 64),
];

impl Dtype {
    /// The dtype a header names, if it is one.
    pub fn from_name(name: &str) -> Option<Dtype> {
        DTYPES
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(d, _, _)| *d)
    }

    /// The name a header gives it.
    pub fn name(self) -> &'static str {
        DTYPES
            .iter()
            .find(|(d, _, _)| *d == self)
            .map_or("?", |(_, n, _)| n)
    }

    /// Bits per element.
    pub fn bits(self) -> u64 {
        DTYPES
            .iter()
            .find(|(d, _, _)| *d == self)
            .map_or(8, |(_, _, b)| *b)
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_widths_are_safetensors_own() {
        for (dtype, name, bits) in DTYPES {
            assert_eq!(Dtype::from_name(name), Some(dtype));
            assert_eq!(dtype.name(), name);
            assert_eq!(format!("{dtype:?}"), name);
            assert_eq!(dtype.bits(), bits);
        }
        assert_eq!(Dtype::from_name("f32"), None);
    }
}
