//! The tutorial's 5x5 model with the 3x3 model's Linear(2048, 10).
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(2048, 10),
    }
}

fn main() {}
