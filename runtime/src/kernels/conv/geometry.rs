//! The sizes of one convolution, and where its kernels write output rows.

use crate::kernels::epilogue::Out;

/// Every size of one convolution. Pairs are `[height, width]`; `pad` is the
/// padding before the first row/column (after the last it is implied by the
/// output size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeometry {
    pub c_in: usize,
    pub c_out: usize,
    pub input: [usize; 2],
    pub output: [usize; 2],
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub pad: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
}

impl ConvGeometry {
    /// Rows of one group's patch matrix: `C_IN/G * KH * KW`.
    pub fn patch_len(&self) -> usize {
        self.c_in / self.groups * self.kernel[0] * self.kernel[1]
    }

    pub fn in_len(&self) -> usize {
        self.c_in * self.input[0] * self.input[1]
    }

    pub fn out_len(&self) -> usize {
        self.c_out * self.output[0] * self.output[1]
    }

    /// Multiply-adds of one image.
    pub fn macs(&self) -> usize {
        self.out_len() * self.patch_len()
    }

    /// A 1x1 convolution with stride 1 and no padding reads its input as is.
    pub(crate) fn is_pointwise(&self) -> bool {
        self.kernel == [1, 1]
            && self.stride == [1, 1]
            && self.pad == [0, 0]
            && self.input == self.output
    }

    /// Every output, kernel, stride and dilation size is at least 1: what
    /// the kernels that index windows by them need.
    pub(crate) fn has_extent(&self) -> bool {
        ![self.output, self.kernel, self.stride, self.dilation]
            .iter()
            .any(|sizes| sizes.contains(&0))
    }

    /// A depthwise convolution (with a channel multiplier, if any) with
    /// extent: what the two depthwise kernels take.
    pub(crate) fn is_depthwise_with_extent(&self) -> bool {
        self.is_depthwise() && self.c_out.is_multiple_of(self.c_in) && self.has_extent()
    }

    /// One input channel per group: a direct kernel beats a GEMM of one row.
    pub fn is_depthwise(&self) -> bool {
        self.groups == self.c_in && self.groups > 1
    }

    /// The output positions `o` along one axis whose input index
    /// `o * stride + k * dilation - pad` falls inside `0..len`.
    pub(crate) fn valid_range(&self, axis: usize, k: usize) -> (usize, usize) {
        let (s, d, p, len, out) = (
            self.stride[axis],
            self.dilation[axis],
            self.pad[axis],
            self.input[axis],
            self.output[axis],
        );
        let offset = k * d; // input index = o*s + offset - p
        let lo = if offset >= p {
            0
        } else {
            (p - offset).div_ceil(s)
        };
        let hi = if len + p > offset {
            ((len + p - offset - 1) / s + 1).min(out)
        } else {
            0
        };
        (lo.min(hi), hi)
    }
}

/// Where a kernel writes output rows: `first_row..` of every output
/// channel, each channel's rows `plane` values apart (the whole output of
/// an image, or a band of its rows).
#[derive(Clone, Copy, Debug)]
pub(crate) struct OutRows {
    pub out: Out,
    pub(crate) plane: usize,
    pub(crate) width: usize,
    pub(crate) first_row: usize,
}

impl OutRows {
    /// One image's whole output.
    pub fn whole(g: &ConvGeometry, out: Out) -> Self {
        OutRows {
            out,
            plane: g.output[0] * g.output[1],
            width: g.output[1],
            first_row: 0,
        }
    }

    /// Rows `first_row..first_row + rows` of one image's output, in a
    /// buffer of their own.
    pub fn band(g: &ConvGeometry, out: Out, first_row: usize, rows: usize) -> Self {
        OutRows {
            out,
            plane: rows * g.output[1],
            width: g.output[1],
            first_row,
        }
    }

    /// One image's output of `height x width` planes (a pooled one, say).
    pub fn planes(out: Out, height: usize, width: usize) -> Self {
        OutRows {
            out,
            plane: height * width,
            width,
            first_row: 0,
        }
    }

    /// Where output `(channel, y, x)` goes.
    pub fn at(&self, channel: usize, y: usize, x: usize) -> usize {
        channel * self.plane + (y - self.first_row) * self.width + x
    }
}

/// The largest of a kernel's read offsets into its copy of an image (0 for
/// none): each task checks its furthest read against it.
pub(super) fn max_offset(offsets: &[u32]) -> usize {
    offsets.iter().max().map_or(0, |&o| o as usize)
}
