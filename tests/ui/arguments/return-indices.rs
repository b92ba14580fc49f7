//! MaxPool2d asked for its indices.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        pool: MaxPool2d(2, return_indices = true),
    }
}

fn main() {}
