//! A convolution expecting more channels than the previous one makes.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv1: Conv2d(3, 16, 3),
        pool: MaxPool2d(2),
        conv2: Conv2d(32, 64, 3),
    }
}

fn main() {}
