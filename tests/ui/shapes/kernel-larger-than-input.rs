//! A 5x5 kernel on the 4x4 output of the layer before.
use cnn::cnn;

cnn! {
    pub struct Net<3, 8, 8> {
        conv1: Conv2d(3, 16, 5),
        conv2: Conv2d(16, 16, 5),
    }
}

fn main() {}
