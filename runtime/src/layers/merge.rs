//! Joining paths: the residual add (`out = main(x) + shortcut(x)`, as
//! ResNet's `out += identity`) and concatenation along channels (as
//! `torch.cat(branches, dim=1)` in Inception and DenseNet).
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

impl<const C: usize, const H: usize, const W: usize> Batch<C, H, W> {
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
