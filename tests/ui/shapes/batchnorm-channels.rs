//! BatchNorm2d sized for the wrong number of channels.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 3, padding = 1),
        bn: BatchNorm2d(32),
    }
}

fn main() {}
