//! Two activations in a row: the second ReLU does nothing.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 8, 3),
        relu1: ReLU,
        relu2: ReLU,
    }
}

fn main() {}
