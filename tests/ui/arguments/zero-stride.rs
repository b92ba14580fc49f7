//! A stride of zero.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 3, stride = 0),
    }
}

fn main() {}
