//! A block whose layers include the block itself.
use cnn::cnn;

cnn! {
    block Loop(ch) {
        conv: Conv2d(ch, ch, 3, padding = 1),
        again: Loop(ch),
    }

    pub struct Net<8, 16, 16> {
        body: Loop(8),
    }
}

fn main() {}
