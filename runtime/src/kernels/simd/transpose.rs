//! The transposes of a block of AVX2 (8x8) and AVX-512 (16x16) vectors,
//! for the kernels that turn rows of values into columns.

/// The transpose of an 8x8 matrix held as 8 rows: lane `j` of the result's
/// vector `c` is lane `c` of `rows[j]`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
pub(crate) fn transpose_8x8(r: [std::arch::x86_64::__m256; 8]) -> [std::arch::x86_64::__m256; 8] {
    use std::arch::x86_64::*;
    // Pairs of rows interleaved, then fours, then the 128-bit halves.
    let a0 = _mm256_unpacklo_ps(r[0], r[1]);
    let a1 = _mm256_unpackhi_ps(r[0], r[1]);
    let a2 = _mm256_unpacklo_ps(r[2], r[3]);
    let a3 = _mm256_unpackhi_ps(r[2], r[3]);
    let a4 = _mm256_unpacklo_ps(r[4], r[5]);
    let a5 = _mm256_unpackhi_ps(r[4], r[5]);
    let a6 = _mm256_unpacklo_ps(r[6], r[7]);
    let a7 = _mm256_unpackhi_ps(r[6], r[7]);
    let b0 = _mm256_shuffle_ps::<0x44>(a0, a2);
    let b1 = _mm256_shuffle_ps::<0xEE>(a0, a2);
    let b2 = _mm256_shuffle_ps::<0x44>(a1, a3);
    let b3 = _mm256_shuffle_ps::<0xEE>(a1, a3);
    let b4 = _mm256_shuffle_ps::<0x44>(a4, a6);
    let b5 = _mm256_shuffle_ps::<0xEE>(a4, a6);
    let b6 = _mm256_shuffle_ps::<0x44>(a5, a7);
    let b7 = _mm256_shuffle_ps::<0xEE>(a5, a7);
    [
        _mm256_permute2f128_ps::<0x20>(b0, b4),
        _mm256_permute2f128_ps::<0x20>(b1, b5),
        _mm256_permute2f128_ps::<0x20>(b2, b6),
        _mm256_permute2f128_ps::<0x20>(b3, b7),
        _mm256_permute2f128_ps::<0x31>(b0, b4),
        _mm256_permute2f128_ps::<0x31>(b1, b5),
        _mm256_permute2f128_ps::<0x31>(b2, b6),
        _mm256_permute2f128_ps::<0x31>(b3, b7),
    ]
}

/// The transpose of a 16x16 matrix held as 16 rows: lane `j` of the
/// result's vector `c` is lane `c` of `rows[j]`. Within each 128-bit lane
/// pairs then fours of rows are interleaved, and then the four lanes are
/// gathered across vectors: 64 shuffles, no memory.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
pub(crate) fn transpose_16x16(
    r: &[std::arch::x86_64::__m512; 16],
) -> [std::arch::x86_64::__m512; 16] {
    use std::arch::x86_64::*;
    // t[2i], t[2i + 1]: rows 2i and 2i + 1 interleaved, low and high pairs
    // of each 128-bit lane.
    let t: [__m512; 16] = std::array::from_fn(|k| {
        let (a, b) = (r[k & !1], r[k | 1]);
        if k % 2 == 0 {
            _mm512_unpacklo_ps(a, b)
        } else {
            _mm512_unpackhi_ps(a, b)
        }
    });
    // u[4i + j]: column 4l + j of rows 4i..4i + 4 in 128-bit lane l.
    let u: [__m512; 16] = std::array::from_fn(|k| {
        let (i, j) = (k / 4, k % 4);
        let (a, b) = (t[4 * i + j / 2], t[4 * i + 2 + j / 2]);
        if j % 2 == 0 {
            _mm512_shuffle_ps::<0x44>(a, b)
        } else {
            _mm512_shuffle_ps::<0xEE>(a, b)
        }
    });
    // v[j], v[4 + j]: lanes 0 and 2, and 1 and 3, of rows 0..8's u; w
    // likewise of rows 8..16's.
    let v: [__m512; 8] = std::array::from_fn(|k| {
        let (j, odd) = (k % 4, k >= 4);
        if odd {
            _mm512_shuffle_f32x4::<0xDD>(u[j], u[4 + j])
        } else {
            _mm512_shuffle_f32x4::<0x88>(u[j], u[4 + j])
        }
    });
    let w: [__m512; 8] = std::array::from_fn(|k| {
        let (j, odd) = (k % 4, k >= 4);
        if odd {
            _mm512_shuffle_f32x4::<0xDD>(u[8 + j], u[12 + j])
        } else {
            _mm512_shuffle_f32x4::<0x88>(u[8 + j], u[12 + j])
        }
    });
    // Column 4l + j: lane l of u[j], u[4 + j], u[8 + j], u[12 + j].
    std::array::from_fn(|c| {
        let (l, j) = (c / 4, c % 4);
        let (a, b) = if l % 2 == 0 {
            (v[j], w[j])
        } else {
            (v[4 + j], w[4 + j])
        };
        if l < 2 {
            _mm512_shuffle_f32x4::<0x88>(a, b)
        } else {
            _mm512_shuffle_f32x4::<0xDD>(a, b)
        }
    })
}
