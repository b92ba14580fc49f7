//! A squeeze-excitation gate that ends with the squeezed channels.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 3, padding = 1),
        se: gate {
            avgpool: AdaptiveAvgPool2d(1),
            fc1: Conv2d(16, 4, 1),
            activation: ReLU,
            fc2: Conv2d(4, 8, 1),
            scale_activation: Sigmoid,
        },
    }
}

fn main() {}
