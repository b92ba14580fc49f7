// Written by `cargo cnn import` from `quiz.onnx`.
use cnn::cnn;

cnn! {
    pub struct Quiz<3, 130, 130> {
        conv1: Conv2d(3, 10, 3),
        maxpool: MaxPool2d(4),
        conv2: Conv2d(10, 20, 5, padding = 2),
        maxpool_1: MaxPool2d(2),
        relu: ReLU,
        flatten: Flatten,
        fc: Linear(5120, 10),
    }
}
