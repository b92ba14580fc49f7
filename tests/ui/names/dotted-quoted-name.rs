//! A quoted name holding PyTorch's separator.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        "layer1.conv": Conv2d(3, 16, 3),
    }
}

fn main() {}
