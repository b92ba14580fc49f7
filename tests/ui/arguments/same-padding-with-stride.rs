//! padding="same" on a strided convolution, which PyTorch refuses.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 3, stride = 2, padding = "same"),
    }
}

fn main() {}
