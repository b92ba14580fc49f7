//! Buffers of `f32` that start on a cache line (64 bytes), so that a row
//! of packed weights as wide as a vector never straddles two lines.

/// One cache line of values.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
struct Line([f32; 16]);

/// `len` values from a cache line's start; clones keep the alignment.
#[derive(Clone, Debug, Default)]
pub(crate) struct Aligned {
    lines: Vec<Line>,
    len: usize,
}

impl Aligned {
    /// `len` zeros.
    pub(crate) fn zeros(len: usize) -> Self {
        Aligned {
            lines: vec![Line::default(); len.div_ceil(16)],
            len,
        }
    }

    pub(crate) fn as_slice(&self) -> &[f32] {
        // SAFETY: `Line` is `repr(C)` over `[f32; 16]`, so the lines are
        // `16 * lines.len() >= len` contiguous, initialised `f32`s.
        unsafe { std::slice::from_raw_parts(self.lines.as_ptr().cast(), self.len) }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [f32] {
        // SAFETY: as in `as_slice`, borrowed mutably through `self`.
        unsafe { std::slice::from_raw_parts_mut(self.lines.as_mut_ptr().cast(), self.len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_start_on_a_cache_line_and_survive_a_clone() {
        for len in [0, 1, 15, 16, 17, 100] {
            let mut a = Aligned::zeros(len);
            assert_eq!(a.as_slice().len(), len);
            assert!(a.as_slice().iter().all(|&v| v == 0.0));
            for (i, v) in a.as_mut_slice().iter_mut().enumerate() {
                *v = i as f32;
            }
            let b = a.clone();
            assert_eq!(b.as_slice().as_ptr() as usize % 64, 0);
            assert!(b.as_slice().iter().enumerate().all(|(i, &v)| v == i as f32));
        }
    }
}
