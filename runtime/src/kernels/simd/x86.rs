//! AVX2 + FMA (8 lanes) and AVX-512F (16 lanes).

use std::arch::x86_64::*;

use super::Simd;
use crate::kernels::isa::Isa;

/// AVX2 and FMA: made only where the CPU has both.
#[derive(Clone, Copy, Debug)]
pub struct Avx2(());

impl Avx2 {
    #[inline(always)]
    pub fn new() -> Option<Self> {
        Isa::Avx2.runs().then_some(Avx2(()))
    }
}

/// AVX-512F (with AVX2 and FMA): made only where the CPU has them.
#[derive(Clone, Copy, Debug)]
pub struct Avx512(());

impl Avx512 {
    #[inline(always)]
    pub fn new() -> Option<Self> {
        Isa::Avx512.runs().then_some(Avx512(()))
    }
}

// SAFETY (every `unsafe` block of both impls below): the token exists, so
// the CPU has the instruction set (see `new`); pointer contracts are the
// caller's, as the trait states.
impl Simd for Avx2 {
    const LANES: usize = 8;
    const FUSED: bool = true;
    type F = __m256;

    #[inline(always)]
    fn isa(self) -> Isa {
        Isa::Avx2
    }
    #[inline(always)]
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn run<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the token proves AVX2 and FMA.
        unsafe { run(f) }
    }
    #[inline(always)]
    fn isolate<R>(self, f: impl FnOnce() -> R) -> R {
        // Not compiled for the instruction set itself, so that the
        // function `vectorize` makes cannot be inlined into it, nor it into
        // its caller.
        #[inline(never)]
        fn run<S: Simd, R>(s: S, f: impl FnOnce() -> R) -> R {
            s.vectorize(f)
        }
        run(self, f)
    }
    #[inline(always)]
    fn transpose(self, rows: &[__m256; 16]) -> [__m256; 16] {
        let r: [__m256; 8] = std::array::from_fn(|j| rows[j]);
        // SAFETY: the token proves AVX2.
        let t = unsafe { super::transpose::transpose_8x8(r) };
        let mut out = [self.zero(); 16];
        out[..8].copy_from_slice(&t);
        out
    }
    #[inline(always)]
    fn splat(self, x: f32) -> __m256 {
        unsafe { _mm256_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m256 {
        unsafe { _mm256_loadu_ps(p) }
    }
    #[inline(always)]
    fn prefetch(self, p: *const f32) {
        // SAFETY: a prefetch neither reads into the program nor faults,
        // whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T1>(p.cast()) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: __m256) {
        unsafe { _mm256_storeu_ps(p, v) }
    }
    #[inline(always)]
    fn add(self, a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_mul_ps(a, b) }
    }
    #[inline(always)]
    fn mul_add(self, a: __m256, b: __m256, c: __m256) -> __m256 {
        unsafe { _mm256_fmadd_ps(a, b, c) }
    }
    #[inline(always)]
    fn select_lt(self, a: __m256, b: __m256, x: __m256, y: __m256) -> __m256 {
        unsafe { _mm256_blendv_ps(y, x, _mm256_cmp_ps::<_CMP_LT_OQ>(a, b)) }
    }
    #[inline(always)]
    fn div(self, a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_div_ps(a, b) }
    }
    #[inline(always)]
    fn pow2i(self, n: __m256) -> __m256 {
        // The exponent field of n + 127; n is a whole number, so the
        // conversion is exact.
        unsafe {
            _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(
                _mm256_cvtps_epi32(n),
                _mm256_set1_epi32(127),
            )))
        }
    }
    #[inline(always)]
    fn max_nan(self, a: __m256, b: __m256) -> __m256 {
        // `vmaxps` gives its second operand unless the first is larger.
        unsafe {
            let m = _mm256_max_ps(a, b);
            _mm256_blendv_ps(m, a, _mm256_cmp_ps::<_CMP_UNORD_Q>(a, a))
        }
    }
    #[inline(always)]
    fn sum(self, v: __m256) -> f32 {
        unsafe {
            let x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
            let x = _mm_add_ps(x, _mm_movehl_ps(x, x));
            _mm_cvtss_f32(_mm_add_ss(x, _mm_shuffle_ps::<1>(x, x)))
        }
    }
    #[inline(always)]
    fn zip(self, a: __m256, b: __m256) -> (__m256, __m256) {
        unsafe {
            // Per 128-bit half: a0 b0 a1 b1 | a4 b4 a5 b5, and a2 b2 a3 b3 | ...
            let lo = _mm256_unpacklo_ps(a, b);
            let hi = _mm256_unpackhi_ps(a, b);
            (
                _mm256_permute2f128_ps::<0x20>(lo, hi),
                _mm256_permute2f128_ps::<0x31>(lo, hi),
            )
        }
    }
    #[inline(always)]
    fn unzip(self, a: __m256, b: __m256) -> (__m256, __m256) {
        unsafe {
            // Per 128-bit half: a0 a2 b0 b2 | a4 a6 b4 b6, then the 64-bit
            // quarters put in order.
            let even = _mm256_shuffle_ps::<0b10_00_10_00>(a, b);
            let odd = _mm256_shuffle_ps::<0b11_01_11_01>(a, b);
            let order = |v: __m256| {
                _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(v)))
            };
            (order(even), order(odd))
        }
    }
    #[inline(always)]
    fn permute(self, v: __m256, idx: &[i32; 16], n: usize) -> __m256 {
        unsafe {
            let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            let keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(n.min(8) as i32), lanes);
            let index = _mm256_loadu_si256(idx.as_ptr().cast());
            let picked = _mm256_permutevar8x32_ps(v, index);
            _mm256_and_ps(picked, _mm256_castsi256_ps(keep))
        }
    }
    #[inline(always)]
    fn load_first(self, s: &[f32]) -> __m256 {
        let n = s.len().min(8) as i32;
        unsafe {
            let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            let mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lanes);
            // Masked-off lanes are neither read nor faulted on.
            _mm256_maskload_ps(s.as_ptr(), mask)
        }
    }
    #[inline(always)]
    unsafe fn load_lanes(self, p: *const f32, from: usize, to: usize) -> __m256 {
        // SAFETY: masked-off lanes are neither read nor faulted on; the
        // caller's promise covers the others.
        unsafe { _mm256_maskload_ps(p, lanes_between(from, to)) }
    }
    #[inline(always)]
    unsafe fn store_lanes(self, p: *mut f32, v: __m256, from: usize, to: usize) {
        // SAFETY: masked-off lanes are neither written nor faulted on; the
        // caller's promise covers the others. (Slow on AMD's cores, but
        // only where a run of Winograd's tiles starts mid-vector.)
        unsafe { _mm256_maskstore_ps(p, lanes_between(from, to), v) }
    }
    /// Halves, quarters and single lanes rather than `vmaskmovps`, which
    /// is microcoded and slow to memory on AMD's cores, or the trait's
    /// copy through the stack, a call to `memmove` per store (4% of
    /// `seed_b` at batch 64, whose 7x7 planes end mid-vector).
    #[inline(always)]
    fn store_first(self, d: &mut [f32], v: __m256) {
        let n = d.len().min(8);
        let p = d.as_mut_ptr();
        // SAFETY: each store writes lanes below `n`, inside `d`.
        unsafe {
            if n == 8 {
                return _mm256_storeu_ps(p, v);
            }
            let (mut part, mut at) = (_mm256_castps256_ps128(v), 0);
            if n >= 4 {
                _mm_storeu_ps(p, part);
                (part, at) = (_mm256_extractf128_ps::<1>(v), 4);
            }
            if n & 2 != 0 {
                _mm_store_sd(p.add(at).cast(), _mm_castps_pd(part));
                (part, at) = (_mm_movehl_ps(part, part), at + 2);
            }
            if n & 1 != 0 {
                _mm_store_ss(p.add(at), part);
            }
        }
    }
}

/// The AVX2 mask of lanes `from..to` (of 8): all ones there, zero elsewhere.
#[inline(always)]
fn lanes_between(from: usize, to: usize) -> __m256i {
    let (from, to) = (from.min(8) as i32, to.min(8) as i32);
    // SAFETY: called only from the AVX2 token's methods, inlined into code
    // compiled for AVX2.
    unsafe {
        let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        _mm256_and_si256(
            _mm256_cmpgt_epi32(lanes, _mm256_set1_epi32(from - 1)),
            _mm256_cmpgt_epi32(_mm256_set1_epi32(to), lanes),
        )
    }
}

impl Simd for Avx512 {
    const LANES: usize = 16;
    const FUSED: bool = true;
    type F = __m512;

    #[inline(always)]
    fn isa(self) -> Isa {
        Isa::Avx512
    }
    #[inline(always)]
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R {
        #[target_feature(enable = "avx512f,avx2,fma")]
        unsafe fn run<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the token proves AVX-512F, AVX2 and FMA.
        unsafe { run(f) }
    }
    #[inline(always)]
    fn isolate<R>(self, f: impl FnOnce() -> R) -> R {
        // Not compiled for the instruction set itself, so that the
        // function `vectorize` makes cannot be inlined into it, nor it into
        // its caller.
        #[inline(never)]
        fn run<S: Simd, R>(s: S, f: impl FnOnce() -> R) -> R {
            s.vectorize(f)
        }
        run(self, f)
    }
    #[inline(always)]
    fn transpose(self, rows: &[__m512; 16]) -> [__m512; 16] {
        // SAFETY: the token proves AVX-512F.
        unsafe { super::transpose::transpose_16x16(rows) }
    }
    #[inline(always)]
    fn splat(self, x: f32) -> __m512 {
        unsafe { _mm512_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m512 {
        unsafe { _mm512_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn load_lanes(self, p: *const f32, from: usize, to: usize) -> __m512 {
        let (from, to) = (from.min(16), to.min(16));
        let mask = ((1u32 << to) - 1) & !((1u32 << from) - 1);
        // SAFETY: masked-off lanes are neither read nor faulted on; the
        // caller's promise covers the others.
        unsafe { _mm512_maskz_loadu_ps(mask as __mmask16, p) }
    }
    #[inline(always)]
    unsafe fn store_lanes(self, p: *mut f32, v: __m512, from: usize, to: usize) {
        let (from, to) = (from.min(16), to.min(16));
        let mask = ((1u32 << to) - 1) & !((1u32 << from) - 1);
        // SAFETY: masked-off lanes are neither written nor faulted on; the
        // caller's promise covers the others.
        unsafe { _mm512_mask_storeu_ps(p, mask as __mmask16, v) }
    }
    #[inline(always)]
    fn shift_in<const N: usize>(self, a: __m512, b: __m512) -> __m512 {
        // The shifts the depthwise kernel makes (its 5x5 windows' at most).
        const { assert!(N <= 4, "shift_in: AVX-512 shifts by 0 to 4 lanes") };
        // SAFETY (each arm): the token proves AVX-512F.
        let (a, b) = unsafe { (_mm512_castps_si512(a), _mm512_castps_si512(b)) };
        let v = match N {
            0 => a,
            1 => unsafe { _mm512_alignr_epi32::<1>(b, a) },
            2 => unsafe { _mm512_alignr_epi32::<2>(b, a) },
            3 => unsafe { _mm512_alignr_epi32::<3>(b, a) },
            _ => unsafe { _mm512_alignr_epi32::<4>(b, a) },
        };
        unsafe { _mm512_castsi512_ps(v) }
    }
    #[inline(always)]
    fn prefetch(self, p: *const f32) {
        // SAFETY: as for AVX2's.
        unsafe { _mm_prefetch::<_MM_HINT_T1>(p.cast()) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: __m512) {
        unsafe { _mm512_storeu_ps(p, v) }
    }
    #[inline(always)]
    fn add(self, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_mul_ps(a, b) }
    }
    #[inline(always)]
    fn mul_add(self, a: __m512, b: __m512, c: __m512) -> __m512 {
        unsafe { _mm512_fmadd_ps(a, b, c) }
    }
    #[inline(always)]
    fn select_lt(self, a: __m512, b: __m512, x: __m512, y: __m512) -> __m512 {
        unsafe { _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask::<_CMP_LT_OQ>(a, b), x) }
    }
    #[inline(always)]
    fn div(self, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_div_ps(a, b) }
    }
    #[inline(always)]
    fn pow2i(self, n: __m512) -> __m512 {
        // The exponent field of n + 127; n is a whole number, so the
        // conversion is exact.
        unsafe {
            _mm512_castsi512_ps(_mm512_slli_epi32::<23>(_mm512_add_epi32(
                _mm512_cvtps_epi32(n),
                _mm512_set1_epi32(127),
            )))
        }
    }
    #[inline(always)]
    fn max_nan(self, a: __m512, b: __m512) -> __m512 {
        unsafe {
            let m = _mm512_max_ps(a, b);
            _mm512_mask_mov_ps(m, _mm512_cmp_ps_mask::<_CMP_UNORD_Q>(a, a), a)
        }
    }
    #[inline(always)]
    fn sum(self, v: __m512) -> f32 {
        unsafe { _mm512_reduce_add_ps(v) }
    }
    #[inline(always)]
    fn zip(self, a: __m512, b: __m512) -> (__m512, __m512) {
        unsafe {
            // Index 16 + i is lane i of `b`.
            let lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
            let hi =
                _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
            (
                _mm512_permutex2var_ps(a, lo, b),
                _mm512_permutex2var_ps(a, hi, b),
            )
        }
    }
    #[inline(always)]
    fn unzip(self, a: __m512, b: __m512) -> (__m512, __m512) {
        unsafe {
            // Index 16 + i is lane i of `b`.
            let even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            let odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
            (
                _mm512_permutex2var_ps(a, even, b),
                _mm512_permutex2var_ps(a, odd, b),
            )
        }
    }
    #[inline(always)]
    fn permute(self, v: __m512, idx: &[i32; 16], n: usize) -> __m512 {
        let keep = ((1u32 << n.min(16)) - 1) as __mmask16;
        unsafe {
            let index = _mm512_loadu_si512(idx.as_ptr().cast());
            _mm512_maskz_permutexvar_ps(keep, index, v)
        }
    }
    #[inline(always)]
    fn load_first(self, s: &[f32]) -> __m512 {
        let mask = ((1u32 << s.len().min(16)) - 1) as __mmask16;
        // Masked-off lanes are neither read nor faulted on.
        unsafe { _mm512_maskz_loadu_ps(mask, s.as_ptr()) }
    }
    #[inline(always)]
    fn store_first(self, d: &mut [f32], v: __m512) {
        let mask = ((1u32 << d.len().min(16)) - 1) as __mmask16;
        unsafe { _mm512_mask_storeu_ps(d.as_mut_ptr(), mask, v) }
    }
}
