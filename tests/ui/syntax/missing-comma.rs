//! Two layers without a comma between them.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 3)
        relu: ReLU,
    }
}

fn main() {}
