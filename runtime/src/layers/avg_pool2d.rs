//! `nn.AvgPool2d`: the mean of each window.
//!
//! `OH = floor((H + 2*PH - KH) / SH) + 1` (rounded up with `CEIL`, as for
//! max pooling). The sum is divided by the window clipped to the padded
//! input when `COUNT_PAD` (PyTorch's default `count_include_pad=True`), by
//! the part inside the image otherwise, or by `divisor_override`. No tensors.
//!
//! ```
//! use cnn_runtime::{AvgPool2d, Batch};
//! // AvgPool2d(3, stride=2, padding=1): the padded zeros count.
//! let pool: AvgPool2d<3, 3, 2, 2, 1, 1> = AvgPool2d::new(None);
//! let x = Batch::<1, 2, 2>::from_vec(1, vec![9.0; 4]).unwrap();
//! let y: Batch<1, 1, 1> = pool.forward(&x);
//! assert_eq!(y.as_slice(), &[4.0]); // 36 / 9
//! ```

use crate::kernels::pool::{AvgOptions, PoolGeometry, avg_pool2d};
use crate::module::Module;
use crate::tensor::Batch;

/// Average pooling with every size a const generic:
///
/// - `KH`, `KW`: window height and width
/// - `SH`, `SW`: stride (default: the window size)
/// - `PH`, `PW`: padding on each side (default 0; at most half the window)
/// - `CEIL`: PyTorch's `ceil_mode` (default false)
/// - `COUNT_PAD`: PyTorch's `count_include_pad` (default true)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AvgPool2d<
    const KH: usize,
    const KW: usize,
    const SH: usize = KH,
    const SW: usize = KW,
    const PH: usize = 0,
    const PW: usize = 0,
    const CEIL: bool = false,
    const COUNT_PAD: bool = true,
> {
    divisor_override: Option<usize>,
}

impl<
    const KH: usize,
    const KW: usize,
    const SH: usize,
    const SW: usize,
    const PH: usize,
    const PW: usize,
    const CEIL: bool,
    const COUNT_PAD: bool,
> AvgPool2d<KH, KW, SH, SW, PH, PW, CEIL, COUNT_PAD>
{
    /// `divisor_override`: divide every sum by this instead (PyTorch's
    /// argument of the same name; `Some(0)` counts as `None`).
    pub fn new(divisor_override: Option<usize>) -> Self {
        AvgPool2d {
            divisor_override: divisor_override.filter(|&d| d > 0),
        }
    }

    /// Whether a `H x W` input gives a `OH x OW` output.
    pub const fn fits(h: usize, w: usize, oh: usize, ow: usize) -> bool {
        PH <= KH / 2
            && PW <= KW / 2
            && matches!(cnn_shape::pool_out(h, KH, SH, PH, 1, CEIL), Some(v) if v == oh)
            && matches!(cnn_shape::pool_out(w, KW, SW, PW, 1, CEIL), Some(v) if v == ow)
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
                "AvgPool2d::forward: OH x OW is not the output size for an H x W input; PyTorch's is OH = (H + 2*PH - KH) / SH + 1 (rounded up with CEIL), likewise OW, and PH <= KH/2"
            )
        };
        let g = PoolGeometry {
            channels: C,
            input: [H, W],
            output: [OH, OW],
            kernel: [KH, KW],
            stride: [SH, SW],
            pad: [PH, PW],
            dilation: [1, 1],
        };
        let options = AvgOptions {
            count_include_pad: COUNT_PAD,
            divisor_override: self.divisor_override,
        };
        let mut out = Batch::<C, OH, OW>::uninit(x.batch_size());
        avg_pool2d(
            &g,
            options,
            x.batch_size(),
            x.as_slice(),
            out.as_mut_slice(),
        );
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
    const CEIL: bool,
    const COUNT_PAD: bool,
> Module for AvgPool2d<KH, KW, SH, SW, PH, PW, CEIL, COUNT_PAD>
{
}
