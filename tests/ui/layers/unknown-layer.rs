//! A layer name in the wrong case.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2D(3, 16, 3),
    }
}

fn main() {}
