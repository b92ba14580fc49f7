//! An `if` whose condition is a number.
use cnn::cnn;

cnn! {
    block Stage(ch, stride = 1) {
        conv: Conv2d(ch, ch, 3, stride = stride, padding = 1),
        pool: MaxPool2d(2) if stride,
    }

    pub struct Net<8, 16, 16> {
        stage: Stage(8, stride = 2),
    }
}

fn main() {}
