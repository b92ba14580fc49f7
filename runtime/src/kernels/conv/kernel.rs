//! The interface every convolution kernel implements: what geometry and
//! instruction set it takes, how it packs the weights at load, how it
//! convolves whole images, and whether it pools max windows as it goes.

use std::ops::Range;

use super::geometry::{ConvGeometry, OutRows};
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

/// A kernel that writes output rows directly, from images it prepares once
/// per call: it pools max windows band by band ([`pooled::by_bands`]).
pub(crate) trait RowKernel: Sized {
    /// The batch's images as the kernel reads them.
    type Images<'a>: Sync;

    /// As [`Kernel::pack`].
    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self>;

    /// As [`Kernel::conv2d`].
    fn conv2d(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
    );

    /// The images of a batch, as [`RowKernel::rows`] reads them.
    fn images<'a>(&self, g: &ConvGeometry, batch: usize, input: &'a [f32]) -> Self::Images<'a>;

    /// Output rows `ys` of image `b`, every channel, into `dest`, with the
    /// epilogue (no residual).
    ///
    /// # Safety
    /// `images` comes from [`RowKernel::images`] of `self` for a batch
    /// holding image `b`; these rows of `dest` are the caller's alone.
    unsafe fn rows(
        &self,
        g: &ConvGeometry,
        images: &Self::Images<'_>,
        b: usize,
        ys: Range<usize>,
        dest: &OutRows,
        ep: &Epilogue,
    );

    /// Gives the images' buffers back to the pool.
    fn give(images: Self::Images<'_>);
}

impl<K: RowKernel + Sync> Kernel for K {
    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        <K as RowKernel>::pack(isa, g, weight)
    }

    fn conv2d(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
    ) {
        <K as RowKernel>::conv2d(self, g, batch, input, output, ep);
    }

    fn pools(&self, g: &ConvGeometry, pool: &PoolGeometry) -> bool {
        pooled::side_by_side(g, pool)
    }

    fn conv2d_max_pooled(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
        pool: &PoolGeometry,
    ) {
        let images = self.images(g, batch, input);
        pooled::by_bands(g, batch, output, pool, |b, ys, dest| {
            // SAFETY: `images` was made by `self` for this batch; the band's
            // buffer is this task's own.
            unsafe { self.rows(g, &images, b, ys, dest, ep) };
        });
        K::give(images);
    }
}
