//! One small vector abstraction over the instruction sets, so that each
//! kernel is written once and compiled for every width: AVX-512 (16
//! lanes), AVX2 with FMA (8), NEON (4) and a portable fallback (4 lanes of
//! plain Rust the compiler vectorises for the target's baseline).
//!
//! A kernel is a generic function over [`Simd`], marked
//! `#[inline(always)]`, and is entered through `dispatch!`, which picks
//! the token of an instruction set this CPU runs and runs the kernel inside
//! a function compiled with that set's target features, so every vector
//! operation inlines to its instruction.
//!
//! Tokens (`Avx512`, `Avx2`, `Neon`, [`Portable`]) can only be made
//! where the CPU runs their instruction set ([`Token::of`]), so holding one
//! is the proof the vector operations need: they are safe to call, apart
//! from the pointer loads and stores.

#[cfg(target_arch = "aarch64")]
mod neon;
mod portable;
#[cfg(target_arch = "x86_64")]
pub(crate) mod transpose;
#[cfg(target_arch = "x86_64")]
mod x86;

#[cfg(target_arch = "aarch64")]
pub use neon::Neon;
pub use portable::Portable;
#[cfg(target_arch = "x86_64")]
pub use x86::{Avx2, Avx512};

use super::epilogue::Act;
use super::isa::Isa;
use super::math;

/// Vectors of `f32` of one instruction set, and what the kernels do with
/// them. Every method is `#[inline(always)]` in every implementation.
pub trait Simd: Copy + Send + Sync + 'static {
    /// Lanes of a vector.
    const LANES: usize;
    /// Whether [`Simd::mul_add`] is one fused operation (one rounding), as
    /// `f32::mul_add` is.
    const FUSED: bool;
    /// A vector of `LANES` values.
    type F: Copy;

    /// The instruction set of this token.
    fn isa(self) -> Isa;
    /// Runs `f` inside a function compiled with this instruction set's
    /// target features. `f` and what it calls must be `#[inline(always)]`
    /// to be compiled with them.
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R;
    /// As [`Simd::vectorize`], in a function of its own that is never
    /// inlined: for a hot loop, so that its registers are allocated for
    /// it alone (inlined into a large kernel, LLVM may keep a value of
    /// the kernel's in a register the loop needs, and spill an
    /// accumulator on every iteration instead).
    fn isolate<R>(self, f: impl FnOnce() -> R) -> R;

    fn splat(self, x: f32) -> Self::F;
    #[inline(always)]
    fn zero(self) -> Self::F {
        self.splat(0.0)
    }
    /// `LANES` values from `p`.
    ///
    /// # Safety
    /// `p..p + LANES` must be readable.
    unsafe fn load(self, p: *const f32) -> Self::F;
    /// Stores `LANES` values at `p`.
    ///
    /// # Safety
    /// `p..p + LANES` must be writable.
    unsafe fn store(self, p: *mut f32, v: Self::F);
    /// Asks for the cache line holding `p` to be brought into the
    /// second-level cache, ahead of its use: a hint that never faults,
    /// whatever `p` points at, and does nothing where the instruction set
    /// has no such hint.
    #[inline(always)]
    fn prefetch(self, p: *const f32) {
        let _ = p;
    }
    fn add(self, a: Self::F, b: Self::F) -> Self::F;
    fn sub(self, a: Self::F, b: Self::F) -> Self::F;
    fn mul(self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b + c`, fused where the instruction set has it.
    fn mul_add(self, a: Self::F, b: Self::F, c: Self::F) -> Self::F;
    /// Lane by lane, `x` where `a < b` and `y` elsewhere (also where either
    /// is NaN).
    fn select_lt(self, a: Self::F, b: Self::F, x: Self::F, y: Self::F) -> Self::F;
    /// Lane by lane, `a` where `a > b` or `a` is NaN, else `b`: the larger,
    /// with a NaN on either side kept (as PyTorch's max pooling does).
    fn max_nan(self, a: Self::F, b: Self::F) -> Self::F;
    /// `a / b`, lane by lane (correctly rounded, as `/` is).
    #[inline(always)]
    fn div(self, a: Self::F, b: Self::F) -> Self::F {
        let (a, b) = (self.to_array(a), self.to_array(b));
        self.each_lane(|l| a[l] / b[l])
    }
    /// `2^n` for lanes holding whole numbers `n` in `-126..=127`.
    #[inline(always)]
    fn pow2i(self, n: Self::F) -> Self::F {
        let n = self.to_array(n);
        self.each_lane(|l| f32::from_bits(((n[l] as i32 + 127) as u32) << 23))
    }
    /// `e^x` lane by lane, bit for bit as [`math::exp`] gives it: on whole
    /// vectors where multiply-adds are fused, as `math::exp`'s are
    /// ([`exp_fused`]), else one lane at a time.
    #[inline(always)]
    fn exp(self, x: Self::F) -> Self::F {
        if Self::FUSED {
            exp_fused(self, [x])[0]
        } else {
            let x = self.to_array(x);
            self.each_lane(|l| math::exp(x[l]))
        }
    }
    /// The vector of `f(lane)` for each lane.
    #[inline(always)]
    fn each_lane(self, f: impl Fn(usize) -> f32) -> Self::F {
        let lanes: [f32; 16] = std::array::from_fn(|l| if l < Self::LANES { f(l) } else { 0.0 });
        // SAFETY: `lanes` holds 16 >= LANES values.
        unsafe { self.load(lanes.as_ptr()) }
    }

    /// The sum of the lanes (in a fixed order of the instruction set's: a
    /// tree of pairs, not left to right).
    #[inline(always)]
    fn sum(self, v: Self::F) -> f32 {
        let lanes = self.to_array(v);
        let mut n = Self::LANES;
        let mut t = lanes;
        while n > 1 {
            n /= 2;
            for i in 0..n {
                t[i] += t[i + n];
            }
        }
        t[0]
    }

    /// The lanes of `a` and `b` interleaved: `a0 b0 a1 b1 ...`, the first
    /// `LANES` of them and the rest.
    fn zip(self, a: Self::F, b: Self::F) -> (Self::F, Self::F);

    /// The even lanes of `a` then `b`, and the odd ones: the inverse of
    /// [`Simd::zip`].
    fn unzip(self, a: Self::F, b: Self::F) -> (Self::F, Self::F);

    /// Lane `l < n` of the result is lane `idx[l]` of `v`, zero beyond
    /// (`n <= LANES`, every `idx[l] < LANES` for `l < n`): lanes picked and
    /// put in order in registers.
    #[inline(always)]
    fn permute(self, v: Self::F, idx: &[i32; 16], n: usize) -> Self::F {
        let values = self.to_array(v);
        let mut buf = [0.0f32; 16];
        for (b, &i) in buf.iter_mut().zip(idx).take(n.min(Self::LANES)) {
            *b = values[i as usize % Self::LANES];
        }
        // SAFETY: `buf` holds 16 >= LANES values.
        unsafe { self.load(buf.as_ptr()) }
    }

    /// Lanes `from..to` (of `LANES`) from `p + lane`, zero in the others:
    /// a row's values where a vector reaches past its ends.
    ///
    /// # Safety
    /// `p + l` must be readable for every `l` in `from..to.min(LANES)`
    /// (`p` itself may point outside the row).
    #[inline(always)]
    unsafe fn load_lanes(self, p: *const f32, from: usize, to: usize) -> Self::F {
        let mut buf = [0.0f32; 16];
        for (l, v) in buf
            .iter_mut()
            .enumerate()
            .take(to.min(Self::LANES))
            .skip(from)
        {
            // SAFETY: the caller's promise.
            *v = unsafe { *p.wrapping_add(l) };
        }
        // SAFETY: `buf` holds 16 >= LANES values.
        unsafe { self.load(buf.as_ptr()) }
    }

    /// Stores lanes `from..to` (of `LANES`) of `v` to `p + lane`, leaving
    /// the memory of the others alone: values that start mid-vector
    /// written where a row wants them.
    ///
    /// # Safety
    /// `p + l` must be writable for every `l` in `from..to.min(LANES)`
    /// (`p` itself may point outside the row).
    #[inline(always)]
    unsafe fn store_lanes(self, p: *mut f32, v: Self::F, from: usize, to: usize) {
        let values = self.to_array(v);
        for (l, &x) in values
            .iter()
            .enumerate()
            .take(to.min(Self::LANES))
            .skip(from)
        {
            // SAFETY: the caller's promise.
            unsafe { *p.wrapping_add(l) = x };
        }
    }

    /// Lanes `N..` of `a` and then the first `N` lanes of `b`: the vector
    /// that starts `N` values on from `a` where `b` follows `a` in memory,
    /// made in registers (an unaligned load there would cross cache lines).
    #[inline(always)]
    fn shift_in<const N: usize>(self, a: Self::F, b: Self::F) -> Self::F {
        let (a, b) = (self.to_array(a), self.to_array(b));
        self.each_lane(|k| {
            if k + N < Self::LANES {
                a[k + N]
            } else {
                b[k + N - Self::LANES]
            }
        })
    }

    /// The first `s.len()` lanes from `s` (at most `LANES`), zero beyond.
    #[inline(always)]
    fn load_first(self, s: &[f32]) -> Self::F {
        if s.len() >= Self::LANES {
            // SAFETY: `s` holds a whole vector.
            return unsafe { self.load(s.as_ptr()) };
        }
        let mut buf = [0.0f32; 16];
        let n = s.len().min(Self::LANES);
        buf[..n].copy_from_slice(&s[..n]);
        // SAFETY: `buf` holds 16 >= LANES values.
        unsafe { self.load(buf.as_ptr()) }
    }
    /// Stores the first `d.len()` lanes (at most `LANES`) into `d`.
    #[inline(always)]
    fn store_first(self, d: &mut [f32], v: Self::F) {
        if d.len() >= Self::LANES {
            // SAFETY: `d` holds a whole vector.
            return unsafe { self.store(d.as_mut_ptr(), v) };
        }
        let mut buf = [0.0f32; 16];
        // SAFETY: `buf` holds 16 >= LANES values.
        unsafe { self.store(buf.as_mut_ptr(), v) };
        let n = d.len().min(Self::LANES);
        d[..n].copy_from_slice(&buf[..n]);
    }
    /// The transpose of the square block `rows[..LANES]`: lane `j` of the
    /// result's vector `c` is lane `c` of `rows[j]` (the arrays are as long
    /// as the widest vector has lanes; the rest of the result is zero).
    #[inline(always)]
    fn transpose(self, rows: &[Self::F; 16]) -> [Self::F; 16] {
        let n = Self::LANES;
        let mut buf = [0.0f32; 256];
        for (j, &r) in rows.iter().enumerate().take(n) {
            // SAFETY: row `j` of `buf` holds 16 >= LANES values.
            unsafe { self.store(buf.as_mut_ptr().add(16 * j), r) };
        }
        let mut out = [self.zero(); 16];
        let mut column = [0.0f32; 16];
        for (c, o) in out.iter_mut().enumerate().take(n) {
            for (j, v) in column.iter_mut().enumerate().take(n) {
                *v = buf[16 * j + c];
            }
            // SAFETY: `column` holds 16 >= LANES values.
            *o = unsafe { self.load(column.as_ptr()) };
        }
        out
    }
    /// The lanes as an array (`LANES` values, the rest zero).
    #[inline(always)]
    fn to_array(self, v: Self::F) -> [f32; 16] {
        let mut buf = [0.0f32; 16];
        // SAFETY: `buf` holds 16 >= LANES values.
        unsafe { self.store(buf.as_mut_ptr(), v) };
        buf
    }
}

/// Splits `src` into its even values (`even[q] = src[2q]`) and its odd
/// ones (`odd[q] = src[2q + 1]`), as many as each holds, a pair of vectors
/// at a time: the phases of a stride-2 row (`odd` one shorter where the
/// row's length is odd).
///
/// # Panics
/// When `src` holds fewer than `2 * even.len() - 1` or `2 * odd.len()`
/// values.
#[inline(always)]
pub fn unzip_row<S: Simd>(s: S, src: &[f32], even: &mut [f32], odd: &mut [f32]) {
    assert!(
        2 * even.len() <= src.len() + 1 && 2 * odd.len() <= src.len(),
        "unzip_row: too short"
    );
    let n = even.len().min(odd.len());
    let mut q = 0;
    while q + S::LANES <= n {
        // SAFETY: `2 * (q + LANES) <= 2 * n <= src.len()`, and
        // `q + LANES <= n` for both outputs (asserted).
        unsafe {
            let at = src.as_ptr().add(2 * q);
            let (e, o) = s.unzip(s.load(at), s.load(at.add(S::LANES)));
            s.store(even.as_mut_ptr().add(q), e);
            s.store(odd.as_mut_ptr().add(q), o);
        }
        q += S::LANES;
    }
    // The rest a vector at a time too, loads and stores masked.
    while q < even.len().max(odd.len()) {
        let at = (2 * q + S::LANES).min(src.len());
        let (e, o) = s.unzip(s.load_first(&src[2 * q..]), s.load_first(&src[at..]));
        if q < even.len() {
            s.store_first(&mut even[q..], e);
        }
        if q < odd.len() {
            s.store_first(&mut odd[q..], o);
        }
        q += S::LANES;
    }
}

/// The activation of every lane, as [`Act::apply`] gives it for each value
/// (NaN stays NaN, and a negative zero stays negative).
#[inline(always)]
pub fn activate<S: Simd>(s: S, v: S::F, act: Act) -> S::F {
    activate_n(s, [v], act)[0]
}

/// [`activate`] on `N` vectors at once, each the same as alone: for loops
/// over many values, where the `N` independent chains of an exp-based
/// activation overlap. (Plain loops over the vectors, not closures: a
/// closure is not compiled with the instruction set's features.)
#[inline(always)]
pub fn activate_n<S: Simd, const N: usize>(s: S, mut v: [S::F; N], act: Act) -> [S::F; N] {
    let one = s.splat(1.0);
    match act {
        Act::SiLU | Act::Sigmoid => {
            let mut e = v;
            for e in &mut e {
                *e = s.mul(*e, s.splat(-1.0));
            }
            let e = exp_n(s, e);
            for (v, e) in v.iter_mut().zip(e) {
                let num = if act == Act::SiLU { *v } else { one };
                *v = s.div(num, s.add(one, e));
            }
        }
        _ => {
            for v in &mut v {
                *v = piecewise(s, *v, act);
            }
        }
    }
    v
}

/// The activations made of comparisons and a few products (all but the
/// exp-based ones, which this leaves alone) of one vector.
#[inline(always)]
fn piecewise<S: Simd>(s: S, v: S::F, act: Act) -> S::F {
    match act {
        Act::ReLU => relu(s, v),
        Act::ReLU6 => relu6(s, v),
        Act::LeakyReLU(slope) => s.select_lt(v, s.zero(), s.mul(v, s.splat(slope)), v),
        Act::Hardsigmoid => s.div(relu6(s, s.add(v, s.splat(3.0))), s.splat(6.0)),
        Act::Hardswish => s.div(s.mul(v, relu6(s, s.add(v, s.splat(3.0)))), s.splat(6.0)),
        Act::None | Act::SiLU | Act::Sigmoid => v,
    }
}

/// [`activate`] on `R` rows of `V` vectors, the activation chosen once
/// for them all: a tile's epilogue that chose it per row took a jump
/// through a table per row and kept the tile in memory between them
/// (a GEMM of depth 32 ran at 0.7 of its depth-256 rate).
///
/// The tile must stay in registers on the common paths: any arm that
/// walks it in a loop the compiler does not unroll keeps the whole tile
/// in memory on every path, stored after the last step of `k` and loaded
/// again. So every arm walks rows and vectors by constant bounds or
/// indices (a flattened walk, and a loop over rows of exp-based
/// activations, were not unrolled). With AVX-512 (AMD Zen 4) the GEMM of
/// depth 16 ran 1.12x, of depth 24 1.08x, of depth 32 1.06-1.12x; its
/// depth-400 products even.
#[inline(always)]
pub fn activate_rows<S: Simd, const R: usize, const V: usize>(
    s: S,
    mut v: [[S::F; V]; R],
    act: Act,
) -> [[S::F; V]; R] {
    // Each arm walks the tile by constant bounds, one activation each.
    macro_rules! each {
        ($x:ident => $e:expr) => {
            for row in v.iter_mut() {
                for $x in row.iter_mut() {
                    *$x = $e;
                }
            }
        };
    }
    match act {
        Act::None => {}
        Act::ReLU => each!(x => relu(s, *x)),
        Act::ReLU6 => each!(x => relu6(s, *x)),
        Act::LeakyReLU(slope) => each!(x => piecewise(s, *x, Act::LeakyReLU(slope))),
        Act::Hardsigmoid => each!(x => piecewise(s, *x, Act::Hardsigmoid)),
        Act::Hardswish => each!(x => piecewise(s, *x, Act::Hardswish)),
        Act::SiLU | Act::Sigmoid => {
            // Row by row (the chains of a row's vectors side by side),
            // each row by a constant index: up to eight rows, a tile's.
            macro_rules! rows {
                ($($i:literal)*) => {
                    $(
                        if $i < R {
                            v[$i] = activate_n(s, v[$i], act);
                        }
                    )*
                };
            }
            rows!(0 1 2 3 4 5 6 7);
            for row in v.iter_mut().skip(8) {
                *row = activate_n(s, *row, act);
            }
        }
    }
    v
}

/// `max(x, 0)` lane by lane as [`Act::apply`] gives it (NaN stays NaN,
/// -0 stays -0).
#[inline(always)]
fn relu<S: Simd>(s: S, v: S::F) -> S::F {
    let zero = s.zero();
    s.select_lt(v, zero, zero, v)
}

/// `x.clamp(0, 6)` lane by lane (NaN stays NaN, -0 stays -0).
#[inline(always)]
fn relu6<S: Simd>(s: S, v: S::F) -> S::F {
    clamp(s, v, 0.0, 6.0)
}

/// `x.clamp(lo, hi)` lane by lane, as `f32::clamp` gives it.
#[inline(always)]
fn clamp<S: Simd>(s: S, v: S::F, lo: f32, hi: f32) -> S::F {
    let (lo, hi) = (s.splat(lo), s.splat(hi));
    let v = s.select_lt(v, lo, lo, v);
    s.select_lt(hi, v, hi, v)
}

/// [`Simd::exp`] of `N` vectors, step by step side by side.
#[inline(always)]
fn exp_n<S: Simd, const N: usize>(s: S, mut x: [S::F; N]) -> [S::F; N] {
    if S::FUSED {
        exp_fused(s, x)
    } else {
        for x in &mut x {
            *x = s.exp(*x);
        }
        x
    }
}

/// [`math::exp`] on `N` whole vectors, operation for operation (its
/// multiply-adds fused, its other products and sums not), so bit for bit
/// the same where the instruction set fuses multiply-adds.
#[inline(always)]
pub fn exp_fused<S: Simd, const N: usize>(s: S, x: [S::F; N]) -> [S::F; N] {
    let (mut n, mut r) = (x, x);
    for i in 0..N {
        let c = clamp(s, x[i], math::EXP_TINY, math::EXP_TOP);
        let rounded = s.mul_add(c, s.splat(math::LOG2E), s.splat(math::ROUND));
        n[i] = s.sub(rounded, s.splat(math::ROUND));
        r[i] = s.mul_add(
            n[i],
            s.splat(-math::LN2_LO),
            s.mul_add(n[i], s.splat(-math::LN2_HI), c),
        );
    }
    let mut p = [s.splat(math::INV_FACTORIAL[7]); N];
    for &ci in math::INV_FACTORIAL[..7].iter().rev() {
        for i in 0..N {
            p[i] = s.mul_add(p[i], r[i], s.splat(ci));
        }
    }
    let mut y = x;
    for i in 0..N {
        let v = s.mul(p[i], s.pow2i(n[i]));
        let v = s.select_lt(x[i], s.splat(math::EXP_TINY), s.zero(), v);
        y[i] = s.select_lt(s.splat(math::EXP_BIG), x[i], s.splat(f32::INFINITY), v);
    }
    y
}

/// The token of one instruction set, made only where the CPU runs it.
#[derive(Clone, Copy, Debug)]
pub enum Token {
    Portable(Portable),
    #[cfg(target_arch = "aarch64")]
    Neon(Neon),
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
    #[cfg(target_arch = "x86_64")]
    Avx512(Avx512),
}

impl Token {
    /// The token of `isa`, or of the best instruction set below it that the
    /// CPU runs (so a kernel asked for a set the CPU lacks runs a narrower
    /// one, never an illegal instruction).
    #[inline(always)]
    pub fn of(isa: Isa) -> Token {
        match isa {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => match Avx512::new() {
                Some(t) => Token::Avx512(t),
                None => Token::of(Isa::Avx2),
            },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => match Avx2::new() {
                Some(t) => Token::Avx2(t),
                None => Token::Portable(Portable),
            },
            #[cfg(target_arch = "aarch64")]
            Isa::Neon | Isa::Avx2 | Isa::Avx512 => match Neon::new() {
                Some(t) => Token::Neon(t),
                None => Token::Portable(Portable),
            },
            _ => Token::Portable(Portable),
        }
    }
}

/// Runs `$body` with `$s` bound to the token of `$isa` (see [`Token::of`]),
/// compiled for that instruction set: `dispatch!(isa, s => kernel(s, x))`.
macro_rules! dispatch {
    ($isa:expr, $s:ident => $body:expr) => {{
        use $crate::kernels::simd::{Simd as _, Token};
        match Token::of($isa) {
            Token::Portable($s) => $s.vectorize(
                #[inline(always)]
                || $body,
            ),
            #[cfg(target_arch = "aarch64")]
            Token::Neon($s) => $s.vectorize(
                #[inline(always)]
                || $body,
            ),
            #[cfg(target_arch = "x86_64")]
            Token::Avx2($s) => $s.vectorize(
                #[inline(always)]
                || $body,
            ),
            #[cfg(target_arch = "x86_64")]
            Token::Avx512($s) => $s.vectorize(
                #[inline(always)]
                || $body,
            ),
        }
    }};
}
pub(crate) use dispatch;

/// Runs `f` compiled for the active instruction set ([`Isa::detect`]), so
/// that the compiler vectorises plain loops for it. Mark the closure
/// `#[inline(always)]`: a large closure is otherwise called, not inlined,
/// and runs compiled for the baseline instead.
#[inline(always)]
pub fn vectorized<R>(f: impl FnOnce() -> R) -> R {
    dispatch!(Isa::detect(), _s => f())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation on every instruction set this CPU runs, lane by
    /// lane against plain Rust, at a vector's edges, with NaN and zeros of
    /// both signs.
    #[test]
    fn every_token_agrees_with_scalar_rust() {
        let a: Vec<f32> = (0..16)
            .map(|i| [1.5, -2.0, 0.0, -0.0, f32::NAN, 7.0, -0.5, 6.5][i % 8] * (1 + i / 8) as f32)
            .collect();
        let b: Vec<f32> = (0..16)
            .map(|i| [-1.0, -2.0, -0.0, 0.0, 3.0, f32::NAN, 2.0, 6.0][(i + 3) % 8])
            .collect();
        for &isa in Isa::available() {
            dispatch!(isa, s => check(s, &a, &b));
        }
    }

    #[inline(always)]
    fn check<S: Simd>(s: S, a: &[f32], b: &[f32]) {
        let n = S::LANES;
        let same = |got: [f32; 16], want: &dyn Fn(usize) -> f32, what: &str| {
            for (l, &got) in got.iter().enumerate().take(n) {
                let w = want(l);
                assert!(
                    got.to_bits() == w.to_bits() || (got.is_nan() && w.is_nan()),
                    "{:?} {what} lane {l}: {got} vs {w}",
                    s.isa(),
                );
            }
        };
        // SAFETY: both hold 16 >= LANES values.
        let (va, vb) = unsafe { (s.load(a.as_ptr()), s.load(b.as_ptr())) };
        same(s.to_array(s.add(va, vb)), &|l| a[l] + b[l], "add");
        same(s.to_array(s.sub(va, vb)), &|l| a[l] - b[l], "sub");
        same(s.to_array(s.mul(va, vb)), &|l| a[l] * b[l], "mul");
        let c = s.splat(0.25);
        let fused = s.to_array(s.mul_add(va, vb, c));
        for l in 0..n {
            let w = a[l] * b[l] + 0.25;
            assert!(
                (fused[l] - w).abs() <= 1e-5 * w.abs() || (fused[l].is_nan() && w.is_nan()),
                "{:?} mul_add lane {l}",
                s.isa()
            );
        }
        let max = |x: f32, y: f32| if x > y || x.is_nan() { x } else { y };
        same(
            s.to_array(s.max_nan(va, vb)),
            &|l| max(a[l], b[l]),
            "max_nan",
        );
        let sel = s.select_lt(va, vb, s.splat(1.0), s.splat(2.0));
        same(
            s.to_array(sel),
            &|l| if a[l] < b[l] { 1.0 } else { 2.0 },
            "select_lt",
        );
        for act in [
            Act::None,
            Act::ReLU,
            Act::ReLU6,
            Act::LeakyReLU(-0.5),
            Act::LeakyReLU(0.1),
            Act::SiLU,
            Act::Hardswish,
            Act::Hardsigmoid,
            Act::Sigmoid,
        ] {
            let got = s.to_array(activate(s, va, act));
            same(got, &|l| act.apply(a[l]), "activate");
        }
        // exp and the activations built on it over their whole range: the
        // reduction's every integer, the edges where it saturates, NaN.
        let mut xs: Vec<f32> = (-1000..=1000).map(|i| i as f32 * 0.0917).collect();
        xs.extend([
            88.37,
            88.38,
            88.722_84,
            88.73,
            -87.3,
            -87.31,
            -103.0,
            1e-8,
            -1e-8,
            0.0,
            -0.0,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            3.0,
            -3.0,
            2.999_999_8,
            -3.000_000_2,
        ]);
        xs.resize(xs.len().next_multiple_of(16), 0.5);
        for chunk in xs.chunks_exact(16) {
            // SAFETY: `chunk` holds 16 >= LANES values.
            let v = unsafe { s.load(chunk.as_ptr()) };
            same(s.to_array(s.exp(v)), &|l| math::exp(chunk[l]), "exp");
            // Without fused multiply-adds (the portable vectors) the
            // vector form is not used: `exp` goes a lane at a time there.
            if S::FUSED {
                same(
                    s.to_array(exp_fused(s, [v])[0]),
                    &|l| math::exp(chunk[l]),
                    "exp_fused",
                );
            }
            for act in [Act::SiLU, Act::Hardswish, Act::Hardsigmoid, Act::Sigmoid] {
                let got = s.to_array(activate(s, v, act));
                same(got, &|l| act.apply(chunk[l]), "activate over exp's range");
            }
        }
        for act in [Act::ReLU6, Act::SiLU, Act::Hardswish, Act::Sigmoid] {
            for four in xs.chunks_exact(4 * n) {
                let mut v = [s.zero(); 4];
                for (i, v) in v.iter_mut().enumerate() {
                    // SAFETY: `four` holds four vectors.
                    *v = unsafe { s.load(four[i * n..].as_ptr()) };
                }
                for (i, &y) in activate_n(s, v, act).iter().enumerate() {
                    same(s.to_array(y), &|l| act.apply(four[i * n + l]), "activate_n");
                }
            }
        }
        // Every activation over rows of two vectors, as a tile's epilogue
        // applies them.
        for act in [
            Act::None,
            Act::ReLU,
            Act::ReLU6,
            Act::LeakyReLU(0.1),
            Act::SiLU,
            Act::Hardswish,
            Act::Hardsigmoid,
            Act::Sigmoid,
        ] {
            for six in xs.chunks_exact(6 * n) {
                let rows: [[S::F; 2]; 3] = std::array::from_fn(|r| {
                    // SAFETY: `six` holds six vectors.
                    std::array::from_fn(|v| unsafe { s.load(six[(2 * r + v) * n..].as_ptr()) })
                });
                for (r, row) in activate_rows(s, rows, act).iter().enumerate() {
                    for (v, &y) in row.iter().enumerate() {
                        let at = (2 * r + v) * n;
                        same(s.to_array(y), &|l| act.apply(six[at + l]), "activate_rows");
                    }
                }
            }
            // More rows than a tile has (the rows past the eighth take
            // their own path), the values wrapping around `xs`.
            let rows: [[S::F; 2]; 10] = std::array::from_fn(|r| {
                std::array::from_fn(|v| {
                    let at = (2 * r + v) * n % (xs.len() - n + 1);
                    // SAFETY: a whole vector from `at`.
                    unsafe { s.load(xs[at..].as_ptr()) }
                })
            });
            for (r, row) in activate_rows(s, rows, act).iter().enumerate() {
                for (v, &y) in row.iter().enumerate() {
                    let at = (2 * r + v) * n % (xs.len() - n + 1);
                    same(
                        s.to_array(y),
                        &|l| act.apply(xs[at + l]),
                        "activate_rows, ten rows",
                    );
                }
            }
        }
        let whole: f32 = b[..n].iter().filter(|x| !x.is_nan()).sum();
        let finite = s.select_lt(vb, s.splat(f32::INFINITY), vb, s.zero());
        let got = s.sum(finite);
        assert!(
            (got - whole).abs() <= 1e-5 * whole.abs().max(1.0),
            "{:?} sum",
            s.isa()
        );
        let (lo, hi) = s.zip(va, vb);
        let zipped = |l: usize| {
            if l.is_multiple_of(2) {
                a[l / 2]
            } else {
                b[l / 2]
            }
        };
        same(s.to_array(lo), &|l| zipped(l), "zip low");
        same(s.to_array(hi), &|l| zipped(n + l), "zip high");
        let (even, odd) = s.unzip(va, vb);
        let pick = |l: usize, from: usize| {
            if l < n / 2 {
                a[2 * l + from]
            } else {
                b[2 * (l - n / 2) + from]
            }
        };
        same(s.to_array(even), &|l| pick(l, 0), "unzip even");
        same(s.to_array(odd), &|l| pick(l, 1), "unzip odd");
        let idx: [i32; 16] = std::array::from_fn(|l| ((l * 7 + 3) % n) as i32);
        for valid in [0, 1, n / 2, n - 1, n] {
            let v = s.permute(va, &idx, valid);
            same(
                s.to_array(v),
                &|l| if l < valid { a[idx[l] as usize] } else { 0.0 },
                "permute",
            );
        }
        let rows: [S::F; 16] = std::array::from_fn(|j| {
            let row: Vec<f32> = (0..16).map(|c| (16 * j + c) as f32).collect();
            // SAFETY: `row` holds 16 >= LANES values.
            unsafe { s.load(row.as_ptr()) }
        });
        let columns = s.transpose(&rows);
        for (c, &column) in columns.iter().enumerate().take(n) {
            same(s.to_array(column), &|j| (16 * j + c) as f32, "transpose");
        }
        for (from, to) in [(0, n), (1, n), (0, n - 1), (2, 3), (3, 3), (n, n)] {
            // SAFETY: lanes below `n` of `a`, which holds 16.
            let v = unsafe { s.load_lanes(a.as_ptr(), from, to) };
            same(
                s.to_array(v),
                &|l| if (from..to).contains(&l) { a[l] } else { 0.0 },
                "load_lanes",
            );
        }
        for (from, to) in [(0, n), (1, n), (0, n - 1), (2, 3), (3, 3), (n, n)] {
            let mut out = vec![42.0f32; n];
            // SAFETY: lanes below `n` of `out`.
            unsafe { s.store_lanes(out.as_mut_ptr(), va, from, to) };
            let mut got = [0.0f32; 16];
            got[..n].copy_from_slice(&out);
            let kept = |l| if (from..to).contains(&l) { a[l] } else { 42.0 };
            same(got, &kept, "store_lanes");
        }
        // `b` after `a` in memory: the vector `k` values on.
        let joined: Vec<f32> = a[..n].iter().chain(&b[..n]).copied().collect();
        let shifted = [
            s.shift_in::<0>(va, vb),
            s.shift_in::<1>(va, vb),
            s.shift_in::<2>(va, vb),
            s.shift_in::<3>(va, vb),
            s.shift_in::<4>(va, vb),
        ];
        for (k, &v) in shifted.iter().enumerate().take(n + 1) {
            same(s.to_array(v), &|l| joined[l + k], "shift_in");
        }
        for len in 0..=n {
            let v = s.load_first(&a[..len]);
            let mut out = vec![42.0f32; n + 1];
            s.store_first(&mut out[..len], v);
            same(
                s.to_array(v),
                &|l| if l < len { a[l] } else { 0.0 },
                "load_first",
            );
            assert!(
                out[len..].iter().all(|&x| x == 42.0),
                "store_first wrote past"
            );
        }
    }

    #[test]
    fn unzip_row_splits_rows_of_every_length() {
        let src: Vec<f32> = (0..80).map(|v| v as f32).collect();
        for &isa in Isa::available() {
            for n in 0..40 {
                for len in 2 * n..2 * n + 3 {
                    let (mut even, mut odd) = (vec![-1.0; n + 1], vec![-1.0; n + 1]);
                    dispatch!(isa, s => unzip_row(s, &src[..len], &mut even[..n], &mut odd[..n]));
                    let want = |p: usize| (0..n).map(|q| (2 * q + p) as f32).collect::<Vec<_>>();
                    assert_eq!(even[..n], want(0)[..], "{isa:?} n {n} len {len}");
                    assert_eq!(odd[..n], want(1)[..], "{isa:?} n {n} len {len}");
                    assert_eq!((even[n], odd[n]), (-1.0, -1.0), "{isa:?} n {n}: wrote past");
                }
                // A row of odd length: one odd value fewer than even ones.
                if n > 0 {
                    let (mut even, mut odd) = (vec![-1.0; n + 1], vec![-1.0; n]);
                    dispatch!(isa, s => unzip_row(s, &src[..2 * n - 1], &mut even[..n], &mut odd[..n - 1]));
                    let want =
                        |p: usize, m: usize| (0..m).map(|q| (2 * q + p) as f32).collect::<Vec<_>>();
                    assert_eq!(even[..n], want(0, n)[..], "{isa:?} n {n} odd length");
                    assert_eq!(odd[..n - 1], want(1, n - 1)[..], "{isa:?} n {n} odd length");
                    assert_eq!(
                        (even[n], odd[n - 1]),
                        (-1.0, -1.0),
                        "{isa:?} n {n}: wrote past"
                    );
                }
            }
        }
    }
}
