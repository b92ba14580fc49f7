//! What a kernel does to each sum before it stores it (scale, shift,
//! residual, activation), and the shared output buffer kernels write
//! disjoint parts of.

use super::math;

/// An activation applied in the epilogue.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Act {
    #[default]
    None,
    ReLU,
    ReLU6,
    LeakyReLU(f32),
    SiLU,
    Hardswish,
    Hardsigmoid,
    Sigmoid,
}

impl Act {
    #[inline(always)]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Act::None => x,
            Act::ReLU => {
                if x < 0.0 {
                    0.0
                } else {
                    x
                }
            }
            Act::ReLU6 => x.clamp(0.0, 6.0),
            Act::LeakyReLU(s) => {
                if x >= 0.0 {
                    x
                } else {
                    x * s
                }
            }
            Act::SiLU => math::silu(x),
            Act::Hardswish => math::hardswish(x),
            Act::Hardsigmoid => math::hardsigmoid(x),
            Act::Sigmoid => math::sigmoid(x),
        }
    }
}

/// What happens to each result before it is stored:
/// `act(acc * scale[m] + shift[m] + residual[m, n])`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Epilogue<'a> {
    /// Per row; `None` is 1.
    pub scale: Option<&'a [f32]>,
    /// Per row; `None` is 0.
    pub shift: Option<&'a [f32]>,
    /// Added element by element, laid out like `C`.
    pub residual: Option<&'a [f32]>,
    pub act: Act,
}

/// `C`'s storage, shared by the tasks that write disjoint parts of it.
#[derive(Clone, Copy, Debug)]
pub struct Out {
    pub(crate) ptr: *mut f32,
    pub(crate) len: usize,
}

// SAFETY: `Out` is only a pointer and a length; every writer through it
// promises (by `gemm_part`'s contract) to write a part no other writer
// touches while it runs.
unsafe impl Send for Out {}
// SAFETY: as for `Send`.
unsafe impl Sync for Out {}

impl Out {
    pub fn new(c: &mut [f32]) -> Self {
        Out {
            ptr: c.as_mut_ptr(),
            len: c.len(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The storage from element `at` on.
    ///
    /// # Panics
    /// When `at` is past the end.
    pub fn offset(&self, at: usize) -> Out {
        assert!(at <= self.len, "Out::offset past the end");
        Out {
            // SAFETY: `at` is within the allocation (asserted).
            ptr: unsafe { self.ptr.add(at) },
            len: self.len - at,
        }
    }

    /// `len` values from `at` as a slice.
    ///
    /// # Safety
    /// While the slice lives, nothing else may read or write those values.
    ///
    /// # Panics
    /// When the range is past the end.
    pub unsafe fn slice<'a>(&self, at: usize, len: usize) -> &'a mut [f32] {
        assert!(at + len <= self.len, "Out::slice past the end");
        // SAFETY: in bounds (asserted); exclusivity is the caller's promise.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(at), len) }
    }
}

/// The epilogue for one value of row `row` at flat index `at` of `C`.
#[inline(always)]
pub(crate) fn finish(acc: f32, row: usize, at: usize, ep: &Epilogue) -> f32 {
    let mut v = acc;
    if let Some(s) = ep.scale {
        v *= s[row];
    }
    if let Some(s) = ep.shift {
        v += s[row];
    }
    if let Some(r) = ep.residual {
        v += r[at];
    }
    ep.act.apply(v)
}
