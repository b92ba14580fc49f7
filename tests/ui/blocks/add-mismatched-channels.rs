//! A residual add whose projection shortcut makes the wrong number of channels.
use cnn::cnn;

cnn! {
    pub struct Net<16, 8, 8> {
        res: residual {
            conv1: Conv2d(16, 32, 3, padding = 1),
            relu: ReLU,
        } + proj: Conv2d(16, 16, 1),
    }
}

fn main() {}
