//! A size computed by a division with a remainder.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 7 / 2),
    }
}

fn main() {}
