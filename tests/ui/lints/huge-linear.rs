//! A Linear holding almost all of the model's parameters: 64x56x56 flattened
//! into 4096 outputs.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    pub struct Net<3, 56, 56> {
        conv: Conv2d(3, 64, 3, padding = 1),
        relu: ReLU,
        flatten: Flatten,
        fc: Linear(200704, 4096),
    }
}

fn main() {}
