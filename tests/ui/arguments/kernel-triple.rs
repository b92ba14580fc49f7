//! A 3-d kernel size for a 2-d convolution.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, (3, 3, 3)),
    }
}

fn main() {}
