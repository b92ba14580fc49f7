//! A block used with an argument it does not declare.
use cnn::cnn;

cnn! {
    block Stage(in_ch, out_ch, stride = 1) {
        conv: Conv2d(in_ch, out_ch, 3, stride = stride, padding = 1),
        relu: ReLU,
    }

    pub struct Net<3, 32, 32> {
        stage1: Stage(3, 16, strid = 2),
    }
}

fn main() {}
