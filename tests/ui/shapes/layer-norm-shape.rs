//! A LayerNorm over channels moved last, given the wrong size.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 4, stride = 4),
        last: Permute([0, 2, 3, 1]),
        norm: LayerNorm(32, eps = 1e-6),
    }
}

fn main() {}
