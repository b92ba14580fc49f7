//! The matrices of Winograd's F(m x m, 3x3) for tiles of `m = 2` and `m =
//! 4` outputs a side, from the interpolation points 0, 1, -1 (and 2, -2
//! for `m = 4`) and infinity: `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A` for a tile's
//! `(m + 2) x (m + 2)` inputs `d` and a 3x3 kernel `g`.
//!
//! ```text
//! m = 2:  Bᵀ = | 1  0 -1  0 |   G = | 1    0    0  |   Aᵀ = | 1  1  1  0 |
//!              | 0  1  1  0 |       | 1/2  1/2  1/2|        | 0  1 -1 -1 |
//!              | 0 -1  1  0 |       | 1/2 -1/2  1/2|
//!              | 0  1  0 -1 |       | 0    0    1  |
//!
//! m = 4:  Bᵀ = | 4  0 -5  0  1  0 |   G = |  1/4     0     0  |
//!              | 0 -4 -4  1  1  0 |       | -1/6  -1/6  -1/6  |
//!              | 0  4 -4 -1  1  0 |       | -1/6   1/6  -1/6  |
//!              | 0 -2 -1  2  1  0 |       |  1/24  1/12  1/6  |
//!              | 0  2 -1 -2  1  0 |       |  1/24 -1/12  1/6  |
//!              | 0  4  0 -5  0  1 |       |  0     0     1    |
//!
//!         Aᵀ = | 1  1  1  1  1  0 |
//!              | 0  1 -1  2 -2  0 |
//!              | 0  1  1  4  4  0 |
//!              | 0  1 -1  8 -8  1 |
//! ```
//!
//! The vector transforms are generic over the sizes (`N = m + 2` inputs,
//! `M = m` outputs), each size its own branch.

use crate::kernels::simd::Simd;

/// `G g Gᵀ` of one 3x3 kernel `g` (row by row), made in f64: `(m + 2)²`
/// values, row by row.
pub(super) fn kernel<const M: usize>(g: &[f32]) -> Vec<f32> {
    let g: Vec<f64> = g.iter().map(|&v| v as f64).collect();
    // One column (or row) of three through G.
    let through_g = |a: f64, b: f64, c: f64| -> Vec<f64> {
        match M {
            2 => vec![a, (a + b + c) / 2.0, (a - b + c) / 2.0, c],
            _ => vec![
                a / 4.0,
                -(a + b + c) / 6.0,
                -(a - b + c) / 6.0,
                a / 24.0 + b / 12.0 + c / 6.0,
                a / 24.0 - b / 12.0 + c / 6.0,
                c,
            ],
        }
    };
    let n = M + 2;
    // G down the columns: n rows of 3.
    let columns: Vec<Vec<f64>> = (0..3)
        .map(|j| through_g(g[j], g[3 + j], g[6 + j]))
        .collect();
    // Then along the rows.
    let mut u = Vec::with_capacity(n * n);
    for ((a, b), c) in columns[0].iter().zip(&columns[1]).zip(&columns[2]) {
        u.extend(through_g(*a, *b, *c).into_iter().map(|v| v as f32));
    }
    u
}

/// `Bᵀ a` for one column (or row) `a` of a tile's `N = m + 2` inputs.
#[inline(always)]
pub(super) fn input<S: Simd, const N: usize>(s: S, a: [S::F; N]) -> [S::F; N] {
    let mut out = a;
    if N == 4 {
        out[0] = s.sub(a[0], a[2]);
        out[1] = s.add(a[1], a[2]);
        out[2] = s.sub(a[2], a[1]);
        out[3] = s.sub(a[1], a[3]);
        return out;
    }
    let (four, minus_five) = (s.splat(4.0), s.splat(-5.0));
    let minus_four = s.splat(-4.0);
    let t0 = s.mul_add(minus_four, a[2], a[4]);
    let t1 = s.mul_add(minus_four, a[1], a[3]);
    let t2 = s.sub(a[4], a[2]);
    let t3 = s.sub(a[3], a[1]);
    out[0] = s.mul_add(four, a[0], s.mul_add(minus_five, a[2], a[4]));
    out[1] = s.add(t0, t1);
    out[2] = s.sub(t0, t1);
    out[3] = s.mul_add(s.splat(2.0), t3, t2);
    out[4] = s.mul_add(s.splat(-2.0), t3, t2);
    out[5] = s.mul_add(four, a[1], s.mul_add(minus_five, a[3], a[5]));
    out
}

/// `Aᵀ a` for one column (or row) `a` of a tile's `N = M + 2` products:
/// `M` values.
#[inline(always)]
pub(super) fn output<S: Simd, const N: usize, const M: usize>(s: S, a: [S::F; N]) -> [S::F; M] {
    let mut out = [s.zero(); M];
    if M == 2 {
        out[0] = s.add(s.add(a[0], a[1]), a[2]);
        out[1] = s.sub(s.sub(a[1], a[2]), a[3]);
        return out;
    }
    let sum12 = s.add(a[1], a[2]);
    let diff12 = s.sub(a[1], a[2]);
    let sum34 = s.add(a[3], a[4]);
    let diff34 = s.sub(a[3], a[4]);
    out[0] = s.add(s.add(a[0], sum12), sum34);
    out[1] = s.mul_add(s.splat(2.0), diff34, diff12);
    out[2] = s.mul_add(s.splat(4.0), sum34, sum12);
    out[3] = s.add(s.mul_add(s.splat(8.0), diff34, diff12), a[5]);
    out
}

/// The lanes of the `W` vectors interleaved (`a0 b0 .. a1 b1
/// ..`), as many vectors: a row of tiles' outputs, each tile's side by
/// side, from one vector per column of the tiles.
#[inline(always)]
pub(super) fn interleave<S: Simd, const W: usize>(s: S, a: [S::F; W]) -> [S::F; W] {
    let mut out = a;
    if W == 2 {
        (out[0], out[1]) = s.zip(a[0], a[1]);
    } else if W == 4 {
        // Columns 0 and 2, 1 and 3 first: then each pair of those holds
        // the four columns in order.
        let (even_lo, even_hi) = s.zip(a[0], a[2]);
        let (odd_lo, odd_hi) = s.zip(a[1], a[3]);
        (out[0], out[1]) = s.zip(even_lo, odd_lo);
        (out[2], out[3]) = s.zip(even_hi, odd_hi);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::simd::Portable;

    /// One tile through the kernel, input and output transforms equals
    /// the 3x3 correlation of its inputs.
    fn one_tile<const M: usize, const N: usize>() {
        let s = Portable;
        let n = M + 2;
        let g: Vec<f32> = (0..9).map(|i| ((i * 5 % 9) as f32 - 4.0) / 3.0).collect();
        let d: Vec<f32> = (0..n * n)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) / 4.0)
            .collect();
        let u = kernel::<M>(&g);
        // Bᵀ along each row, then down each column.
        let mut rows = [[s.zero(); N]; N];
        for (i, row) in rows.iter_mut().enumerate().take(n) {
            let mut a = [s.zero(); N];
            for (j, x) in a.iter_mut().enumerate() {
                *x = s.splat(d[i * n + j]);
            }
            *row = input::<Portable, N>(s, a);
        }
        let mut v = [[s.zero(); N]; N];
        for j in 0..n {
            let col = input::<Portable, N>(s, std::array::from_fn(|i| rows[i][j]));
            for i in 0..n {
                v[i][j] = s.mul(col[i], s.splat(u[i * n + j]));
            }
        }
        // Aᵀ down each column, then along each row.
        let mut a = [[s.zero(); N]; M];
        for j in 0..n {
            let col: [_; M] = output::<Portable, N, M>(s, v.map(|row| row[j]));
            for r in 0..M {
                a[r][j] = col[r];
            }
        }
        for (r, row) in a.iter().enumerate().take(M) {
            let y: [_; M] = output::<Portable, N, M>(s, *row);
            for (q, &yq) in y.iter().enumerate().take(M) {
                let mut want = 0.0f32;
                for i in 0..3 {
                    for j in 0..3 {
                        want += g[3 * i + j] * d[(r + i) * n + q + j];
                    }
                }
                let got = s.to_array(yq)[0];
                assert!(
                    (got - want).abs() < 1e-5,
                    "m={M} ({r}, {q}): {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn transforms_make_the_correlation() {
        one_tile::<2, 4>();
        one_tile::<4, 6>();
    }

    #[test]
    fn interleave_puts_each_tiles_outputs_side_by_side() {
        let s = Portable;
        check::<2>(s);
        check::<4>(s);
        fn check<const W: usize>(s: Portable) {
            let lanes = <Portable as Simd>::LANES;
            let cols: [_; W] = std::array::from_fn(|q| s.each_lane(|l| (l * W + q) as f32));
            for (k, v) in interleave::<Portable, W>(s, cols).iter().enumerate() {
                let v = s.to_array(*v);
                for (l, &x) in v.iter().enumerate().take(lanes) {
                    assert_eq!(x, (k * lanes + l) as f32, "{W} ways");
                }
            }
        }
    }
}
