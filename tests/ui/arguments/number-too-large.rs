//! A channel count too large to be meant.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 99999999999999, 3),
    }
}

fn main() {}
