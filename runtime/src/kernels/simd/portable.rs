//! The portable fallback: four lanes of plain Rust, which the compiler
//! vectorises for the target's baseline (SSE2 on x86-64, NEON on aarch64,
//! scalar on wasm32 without `simd128`).

use super::Simd;
use crate::kernels::isa::Isa;

/// Plain Rust: runs everywhere.
#[derive(Clone, Copy, Debug, Default)]
pub struct Portable;

/// Applies `f` lane by lane.
#[inline(always)]
fn each(f: impl Fn(usize) -> f32) -> [f32; 4] {
    [f(0), f(1), f(2), f(3)]
}

impl Simd for Portable {
    const LANES: usize = 4;
    // Multiply, then add (see `mul_add`).
    const FUSED: bool = false;
    type F = [f32; 4];

    #[inline(always)]
    fn isa(self) -> Isa {
        Isa::Portable
    }
    #[inline(always)]
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R {
        f()
    }
    #[inline(always)]
    fn isolate<R>(self, f: impl FnOnce() -> R) -> R {
        #[inline(never)]
        fn run<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        run(f)
    }
    #[inline(always)]
    fn splat(self, x: f32) -> [f32; 4] {
        [x; 4]
    }
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> [f32; 4] {
        // SAFETY: the caller promises 4 readable values.
        unsafe { p.cast::<[f32; 4]>().read_unaligned() }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: [f32; 4]) {
        // SAFETY: the caller promises 4 writable values.
        unsafe { p.cast::<[f32; 4]>().write_unaligned(v) }
    }
    #[inline(always)]
    fn add(self, a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
        each(|l| a[l] + b[l])
    }
    #[inline(always)]
    fn sub(self, a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
        each(|l| a[l] - b[l])
    }
    #[inline(always)]
    fn mul(self, a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
        each(|l| a[l] * b[l])
    }
    /// Multiply, then add: `f32::mul_add` without hardware FMA is a slow
    /// library call.
    #[inline(always)]
    fn mul_add(self, a: [f32; 4], b: [f32; 4], c: [f32; 4]) -> [f32; 4] {
        each(|l| a[l] * b[l] + c[l])
    }
    #[inline(always)]
    fn select_lt(self, a: [f32; 4], b: [f32; 4], x: [f32; 4], y: [f32; 4]) -> [f32; 4] {
        each(|l| if a[l] < b[l] { x[l] } else { y[l] })
    }
    #[inline(always)]
    fn max_nan(self, a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
        each(|l| {
            if a[l] > b[l] || a[l].is_nan() {
                a[l]
            } else {
                b[l]
            }
        })
    }
    #[inline(always)]
    fn zip(self, a: [f32; 4], b: [f32; 4]) -> ([f32; 4], [f32; 4]) {
        ([a[0], b[0], a[1], b[1]], [a[2], b[2], a[3], b[3]])
    }
    #[inline(always)]
    fn unzip(self, a: [f32; 4], b: [f32; 4]) -> ([f32; 4], [f32; 4]) {
        ([a[0], a[2], b[0], b[2]], [a[1], a[3], b[1], b[3]])
    }
}
