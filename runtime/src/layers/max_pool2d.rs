//! `nn.MaxPool2d`: the largest value of each window.
//!
//! `OH = floor((H + 2*PH - DH*(KH-1) - 1) / SH) + 1` (rounded up with
//! `CEIL`, as long as the last window starts inside the input or its left
//! padding). Padded positions never win; NaN propagates. No tensors.
//!
//! ```
//! use cnn_runtime::{Batch, MaxPool2d};
//! // MaxPool2d(2): stride defaults to the kernel size.
//! let pool: MaxPool2d<2, 2> = MaxPool2d;
//! let x = Batch::<1, 2, 2>::from_vec(1, vec![1.0, 4.0, 3.0, 2.0]).unwrap();
//! let y: Batch<1, 1, 1> = pool.forward(&x);
//! assert_eq!(y.as_slice(), &[4.0]);
//! ```

use crate::kernels::pool::{PoolGeometry, max_pool2d};
use crate::module::Module;
use crate::tensor::Batch;

/// Max pooling with every size a const generic:
///
/// - `KH`, `KW`: window height and width
/// - `SH`, `SW`: stride (default: the window size)
/// - `PH`, `PW`: padding on each side (default 0; at most half the window)
/// - `DH`, `DW`: dilation (default 1)
/// - `CEIL`: PyTorch's `ceil_mode` (default false)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MaxPool2d<
    const KH: usize,
    const KW: usize,
    const SH: usize = KH,
    const SW: usize = KW,
    const PH: usize = 0,
    const PW: usize = 0,
    const DH: usize = 1,
    const DW: usize = 1,
    const CEIL: bool = false,
>;

impl<
    const KH: usize,
    const KW: usize,
    const SH: usize,
    const SW: usize,
    const PH: usize,
    const PW: usize,
    const DH: usize,
    const DW: usize,
    const CEIL: bool,
> MaxPool2d<KH, KW, SH, SW, PH, PW, DH, DW, CEIL>
{
    /// Whether a `H x W` input gives a `OH x OW` output (PyTorch's formula
    /// and its rule that padding is at most half the window).
    pub const fn fits(h: usize, w: usize, oh: usize, ow: usize) -> bool {
        PH <= KH / 2
            && PW <= KW / 2
            && matches!(cnn_shape::pool_out(h, KH, SH, PH, DH, CEIL), Some(v) if v == oh)
            && matches!(cnn_shape::pool_out(w, KW, SW, PW, DW, CEIL), Some(v) if v == ow)
    }

    /// Pools a batch. `OH`, `OW` must be the layer's output size for `H`, `W`.
    pub fn forward<
        const C: usize,
        const H: usize,
        const W: usize,
        const OH: usize,
        const OW: usize,
    >(
        &self,
        x: &Batch<C, H, W>,
    ) -> Batch<C, OH, OW> {
        const {
            assert!(
                Self::fits(H, W, OH, OW),
                "MaxPool2d::forward: OH x OW is not the output size for an H x W input; PyTorch's is OH = (H + 2*PH - DH*(KH-1) - 1) / SH + 1 (rounded up with CEIL), likewise OW, and PH <= KH/2"
            )
        };
        let g = PoolGeometry {
            channels: C,
            input: [H, W],
            output: [OH, OW],
            kernel: [KH, KW],
            stride: [SH, SW],
            pad: [PH, PW],
            dilation: [DH, DW],
        };
        let mut out = Batch::<C, OH, OW>::uninit(x.batch_size());
        max_pool2d(&g, x.batch_size(), x.as_slice(), out.as_mut_slice());
        out
    }
}

impl<
    const KH: usize,
    const KW: usize,
    const SH: usize,
    const SW: usize,
    const PH: usize,
    const PW: usize,
    const DH: usize,
    const DW: usize,
    const CEIL: bool,
> Module for MaxPool2d<KH, KW, SH, SW, PH, PW, DH, DW, CEIL>
{
}
