//! Pooling padding larger than half the window.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        pool: MaxPool2d(3, padding = 2),
    }
}

fn main() {}
