//! Images in: torchvision's inference transforms (`Resize`, `CenterCrop`,
//! `ToTensor`, `Normalize`) from image files or decoded images into a
//! [`Batch`], behind the `image` feature.
//!
//! The steps and their arithmetic are torchvision's on a PIL image, which
//! is what `weights.transforms()` runs on a file opened with
//! `PIL.Image.open(path).convert("RGB")`:
//!
//! - the resize is Pillow's bilinear one (antialiased: shrinking averages
//!   every input pixel under a widened triangle filter), in fixed point
//!   with each pass rounded to bytes, so it gives Pillow's bytes;
//! - the crop's offsets round as Python's `round` does (half to even), and
//!   a crop larger than the image pads it with zeros;
//! - values become `byte / 255` in f32, then `(x - mean) / std`, both in
//!   f32 as PyTorch computes them.
//!
//! On a PNG (lossless, so both sides decode the same bytes) the result
//! equals torchvision's exactly; a test checks it on an image against
//! numbers torchvision computed. JPEG decoders may differ from Pillow's
//! libjpeg by a unit or two in some pixels (before the transforms).
//!
//! ```no_run
//! use cnn_runtime::{Batch, vision::Preprocess};
//! // ResNet's ImageNet transforms: resize to 256, crop 224, normalise.
//! let x: Batch<3, 224, 224> = Preprocess::imagenet().load_batch(&["cat.jpg", "dog.png"])?;
//! # Ok::<(), cnn_runtime::Error>(())
//! ```

mod resize;

use std::path::Path;

use crate::error::{Error, Result};
use crate::tensor::Batch;

/// ImageNet's per-channel mean, as torchvision's models are trained with.
pub const IMAGENET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
/// ImageNet's per-channel standard deviation.
pub const IMAGENET_STD: [f32; 3] = [0.229, 0.224, 0.225];

/// How `Resize` sizes its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resize {
    /// `Resize(n)`: the shorter side becomes `n`, the longer keeps the
    /// aspect ratio (rounded down).
    Shorter(usize),
    /// `Resize((h, w))`: exactly this height and width.
    Exact(usize, usize),
}

/// torchvision's inference transforms, in their order: resize, center
/// crop, to tensor, normalize. Each step is optional; [`Preprocess::new`]
/// only converts to `[0, 1]` values, as `ToTensor` does.
///
/// ```
/// use cnn_runtime::vision::{IMAGENET_MEAN, IMAGENET_STD, Preprocess};
/// // transforms.Compose([Resize(256), CenterCrop(224), ToTensor(),
/// //                     Normalize(IMAGENET_MEAN, IMAGENET_STD)])
/// let imagenet = Preprocess::new()
///     .resize(256)
///     .center_crop(224, 224)
///     .normalize(&IMAGENET_MEAN, &IMAGENET_STD);
/// assert_eq!(imagenet, Preprocess::imagenet());
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
#[must_use]
pub struct Preprocess {
    resize: Option<Resize>,
    crop: Option<(usize, usize)>,
    mean: Vec<f32>,
    std: Vec<f32>,
}

impl Preprocess {
    /// `ToTensor()` alone: the image's bytes as `[0, 1]` values, CHW.
    pub fn new() -> Self {
        Preprocess::default()
    }

    /// The transforms of torchvision's ImageNet classifiers (ResNet, VGG,
    /// MobileNet, ...): `Resize(256)`, `CenterCrop(224)`, `ToTensor()`,
    /// `Normalize(IMAGENET_MEAN, IMAGENET_STD)`.
    pub fn imagenet() -> Self {
        Preprocess::new()
            .resize(256)
            .center_crop(224, 224)
            .normalize(&IMAGENET_MEAN, &IMAGENET_STD)
    }

    /// `Resize(shorter)`: the shorter side becomes `shorter`.
    pub fn resize(mut self, shorter: usize) -> Self {
        self.resize = Some(Resize::Shorter(shorter));
        self
    }

    /// `Resize((height, width))`.
    pub fn resize_exact(mut self, height: usize, width: usize) -> Self {
        self.resize = Some(Resize::Exact(height, width));
        self
    }

    /// `CenterCrop((height, width))`.
    pub fn center_crop(mut self, height: usize, width: usize) -> Self {
        self.crop = Some((height, width));
        self
    }

    /// `Normalize(mean, std)`, one value per channel.
    pub fn normalize(mut self, mean: &[f32], std: &[f32]) -> Self {
        self.mean = mean.to_vec();
        self.std = std.to_vec();
        self
    }

    /// The size images come out at, for an input of `height x width`.
    #[must_use]
    pub fn output_size(&self, height: usize, width: usize) -> (usize, usize) {
        let resized = self
            .resize
            .map_or((height, width), |r| resized(r, height, width));
        self.crop.unwrap_or(resized)
    }

    /// One image's values, CHW, `C` channels (1: Pillow's grayscale
    /// conversion; 3: RGB, alpha dropped), at the size the transforms give.
    ///
    /// # Errors
    /// [`Error::Image`] when `C` is not 1 or 3, the normalisation has a
    /// value count other than `C` or a zero deviation, or a size is 0.
    pub fn apply(
        &self,
        image: &image::DynamicImage,
        channels: usize,
    ) -> Result<(Vec<f32>, (usize, usize))> {
        let pixels = match channels {
            1 => luma(image),
            3 => image.to_rgb8().into_raw(),
            _ => {
                return Err(image_error(
                    None,
                    format!(
                        "images have 1 (grayscale) or 3 (RGB) channels; the model takes {channels}"
                    ),
                ));
            }
        };
        if !self.mean.is_empty() && (self.mean.len() != channels || self.std.len() != channels) {
            return Err(image_error(
                None,
                format!(
                    "Normalize has {} means and {} deviations for {channels} channels",
                    self.mean.len(),
                    self.std.len()
                ),
            ));
        }
        if self.std.contains(&0.0) {
            return Err(image_error(None, "Normalize has a deviation of 0".into()));
        }
        let (height, width) = (image.height() as usize, image.width() as usize);
        let (out_h, out_w) = self.output_size(height, width);
        if height == 0 || width == 0 || out_h == 0 || out_w == 0 {
            return Err(image_error(
                None,
                format!("an empty image: {height}x{width} in, {out_h}x{out_w} out"),
            ));
        }
        let (pixels, (h, w)) = match self.resize {
            Some(r) => {
                let size = resized(r, height, width);
                (
                    resize::resize(&pixels, (height, width, channels), size),
                    size,
                )
            }
            None => (pixels, (height, width)),
        };
        let (top, left) = self
            .crop
            .map_or((0, 0), |(ch, cw)| (crop_offset(h, ch), crop_offset(w, cw)));
        let mut out = vec![0.0f32; channels * out_h * out_w];
        for c in 0..channels {
            let (mean, std) = match (self.mean.get(c), self.std.get(c)) {
                (Some(&m), Some(&s)) => (m, s),
                _ => (0.0, 1.0),
            };
            for y in 0..out_h {
                for x in 0..out_w {
                    // Offsets past the image are the zero padding.
                    let (sy, sx) = (y as isize + top, x as isize + left);
                    let byte = if (0..h as isize).contains(&sy) && (0..w as isize).contains(&sx) {
                        pixels[(sy as usize * w + sx as usize) * channels + c]
                    } else {
                        0
                    };
                    // torchvision: to float, / 255, then sub mean, div std.
                    let v = f32::from(byte) / 255.0;
                    out[(c * out_h + y) * out_w + x] = (v - mean) / std;
                }
            }
        }
        Ok((out, (out_h, out_w)))
    }

    /// A batch of the images, transformed.
    ///
    /// # Errors
    /// As [`Preprocess::apply`], and [`Error::Image`] when the transforms do
    /// not give `H x W` images.
    pub fn batch<const C: usize, const H: usize, const W: usize>(
        &self,
        images: &[image::DynamicImage],
    ) -> Result<Batch<C, H, W>> {
        let mut data = Vec::with_capacity(images.len() * C * H * W);
        for (i, image) in images.iter().enumerate() {
            data.extend(
                self.image_values::<C, H, W>(image)
                    .map_err(|e| at_index(e, i))?,
            );
        }
        Batch::from_vec(images.len(), data)
    }

    /// Opens each file (PNG, JPEG, and the other formats the `image` crate
    /// reads by default), and transforms it into one batch.
    ///
    /// # Errors
    /// [`Error::Image`] naming the file that cannot be read or decoded, and
    /// as [`Preprocess::batch`].
    pub fn load_batch<const C: usize, const H: usize, const W: usize>(
        &self,
        paths: &[impl AsRef<Path>],
    ) -> Result<Batch<C, H, W>> {
        let mut data = Vec::with_capacity(paths.len() * C * H * W);
        for path in paths {
            let path = path.as_ref();
            let image = open(path)?;
            let values = self.image_values::<C, H, W>(&image).map_err(|e| match e {
                Error::Image {
                    path: None,
                    problem,
                } => Error::Image {
                    path: Some(path.to_path_buf()),
                    problem,
                },
                e => e,
            })?;
            data.extend(values);
        }
        Batch::from_vec(paths.len(), data)
    }

    fn image_values<const C: usize, const H: usize, const W: usize>(
        &self,
        image: &image::DynamicImage,
    ) -> Result<Vec<f32>> {
        let rank = Batch::<C, H, W>::RANK;
        if rank != 3 {
            return Err(image_error(
                None,
                format!("images fill a Batch<C, H, W>, not one of rank {rank}"),
            ));
        }
        let out = self.output_size(image.height() as usize, image.width() as usize);
        if out != (H, W) {
            return Err(image_error(
                None,
                format!(
                    "a {}x{} image comes out of the transforms at {}x{}, but the batch holds {H}x{W} images: {}",
                    image.height(),
                    image.width(),
                    out.0,
                    out.1,
                    if self.crop.is_some() {
                        "change the crop to the model's input size"
                    } else {
                        "add `.center_crop(H, W)` with the model's input size"
                    }
                ),
            ));
        }
        Ok(self.apply(image, C)?.0)
    }
}

/// Decodes an image file.
///
/// # Errors
/// [`Error::Image`] naming the file.
pub fn open(path: impl AsRef<Path>) -> Result<image::DynamicImage> {
    let path = path.as_ref();
    let reader = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| image_error(Some(path), format!("cannot be read: {e}")))?;
    reader
        .decode()
        .map_err(|e| image_error(Some(path), format!("cannot be decoded: {e}")))
}

fn image_error(path: Option<&Path>, problem: String) -> Error {
    Error::Image {
        path: path.map(Path::to_path_buf),
        problem,
    }
}

fn at_index(e: Error, i: usize) -> Error {
    match e {
        Error::Image {
            path: None,
            problem,
        } => Error::Image {
            path: None,
            problem: format!("image {i}: {problem}"),
        },
        e => e,
    }
}

/// The size `Resize` gives a `height x width` image (torchvision's
/// `_compute_resized_output_size`: the longer side is truncated).
fn resized(r: Resize, height: usize, width: usize) -> (usize, usize) {
    match r {
        Resize::Exact(h, w) => (h, w),
        Resize::Shorter(n) => {
            let long = |long: usize, short: usize| {
                (n as u128 * long as u128 / short.max(1) as u128) as usize
            };
            if width <= height {
                (long(height, width), n)
            } else {
                (n, long(width, height))
            }
        }
    }
}

/// `CenterCrop`'s first row (or column): `int(round((size - crop) / 2))`,
/// Python's `round` taking halves to even; negative when the crop is
/// larger than the image, which torchvision pads on both sides
/// (`(crop - size) // 2` before).
fn crop_offset(size: usize, crop: usize) -> isize {
    if crop > size {
        return -(((crop - size) / 2) as isize);
    }
    let d = size - crop;
    let half = d / 2;
    // d / 2 ends in .5 when d is odd: round to the even neighbour.
    let rounded = if d % 2 == 1 && half % 2 == 1 {
        half + 1
    } else {
        half
    };
    rounded as isize
}

/// Pillow's `convert("L")`: `(19595 R + 38470 G + 7471 B + 2^15) >> 16`.
fn luma(image: &image::DynamicImage) -> Vec<u8> {
    match image {
        image::DynamicImage::ImageLuma8(gray) => gray.as_raw().clone(),
        _ => image
            .to_rgb8()
            .pixels()
            .map(|p| {
                let [r, g, b] = p.0.map(u32::from);
                ((19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16) as u8
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_keeps_the_aspect_ratio_rounding_down() {
        assert_eq!(resized(Resize::Shorter(256), 480, 640), (256, 341));
        assert_eq!(resized(Resize::Shorter(256), 640, 480), (341, 256));
        assert_eq!(resized(Resize::Shorter(256), 300, 300), (256, 256));
        assert_eq!(resized(Resize::Exact(10, 20), 300, 400), (10, 20));
    }

    #[test]
    fn crop_offsets_round_halves_to_even_and_pad_when_larger() {
        assert_eq!(crop_offset(256, 224), 16);
        assert_eq!(crop_offset(257, 224), 16); // 16.5 -> 16
        assert_eq!(crop_offset(259, 224), 18); // 17.5 -> 18
        assert_eq!(crop_offset(224, 224), 0);
        assert_eq!(crop_offset(200, 224), -12);
        assert_eq!(crop_offset(201, 224), -11);
    }

    #[test]
    fn a_crop_larger_than_the_image_pads_with_zeros_before_normalising() {
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            2,
            2,
            image::Rgb([255, 0, 51]),
        ));
        let pre = Preprocess::new()
            .center_crop(4, 4)
            .normalize(&[0.5, 0.5, 0.5], &[0.5, 0.5, 0.5]);
        let (values, size) = pre.apply(&image, 3).unwrap();
        assert_eq!(size, (4, 4));
        // Red: the 2x2 middle is (1 - 0.5) / 0.5 = 1, the padding -1.
        let red = &values[..16];
        assert_eq!(red[5], 1.0);
        assert_eq!(red[0], -1.0);
        assert_eq!(values[16 + 5], -1.0);
        assert_eq!(values[32 + 5], (0.2 - 0.5) / 0.5);
    }

    #[test]
    fn sizes_channels_and_normalisation_are_checked() {
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::new(40, 30));
        let err = Preprocess::imagenet()
            .batch::<3, 32, 32>(std::slice::from_ref(&image))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "image 0: a 30x40 image comes out of the transforms at 224x224, but the batch holds 32x32 images: change the crop to the model's input size"
        );
        let err = Preprocess::imagenet()
            .batch::<1, 224, 224>(std::slice::from_ref(&image))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("Normalize has 3 means and 3 deviations for 1 channels"),
            "{err}"
        );
        let err = Preprocess::new()
            .batch::<2, 30, 40>(std::slice::from_ref(&image))
            .unwrap_err();
        assert!(err.to_string().contains("the model takes 2"), "{err}");
        let gray: Batch<1, 30, 40> = Preprocess::new().batch(&[image.clone(), image]).unwrap();
        assert_eq!(gray.batch_size(), 2);
        let err = open("/nonexistent.png").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("/nonexistent.png: cannot be read: "),
            "{err}"
        );
    }

    #[test]
    fn grayscale_is_pillows() {
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            1,
            1,
            image::Rgb([10, 200, 30]),
        ));
        // (19595 * 10 + 38470 * 200 + 7471 * 30 + 32768) >> 16 = 8146848 >> 16 = 124
        assert_eq!(luma(&image), [124]);
    }
}
