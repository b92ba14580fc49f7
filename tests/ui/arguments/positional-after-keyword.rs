//! A positional argument after a keyword, which Python also forbids.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, stride = 2, 3),
    }
}

fn main() {}
