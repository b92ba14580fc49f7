//! The classic ResNet mistake: a stride-2 main path with the identity as
//! its shortcut.
use cnn::cnn;

cnn! {
    pub struct Net<64, 56, 56> {
        residual {
            conv1: Conv2d(64, 64, 3, stride = 2, padding = 1, bias = false),
            bn1: BatchNorm2d(64),
            relu: ReLU,
            conv2: Conv2d(64, 64, 3, padding = 1, bias = false),
            bn2: BatchNorm2d(64),
        },
        relu: ReLU,
    }
}

fn main() {}
