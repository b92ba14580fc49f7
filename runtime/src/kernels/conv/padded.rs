//! Zero-padded copies of image planes for the kernels that read sixteen
//! output columns' inputs with one vector load: every row and column a
//! window reaches, and columns up to whole vectors beyond the last window,
//! so that no load needs a mask.

use super::geometry::ConvGeometry;

/// The size of the padded copy of one plane for a geometry whose
/// horizontal stride is 1 or 2 (a vector of 16 outputs then reads 16 or 32
/// inputs from one start).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PaddedPlane {
    pub rows: usize,
    pub cols: usize,
}

impl PaddedPlane {
    pub fn of(g: &ConvGeometry) -> Self {
        let [oh, ow] = g.output;
        let rows = (oh - 1) * g.stride[0] + (g.kernel[0] - 1) * g.dilation[0] + 1;
        let cols = ow.div_ceil(16) * 16 * g.stride[1] + (g.kernel[1] - 1) * g.dilation[1];
        PaddedPlane { rows, cols }
    }

    pub fn len(self) -> usize {
        self.rows * self.cols
    }

    /// Copies `plane` into `padded` with `pad` zeros above and left, and
    /// zeros wherever the windows reach past the image. Each value is
    /// written once.
    pub fn fill(self, g: &ConvGeometry, plane: &[f32], padded: &mut [f32]) {
        let [h, w] = g.input;
        let (top, left) = (g.pad[0], g.pad[1].min(self.cols));
        // Columns of the image that fit in the copy.
        let n = w.min(self.cols - left);
        for (y, row) in padded[..self.len()].chunks_exact_mut(self.cols).enumerate() {
            match y.checked_sub(top).filter(|&iy| iy < h) {
                Some(iy) => {
                    row[..left].fill(0.0);
                    row[left..left + n].copy_from_slice(&plane[iy * w..iy * w + n]);
                    row[left + n..].fill(0.0);
                }
                None => row.fill(0.0),
            }
        }
    }
}
