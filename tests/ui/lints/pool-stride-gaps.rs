//! A 2x2 pool with stride 3 never reads every third row and column.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    pub struct Net<3, 30, 30> {
        conv: Conv2d(3, 8, 3, padding = 1),
        pool: MaxPool2d(2, stride = 3),
    }
}

fn main() {}
