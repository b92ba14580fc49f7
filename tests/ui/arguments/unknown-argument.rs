//! A misspelt keyword argument.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, kernal_size = 3),
    }
}

fn main() {}
