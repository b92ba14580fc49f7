// Written by `cargo cnn import` from `seed_b.onnx`.
use cnn::cnn;

cnn! {
    pub struct SeedB<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu: ReLU,
        conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
        relu_1: ReLU,
        flatten: Flatten,
        fc: Linear(1568, 10),
    }
}
