//! Two layers with one name.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv1: Conv2d(3, 16, 3),
        conv1: Conv2d(16, 16, 3),
    }
}

fn main() {}
