//! `nn.AdaptiveAvgPool2d` and `nn.AdaptiveMaxPool2d`: pool any input down
//! (or up) to `OH x OW`. Output cell `y` covers input rows
//! `floor(y*H/OH) .. ceil((y+1)*H/OH)`, likewise for columns. No tensors.
//!
//! ```
//! use cnn_runtime::{AdaptiveAvgPool2d, Batch};
//! // AdaptiveAvgPool2d((1, 1)): global average pooling.
//! let pool: AdaptiveAvgPool2d<1> = AdaptiveAvgPool2d;
//! let x = Batch::<1, 2, 2>::from_vec(1, vec![1.0, 2.0, 3.0, 6.0]).unwrap();
//! let y: Batch<1, 1, 1> = pool.forward(&x);
//! assert_eq!(y.as_slice(), &[3.0]);
//! ```

use crate::kernels::pool::adaptive_pool2d;
use crate::module::Module;
use crate::tensor::Batch;

/// Adaptive average pooling to `OH x OW` (`OW` defaults to `OH`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdaptiveAvgPool2d<const OH: usize, const OW: usize = OH>;

/// Adaptive max pooling to `OH x OW` (`OW` defaults to `OH`); NaN propagates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdaptiveMaxPool2d<const OH: usize, const OW: usize = OH>;

fn pool<const C: usize, const H: usize, const W: usize, const OH: usize, const OW: usize>(
    max: bool,
    x: &Batch<C, H, W>,
) -> Batch<C, OH, OW> {
    const {
        assert!(
            OH > 0 && OW > 0,
            "adaptive pooling needs an output of at least 1x1"
        )
    };
    let mut out = Batch::<C, OH, OW>::uninit(x.batch_size());
    adaptive_pool2d(
        max,
        C,
        [H, W],
        [OH, OW],
        x.batch_size(),
        x.as_slice(),
        out.as_mut_slice(),
    );
    out
}

impl<const OH: usize, const OW: usize> AdaptiveAvgPool2d<OH, OW> {
    /// Averages each of the `OH x OW` adaptive windows, PyTorch's `AdaptiveAvgPool2d`.
    pub fn forward<const C: usize, const H: usize, const W: usize>(
        &self,
        x: &Batch<C, H, W>,
    ) -> Batch<C, OH, OW> {
        pool(false, x)
    }
}

impl<const OH: usize, const OW: usize> AdaptiveMaxPool2d<OH, OW> {
    /// Takes the maximum of each of the `OH x OW` adaptive windows (NaN wins, as in PyTorch).
    pub fn forward<const C: usize, const H: usize, const W: usize>(
        &self,
        x: &Batch<C, H, W>,
    ) -> Batch<C, OH, OW> {
        pool(true, x)
    }
}

impl<const OH: usize, const OW: usize> Module for AdaptiveAvgPool2d<OH, OW> {}
impl<const OH: usize, const OW: usize> Module for AdaptiveMaxPool2d<OH, OW> {}
