//! The numeric kernels, on plain slices; the typed layers call them.

pub mod conv;
pub mod direct;
pub mod direct_avx2;
pub mod flat;
pub mod gemm;
pub mod gemv;
pub mod math;
pub mod pad;
mod padded;
pub mod patch;
pub mod pool;
pub mod shallow;
pub mod simd;
pub mod winograd;
