//! Running plain loops with the CPU's widest vectors: the loop is written
//! once, generic Rust, and compiled inside a function that enables the
//! detected instruction set, so the compiler vectorises it for that set.

use super::gemm::Isa;

/// Runs `f` compiled for the detected instruction set (`f` is inlined into
/// a function with that target feature). Mark the closure
/// `#[inline(always)]`: a large closure is otherwise called, not inlined,
/// and runs compiled for the baseline instead.
#[inline(always)]
pub fn vectorized<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx512f,fma")]
        fn avx512<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        #[target_feature(enable = "avx2,fma")]
        fn avx2<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        match Isa::detect() {
            // SAFETY: the instruction set was detected on this CPU.
            Isa::Avx512 => return unsafe { avx512(f) },
            // SAFETY: as above.
            Isa::Avx2 => return unsafe { avx2(f) },
            Isa::Portable => {}
        }
    }
    f()
}
