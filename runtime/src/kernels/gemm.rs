//! Matrix multiplication, the core of convolution and linear layers.

/// A read-only matrix in a slice: element `(i, j)` is at `i * rs + j * cs`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a> {
    pub data: &'a [f32],
    pub rs: usize,
    pub cs: usize,
}

/// A mutable matrix in a slice: element `(i, j)` is at `i * rs + j * cs`.
#[derive(Debug)]
pub struct MatMut<'a> {
    pub data: &'a mut [f32],
    pub rs: usize,
    pub cs: usize,
}

/// The length a `rows x cols` matrix with strides `rs`, `cs` spans.
fn span(rows: usize, cols: usize, rs: usize, cs: usize) -> usize {
    if rows == 0 || cols == 0 {
        0
    } else {
        (rows - 1) * rs + (cols - 1) * cs + 1
    }
}

/// `c = a · b`, or `c += a · b` when `accumulate`; `a` is `m x k`, `b` is
/// `k x n`, `c` is `m x n`.
///
/// # Panics
/// When a slice is too short for its matrix: a bug in the caller, never a
/// consequence of user data (the typed layers size every buffer).
pub fn gemm(m: usize, k: usize, n: usize, a: MatRef, b: MatRef, c: MatMut, accumulate: bool) {
    assert!(
        span(m, k, a.rs, a.cs) <= a.data.len(),
        "gemm: `a` is too short"
    );
    assert!(
        span(k, n, b.rs, b.cs) <= b.data.len(),
        "gemm: `b` is too short"
    );
    assert!(
        span(m, n, c.rs, c.cs) <= c.data.len(),
        "gemm: `c` is too short"
    );
    if m == 0 || n == 0 {
        return;
    }
    let beta = if accumulate { 1.0 } else { 0.0 };
    if k == 0 {
        if !accumulate {
            for i in 0..m {
                for j in 0..n {
                    c.data[i * c.rs + j * c.cs] = 0.0;
                }
            }
        }
        return;
    }
    // SAFETY: the asserts above guarantee every element matrixmultiply reads
    // or writes (`i * rs + j * cs` for in-range `i`, `j`) lies inside its
    // slice; strides are non-negative and fit `isize` because they index
    // slices; `c` is borrowed mutably, so it aliases neither `a` nor `b`.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.data.as_ptr(),
            a.rs as isize,
            a.cs as isize,
            b.data.as_ptr(),
            b.rs as isize,
            b.cs as isize,
            beta,
            c.data.as_mut_ptr(),
            c.rs as isize,
            c.cs as isize,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: usize, k: usize, n: usize, a: &[f32], b: &[f32]) -> Vec<f32> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        c
    }

    #[test]
    fn matches_naive_on_odd_sizes() {
        for (m, k, n) in [(1, 1, 1), (3, 5, 7), (17, 33, 9), (64, 3, 65)] {
            let a: Vec<f32> = (0..m * k)
                .map(|i| ((i * 7 % 13) as f32 - 6.0) / 5.0)
                .collect();
            let b: Vec<f32> = (0..k * n)
                .map(|i| ((i * 5 % 11) as f32 - 5.0) / 3.0)
                .collect();
            let mut c = vec![0.0; m * n];
            gemm(
                m,
                k,
                n,
                MatRef {
                    data: &a,
                    rs: k,
                    cs: 1,
                },
                MatRef {
                    data: &b,
                    rs: n,
                    cs: 1,
                },
                MatMut {
                    data: &mut c,
                    rs: n,
                    cs: 1,
                },
                false,
            );
            let want = naive(m, k, n, &a, &b);
            for (x, y) in c.iter().zip(&want) {
                assert!((x - y).abs() < 1e-4, "{m}x{k}x{n}: {x} vs {y}");
            }
        }
    }

    #[test]
    fn transposed_operand_and_accumulate() {
        // a = [[1, 2], [3, 4]], b^T stored row-major as [[5, 7], [6, 8]].
        let a = [1.0, 2.0, 3.0, 4.0];
        let bt = [5.0, 7.0, 6.0, 8.0];
        let mut c = [1.0; 4];
        gemm(
            2,
            2,
            2,
            MatRef {
                data: &a,
                rs: 2,
                cs: 1,
            },
            MatRef {
                data: &bt,
                rs: 1,
                cs: 2,
            },
            MatMut {
                data: &mut c,
                rs: 2,
                cs: 1,
            },
            true,
        );
        assert_eq!(c, [1.0 + 19.0, 1.0 + 22.0, 1.0 + 43.0, 1.0 + 50.0]);
    }

    #[test]
    #[should_panic(expected = "too short")]
    fn short_slices_are_refused_before_any_unsafe_access() {
        let a = [1.0; 3];
        let mut c = [0.0; 4];
        gemm(
            2,
            2,
            2,
            MatRef {
                data: &a,
                rs: 2,
                cs: 1,
            },
            MatRef {
                data: &a,
                rs: 2,
                cs: 1,
            },
            MatMut {
                data: &mut c,
                rs: 2,
                cs: 1,
            },
            false,
        );
    }
}
