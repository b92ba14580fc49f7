//! Explicit padding of images, for `Conv2d`'s non-zero `padding_mode`s
//! (PyTorch pads with `F.pad` and then convolves without padding).

/// How values outside the image are made up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PaddingMode {
    /// Zeros (PyTorch's default, `'zeros'`).
    #[default]
    Zeros,
    /// Mirror without repeating the edge: `d c b | a b c d | c b a`.
    Reflect,
    /// Repeat the edge: `a a | a b c d | d d`.
    Replicate,
    /// Wrap around: `c d | a b c d | a b`.
    Circular,
}

/// Maps a possibly-outside index to an inside one, or `None` for zero.
fn source(mode: PaddingMode, i: isize, len: usize) -> Option<usize> {
    let n = len as isize;
    if (0..n).contains(&i) {
        return Some(i as usize);
    }
    let j = match mode {
        PaddingMode::Zeros => return None,
        PaddingMode::Reflect => {
            if n == 1 {
                0
            } else {
                // Reflection has period 2(n - 1).
                let period = 2 * (n - 1);
                let m = i.rem_euclid(period);
                if m < n { m } else { period - m }
            }
        }
        PaddingMode::Replicate => i.clamp(0, n - 1),
        PaddingMode::Circular => i.rem_euclid(n),
    };
    Some(j as usize)
}

/// Pads each of `channels` planes of `h x w` by `begin = [top, left]` and
/// `end = [bottom, right]` into `out` (`channels x (h+top+bottom) x (w+left+right)`).
pub fn pad_planes(
    mode: PaddingMode,
    input: &[f32],
    channels: usize,
    [h, w]: [usize; 2],
    begin: [usize; 2],
    end: [usize; 2],
    out: &mut [f32],
) {
    let ph = h + begin[0] + end[0];
    let pw = w + begin[1] + end[1];
    for c in 0..channels {
        let src = &input[c * h * w..(c + 1) * h * w];
        let dst = &mut out[c * ph * pw..(c + 1) * ph * pw];
        for y in 0..ph {
            let sy = source(mode, y as isize - begin[0] as isize, h);
            for x in 0..pw {
                let sx = source(mode, x as isize - begin[1] as isize, w);
                dst[y * pw + x] = match (sy, sx) {
                    (Some(sy), Some(sx)) => src[sy * w + sx],
                    _ => 0.0,
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(mode: PaddingMode) -> Vec<f32> {
        let input = [1.0, 2.0, 3.0, 4.0];
        let mut out = vec![0.0; 8];
        pad_planes(mode, &input, 1, [1, 4], [0, 2], [0, 2], &mut out);
        out
    }

    #[test]
    fn modes_match_pytorch() {
        // torch.nn.functional.pad(torch.tensor([[[1., 2, 3, 4]]]), (2, 2), mode=...)
        assert_eq!(
            row(PaddingMode::Zeros),
            [0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 0.0, 0.0]
        );
        assert_eq!(
            row(PaddingMode::Reflect),
            [3.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0, 2.0]
        );
        assert_eq!(
            row(PaddingMode::Replicate),
            [1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 4.0, 4.0]
        );
        assert_eq!(
            row(PaddingMode::Circular),
            [3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0]
        );
    }
}
