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
