//! A number as a layer name.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        0: Conv2d(3, 16, 3),
    }
}

fn main() {}
