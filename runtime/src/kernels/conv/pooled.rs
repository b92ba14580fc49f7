//! A convolution followed by a max pooling. Kernels that write output rows
//! directly pool band by band of rows ([`by_bands`]): each band's
//! convolution is pooled while still in cache, and the convolution's whole
//! output is never written. The others convolve, then pool ([`unfused`]).
//! The values are the same either way.

use super::geometry::{ConvGeometry, OutRows};
use super::kernel::Kernel;
use crate::kernels::epilogue::{Epilogue, Out};
use crate::kernels::pool::{PoolGeometry, max_pool2d};
use crate::pool;
use crate::threads;

/// Output rows a band holds, about: its convolution output (a few tens of
/// KB) stays in L1 or L2 until pooled.
const BAND_ROWS: usize = 8;

/// Whether `pool` suits pooling band by band after `g`: windows side by
/// side (kernel = stride, no padding or dilation) over the whole output,
/// leaving out at most a few last rows and columns.
pub(crate) fn side_by_side(g: &ConvGeometry, pool: &PoolGeometry) -> bool {
    let [kh, kw] = pool.kernel;
    pool.channels == g.c_out
        && pool.input == g.output
        && pool.stride == pool.kernel
        && pool.pad == [0, 0]
        && pool.dilation == [1, 1]
        && kh > 0
        && kw > 0
        && pool.output == [g.output[0] / kh, g.output[1] / kw]
}

/// The convolution, then the pooling, through a buffer of the whole output.
pub(crate) fn unfused<K: Kernel>(
    kernel: &K,
    g: &ConvGeometry,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    ep: &Epilogue,
    pooling: &PoolGeometry,
) {
    let mut conv = pool::take(batch * g.out_len());
    kernel.conv2d(g, batch, input, &mut conv, ep);
    max_pool2d(pooling, batch, &conv, output);
    pool::give(conv);
}

/// Pools band by band of output rows: `rows(b, ys, dest)` must write the
/// convolution's output rows `ys` of image `b`, every channel, into
/// `dest`. Rows that no pooling window covers are not computed.
///
/// # Panics
/// Unless [`side_by_side`] holds, or when `output` is too short.
pub(crate) fn by_bands(
    g: &ConvGeometry,
    batch: usize,
    output: &mut [f32],
    pooling: &PoolGeometry,
    rows: impl Fn(usize, std::ops::Range<usize>, &OutRows) + Sync,
) {
    assert!(
        side_by_side(g, pooling),
        "pooled: windows that are not side by side"
    );
    let [poh, pow] = pooling.output;
    let kh = pooling.kernel[0];
    let pooled_len = g.c_out * poh * pow;
    assert!(
        output.len() >= batch * pooled_len,
        "pooled: the output is too short"
    );
    if pooled_len == 0 {
        return;
    }
    let mut per_band = (BAND_ROWS / kh).max(1);
    if threads::shared(batch * g.macs()) {
        // Thinner bands where there are too few for every thread (the
        // VGG's 8x8 layer pools to 4 rows: one band).
        let least = threads::min_tasks().div_ceil(batch);
        per_band = per_band.min(poh.div_ceil(least)).max(1);
    }
    let bands = poh.div_ceil(per_band);
    let ow = g.output[1];
    let out = Out::new(output);
    threads::for_each(batch * bands, batch * g.macs(), |t| {
        let (b, band) = (t / bands, t % bands);
        let pooled_rows = (band * per_band)..((band + 1) * per_band).min(poh);
        let ys = (pooled_rows.start * kh)..(pooled_rows.end * kh);
        let mut conv = pool::take(g.c_out * ys.len() * ow);
        let dest = OutRows::band(g, Out::new(&mut conv), ys.start, ys.len());
        rows(b, ys.clone(), &dest);
        let band_pool = PoolGeometry {
            channels: 1,
            input: [ys.len(), ow],
            output: [pooled_rows.len(), pow],
            ..*pooling
        };
        let plane_in = ys.len() * ow;
        let plane_out = pooled_rows.len() * pow;
        for c in 0..g.c_out {
            let at = b * pooled_len + c * poh * pow + pooled_rows.start * pow;
            // SAFETY: each task writes its own pooled rows of its own image.
            let dst = unsafe { out.slice(at, plane_out) };
            max_pool2d(&band_pool, 1, &conv[c * plane_in..][..plane_in], dst);
        }
        pool::give(conv);
    });
}
