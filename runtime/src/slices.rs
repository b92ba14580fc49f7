//! Large batches run through a model's image layers a slice of images at a
//! time.
//!
//! A layer that runs over a whole batch of 64 small images writes more than
//! a core's cache holds, and the next layer reads it back from memory; a
//! slice of images small enough to stay in the cache goes through every
//! image layer before the next slice starts. The steps from the first that
//! makes a vector of each image (a Flatten) on run on the whole batch at
//! once where they hold more weights than stay in cache: their data is
//! small, and a classifier's weights, megabytes of them, are then read once
//! a batch rather than once a slice. With more than one thread the slices
//! run side by side, each on one thread, with nothing to wait for between
//! layers.
//!
//! The slices depend only on the batch size and the model, never on the
//! thread count, so the numbers stay the same bit for bit with 1 thread or
//! 16.

use crate::kernels::epilogue::Out;
use crate::module::LayerInfo;
use crate::tensor::Batch;
use crate::threads;

/// Bytes of activations a slice may keep: about a core's second-level
/// cache (1 MiB on AMD's Zen 4, 2 MiB on Intel's Sapphire Rapids).
const BUDGET: usize = 1 << 20;

/// Values one image keeps live at once, about: the largest layer output
/// three times over (its input, itself, and a value kept for later, as a
/// shortcut is), and the input image.
fn live_values(input: &[usize], layers: &[LayerInfo]) -> usize {
    let largest = layers
        .iter()
        .map(|l| l.output_shape.iter().product::<usize>())
        .max()
        .unwrap_or(0);
    input.iter().product::<usize>() + 3 * largest
}

/// How many slices a batch of `batch` takes when a model whose input is
/// `input` and whose layers are `layers` runs it: 1 when the whole batch
/// fits, else an even number where the batch allows, so that two threads
/// share them evenly.
/// Slice `s` holds images `s * batch / slices` up to `(s + 1) * batch /
/// slices`.
///
/// ```
/// use cnn_runtime::slices::slice_count;
/// // One 3x32x32 image and a 16x32x32 layer: about 0.2 MB live.
/// let layers = [cnn_runtime::LayerInfo {
///     name: "conv",
///     kind: "Conv2d",
///     args: "",
///     output_shape: &[16, 32, 32],
///     params: 0,
///     buffers: 0,
///     macs: 0,
///     mult_adds: 0,
///     depth: 1,
/// }];
/// assert_eq!(slice_count(4, &[3, 32, 32], &layers), 1);
/// // 64 of them: 14 slices of four or five images, under 1 MB each.
/// assert_eq!(slice_count(64, &[3, 32, 32], &layers), 14);
/// ```
pub fn slice_count(batch: usize, input: &[usize], layers: &[LayerInfo]) -> usize {
    if batch <= 1 {
        return 1;
    }
    let bytes = live_values(input, layers).saturating_mul(4).max(1);
    let most = (BUDGET / bytes).max(1);
    if batch <= most {
        return 1;
    }
    let slices = batch.div_ceil(most);
    (slices + slices % 2).min(batch)
}

/// Runs `forward` on `x` a slice of images at a time ([`slice_count`]), the
/// slices shared between the threads, and gathers the outputs in order.
/// `macs` is the model's multiply-adds per image.
///
/// The code `cnn!` generates calls it; it is public for that alone.
#[doc(hidden)]
pub fn forward<
    const A0: usize,
    const A1: usize,
    const A2: usize,
    const B0: usize,
    const B1: usize,
    const B2: usize,
>(
    x: &Batch<A0, A1, A2>,
    input: &[usize],
    layers: &[LayerInfo],
    macs: usize,
    forward: impl Fn(&Batch<A0, A1, A2>) -> Batch<B0, B1, B2> + Sync,
) -> Batch<B0, B1, B2> {
    let batch = x.batch_size();
    let slices = slice_count(batch, input, layers);
    if slices == 1 {
        return forward(x);
    }
    let (in_len, out_len) = (
        Batch::<A0, A1, A2>::IMAGE_LEN,
        Batch::<B0, B1, B2>::IMAGE_LEN,
    );
    let mut y = Batch::<B0, B1, B2>::uninit(batch);
    let out = Out::new(y.as_mut_slice());
    threads::for_each_apart(slices, batch.saturating_mul(macs), |s| {
        let first = s * batch / slices;
        let count = (s + 1) * batch / slices - first;
        let mut part = Batch::<A0, A1, A2>::uninit(count);
        part.as_mut_slice()
            .copy_from_slice(&x.as_slice()[first * in_len..][..count * in_len]);
        let part_y = forward(&part);
        // SAFETY: images `first..first + count` of `y` are slice `s`'s
        // alone, and `y` outlives every slice.
        unsafe { out.slice(first * out_len, count * out_len) }.copy_from_slice(part_y.as_slice());
    });
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(shape: &'static [usize]) -> LayerInfo {
        LayerInfo {
            name: "l",
            kind: "Conv2d",
            args: "",
            output_shape: shape,
            params: 0,
            buffers: 0,
            macs: 0,
            mult_adds: 0,
            depth: 1,
        }
    }

    #[test]
    fn slices_are_even_in_number_and_fit_the_budget() {
        let layers = [layer(&[16, 32, 32]), layer(&[32, 16, 16])];
        let image = live_values(&[3, 32, 32], &layers) * 4;
        for batch in 1..200 {
            let slices = slice_count(batch, &[3, 32, 32], &layers);
            if batch * image <= BUDGET {
                assert_eq!(slices, 1, "batch {batch}");
            } else {
                assert!(
                    slices.is_multiple_of(2) || slices == batch,
                    "batch {batch}: {slices}"
                );
                assert!(batch.div_ceil(slices) * image <= BUDGET, "batch {batch}");
                assert!(slices <= batch);
            }
        }
        // An image larger than the budget: one image a slice.
        let big = [layer(&[64, 112, 112])];
        assert_eq!(slice_count(8, &[3, 224, 224], &big), 8);
        assert_eq!(slice_count(7, &[3, 224, 224], &big), 7);
        assert_eq!(slice_count(1, &[3, 224, 224], &big), 1);
        assert_eq!(slice_count(0, &[3, 224, 224], &big), 1);
    }

    /// Every image goes through `forward` once, in its place, on one
    /// thread and on two.
    #[test]
    fn slices_gather_every_image_in_order() {
        let layers = [layer(&[64, 64, 64])];
        for threads in [1, 2] {
            crate::set_threads(threads);
            let x = Batch::<1, 64, 64>::from_vec(
                10,
                (0..10 * 64 * 64).map(|i| (i / (64 * 64)) as f32).collect(),
            )
            .unwrap();
            assert!(slice_count(10, &[1, 64, 64], &layers) > 1);
            let y: Batch<2> = forward(&x, &[1, 64, 64], &layers, 1 << 30, |part| {
                let firsts: Vec<f32> = part
                    .images()
                    .flat_map(|image| [image[0], part.batch_size() as f32])
                    .collect();
                Batch::from_vec(part.batch_size(), firsts).unwrap()
            });
            let firsts: Vec<f32> = y.images().map(|image| image[0]).collect();
            assert_eq!(firsts, (0..10).map(|i| i as f32).collect::<Vec<_>>());
        }
        crate::set_threads(1);
    }
}
