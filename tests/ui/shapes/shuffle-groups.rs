//! A channel shuffle whose groups do not divide the channels.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 18, 3, padding = 1),
        shuffle: ChannelShuffle(4),
    }
}

fn main() {}
