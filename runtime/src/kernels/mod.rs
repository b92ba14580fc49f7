//! The numeric kernels, on plain slices; the typed layers call them.
//!
//! [`isa`] says which instruction sets this CPU runs and which one the
//! kernels use; [`simd`] is the vector abstraction the kernels are written
//! over; [`conv`] holds the convolution kernels behind one interface and the
//! rule table that picks one per geometry; [`epilogue`] is what every kernel
//! applies to its sums before storing them.

pub(crate) mod aligned;
pub mod conv;
pub mod epilogue;
pub mod gemm;
pub mod gemv;
pub mod gemv_packed;
pub mod isa;
pub mod math;
pub mod pad;
pub mod pool;
pub mod simd;
pub mod transpose;

/// Test values in -1..1, different for each seed: the kernels' tests
/// share them.
#[cfg(test)]
pub(crate) fn test_values(n: usize, seed: usize) -> Vec<f32> {
    (0..n)
        .map(|i| (((i * 7919 + seed * 104_729) % 2003) as f32 / 1001.0) - 1.0)
        .collect()
}
