//! A Linear holding almost all of the model's parameters: 64x56x56 flattened
//! into 4096 outputs. The lint is pedantic (AlexNet's and VGG's classifiers
//! are such layers), so the model asks for it by name.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    #[warn(huge_linear)]
    pub struct Net<3, 56, 56> {
        conv: Conv2d(3, 64, 3, padding = 1),
        relu: ReLU,
        flatten: Flatten,
        fc: Linear(200704, 4096),
    }
}

fn main() {}
