//! A convolution on a model declared with flat input.
use cnn::cnn;

cnn! {
    pub struct Net<784> {
        conv: Conv2d(1, 8, 3),
    }
}

fn main() {}
