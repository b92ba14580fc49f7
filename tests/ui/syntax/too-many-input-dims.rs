//! An input size with a batch dimension, which is chosen at run time.
use cnn::cnn;

cnn! {
    pub struct Net<1, 3, 32, 32> {
        conv: Conv2d(3, 16, 3),
    }
}

fn main() {}
