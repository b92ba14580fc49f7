//! Joining paths: the residual add (`out = main(x) + shortcut(x)`, as
//! ResNet's `out += identity`), the gate (`x * g(x)`, squeeze-excitation's
//! scale) and concatenation along channels (as `torch.cat(branches,
//! dim=1)` in Inception and DenseNet).
//!
//! ```
//! use cnn_runtime::{Batch, add};
//! let a = Batch::<2, 1, 1>::from_vec(1, vec![1.0, 2.0]).unwrap();
//! let b = Batch::<2, 1, 1>::from_vec(1, vec![10.0, 20.0]).unwrap();
//! assert_eq!(add(a.clone(), &b).as_slice(), &[11.0, 22.0]);
//!
//! let mut both = Batch::<4, 1, 1>::zeros(1);
//! both.write_channels::<0, 2>(&a);
//! both.write_channels::<2, 2>(&b);
//! assert_eq!(both.as_slice(), &[1.0, 2.0, 10.0, 20.0]);
//! ```

use crate::pool;
use crate::tensor::Batch;

/// `a + b`, element by element, in `a`'s storage.
///
/// # Panics
/// When the batch sizes differ: the two paths of a residual add always
/// start from one batch, so this is a bug in the caller.
pub fn add<const A: usize, const B: usize, const C: usize>(
    mut a: Batch<A, B, C>,
    b: &Batch<A, B, C>,
) -> Batch<A, B, C> {
    assert_eq!(
        a.batch_size(),
        b.batch_size(),
        "add: the two batches differ in size"
    );
    for (x, y) in a.as_mut_slice().iter_mut().zip(b.as_slice()) {
        *x += y;
    }
    a
}

/// `x * g`, element by element, with `g` broadcast over `x` as PyTorch
/// broadcasts: each of its dimensions equals `x`'s or is 1 (a `[C, 1, 1]`
/// gate scales each channel, as squeeze-excitation does). A gate that does
/// not broadcast does not compile.
///
/// ```
/// use cnn_runtime::{Batch, gate};
/// let x = Batch::<2, 1, 2>::from_vec(1, vec![1.0, 2.0, 3.0, 4.0]).unwrap();
/// let g = Batch::<2, 1, 1>::from_vec(1, vec![10.0, 0.5]).unwrap();
/// assert_eq!(gate(x, &g).as_slice(), &[10.0, 20.0, 1.5, 2.0]);
/// ```
///
/// # Panics
/// When the batch sizes differ (a bug in the caller, as for [`add`]).
pub fn gate<
    const C: usize,
    const H: usize,
    const W: usize,
    const GC: usize,
    const GH: usize,
    const GW: usize,
>(
    mut x: Batch<C, H, W>,
    g: &Batch<GC, GH, GW>,
) -> Batch<C, H, W> {
    const {
        assert!(
            (GC == C || GC == 1) && (GH == H || GH == 1) && (GW == W || GW == 1),
            "gate: each of the gate's dimensions must equal the input's, or be 1"
        )
    };
    assert_eq!(
        x.batch_size(),
        g.batch_size(),
        "gate: the two batches differ in size"
    );
    for (image, gi) in x.images_mut().zip(g.images()) {
        for (c, plane) in image.chunks_exact_mut(H * W).enumerate() {
            let gp = &gi[(c % GC) * GH * GW..][..GH * GW];
            if GH * GW == 1 {
                let s = gp[0];
                plane.iter_mut().for_each(|v| *v *= s);
                continue;
            }
            for (y, row) in plane.chunks_exact_mut(W).enumerate() {
                let gr = &gp[(y % GH) * GW..][..GW];
                for (x, v) in row.iter_mut().enumerate() {
                    *v *= gr[x % GW];
                }
            }
        }
    }
    x
}

impl<const C: usize, const H: usize, const W: usize> Batch<C, H, W> {
    /// Channels `START..START + CB` of every image, as a batch of their
    /// own (a split's part, as `x.chunk(n, dim=1)` gives it). The range must
    /// fit, or the call does not compile.
    ///
    /// ```
    /// use cnn_runtime::Batch;
    /// let x = Batch::<4, 1, 1>::from_vec(1, vec![1.0, 2.0, 3.0, 4.0]).unwrap();
    /// assert_eq!(x.read_channels::<2, 2>().as_slice(), &[3.0, 4.0]);
    /// ```
    pub fn read_channels<const START: usize, const CB: usize>(&self) -> Batch<CB, H, W> {
        const {
            assert!(
                START + CB <= C,
                "read_channels: START + CB is more than the channels there are"
            )
        };
        let plane = H * W;
        let mut out = Batch::<CB, H, W>::uninit(self.batch_size());
        for (src, dst) in self.images().zip(out.images_mut()) {
            dst.copy_from_slice(&src[START * plane..(START + CB) * plane]);
        }
        out
    }

    /// A batch whose first `CI` channels are `x`'s and whose others are
    /// the caller's to write: a concatenation that begins with its own
    /// input, as DenseNet's `torch.cat([x, new_features], 1)` does. With
    /// one image the channels follow each other in memory, so `x`'s
    /// buffer is lengthened where it lies, without copying `x`, whenever
    /// its allocation has room (see [`crate::pool`]); a batch of more
    /// images is copied into a new buffer.
    ///
    /// ```
    /// use cnn_runtime::Batch;
    /// let x = Batch::<2, 1, 1>::from_vec(1, vec![1.0, 2.0]).unwrap();
    /// let new = Batch::<1, 1, 1>::from_vec(1, vec![3.0]).unwrap();
    /// let mut both = Batch::<3, 1, 1>::extend_channels(x);
    /// both.write_channels::<2, 1>(&new);
    /// assert_eq!(both.as_slice(), &[1.0, 2.0, 3.0]);
    /// ```
    pub fn extend_channels<const CI: usize>(x: Batch<CI, H, W>) -> Self {
        const {
            assert!(
                CI <= C,
                "extend_channels: the input has more channels than the result"
            )
        };
        let batch = x.batch_size();
        if batch <= 1 {
            let len = batch * Self::IMAGE_LEN;
            return Batch::from_parts(batch, pool::grow(x.into_buffer(), len));
        }
        let mut out = Self::uninit(batch);
        out.write_channels::<0, CI>(&x);
        out
    }

    /// Copies `src`'s `CB` channels into channels `START..START + CB` of
    /// every image. The range must fit, or the call does not compile.
    ///
    /// # Panics
    /// When the batch sizes differ (a bug in the caller, as for [`add`]).
    pub fn write_channels<const START: usize, const CB: usize>(&mut self, src: &Batch<CB, H, W>) {
        const {
            assert!(
                START + CB <= C,
                "write_channels: START + CB is more than the channels there are"
            )
        };
        assert_eq!(
            self.batch_size(),
            src.batch_size(),
            "write_channels: the batches differ in size"
        );
        let plane = H * W;
        let dst = self.as_mut_slice();
        for (n, image) in src.images().enumerate() {
            let at = (n * C + START) * plane;
            dst[at..at + CB * plane].copy_from_slice(image);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of concatenations that begin with their input, as a DenseNet
    /// block makes: every channel where it belongs, one image or three.
    #[test]
    fn extended_channels_keep_the_input_first() {
        for batch in [0, 1, 3] {
            let x: Vec<f32> = (0..batch * 2 * 4).map(|i| i as f32).collect();
            let x = Batch::<2, 2, 2>::from_vec(batch, x).unwrap();
            let new = Batch::<1, 2, 2>::from_vec(batch, vec![-1.0; batch * 4]).unwrap();
            let mut three = Batch::<3, 2, 2>::extend_channels(x.clone());
            three.write_channels::<2, 1>(&new);
            let mut four = Batch::<4, 2, 2>::extend_channels(three.clone());
            four.write_channels::<3, 1>(&new);
            for n in 0..batch {
                let (x, three, four) = (
                    x.image(n).unwrap(),
                    three.image(n).unwrap(),
                    four.image(n).unwrap(),
                );
                assert_eq!(&three[..8], x, "image {n}");
                assert_eq!(&three[8..], &[-1.0; 4]);
                assert_eq!(&four[..12], three, "image {n}");
                assert_eq!(&four[12..], &[-1.0; 4]);
            }
            assert_eq!(four.batch_size(), batch);
        }
    }
}
