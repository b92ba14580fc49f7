//! NEON (4 lanes), on aarch64.

use std::arch::aarch64::*;

use super::Simd;
use crate::kernels::isa::Isa;

/// NEON: made only where the CPU has it (every aarch64 CPU does).
#[derive(Clone, Copy, Debug)]
pub struct Neon(());

impl Neon {
    #[inline(always)]
    pub fn new() -> Option<Self> {
        Isa::Neon.runs().then_some(Neon(()))
    }
}

// SAFETY (every `unsafe` block below): the token exists, so the CPU has
// NEON (see `new`); pointer contracts are the caller's, as the trait states.
impl Simd for Neon {
    const LANES: usize = 4;
    const FUSED: bool = true;
    type F = float32x4_t;

    #[inline(always)]
    fn isa(self) -> Isa {
        Isa::Neon
    }
    #[inline(always)]
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R {
        #[target_feature(enable = "neon")]
        unsafe fn run<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the token proves NEON.
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
    fn transpose(self, rows: &[float32x4_t; 16]) -> [float32x4_t; 16] {
        let mut out = [self.zero(); 16];
        unsafe {
            // Pairs of rows interleaved, then their 64-bit halves.
            let t0 = vtrn1q_f32(rows[0], rows[1]);
            let t1 = vtrn2q_f32(rows[0], rows[1]);
            let t2 = vtrn1q_f32(rows[2], rows[3]);
            let t3 = vtrn2q_f32(rows[2], rows[3]);
            let d = vreinterpretq_f64_f32;
            let f = vreinterpretq_f32_f64;
            out[0] = f(vtrn1q_f64(d(t0), d(t2)));
            out[1] = f(vtrn1q_f64(d(t1), d(t3)));
            out[2] = f(vtrn2q_f64(d(t0), d(t2)));
            out[3] = f(vtrn2q_f64(d(t1), d(t3)));
        }
        out
    }
    #[inline(always)]
    fn splat(self, x: f32) -> float32x4_t {
        unsafe { vdupq_n_f32(x) }
    }
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> float32x4_t {
        unsafe { vld1q_f32(p) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: float32x4_t) {
        unsafe { vst1q_f32(p, v) }
    }
    #[inline(always)]
    fn add(self, a: float32x4_t, b: float32x4_t) -> float32x4_t {
        unsafe { vaddq_f32(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: float32x4_t, b: float32x4_t) -> float32x4_t {
        unsafe { vsubq_f32(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: float32x4_t, b: float32x4_t) -> float32x4_t {
        unsafe { vmulq_f32(a, b) }
    }
    #[inline(always)]
    fn mul_add(self, a: float32x4_t, b: float32x4_t, c: float32x4_t) -> float32x4_t {
        // vfmaq_f32(c, a, b) = c + a * b, fused.
        unsafe { vfmaq_f32(c, a, b) }
    }
    #[inline(always)]
    fn select_lt(
        self,
        a: float32x4_t,
        b: float32x4_t,
        x: float32x4_t,
        y: float32x4_t,
    ) -> float32x4_t {
        unsafe { vbslq_f32(vcltq_f32(a, b), x, y) }
    }
    #[inline(always)]
    fn div(self, a: float32x4_t, b: float32x4_t) -> float32x4_t {
        unsafe { vdivq_f32(a, b) }
    }
    #[inline(always)]
    fn pow2i(self, n: float32x4_t) -> float32x4_t {
        // The exponent field of n + 127; n is a whole number, so the
        // conversion is exact.
        unsafe {
            vreinterpretq_f32_s32(vshlq_n_s32::<23>(vaddq_s32(
                vcvtq_s32_f32(n),
                vdupq_n_s32(127),
            )))
        }
    }
    #[inline(always)]
    fn max_nan(self, a: float32x4_t, b: float32x4_t) -> float32x4_t {
        unsafe {
            // a > b, or a is NaN (a != a): take a.
            let take_a = vorrq_u32(vcgtq_f32(a, b), vmvnq_u32(vceqq_f32(a, a)));
            vbslq_f32(take_a, a, b)
        }
    }
    #[inline(always)]
    fn sum(self, v: float32x4_t) -> f32 {
        unsafe { vaddvq_f32(v) }
    }
    #[inline(always)]
    fn zip(self, a: float32x4_t, b: float32x4_t) -> (float32x4_t, float32x4_t) {
        unsafe { (vzip1q_f32(a, b), vzip2q_f32(a, b)) }
    }
    #[inline(always)]
    fn unzip(self, a: float32x4_t, b: float32x4_t) -> (float32x4_t, float32x4_t) {
        unsafe { (vuzp1q_f32(a, b), vuzp2q_f32(a, b)) }
    }
}
