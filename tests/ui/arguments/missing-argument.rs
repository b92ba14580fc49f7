//! A Conv2d without its kernel size.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16),
    }
}

fn main() {}
