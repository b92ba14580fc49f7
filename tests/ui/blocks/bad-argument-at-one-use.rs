//! A block used three times; the third use passes the wrong input channels.
use cnn::cnn;

cnn! {
    block ConvBnRelu(in_ch, out_ch) {
        conv: Conv2d(in_ch, out_ch, 3, padding = 1, bias = false),
        bn: BatchNorm2d(out_ch),
        relu: ReLU,
    }

    pub struct Net<3, 32, 32> {
        features: [
            ConvBnRelu(3, 32),
            ConvBnRelu(32, 64),
            ConvBnRelu(32, 64),
        ],
    }
}

fn main() {}
