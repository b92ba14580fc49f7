//! An Inception-style concat whose 3x3 branch forgot its padding.
use cnn::cnn;

cnn! {
    pub struct Net<32, 28, 28> {
        mixed: concat {
            branch1: Conv2d(32, 16, 1),
            branch3: Conv2d(32, 16, 3),
            { pool: MaxPool2d(3, stride = 1, padding = 1), proj: Conv2d(32, 8, 1) },
        },
    }
}

fn main() {}
