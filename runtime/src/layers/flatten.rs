//! `nn.Flatten(start_dim, end_dim)`: merges dimensions `START..=END`
//! (counted with the batch as 0; negative counts from the end) in row-major
//! order, so `[C, H, W]` becomes `C*H*W` features indexed `c*H*W + h*W + w`.
//! It moves no data. No tensors.
//!
//! ```
//! use cnn_runtime::{Batch, Flatten};
//! let flatten: Flatten = Flatten;
//! let y: Batch<1568> = flatten.forward(Batch::<32, 7, 7>::zeros(1));
//! assert_eq!(y.shape(), vec![1, 1568]);
//! ```

use crate::module::Module;
use crate::tensor::{ABSENT, Batch, image_rank};

/// Flattening of dimensions `START..=END` (PyTorch's `start_dim`, `end_dim`;
/// defaults 1 and -1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flatten<const START: isize = 1, const END: isize = -1>;

/// Whether flattening `input` over `start..=end` gives `output` (per-image
/// shapes padded with [`ABSENT`]).
pub const fn flatten_fits(input: [usize; 3], output: [usize; 3], start: isize, end: isize) -> bool {
    let rank = image_rank(input[0], input[1], input[2]);
    let ndim = rank as isize + 1;
    let s = if start < 0 { start + ndim } else { start };
    let e = if end < 0 { end + ndim } else { end };
    if s < 1 || e < s || e >= ndim {
        return false;
    }
    let (first, last) = (s as usize - 1, e as usize - 1);
    let mut expected = [ABSENT; 3];
    let mut n = 0;
    let mut i = 0;
    let mut merged: usize = 1;
    while i < rank {
        if i < first || i > last {
            expected[n] = input[i];
            n += 1;
        } else {
            merged = match merged.checked_mul(input[i]) {
                Some(v) => v,
                None => return false,
            };
            if i == last {
                expected[n] = merged;
                n += 1;
            }
        }
        i += 1;
    }
    expected[0] == output[0] && expected[1] == output[1] && expected[2] == output[2]
}

impl<const START: isize, const END: isize> Flatten<START, END> {
    /// Flattens a batch; the output shape must be the flattened input's.
    pub fn forward<
        const A: usize,
        const B: usize,
        const C: usize,
        const X: usize,
        const Y: usize,
        const Z: usize,
    >(
        &self,
        x: Batch<A, B, C>,
    ) -> Batch<X, Y, Z> {
        const {
            assert!(
                flatten_fits([A, B, C], [X, Y, Z], START, END),
                "Flatten::forward: the output shape is not the input shape with dimensions START..=END multiplied into one"
            )
        };
        let batch = x.batch_size();
        Batch::from_parts(batch, x.into_buffer())
    }
}

impl<const START: isize, const END: isize> Module for Flatten<START, END> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_rules() {
        assert!(flatten_fits([32, 7, 7], [1568, ABSENT, ABSENT], 1, -1));
        assert!(flatten_fits([32, 7, 7], [32, 49, ABSENT], 2, -1));
        assert!(flatten_fits([32, 7, 7], [224, 7, ABSENT], 1, 2));
        assert!(flatten_fits(
            [10, ABSENT, ABSENT],
            [10, ABSENT, ABSENT],
            1,
            -1
        ));
        assert!(!flatten_fits([32, 7, 7], [1567, ABSENT, ABSENT], 1, -1));
        assert!(!flatten_fits([32, 7, 7], [1568, ABSENT, ABSENT], 0, -1));
        assert!(!flatten_fits([32, 7, 7], [1568, ABSENT, ABSENT], 3, 1));
    }
}
