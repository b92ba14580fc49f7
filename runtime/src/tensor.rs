//! [`Batch`]: a batch of images (or feature vectors) whose per-image shape is
//! fixed at compile time and whose batch size is chosen at run time.

use crate::error::{Error, Result};
use crate::pool;

/// Marks an unused trailing dimension of [`Batch`]: `Batch<10>` is
/// `Batch<10, 0, 0>`, a batch of 10 features per image. No dimension of a
/// tensor is empty, so 0 is free to mean "none"; written as a literal in
/// `Batch`'s defaults so that the docs show them as `= 0`.
pub const ABSENT: usize = 0;

/// The per-image rank of `Batch<D0, D1, D2>`, checked at compile time.
pub const fn image_rank(d0: usize, d1: usize, d2: usize) -> usize {
    assert!(d0 != ABSENT, "a Batch dimension must be at least 1");
    if d1 == ABSENT {
        assert!(d2 == ABSENT, "Batch<A, ABSENT, B> is not a shape");
        1
    } else if d2 == ABSENT {
        2
    } else {
        3
    }
}

/// The values per image of `Batch<D0, D1, D2>`, checked at compile time.
pub const fn image_len(d0: usize, d1: usize, d2: usize) -> usize {
    let rank = image_rank(d0, d1, d2);
    let dims = [d0, d1, d2];
    let mut len: usize = 1;
    let mut i = 0;
    while i < rank {
        assert!(dims[i] > 0, "a Batch dimension must be at least 1");
        len = match len.checked_mul(dims[i]) {
            Some(v) => v,
            None => panic!("the Batch's image size overflows usize"),
        };
        i += 1;
    }
    len
}

/// A batch of `N` images of shape `[D0, D1, D2]` (or `[D0, D1]`, or `[D0]`
/// features), stored row-major and contiguous on the heap (NCHW for images).
///
/// The per-image shape is part of the type, so once data is in a `Batch`,
/// no layer can receive the wrong shape. Data enters through checked
/// conversions that return an [`Error`] on a wrong shape.
///
/// ```
/// use cnn_runtime::Batch;
/// let x = Batch::<3, 2, 2>::from_vec(2, vec![0.0; 24]).unwrap();
/// assert_eq!(x.batch_size(), 2);
/// assert_eq!(x.shape(), vec![2, 3, 2, 2]);
/// assert!(Batch::<3, 2, 2>::from_vec(2, vec![0.0; 23]).is_err());
/// ```
#[derive(PartialEq)]
pub struct Batch<const D0: usize, const D1: usize = 0, const D2: usize = 0> {
    batch: usize,
    data: pool::Buffer,
}

impl<const D0: usize, const D1: usize, const D2: usize> Batch<D0, D1, D2> {
    /// Dimensions per image: 1, 2 or 3.
    pub const RANK: usize = image_rank(D0, D1, D2);
    /// Values per image.
    pub const IMAGE_LEN: usize = image_len(D0, D1, D2);

    /// The per-image shape, e.g. `[3, 32, 32]`.
    pub fn image_shape() -> Vec<usize> {
        [D0, D1, D2][..Self::RANK].to_vec()
    }

    /// A batch of `batch` images filled with zeros.
    ///
    /// # Panics
    /// When the total size overflows `usize`, like `Vec::with_capacity`.
    pub fn zeros(batch: usize) -> Self {
        let len = batch
            .checked_mul(Self::IMAGE_LEN)
            .expect("batch size overflows usize");
        Batch {
            batch,
            data: vec![0.0; len].into(),
        }
    }

    /// Wraps `data` (row-major, `batch` images one after another).
    ///
    /// # Errors
    /// [`Error::BatchLength`] when `data` does not hold exactly `batch`
    /// images.
    pub fn from_vec(batch: usize, data: Vec<f32>) -> Result<Self> {
        if batch.checked_mul(Self::IMAGE_LEN) != Some(data.len()) {
            return Err(Error::BatchLength {
                batch,
                len: data.len(),
                image: Self::image_shape(),
                per_image: Self::IMAGE_LEN,
            });
        }
        Ok(Batch {
            batch,
            data: data.into(),
        })
    }

    /// Wraps `data`, taking as many images as it holds.
    ///
    /// # Errors
    /// [`Error::Length`] when `data`'s length is not a multiple of an image's.
    pub fn from_flat(data: Vec<f32>) -> Result<Self> {
        if !data.len().is_multiple_of(Self::IMAGE_LEN) {
            return Err(Self::length_error(data.len()));
        }
        Ok(Batch {
            batch: data.len() / Self::IMAGE_LEN,
            data: data.into(),
        })
    }

    /// Copies `data`, taking as many images as it holds.
    ///
    /// # Errors
    /// [`Error::Length`] when `data`'s length is not a multiple of an image's.
    pub fn from_slice(data: &[f32]) -> Result<Self> {
        if !data.len().is_multiple_of(Self::IMAGE_LEN) {
            return Err(Self::length_error(data.len()));
        }
        Self::from_flat(data.to_vec())
    }

    fn length_error(len: usize) -> Error {
        Error::Length {
            len,
            image: Self::image_shape(),
            per_image: Self::IMAGE_LEN,
        }
    }

    #[cfg_attr(not(feature = "ndarray"), allow(dead_code))]
    pub(crate) fn check_shape(shape: &[usize]) -> Result<usize> {
        let ok = shape.len() == Self::RANK + 1 && shape[1..] == Self::image_shape()[..];
        if !ok {
            return Err(Error::Shape {
                expected: Self::image_shape(),
                found: shape.to_vec(),
            });
        }
        Ok(shape[0])
    }

    /// The number of images.
    pub fn batch_size(&self) -> usize {
        self.batch
    }

    /// The full shape, batch first: `[N, D0, D1, D2]`.
    pub fn shape(&self) -> Vec<usize> {
        let mut s = vec![self.batch];
        s.extend(Self::image_shape());
        s
    }

    /// All values, row-major.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// All values, row-major, for changing in place.
    pub fn as_mut_slice(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// The values, row-major.
    pub fn into_vec(self) -> Vec<f32> {
        self.into_buffer().into_vec()
    }

    /// The values in their buffer, which remembers what it held past them.
    pub(crate) fn into_buffer(mut self) -> pool::Buffer {
        std::mem::take(&mut self.data)
    }

    /// The values of image `i`, or `None` past the end.
    pub fn image(&self, i: usize) -> Option<&[f32]> {
        self.data.chunks_exact(Self::IMAGE_LEN).nth(i)
    }

    /// Each image's values in turn.
    pub fn images(&self) -> std::slice::ChunksExact<'_, f32> {
        self.data.chunks_exact(Self::IMAGE_LEN)
    }

    /// Each image's values in turn, to change them.
    pub fn images_mut(&mut self) -> std::slice::ChunksExactMut<'_, f32> {
        self.data.chunks_exact_mut(Self::IMAGE_LEN)
    }

    /// For each image, the index of its largest value (the first on ties;
    /// NaN counts as largest, as in `torch.argmax`).
    pub fn argmax(&self) -> Vec<usize> {
        self.images()
            .map(|img| {
                let mut best = 0;
                for (i, &v) in img.iter().enumerate() {
                    let b = img[best];
                    if !b.is_nan() && (v > b || v.is_nan()) {
                        best = i;
                    }
                }
                best
            })
            .collect()
    }

    /// Reinterprets the values as another per-image shape with the same
    /// number of values (a free move, like PyTorch's `view`).
    pub fn reshape<const E0: usize, const E1: usize, const E2: usize>(self) -> Batch<E0, E1, E2> {
        const {
            assert!(
                image_len(D0, D1, D2) == image_len(E0, E1, E2),
                "reshape must keep the number of values per image"
            )
        };
        let batch = self.batch;
        Batch {
            batch,
            data: self.into_buffer(),
        }
    }

    /// A batch of `batch` images in a reused buffer, for code that writes
    /// every value before reading any (a concatenation's output): its
    /// values are whatever the buffer held, or zeros. Taking it allocates
    /// nothing once a forward pass has run.
    ///
    /// ```
    /// use cnn_runtime::Batch;
    /// let mut b = Batch::<2, 1, 1>::for_overwrite(3);
    /// b.as_mut_slice().fill(1.0);
    /// assert_eq!(b.batch_size(), 3);
    /// ```
    pub fn for_overwrite(batch: usize) -> Self {
        Self::uninit(batch)
    }

    /// A batch of `batch` images whose values the caller overwrites (a
    /// reused buffer: see [`crate::pool`]).
    pub(crate) fn uninit(batch: usize) -> Self {
        Batch {
            batch,
            data: pool::take(batch * Self::IMAGE_LEN),
        }
    }

    /// Builds a batch from parts known to fit (for the runtime's kernels).
    pub(crate) fn from_parts(batch: usize, data: impl Into<pool::Buffer>) -> Self {
        let data = data.into();
        debug_assert_eq!(data.len(), batch * Self::IMAGE_LEN);
        Batch { batch, data }
    }
}

/// What every `Batch` type offers, for code generic over models
/// (`M::Input: AnyBatch`).
pub trait AnyBatch: Sized + Clone + Send + Sync {
    /// The per-image shape.
    fn image_shape() -> Vec<usize>;
    /// See [`Batch::from_vec`].
    ///
    /// # Errors
    /// [`Error::BatchLength`] when `data` does not hold exactly `batch` images.
    fn from_vec(batch: usize, data: Vec<f32>) -> Result<Self>;
    /// The number of images.
    fn batch_size(&self) -> usize;
    /// The values, row-major.
    fn as_slice(&self) -> &[f32];
}

impl<const D0: usize, const D1: usize, const D2: usize> AnyBatch for Batch<D0, D1, D2> {
    fn image_shape() -> Vec<usize> {
        Batch::<D0, D1, D2>::image_shape()
    }
    fn from_vec(batch: usize, data: Vec<f32>) -> Result<Self> {
        Batch::from_vec(batch, data)
    }
    fn batch_size(&self) -> usize {
        self.batch
    }
    fn as_slice(&self) -> &[f32] {
        &self.data
    }
}

/// A clone takes a reused buffer.
impl<const D0: usize, const D1: usize, const D2: usize> Clone for Batch<D0, D1, D2> {
    fn clone(&self) -> Self {
        let mut data = pool::take(self.data.len());
        data.copy_from_slice(&self.data);
        Batch {
            batch: self.batch,
            data,
        }
    }
}

/// A dropped batch gives its buffer back for the next forward pass.
impl<const D0: usize, const D1: usize, const D2: usize> Drop for Batch<D0, D1, D2> {
    fn drop(&mut self) {
        pool::give(std::mem::take(&mut self.data));
    }
}

impl<const D0: usize, const D1: usize, const D2: usize> std::fmt::Debug for Batch<D0, D1, D2> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let preview: Vec<f32> = self.data.iter().take(8).copied().collect();
        f.debug_struct("Batch")
            .field("shape", &self.shape())
            .field("values", &preview)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_lengths() {
        assert_eq!(Batch::<3, 32, 32>::RANK, 3);
        assert_eq!(Batch::<10>::RANK, 1);
        assert_eq!(Batch::<4, 5>::IMAGE_LEN, 20);
        assert_eq!(Batch::<10>::image_shape(), vec![10]);
        let b = Batch::<10>::zeros(3);
        assert_eq!(b.shape(), vec![3, 10]);
    }

    #[test]
    fn checked_conversions() {
        let err = Batch::<3, 2, 2>::from_vec(2, vec![0.0; 23]).unwrap_err();
        assert!(
            matches!(
                err,
                Error::BatchLength {
                    batch: 2,
                    len: 23,
                    per_image: 12,
                    ..
                }
            ),
            "{err}"
        );
        // The message blames the batch size when the buffer is whole images.
        let err = Batch::<3, 32, 32>::from_vec(0, vec![0.0; 3072]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "from_vec was given batch = 0, which is 0 values of [3, 32, 32] images (3072 each), but a buffer of 3072 values, which is 1 image"
        );
        assert!(Batch::<3, 2, 2>::from_flat(vec![0.0; 25]).is_err());
        assert_eq!(
            Batch::<3, 2, 2>::from_slice(&[1.0; 36])
                .unwrap()
                .batch_size(),
            3
        );
    }

    #[test]
    fn argmax_per_image() {
        let b = Batch::<3>::from_vec(2, vec![0.0, 5.0, 1.0, f32::NAN, 9.0, 9.0]).unwrap();
        assert_eq!(b.argmax(), vec![1, 0]);
    }
}
