//! A model without its input size.
use cnn::cnn;

cnn! {
    pub struct Net {
        conv: Conv2d(3, 16, 3),
    }
}

fn main() {}
