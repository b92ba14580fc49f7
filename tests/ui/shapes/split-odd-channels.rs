//! A channel split (ShuffleNet's `x.chunk(2, dim=1)`) of an odd channel count.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 15, 3, padding = 1),
        split { {}, branch2: [Conv2d(7, 7, 1), ReLU] },
    }
}

fn main() {}
