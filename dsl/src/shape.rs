//! Per-image tensor shapes, possibly partly unknown after an earlier error.

use std::fmt;

/// One dimension; `None` when an earlier error left it unknown.
pub type Dim = Option<usize>;

/// The shape of one image's tensor (the batch dimension is not included).
///
/// After an error the checker carries on with what is still known, so a
/// shape can be partly (`[32, ?, ?]`) or wholly unknown; unknown parts never
/// raise errors of their own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    Unknown,
    Known(Vec<Dim>),
}

impl Shape {
    pub fn from_dims(dims: &[usize]) -> Shape {
        Shape::Known(dims.iter().map(|&d| Some(d)).collect())
    }

    pub fn rank(&self) -> Option<usize> {
        match self {
            Shape::Unknown => None,
            Shape::Known(dims) => Some(dims.len()),
        }
    }

    pub fn dims(&self) -> Option<&[Dim]> {
        match self {
            Shape::Unknown => None,
            Shape::Known(dims) => Some(dims),
        }
    }

    /// Every dimension, when all are known.
    pub fn concrete(&self) -> Option<Vec<usize>> {
        self.dims()?.iter().copied().collect()
    }

    /// The number of elements, when known and representable.
    pub fn numel(&self) -> Option<usize> {
        cnn_shape::product(&self.concrete()?)
    }

    pub fn last(&self) -> Dim {
        self.dims()?.last().copied().flatten()
    }

    pub fn is_known(&self) -> bool {
        self.concrete().is_some()
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Unknown => f.write_str("[?]"),
            Shape::Known(dims) => {
                f.write_str("[")?;
                for (i, d) in dims.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match d {
                        Some(d) => write!(f, "{d}")?,
                        None => f.write_str("?")?,
                    }
                }
                f.write_str("]")
            }
        }
    }
}

/// `a x b x c`, the way a product of dimensions is shown in messages.
pub fn times(dims: &[usize]) -> String {
    dims.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(" x ")
}

/// A count with thousands separators: `214,748,364,800,000`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The divisors of `n` in increasing order, found up to its square root
/// (sizes reach 2^31: a scan to `n` would take seconds).
pub fn divisors(n: usize) -> Vec<usize> {
    let mut small = Vec::new();
    let mut large = Vec::new();
    let mut d = 1;
    while d <= n / d {
        if n.is_multiple_of(d) {
            small.push(d);
            if d != n / d {
                large.push(n / d);
            }
        }
        d += 1;
    }
    small.extend(large.into_iter().rev());
    small
}

/// The greatest common divisor.
pub fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}
