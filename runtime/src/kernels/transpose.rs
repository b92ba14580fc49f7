//! Matrix transposes a square block of vectors at a time: `LANES` rows
//! loaded, turned in registers ([`Simd::transpose`]) and stored as `LANES`
//! columns, the ragged edges value by value. A `Linear` over the last axis
//! of an image and a permute between channels-first and channels-last
//! (ConvNeXt's), or of an image's last two axes, each move every value through
//! one; value by value the first two took about a sixth of ConvNeXt's time.
//!
//! ```
//! use cnn_runtime::kernels::{isa::Isa, transpose::transpose};
//! // [[1, 2, 3], [4, 5, 6]] -> [[1, 4], [2, 5], [3, 6]]
//! let mut t = [0.0; 6];
//! transpose(Isa::detect(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3, &mut t);
//! assert_eq!(t, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
//! ```

use super::isa::Isa;
use super::simd::{Simd, dispatch};

/// `dst[c * rows + r] = src[r * cols + c]` for the `rows x cols` matrix
/// `src` (row-major), on `isa` (or the best below it this CPU runs).
///
/// # Panics
/// If `src` or `dst` is shorter than `rows * cols`.
pub fn transpose(isa: Isa, src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    let len = rows.checked_mul(cols).expect("transpose: too many values");
    assert!(
        src.len() >= len && dst.len() >= len,
        "transpose: a slice is shorter than rows * cols"
    );
    dispatch!(isa.or_below(), s => blocks(s, &src[..len], rows, cols, &mut dst[..len]));
}

/// [`transpose`] on `s`'s vectors (`src` and `dst` exactly `rows * cols`).
#[inline(always)]
fn blocks<S: Simd>(s: S, src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    s.vectorize(
        #[inline(always)]
        || {
            let n = S::LANES;
            let (whole_rows, whole_cols) = (rows - rows % n, cols - cols % n);
            for r0 in (0..whole_rows).step_by(n) {
                for c0 in (0..whole_cols).step_by(n) {
                    let mut block = [s.zero(); 16];
                    for (j, v) in block.iter_mut().enumerate().take(n) {
                        *v = s.load_first(&src[(r0 + j) * cols + c0..][..n]);
                    }
                    let columns = s.transpose(&block);
                    for (c, &v) in columns.iter().enumerate().take(n) {
                        s.store_first(&mut dst[(c0 + c) * rows + r0..][..n], v);
                    }
                }
                // The last columns of these rows, value by value.
                for r in r0..r0 + n {
                    for c in whole_cols..cols {
                        dst[c * rows + r] = src[r * cols + c];
                    }
                }
            }
            // The last rows, value by value.
            for r in whole_rows..rows {
                for c in 0..cols {
                    dst[c * rows + r] = src[r * cols + c];
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every instruction set this CPU runs, on shapes with and without
    /// ragged edges, gives the transpose value for value.
    #[test]
    fn every_shape_transposes() {
        for &isa in Isa::available() {
            for (rows, cols) in [
                (1, 1),
                (2, 3),
                (16, 16),
                (17, 33),
                (8, 40),
                (64, 48),
                (5, 100),
                (100, 5),
                (0, 7),
            ] {
                let src: Vec<f32> = (0..rows * cols).map(|i| i as f32).collect();
                let mut dst = vec![f32::NAN; rows * cols];
                transpose(isa, &src, rows, cols, &mut dst);
                for r in 0..rows {
                    for c in 0..cols {
                        assert_eq!(
                            dst[c * rows + r],
                            src[r * cols + c],
                            "{isa:?} {rows}x{cols} at ({r}, {c})"
                        );
                    }
                }
            }
        }
    }
}
