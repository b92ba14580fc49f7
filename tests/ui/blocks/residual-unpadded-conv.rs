//! A residual main path that loses a row and a column to a convolution
//! without padding: one error, at that convolution, with the padding.
use cnn::cnn;

cnn! {
    pub struct Net<64, 56, 56> {
        residual {
            conv1: Conv2d(64, 64, 3, padding = 1, bias = false),
            bn1: BatchNorm2d(64),
            relu: ReLU,
            conv2: Conv2d(64, 64, 3, bias = false),
            bn2: BatchNorm2d(64),
        },
        relu: ReLU,
    }
}

fn main() {}
