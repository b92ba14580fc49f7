//! A 5x5 kernel with stride 3 on 34x34 leaves the last two rows and columns
//! out of every window: a warning by default. One row left out (a 5x5
//! kernel, stride 2, on 32x32) is common in well-known models, so it warns
//! only with the pedantic group. `deny` turns the warnings into errors to
//! pin their text.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    pub struct Net<3, 34, 34> {
        conv: Conv2d(3, 8, 5, stride = 3),
        relu: ReLU,
    }

    #[warn(cnn::pedantic)]
    pub struct Edge<3, 32, 32> {
        conv: Conv2d(3, 8, 5, stride = 2),
        relu: ReLU,
    }
}

fn main() {}
