//! `_` where only an input size can be inferred.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 3, stride = _),
    }
}

fn main() {}
