//! A PyTorch layer cnn does not have.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        up: Upsample(2),
    }
}

fn main() {}
