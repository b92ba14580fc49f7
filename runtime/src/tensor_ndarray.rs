//! [`Batch`] to and from `ndarray` arrays (the default `ndarray` feature).

use ndarray::{ArrayBase, ArrayD, ArrayViewD, Data, Dimension, IxDyn};

use crate::error::Result;
use crate::tensor::Batch;

impl<const D0: usize, const D1: usize, const D2: usize> Batch<D0, D1, D2> {
    /// Copies an ndarray array of shape `[N, D0, D1, D2]` (any layout).
    ///
    /// # Errors
    /// [`Error::Shape`](crate::Error::Shape) when the array's shape is not `[N, ...]` with this
    /// batch's per-image shape.
    pub fn from_array<S, D>(array: &ArrayBase<S, D>) -> Result<Self>
    where
        S: Data<Elem = f32>,
        D: Dimension,
    {
        let batch = Self::check_shape(array.shape())?;
        Ok(Batch::from_parts(
            batch,
            array.iter().copied().collect::<Vec<f32>>(),
        ))
    }

    /// Takes an owned ndarray array of shape `[N, D0, D1, D2]`, without a
    /// copy when it is in standard (row-major) layout.
    ///
    /// # Errors
    /// [`Error::Shape`](crate::Error::Shape) as for [`Batch::from_array`].
    pub fn from_ndarray<D: Dimension>(array: ndarray::Array<f32, D>) -> Result<Self> {
        let batch = Self::check_shape(array.shape())?;
        let len = array.len();
        let data = if array.is_standard_layout() {
            // A standard-layout array may still start inside its buffer.
            let (mut data, offset) = array.into_raw_vec_and_offset();
            let start = offset.unwrap_or(0);
            if start != 0 || data.len() != len {
                data = data[start..start + len].to_vec();
            }
            data
        } else {
            array.iter().copied().collect()
        };
        Ok(Batch::from_parts(batch, data))
    }

    /// The batch as an ndarray array `[N, D0, D1, D2]`, without a copy.
    pub fn into_ndarray(self) -> ArrayD<f32> {
        let shape = self.shape();
        // The length always matches the shape.
        ArrayD::from_shape_vec(IxDyn(&shape), self.into_vec())
            .unwrap_or_else(|e| panic!("Batch invariant broken: {e}"))
    }

    /// A view of the batch as an ndarray array `[N, D0, D1, D2]`.
    pub fn view(&self) -> ArrayViewD<'_, f32> {
        ArrayViewD::from_shape(IxDyn(&self.shape()), self.as_slice())
            .unwrap_or_else(|e| panic!("Batch invariant broken: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array, Array4};

    use crate::tensor::Batch;

    #[test]
    fn shapes_are_checked() {
        let a = Array4::<f32>::zeros((2, 3, 4, 4));
        let err = Batch::<3, 4, 5>::from_array(&a).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected a batch of shape [N, 3, 4, 5], found [2, 3, 4, 4]"
        );
        let b = Batch::<3, 4, 4>::from_ndarray(a).unwrap();
        assert_eq!(b.batch_size(), 2);
    }

    #[test]
    fn ndarray_round_trip_keeps_order() {
        let a = Array::from_shape_fn((2, 2, 3), |(n, i, j)| (n * 100 + i * 10 + j) as f32);
        let b = Batch::<2, 3>::from_array(&a.view()).unwrap();
        assert_eq!(
            b.image(1).unwrap(),
            &[100.0, 101.0, 102.0, 110.0, 111.0, 112.0]
        );
        // A transposed (non-standard) view is copied in logical order.
        let t = a.clone().permuted_axes([0, 2, 1]);
        let bt = Batch::<3, 2>::from_ndarray(t.to_owned()).unwrap();
        assert_eq!(bt.image(0).unwrap(), &[0.0, 10.0, 1.0, 11.0, 2.0, 12.0]);
        let back = b.into_ndarray();
        assert_eq!(back, a.into_dyn());
    }
}
