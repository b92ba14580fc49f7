//! Groups that do not divide the channels.
use cnn::cnn;

cnn! {
    pub struct Net<4, 16, 16> {
        conv: Conv2d(4, 6, 3, groups = 4),
    }
}

fn main() {}
