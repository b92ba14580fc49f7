//! A convolution placed after Flatten.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv1: Conv2d(3, 8, 3),
        flatten: Flatten,
        conv2: Conv2d(8, 8, 3),
    }
}

fn main() {}
