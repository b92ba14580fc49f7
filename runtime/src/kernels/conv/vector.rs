//! Convolutions with one output pixel a channel (squeeze-and-excitation's
//! 1x1 convolutions on a pooled `C x 1 x 1` value): a matrix-vector
//! product per image on the weights packed in blocks of rows
//! ([`PackedRows`]), after gathering the one window into a patch. The
//! other kernels tile pixels and would spend nearly all their work on an
//! empty tile.

use super::geometry::ConvGeometry;
use super::kernel::Kernel;
use crate::kernels::epilogue::Epilogue;
use crate::kernels::gemv_packed::{PackedRows, gemv_packed};
use crate::kernels::isa::Isa;
use crate::pool;

/// The weights of a convolution with a 1x1 output, `[C_OUT][C_IN * KH *
/// KW]` packed for the instruction set they run on.
#[derive(Clone, Debug)]
pub struct VectorConv {
    weight: PackedRows,
}

impl Kernel for VectorConv {
    fn pack(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Option<Self> {
        let takes = g.output == [1, 1] && g.groups == 1;
        takes.then(|| VectorConv {
            weight: PackedRows::new(isa, g.c_out, g.patch_len(), weight),
        })
    }

    fn conv2d(
        &self,
        g: &ConvGeometry,
        batch: usize,
        input: &[f32],
        output: &mut [f32],
        ep: &Epilogue,
    ) {
        let [h, w] = g.input;
        let [kh, kw] = g.kernel;
        let plane = h * w;
        // The window's input pixel of each tap, if inside the input.
        let at = |i: usize, j: usize| {
            let y = (i * g.dilation[0])
                .checked_sub(g.pad[0])
                .filter(|&y| y < h)?;
            let x = (j * g.dilation[1])
                .checked_sub(g.pad[1])
                .filter(|&x| x < w)?;
            Some(y * w + x)
        };
        let whole_planes = plane == 1 && kh * kw == 1 && at(0, 0) == Some(0);
        let mut patch = pool::take(if whole_planes { 0 } else { g.patch_len() });
        for b in 0..batch {
            let image = &input[b * g.c_in * plane..][..g.c_in * plane];
            let x: &[f32] = if whole_planes {
                image
            } else {
                for c in 0..g.c_in {
                    for i in 0..kh {
                        for j in 0..kw {
                            patch[(c * kh + i) * kw + j] =
                                at(i, j).map_or(0.0, |p| image[c * plane + p]);
                        }
                    }
                }
                &patch
            };
            let ep = Epilogue {
                residual: ep.residual.map(|r| &r[b * g.c_out..][..g.c_out]),
                ..*ep
            };
            let y = &mut output[b * g.c_out..][..g.c_out];
            gemv_packed(&self.weight, x, y, &ep);
        }
        pool::give(patch);
    }
}
