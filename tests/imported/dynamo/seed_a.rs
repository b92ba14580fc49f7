// Written by `cargo cnn import` from `seed_a.onnx`.
use cnn::cnn;

cnn! {
    pub struct SeedA<3, 32, 32> {
        conv1: Conv2d(3, 16, 3, stride = 2, padding = 1),
        relu: ReLU,
        conv2: Conv2d(16, 32, 3, stride = 2, padding = 1),
        relu_1: ReLU,
        flatten: Flatten,
        fc: Linear(2048, 10),
    }
}
