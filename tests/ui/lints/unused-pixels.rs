//! A 5x5 kernel with stride 2 on 32x32 leaves the last column and row out of
//! every window. `deny` turns the warning into an error to pin its text.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 8, 5, stride = 2),
        relu: ReLU,
    }
}

fn main() {}
