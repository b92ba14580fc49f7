//! Pillow's bilinear resize, which torchvision's `transforms.Resize` runs on
//! a PIL image: a triangle filter widened by the scale when shrinking (so
//! every input pixel counts: antialiasing), applied to rows then columns in
//! fixed point, each pass rounded to 8 bits. Written from the algorithm's
//! definition so that the same image gives the same bytes.

/// Fraction bits of the fixed-point weights (Pillow's `PRECISION_BITS`).
const PRECISION_BITS: u32 = 32 - 8 - 2;

/// For each output position along one axis: the first input index it
/// reads and its fixed-point weights.
struct Taps {
    first: Vec<usize>,
    weights: Vec<Vec<i32>>,
}

/// The triangle filter's weights for resampling `input` positions to
/// `output` ones.
fn taps(input: usize, output: usize) -> Taps {
    let scale = input as f64 / output as f64;
    let filter_scale = scale.max(1.0);
    let support = filter_scale;
    let inverse = 1.0 / filter_scale;
    let mut first = Vec::with_capacity(output);
    let mut weights = Vec::with_capacity(output);
    for o in 0..output {
        let center = (o as f64 + 0.5) * scale;
        // Pillow rounds by adding a half and truncating toward zero.
        let lo = ((center - support + 0.5) as i64).max(0) as usize;
        let hi = ((center + support + 0.5) as i64).min(input as i64) as usize;
        let raw: Vec<f64> = (lo..hi)
            .map(|i| {
                let x = ((i as f64 - center + 0.5) * inverse).abs();
                if x < 1.0 { 1.0 - x } else { 0.0 }
            })
            .collect();
        let total: f64 = raw.iter().sum();
        let fixed = raw
            .iter()
            .map(|&w| {
                let w = if total != 0.0 { w / total } else { w };
                let w = w * f64::from(1u32 << PRECISION_BITS);
                (if w < 0.0 { w - 0.5 } else { w + 0.5 }) as i32
            })
            .collect();
        first.push(lo);
        weights.push(fixed);
    }
    Taps { first, weights }
}

/// A weighted sum in fixed point, rounded and clamped to a byte.
fn weighted(values: impl Iterator<Item = u8>, weights: &[i32]) -> u8 {
    let mut sum: i64 = 1 << (PRECISION_BITS - 1);
    for (v, &w) in values.zip(weights) {
        sum += i64::from(v) * i64::from(w);
    }
    (sum >> PRECISION_BITS).clamp(0, 255) as u8
}

/// Resizes `pixels` (`height x width x channels`, row-major, interleaved)
/// to `out_height x out_width`. An axis whose size does not change is not
/// resampled, as in Pillow.
pub fn resize(
    pixels: &[u8],
    (height, width, channels): (usize, usize, usize),
    (out_height, out_width): (usize, usize),
) -> Vec<u8> {
    let rows = if out_width == width {
        pixels.to_vec()
    } else {
        let t = taps(width, out_width);
        let mut out = vec![0; height * out_width * channels];
        for y in 0..height {
            let row = &pixels[y * width * channels..(y + 1) * width * channels];
            for x in 0..out_width {
                for c in 0..channels {
                    let start = t.first[x];
                    let values = row[start * channels + c..]
                        .iter()
                        .step_by(channels)
                        .copied();
                    out[(y * out_width + x) * channels + c] = weighted(values, &t.weights[x]);
                }
            }
        }
        out
    };
    if out_height == height {
        return rows;
    }
    let t = taps(height, out_height);
    let stride = out_width * channels;
    let mut out = vec![0; out_height * stride];
    for y in 0..out_height {
        for i in 0..stride {
            let values = rows[t.first[y] * stride + i..]
                .iter()
                .step_by(stride)
                .copied();
            out[y * stride + i] = weighted(values, &t.weights[y]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_size_is_the_same_image_and_flat_stays_flat() {
        let pixels: Vec<u8> = (0..5 * 7 * 3).map(|v| (v * 37 % 256) as u8).collect();
        assert_eq!(resize(&pixels, (5, 7, 3), (5, 7)), pixels);
        let flat = vec![200u8; 9 * 11];
        assert!(resize(&flat, (9, 11, 1), (4, 5)).iter().all(|&v| v == 200));
        assert!(
            resize(&flat, (9, 11, 1), (20, 30))
                .iter()
                .all(|&v| v == 200)
        );
    }

    #[test]
    fn halving_averages_with_the_triangle_filter_widened_twice() {
        // Shrinking 4 -> 2: output 0 is centred at 1.0 with support 2, so it
        // reads inputs 0..3 with weights 0.75, 0.75, 0.25 (normalised).
        let row = [0u8, 100, 200, 40];
        let out = resize(&row, (1, 4, 1), (1, 2));
        let expected0: f64 = (0.0 * 0.75 + 100.0 * 0.75 + 200.0 * 0.25) / 1.75;
        assert_eq!(out[0], expected0.round() as u8);
        // Output 1, centred at 3.0: inputs 1..4, weights 0.25, 0.75, 0.75.
        let expected1: f64 = (100.0 * 0.25 + 200.0 * 0.75 + 40.0 * 0.75) / 1.75;
        assert_eq!(out[1], expected1.round() as u8);
    }
}
