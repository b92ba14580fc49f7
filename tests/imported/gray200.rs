// Written by `cargo cnn import` from `gray200.onnx`.
use cnn::cnn;

cnn! {
    pub struct Gray200<1, 200, 200> {
        conv1: Conv2d(1, 16, 2, stride = 2),
        pool1: MaxPool2d(2),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 3, padding = 1),
        pool2: MaxPool2d(2),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(20000, 10),
    }
}
