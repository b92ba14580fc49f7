//! Element-wise activations, with PyTorch's definitions: `ReLU`, `ReLU6`,
//! `LeakyReLU(negative_slope)`, `ELU(alpha)`, `GELU` (exact erf form, or
//! the tanh approximation), `SiLU`, `Sigmoid`, `Tanh`. They keep the shape,
//! work in place, have no tensors, and pass NaN through as PyTorch does.
//!
//! ```
//! use cnn_runtime::{Batch, LeakyReLU, ReLU};
//! let x = Batch::<3>::from_vec(1, vec![-2.0, 0.0, 3.0]).unwrap();
//! assert_eq!(ReLU.forward(x.clone()).as_slice(), &[0.0, 0.0, 3.0]);
//! assert_eq!(LeakyReLU::new(0.1).forward(x).as_slice(), &[-0.2, 0.0, 3.0]);
//! ```

use crate::kernels::epilogue::Act;
use crate::kernels::isa::Isa;
use crate::kernels::math;
use crate::kernels::simd::{Simd, activate, activate_n, dispatch, vectorized};
use crate::module::Module;
use crate::tensor::Batch;
use crate::threads;

/// An element-wise function.
pub trait Elementwise: Sync {
    /// The function at one value.
    fn apply(&self, x: f32) -> f32;

    /// Applies the function to every value of `x`, vectorised for the CPU.
    fn apply_all(&self, x: &mut [f32]) {
        // Inlined into `map`'s loop, so that it is compiled for the CPU's
        // vectors (else a long function such as GELU's is called, and its
        // multiply-adds become library calls).
        map(
            x,
            #[inline(always)]
            |v| self.apply(v),
        );
    }
}

/// `x[i] = f(x[i])`, compiled for the widest vectors the CPU has, and
/// shared between threads when [`set_threads`](crate::set_threads) allows
/// and `x` is long enough to pay for it.
///
/// ```
/// let mut x = vec![-1.0, 2.0];
/// cnn_runtime::layers::activation::map(&mut x, |v| v * 10.0);
/// assert_eq!(x, [-10.0, 20.0]);
/// ```
pub fn map(x: &mut [f32], f: impl Fn(f32) -> f32 + Sync) {
    // About four multiply-adds' time a value: a load, the function, a
    // store (more for exp-based ones, which are most of the long passes).
    threads::for_each_chunk(x, 4, |part| {
        vectorized(
            #[inline(always)]
            || {
                // A loop rather than `for_each`, which is a function of its
                // own that a long `f` keeps from being inlined here.
                for v in part.iter_mut() {
                    *v = f(*v);
                }
            },
        )
    });
}

macro_rules! forward_in_place {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Applies the activation to a batch, in place.
            pub fn forward<const A: usize, const B: usize, const C: usize>(&self, mut x: Batch<A, B, C>) -> Batch<A, B, C> {
                self.apply_all(x.as_mut_slice());
                x
            }
        }
        impl Module for $ty {}
    )*};
}

/// `max(x, 0)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReLU;

/// `min(max(x, 0), 6)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReLU6;

/// `x` for `x >= 0`, else `negative_slope * x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyReLU {
    /// The slope for negative inputs (PyTorch's default 0.01).
    pub negative_slope: f32,
}

/// `x` for `x > 0`, else `alpha * (exp(x) - 1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ELU {
    /// The scale of the negative side, `alpha * (exp(x) - 1)`.
    pub alpha: f32,
}

/// `x * Phi(x)`; with `tanh`, PyTorch's `approximate='tanh'` form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GELU {
    /// Whether the `tanh` approximation is used instead of the exact erf form.
    pub tanh: bool,
}

/// `x * sigmoid(x)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SiLU;

/// `x * relu6(x + 3) / 6` (MobileNetV3's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hardswish;

/// `relu6(x + 3) / 6`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hardsigmoid;

/// `1 / (1 + exp(-x))`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sigmoid;

/// `tanh(x)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tanh;

impl LeakyReLU {
    /// A LeakyReLU with PyTorch's `negative_slope`.
    pub fn new(negative_slope: f32) -> Self {
        LeakyReLU { negative_slope }
    }
}

impl Default for LeakyReLU {
    /// PyTorch's default slope, 0.01.
    fn default() -> Self {
        LeakyReLU::new(0.01)
    }
}

impl ELU {
    /// An ELU with PyTorch's `alpha`.
    pub fn new(alpha: f32) -> Self {
        ELU { alpha }
    }
}

impl Default for ELU {
    fn default() -> Self {
        ELU::new(1.0)
    }
}

impl GELU {
    /// The exact GELU, or its `tanh` approximation (`approximate='tanh'`).
    pub fn new(tanh: bool) -> Self {
        GELU { tanh }
    }
}

impl Elementwise for LeakyReLU {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        Act::LeakyReLU(self.negative_slope).apply(x)
    }

    fn apply_all(&self, x: &mut [f32]) {
        map_act(x, Act::LeakyReLU(self.negative_slope));
    }
}

impl Elementwise for ELU {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        if x > 0.0 {
            x
        } else {
            self.alpha * math::expm1(x)
        }
    }
}

impl GELU {
    /// The tanh approximation, in f64.
    #[inline(always)]
    fn tanh_form(x: f32) -> f32 {
        let v = x as f64;
        let inner = (2.0 / std::f64::consts::PI).sqrt() * (v + 0.044715 * v * v * v);
        (0.5 * v * (1.0 + inner.tanh())) as f32
    }

    /// The exact form: within a few ULP, small negative values too, and
    /// vectorised (no call in it).
    #[inline(always)]
    fn erf_form(x: f32) -> f32 {
        x * math::normal_cdf(x)
    }
}

impl Elementwise for GELU {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        if self.tanh {
            Self::tanh_form(x)
        } else {
            Self::erf_form(x)
        }
    }

    fn apply_all(&self, x: &mut [f32]) {
        // One loop a form: the tanh form's call would keep the exact one's
        // loop from being vectorised.
        if self.tanh {
            map(x, Self::tanh_form);
        } else {
            map(x, Self::erf_form);
        }
    }
}

/// The activations that are also an epilogue's [`Act`]: their passes run
/// on whole vectors of the CPU's width (the compiler's own vectorisation of
/// the scalar form stops at 256 bits), with the very numbers of the scalar
/// form.
macro_rules! as_epilogue {
    ($($ty:ty => $f:path, $act:expr;)*) => {$(
        impl Elementwise for $ty {
            #[inline(always)]
            fn apply(&self, x: f32) -> f32 {
                $f(x)
            }

            fn apply_all(&self, x: &mut [f32]) {
                map_act(x, $act);
            }
        }
    )*};
}

/// `max(x, 0)`, NaN kept as PyTorch keeps it.
#[inline(always)]
fn relu(x: f32) -> f32 {
    Act::ReLU.apply(x)
}

/// `x.clamp(0, 6)`, NaN kept.
#[inline(always)]
fn relu6(x: f32) -> f32 {
    Act::ReLU6.apply(x)
}

as_epilogue! {
    ReLU => relu, Act::ReLU;
    ReLU6 => relu6, Act::ReLU6;
    SiLU => math::silu, Act::SiLU;
    Hardswish => math::hardswish, Act::Hardswish;
    Hardsigmoid => math::hardsigmoid, Act::Hardsigmoid;
    Sigmoid => math::sigmoid, Act::Sigmoid;
}

/// `x[i] = act(x[i])` on whole vectors, shared between threads as [`map`]
/// shares.
fn map_act(x: &mut [f32], act: Act) {
    threads::for_each_chunk(
        x,
        4,
        |part| dispatch!(Isa::detect(), s => act_on(s, part, act)),
    );
}

#[inline(always)]
fn act_on<S: Simd>(s: S, x: &mut [f32], act: Act) {
    // Four vectors at a time: an exp-based activation is a long chain of
    // dependent steps, and four chains side by side keep the vector units
    // busy where one leaves them waiting.
    let mut fours = x.chunks_exact_mut(4 * S::LANES);
    for v in &mut fours {
        let p = v.as_mut_ptr();
        // SAFETY: `v` holds exactly four vectors.
        unsafe {
            let mut a = [s.zero(); 4];
            for (i, a) in a.iter_mut().enumerate() {
                *a = s.load(p.add(i * S::LANES));
            }
            let y = activate_n(s, a, act);
            for (i, &y) in y.iter().enumerate() {
                s.store(p.add(i * S::LANES), y);
            }
        }
    }
    let mut vectors = fours.into_remainder().chunks_exact_mut(S::LANES);
    for v in &mut vectors {
        // SAFETY: `v` holds exactly one vector.
        unsafe { s.store(v.as_mut_ptr(), activate(s, s.load(v.as_ptr()), act)) };
    }
    let rest = vectors.into_remainder();
    let v = activate(s, s.load_first(rest), act);
    s.store_first(rest, v);
}

impl Elementwise for Tanh {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        math::tanh(x)
    }
}

forward_in_place!(
    ReLU,
    ReLU6,
    LeakyReLU,
    ELU,
    GELU,
    SiLU,
    Hardswish,
    Hardsigmoid,
    Sigmoid,
    Tanh
);

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole slice through the vector pass (four vectors at a time, then
    /// one, then the tail) gives each value's scalar result, bit for bit.
    #[test]
    fn passes_on_whole_vectors_match_the_scalar_form() {
        let xs: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) * 0.21).collect();
        fn check(f: &dyn Elementwise, xs: &[f32], name: &str) {
            for len in [0, 3, 16, 63, 64, 65, 1000] {
                let mut got = xs[..len].to_vec();
                f.apply_all(&mut got);
                for (x, y) in xs.iter().zip(&got) {
                    assert_eq!(y.to_bits(), f.apply(*x).to_bits(), "{name}({x})");
                }
            }
        }
        check(&SiLU, &xs, "silu");
        check(&Sigmoid, &xs, "sigmoid");
        check(&Hardswish, &xs, "hardswish");
        check(&Hardsigmoid, &xs, "hardsigmoid");
        check(&ReLU, &xs, "relu");
        check(&ReLU6, &xs, "relu6");
        check(&LeakyReLU::new(0.2), &xs, "leaky_relu");
        let mut nan = [f32::NAN, -0.0, 7.0, -1.0];
        ReLU6.apply_all(&mut nan);
        assert!(nan[0].is_nan() && nan[1].to_bits() == (-0.0f32).to_bits());
        assert_eq!(nan[2..], [6.0, 0.0]);
    }

    #[test]
    fn values_match_pytorch() {
        assert_eq!(ReLU6.apply(7.0), 6.0);
        // torch.nn.functional.hardswish / hardsigmoid at -4, -1.5, 0.5, 4
        for (x, swish, sigmoid) in [
            (-4.0f32, -0.0f32, 0.0f32),
            (-1.5, -0.375, 0.25),
            (0.5, 0.291_666_67, 0.583_333_3),
            (4.0, 4.0, 1.0),
        ] {
            assert!((Hardswish.apply(x) - swish).abs() < 1e-7, "hardswish({x})");
            assert!(
                (Hardsigmoid.apply(x) - sigmoid).abs() < 1e-7,
                "hardsigmoid({x})"
            );
        }
        assert_eq!(ReLU6.apply(-1.0), 0.0);
        assert!((ELU::new(1.0).apply(-1.0) - (-0.632_120_56)).abs() < 1e-7);
        // torch.nn.functional.gelu(torch.tensor([1.0, -0.5]))
        assert!((GELU::new(false).apply(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((GELU::new(false).apply(-0.5) - (-0.154_268_63)).abs() < 1e-6);
        // approximate='tanh'
        assert!((GELU::new(true).apply(1.0) - 0.841_192).abs() < 1e-6);
        assert!((SiLU.apply(1.0) - 0.731_058_6).abs() < 1e-6);
        assert!((Sigmoid.apply(-100.0)).abs() < 1e-30);
        assert_eq!(Sigmoid.apply(100.0), 1.0);
        assert_eq!(LeakyReLU::default().apply(-1.0), -0.01);
    }

    /// The exact GELU, vectorised over a slice and one value at a time,
    /// against its definition in f64: within a few ULP from -20 to 20,
    /// tiny negative outputs included; infinities as the definition gives.
    #[test]
    fn gelu_matches_its_definition() {
        let xs: Vec<f32> = (-4000..=4000).map(|i| i as f32 / 200.0).collect();
        let mut all = xs.clone();
        GELU::new(false).apply_all(&mut all);
        for (&x, &y) in xs.iter().zip(&all) {
            let v = x as f64;
            let want = 0.5 * v * libm::erfc(-v * std::f64::consts::FRAC_1_SQRT_2);
            // Below -12.7 the exact value is below 1e-35 and GELU gives 0.
            let ulp = ((want.abs() as f32) * f32::EPSILON).max(1e-35) as f64;
            assert!(
                (y as f64 - want).abs() <= 8.0 * ulp,
                "gelu({x}) = {y} vs {want}"
            );
            assert_eq!(y.to_bits(), GELU::new(false).apply(x).to_bits());
        }
        assert_eq!(GELU::new(false).apply(f32::INFINITY), f32::INFINITY);
    }

    #[test]
    fn nan_passes_through() {
        let acts: [&dyn Elementwise; 8] = [
            &ReLU,
            &ReLU6,
            &LeakyReLU::new(0.1),
            &ELU::new(1.0),
            &GELU::new(false),
            &SiLU,
            &Sigmoid,
            &Tanh,
        ];
        for a in acts {
            assert!(a.apply(f32::NAN).is_nan());
        }
    }
}
