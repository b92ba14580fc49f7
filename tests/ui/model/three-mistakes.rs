//! Three independent mistakes, all reported in one build: a misspelt layer,
//! a wrong channel count, and the Linear after it.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu1: Relu,
        conv2: Conv2d(8, 32, 5, stride = 2, padding = 1),
        flatten: Flatten,
        fc: Linear(2048, 10),
    }
}

fn main() {}
