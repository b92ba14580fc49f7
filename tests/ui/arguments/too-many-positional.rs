//! More positional arguments than the signature has.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        relu: ReLU(false, 1),
    }
}

fn main() {}
