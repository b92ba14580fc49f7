//! A number where `true` or `false` goes.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 3, bias = 0),
    }
}

fn main() {}
