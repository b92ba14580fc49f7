//! Pooling that shrinks the image below its own window.
use cnn::cnn;

cnn! {
    pub struct Net<3, 12, 12> {
        pool1: MaxPool2d(4),
        pool2: MaxPool2d(4),
    }
}

fn main() {}
