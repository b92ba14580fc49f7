//! A convolution's bias directly followed by BatchNorm2d is cancelled by the
//! normalization's mean. The lint is pedantic (torchvision's VGG-BN keeps
//! such biases), so the model asks for the group.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    #[warn(pedantic)]
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 3, padding = 1),
        bn: BatchNorm2d(16),
        relu: ReLU,
    }
}

fn main() {}
