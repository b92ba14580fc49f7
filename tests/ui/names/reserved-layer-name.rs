//! A name reserved for unnamed layers.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        _0: ReLU,
    }
}

fn main() {}
