// Written by `cargo cnn import` from `lenet5.onnx`.
use cnn::cnn;

cnn! {
    pub struct Lenet5<1, 28, 28> {
        conv1: Conv2d(1, 6, 5, padding = 2),
        relu: ReLU,
        avgpool: AvgPool2d(2),
        conv2: Conv2d(6, 16, 5),
        relu_1: ReLU,
        avgpool_1: AvgPool2d(2),
        flatten: Flatten,
        fc1: Linear(400, 120),
        relu_2: ReLU,
        fc2: Linear(120, 84),
        relu_3: ReLU,
        fc3: Linear(84, 10),
    }
}
