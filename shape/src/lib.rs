//! PyTorch's shape formulas, written once as `const fn`s.
//!
//! The `cnn!` checker calls them while a crate compiles, and the runtime's
//! const assertions call the very same functions, so the two can never
//! disagree about a layer's output size.
//!
//! Every function uses checked arithmetic and returns `None` where PyTorch
//! would raise an error (an output of size zero or less, a zero stride) or
//! where the arithmetic would overflow.
//!
//! ```
//! use cnn_shape::conv_out;
//! // 32x32 input, 5x5 kernel, stride 2, padding 1: 15x15 out.
//! assert_eq!(conv_out(32, 5, 2, 1, 1, 1), Some(15));
//! // A 5x5 kernel does not fit a 3x3 input.
//! assert_eq!(conv_out(3, 5, 1, 0, 0, 1), None);
//! ```
#![no_std]
#![forbid(unsafe_code)]

/// `?` for `Option` inside a `const fn`, where the `?` operator is not allowed.
macro_rules! tri {
    ($e:expr) => {
        match $e {
            Some(v) => v,
            None => return None,
        }
    };
}

/// The span a kernel covers once dilated: `dilation * (kernel - 1) + 1`.
pub const fn effective_kernel(kernel: usize, dilation: usize) -> Option<usize> {
    if kernel == 0 || dilation == 0 {
        return None;
    }
    let span = tri!(dilation.checked_mul(kernel - 1));
    span.checked_add(1)
}

/// Output length of a convolution along one axis (PyTorch's `Conv2d`):
/// `floor((input + pad_begin + pad_end - dilation * (kernel - 1) - 1) / stride) + 1`.
///
/// `pad_begin` and `pad_end` differ only for `padding = "same"` with an even
/// effective kernel, where PyTorch pads one more row at the end.
pub const fn conv_out(
    input: usize,
    kernel: usize,
    stride: usize,
    pad_begin: usize,
    pad_end: usize,
    dilation: usize,
) -> Option<usize> {
    if stride == 0 {
        return None;
    }
    let padded = tri!(tri!(input.checked_add(pad_begin)).checked_add(pad_end));
    let span = tri!(effective_kernel(kernel, dilation));
    if padded < span {
        return None;
    }
    Some((padded - span) / stride + 1)
}

/// Output length of max or average pooling along one axis, PyTorch's
/// `pooling_output_shape`: like [`conv_out`] with symmetric padding, except
/// that `ceil_mode` rounds up, provided the last window still starts inside
/// the input or its left padding.
pub const fn pool_out(
    input: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    ceil_mode: bool,
) -> Option<usize> {
    if stride == 0 {
        return None;
    }
    let padded = tri!(tri!(input.checked_add(padding)).checked_add(padding));
    let span = tri!(effective_kernel(kernel, dilation));
    if padded < span {
        return None;
    }
    let mut out = (padded - span) / stride + 1;
    if ceil_mode && (padded - span) % stride != 0 {
        out += 1;
        // The last window must start inside the input or the left padding.
        if tri!((out - 1).checked_mul(stride)) >= tri!(input.checked_add(padding)) {
            out -= 1;
        }
    }
    Some(out)
}

/// The padding PyTorch applies for `padding = "same"` along one axis:
/// `(begin, end)`, with the odd row at the end. Only meaningful for stride 1.
pub const fn same_padding(kernel: usize, dilation: usize) -> Option<(usize, usize)> {
    let span = tri!(effective_kernel(kernel, dilation));
    let total = span - 1;
    Some((total / 2, total - total / 2))
}

/// First input index of adaptive pooling window `i` (PyTorch's `start_index`:
/// `floor(i * input / output)`).
pub const fn adaptive_start(i: usize, input: usize, output: usize) -> usize {
    (i * input) / output
}

/// One past the last input index of adaptive pooling window `i` (PyTorch's
/// `end_index`: `ceil((i + 1) * input / output)`).
pub const fn adaptive_end(i: usize, input: usize, output: usize) -> usize {
    ((i + 1) * input).div_ceil(output)
}

/// The product of `dims`, or `None` on overflow.
pub const fn product(dims: &[usize]) -> Option<usize> {
    let mut acc: usize = 1;
    let mut i = 0;
    while i < dims.len() {
        acc = tri!(acc.checked_mul(dims[i]));
        i += 1;
    }
    Some(acc)
}

/// Multiply-accumulates of one image through a convolution: every output
/// element sums `in_channels / groups * kh * kw` products (the bias add is
/// not counted, as in the fixture models' counts).
pub const fn conv_macs(
    out_elems: usize,
    in_channels: usize,
    groups: usize,
    kh: usize,
    kw: usize,
) -> Option<usize> {
    if groups == 0 {
        return None;
    }
    product(&[out_elems, in_channels / groups, kh, kw])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conv_matches_pytorch_examples() {
        // The fixtures' layers (see the fixture README).
        assert_eq!(conv_out(32, 3, 2, 1, 1, 1), Some(16));
        assert_eq!(conv_out(16, 3, 2, 1, 1, 1), Some(8));
        assert_eq!(conv_out(32, 5, 2, 1, 1, 1), Some(15));
        assert_eq!(conv_out(15, 5, 2, 1, 1, 1), Some(7));
        assert_eq!(conv_out(130, 3, 1, 0, 0, 1), Some(128));
        assert_eq!(conv_out(200, 2, 2, 0, 0, 1), Some(100));
        // dilation 2, padding 2, kernel 3 keeps the size
        assert_eq!(conv_out(16, 3, 1, 2, 2, 2), Some(16));
        assert_eq!(conv_out(224, 7, 2, 3, 3, 1), Some(112));
        assert_eq!(conv_out(3, 5, 1, 0, 0, 1), None);
        assert_eq!(conv_out(5, 5, 1, 0, 0, 1), Some(1));
        assert_eq!(conv_out(5, 3, 0, 0, 0, 1), None);
        assert_eq!(conv_out(usize::MAX, 3, 1, 1, 1, 1), None);
        assert_eq!(conv_out(8, 3, 1, 0, 0, usize::MAX), None);
    }

    #[test]
    fn pool_floor_and_ceil() {
        assert_eq!(pool_out(37, 2, 2, 0, 1, false), Some(18));
        assert_eq!(pool_out(37, 2, 2, 0, 1, true), Some(19));
        assert_eq!(pool_out(112, 3, 2, 1, 1, false), Some(56));
        assert_eq!(pool_out(32, 3, 2, 1, 1, false), Some(16));
        // ceil_mode: the extra window would start in the right padding only,
        // so PyTorch drops it (5 + 2*1 with k=2, s=2: 4 windows, not 5 -> 3+1).
        assert_eq!(pool_out(5, 2, 2, 1, 1, true), Some(3));
        assert_eq!(pool_out(6, 3, 3, 1, 1, true), Some(3));
        assert_eq!(pool_out(1, 2, 2, 0, 1, false), None);
    }

    #[test]
    fn same_padding_puts_the_odd_row_at_the_end() {
        assert_eq!(same_padding(3, 1), Some((1, 1)));
        assert_eq!(same_padding(4, 1), Some((1, 2)));
        assert_eq!(same_padding(3, 2), Some((2, 2)));
        assert_eq!(same_padding(1, 1), Some((0, 0)));
    }

    #[test]
    fn adaptive_windows_cover_the_input() {
        // 10 -> 3: [0,4), [3,7), [6,10)
        assert_eq!((adaptive_start(0, 10, 3), adaptive_end(0, 10, 3)), (0, 4));
        assert_eq!((adaptive_start(1, 10, 3), adaptive_end(1, 10, 3)), (3, 7));
        assert_eq!((adaptive_start(2, 10, 3), adaptive_end(2, 10, 3)), (6, 10));
        // upsampling: 2 -> 4 repeats each input
        assert_eq!((adaptive_start(1, 2, 4), adaptive_end(1, 2, 4)), (0, 1));
    }

    #[test]
    fn products_overflow_to_none() {
        assert_eq!(product(&[32, 7, 7]), Some(1568));
        assert_eq!(product(&[]), Some(1));
        assert_eq!(product(&[usize::MAX, 2]), None);
        assert_eq!(conv_macs(16 * 15 * 15, 3, 1, 5, 5), Some(270_000));
    }
}
