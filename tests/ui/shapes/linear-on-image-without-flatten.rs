//! A Linear straight after a convolution, without Flatten.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 8, 3),
        fc: Linear(7200, 10),
    }
}

fn main() {}
