//! The interface every convolution kernel implements: what geometry and
//! instruction set it takes, how it packs the weights at load, how it
//! convolves whole images, and whether it pools max windows as it goes.

use super::geometry::ConvGeometry;
use super::pooled;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::isa::Isa;
use crate::kernels::pool::PoolGeometry;

/// A convolution kernel with its weights packed for one geometry.
pub(crate) trait Kernel: Sized {
    /// Packs `weight` (`[C_OUT, C_IN/G, KH, KW]`) for `isa`, or `None`
    /// where the kernel does not take `g`, or cannot run on `isa`, or
    /// `isa` is not one this CPU runs.
    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self>;

    /// Convolves `batch` images: `input` is `batch x C_IN x H x W`, `output`
    /// `batch x C_OUT x OH x OW`, with the epilogue (its residual laid out
    /// like `output`) applied to every value. The buffers are long enough
    /// (the caller asserts it).
    fn conv2d(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
    );

    /// Whether [`Kernel::conv2d_max_pooled`] convolves and pools `pool` in
    /// one pass (otherwise it convolves, then pools).
    fn pools(&self, _g: &ConvGeometry, _pool: &PoolGeometry) -> bool {
        false
    }

    /// Convolves as [`Kernel::conv2d`] (without a residual) and max-pools
    /// the result with `pool` into `output` (`batch x C_OUT x POH x POW`).
    fn conv2d_max_pooled(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
        pool: &PoolGeometry,
    ) {
        pooled::unfused(self, g, batch, input, output, ep, pool);
    }
}
