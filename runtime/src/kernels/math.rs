//! Vectorisable `exp`, `expm1`, `tanh`, `sigmoid` and the normal distribution function for f32: branch-free,
//! so the compiler turns a loop over a slice into SIMD, where the C
//! library's functions go one value at a time.
//!
//! `exp` reduces `x = n ln 2 + r` with `|r| <= ln 2 / 2` (ln 2 split in two
//! parts, so `r` is exact) and sums the Taylor series of `e^r` to the 7th
//! power (truncation below 3e-9 relative). `expm1` uses the series of
//! `e^y - 1` itself where `|y|` is small, so it keeps its relative accuracy
//! near 0. `tanh` is a rational function of `x^2`, one division and no
//! exp. The results are within a few ULP of the exact values (tested
//! against f64).

pub(crate) const LOG2E: f32 = std::f32::consts::LOG2_E;
/// ln 2 in two parts: the first has 8 bits, so `n * LN2_HI` is exact.
pub(crate) const LN2_HI: f32 = 0.693_359_4;
pub(crate) const LN2_LO: f32 = -2.121_944_4e-4;
/// Adding and subtracting 1.5 * 2^23 rounds to the nearest integer.
pub(crate) const ROUND: f32 = 12_582_912.0;

/// `1 / n!` for `n` in `0..=9`: the Taylor coefficients of `e^x`.
pub(crate) const INV_FACTORIAL: [f32; 10] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362_880.0,
];

/// `c[0] + x (c[1] + x (c[2] + ...))` over the first `N` coefficients, with
/// fused multiply-adds: one instruction a term where the caller is compiled
/// with FMA (the kernels' vectorised loops are), else the C library's
/// `fmaf`.
#[inline(always)]
fn horner<const N: usize>(x: f32, c: &[f32]) -> f32 {
    let c = &c[..N];
    let (last, rest) = c.split_last().expect("a polynomial has a coefficient");
    rest.iter().rev().fold(*last, |acc, &ci| acc.mul_add(x, ci))
}

/// Above this `e^x` overflows f32: infinity.
pub(crate) const EXP_BIG: f32 = 88.722_84;
/// Below this `e^x` would turn subnormal: 0.
pub(crate) const EXP_TINY: f32 = -87.3;
/// The largest argument the reduction takes.
pub(crate) const EXP_TOP: f32 = 88.37;

/// `e^x`: infinity above 88.72 (where f32 overflows), 0 below -87.3 (where
/// it would turn subnormal); NaN stays NaN. (`simd::exp_fused` computes the
/// same, operation for operation, on vectors.)
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let big = x > EXP_BIG;
    let tiny = x < EXP_TINY;
    let x = x.clamp(EXP_TINY, EXP_TOP);
    let rounded = x.mul_add(LOG2E, ROUND);
    let n = rounded - ROUND;
    let r = n.mul_add(-LN2_LO, n.mul_add(-LN2_HI, x));
    let p = horner::<8>(r, &INV_FACTORIAL);
    // 2^n from its exponent bits; n is in -126..=127 after the clamp. The
    // low bits of `rounded` are n itself (its ulp is 1); reading them there
    // keeps the loop vectorised, where `n as i32` (a saturating cast) is
    // done one lane at a time.
    let bits = rounded.to_bits().wrapping_sub(ROUND.to_bits());
    let scale = f32::from_bits(bits.wrapping_add(127) << 23);
    let v = p * scale;
    if big {
        f32::INFINITY
    } else if tiny {
        0.0
    } else {
        v
    }
}

/// `e^y - 1`, accurate near 0.
#[inline(always)]
pub fn expm1(y: f32) -> f32 {
    // |y| < 0.5: the series of e^y - 1 to y^9 (truncation below 3e-9 relative).
    let small = y * horner::<9>(y, &INV_FACTORIAL[1..]);
    let large = exp(y) - 1.0;
    if y.abs() < 0.5 { small } else { large }
}

/// `tanh(x) / x` as `P(x^2) / Q(x^2)`: a rational fit over `[0, 9]` by
/// iteratively reweighted least squares (relative error below 2e-9 in
/// exact arithmetic; in f32 within 3.3e-7 of tanh, and mostly exact).
const TANH_P: [f32; 6] = [
    1.0,
    0.136_808_6,
    0.003_869_512_1,
    2.803_139_6e-5,
    3.064_272_7e-8,
    -1.224_638_8e-11,
];
const TANH_Q: [f32; 5] = [1.0, 0.470_141_92, 0.027_250_173, 3.940_721e-4, 1.289_041e-6];

/// `tanh(x) = x P(x^2) / Q(x^2)`: one polynomial pair and a division, where
/// an exp-based form needs both an exp and a series for small `x`.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    // Beyond 9, tanh is 1 in f32; the clamp also keeps the powers finite.
    // (`min` would turn NaN into 9.)
    let a = if x.abs() > 9.0 { 9.0 } else { x.abs() };
    let t = a * a;
    let v = a * (horner::<6>(t, &TANH_P) / horner::<5>(t, &TANH_Q));
    // 1 beyond the clamp (the fit gives 1 - 1 ULP at 9), and never above
    // 1 (it may round a hair over near 9); NaN fails both tests and stays.
    let v = if x.abs() > 9.0 || v > 1.0 { 1.0 } else { v };
    // copysign keeps -0.0 and NaN's sign too.
    v.copysign(x)
}

/// `erf(z) / z` near 0 as a polynomial in `z^2`: a least-squares fit over
/// Chebyshev points of `[0, 1]` (relative error below 2e-7).
const ERF_NEAR: [f32; 7] = [
    std::f32::consts::FRAC_2_SQRT_PI,
    -0.3761263,
    0.112836346,
    -0.02685607,
    0.005192958,
    -8.053751e-4,
    8.006874e-5,
];

/// `erfc(a) e^(a^2) a` as a polynomial in `1 / a`, for `a >= 1`: fitted
/// likewise over `a` in `[1, 12]` (relative error below 1e-6).
const ERFC_FAR: [f32; 10] = [
    0.56420743,
    -6.748948e-4,
    -0.27157003,
    -0.08900048,
    0.87049603,
    -1.3473366,
    1.0902157,
    -0.48210877,
    0.09555397,
    -0.0021984843,
];

/// `|x|` past which the lower tail is 0: beyond it the tail would be
/// subnormal (below 1e-37), which costs x86 a slow path per value.
const TAIL_END: f32 = 12.7;

/// The standard normal distribution's `P(X <= x) = (1 + erf(x / sqrt 2))
/// / 2`, GELU's factor: within a few ULP of the exact value in the lower
/// tail too, where it is the small `erfc(-x / sqrt 2) / 2` (no cancellation
/// of `1 + erf` near -1, and `x^2 / 2` kept exact), down to `x = -12.7`,
/// and 0 below. NaN stays NaN.
#[inline(always)]
pub fn normal_cdf(x: f32) -> f32 {
    let z = x * std::f32::consts::FRAC_1_SQRT_2;
    let near = 0.5 + 0.5 * z * horner::<7>(z * z, &ERF_NEAR);
    // erfc(a) = e^(-a^2) R(1/a) / a, with a^2 = x^2 / 2 as its f32 value
    // and the rounding error of it, so that the exponent is exact. Every
    // lane computes both forms: the far one from a clamped |x|, so that no
    // lane meets an infinity or a subnormal on the way.
    // (NaN stays NaN through both forms: `clamp` keeps it.)
    let a = x.abs();
    let t = a.clamp(std::f32::consts::SQRT_2, TAIL_END);
    let v = std::f32::consts::SQRT_2 / t;
    let square = t * t;
    let error = 0.5 * t.mul_add(t, -square);
    let tail = 0.5 * exp(-0.5 * square) * (1.0 - error) * v * horner::<10>(v, &ERFC_FAR);
    let tail = if a > TAIL_END { 0.0 } else { tail };
    let far = if x > 0.0 { 1.0 - tail } else { tail };
    if a < std::f32::consts::SQRT_2 {
        near
    } else {
        far
    }
}

/// `1 / (1 + e^-x)`.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// `x / (1 + e^-x)`: SiLU (swish).
#[inline(always)]
pub fn silu(x: f32) -> f32 {
    x / (1.0 + exp(-x))
}

/// `relu6(x + 3) / 6`.
#[inline(always)]
pub fn hardsigmoid(x: f32) -> f32 {
    (x + 3.0).clamp(0.0, 6.0) / 6.0
}

/// `x * relu6(x + 3) / 6` in PyTorch's order: the product, then the
/// division.
#[inline(always)]
pub fn hardswish(x: f32) -> f32 {
    x * (x + 3.0).clamp(0.0, 6.0) / 6.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<f32> {
        let mut xs: Vec<f32> = (-4000..=4000).map(|i| i as f32 / 200.0).collect();
        xs.extend([
            1e-8, -1e-8, 1e-4, -3e-4, 0.4999, 0.5, 0.5001, 9.5, -30.0, 80.0, -80.0, 0.0, -0.0,
        ]);
        xs
    }

    fn ulps(a: f32, b: f64) -> f64 {
        let b32 = b as f32;
        if a == b32 {
            return 0.0;
        }
        let ulp = (b32.abs() * f32::EPSILON).max(f32::MIN_POSITIVE) as f64;
        (a as f64 - b).abs() / ulp
    }

    #[test]
    fn normal_cdf_within_a_few_ulp() {
        let mut xs = samples();
        // Around |z| = 1, where the two approximations meet.
        let root2 = std::f32::consts::SQRT_2;
        xs.extend([
            root2.next_down(),
            root2,
            -root2,
            12.7,
            -12.7,
            -12.71,
            13.0,
            -13.0,
            -14.0,
        ]);
        for x in xs {
            let want = 0.5 * libm::erfc(-(x as f64) * std::f64::consts::FRAC_1_SQRT_2);
            let got = normal_cdf(x);
            if x >= -TAIL_END {
                assert!(ulps(got, want) < 8.0, "normal_cdf({x}) = {got} vs {want}");
            } else {
                assert_eq!(got, 0.0, "normal_cdf({x}) vs {want}");
            }
        }
        assert_eq!(normal_cdf(f32::INFINITY), 1.0);
        assert_eq!(normal_cdf(f32::NEG_INFINITY), 0.0);
        assert!(normal_cdf(f32::NAN).is_nan());
    }

    #[test]
    fn within_a_few_ulp_of_the_exact_values() {
        for x in samples() {
            let xd = x as f64;
            assert!(
                ulps(exp(x), xd.exp()) < 3.0,
                "exp({x}) = {} vs {}",
                exp(x),
                xd.exp()
            );
            assert!(
                ulps(expm1(x), xd.exp_m1()) < 4.0,
                "expm1({x}) = {} vs {}",
                expm1(x),
                xd.exp_m1()
            );
            assert!(
                ulps(tanh(x), xd.tanh()) < 4.0,
                "tanh({x}) = {} vs {}",
                tanh(x),
                xd.tanh()
            );
            let s = 1.0 / (1.0 + (-xd).exp());
            assert!(
                ulps(sigmoid(x), s) < 4.0,
                "sigmoid({x}) = {} vs {s}",
                sigmoid(x)
            );
        }
    }

    #[test]
    fn edges() {
        assert!(exp(f32::NAN).is_nan() && tanh(f32::NAN).is_nan() && sigmoid(f32::NAN).is_nan());
        assert_eq!(tanh(100.0), 1.0);
        assert_eq!(tanh(-100.0), -1.0);
        assert_eq!(sigmoid(-200.0), 0.0);
        assert_eq!(sigmoid(200.0), 1.0);
        assert_eq!(exp(1000.0), f32::INFINITY);
        assert_eq!(exp(-1000.0), 0.0);
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f32).to_bits());
    }
}
