//! The two 16-bit float formats checkpoints store, widened to f32 (every
//! value of both is exactly an f32).

/// IEEE 754 half precision (PyTorch's `float16`) to f32.
pub fn f16_to_f32(bits: u16) -> f32 {
    let negative = bits & 0x8000 != 0;
    let exponent = u32::from(bits >> 10) & 0x1f;
    let mantissa = u32::from(bits & 0x3ff);
    let magnitude = match exponent {
        // Zero and subnormals: mantissa x 2^-24, exact in f32.
        0 => mantissa as f32 * f32::from_bits(0x3380_0000),
        // Infinities and NaN (the payload kept, shifted into place).
        0x1f => f32::from_bits(0x7f80_0000 | (mantissa << 13)),
        // Rebias the exponent from 15 to 127.
        _ => f32::from_bits(((exponent + 112) << 23) | (mantissa << 13)),
    };
    if negative { -magnitude } else { magnitude }
}

/// bfloat16 (the top half of an f32) to f32.
pub fn bf16_to_f32(bits: u16) -> f32 {
    f32::from_bits(u32::from(bits) << 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_half_precision_value_widens_exactly() {
        let same = |got: f32, expected: f32, bits: u16| {
            if expected.is_nan() {
                assert!(got.is_nan(), "{bits:#06x}");
            } else {
                assert_eq!(got.to_bits(), expected.to_bits(), "{bits:#06x}");
            }
        };
        for bits in 0..=u16::MAX {
            same(f16_to_f32(bits), half::f16::from_bits(bits).to_f32(), bits);
            same(
                bf16_to_f32(bits),
                half::bf16::from_bits(bits).to_f32(),
                bits,
            );
        }
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
    }
}
