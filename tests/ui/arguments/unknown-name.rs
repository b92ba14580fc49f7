//! A name that means nothing here.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, channels, 3),
    }
}

fn main() {}
