//! A 1-d layer in an image model.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv1d(3, 16, 3),
    }
}

fn main() {}
