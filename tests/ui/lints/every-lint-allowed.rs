//! Each lint silenced where it fires, on an entry, a block and the model;
//! one left on, so the case fails and pins that `allow` kept only it quiet.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    #[allow(double_activation)]
    block Act() {
        relu1: ReLU,
        relu2: ReLU,
    }

    #[allow(softmax_not_last)]
    pub struct Net<3, 32, 32> {
        #[allow(unused_pixels, bias_before_batchnorm)]
        conv: Conv2d(3, 8, 5, stride = 2),
        bn: BatchNorm2d(8),
        act: Act(),
        soft: Softmax(dim = 1),
        pool: MaxPool2d(2, stride = 3),
        flatten: Flatten,
        fc: Linear(200, 10),
    }
}

fn main() {}
