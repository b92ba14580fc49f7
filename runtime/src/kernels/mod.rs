//! The numeric kernels, on plain slices; the typed layers call them.

pub mod conv;
pub mod gemm;
pub mod pad;
pub mod pool;
