// Written by `cargo cnn import` from `vgg_small.onnx`.
use cnn::cnn;

cnn! {
    pub struct VggSmall<3, 32, 32> {
        conv1: Conv2d(3, 32, 3, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(32, 32, 3, padding = 1),
        relu2: ReLU,
        pool1: MaxPool2d(2),
        conv3: Conv2d(32, 64, 3, padding = 1),
        relu3: ReLU,
        conv4: Conv2d(64, 64, 3, padding = 1),
        relu4: ReLU,
        pool2: MaxPool2d(2),
        conv5: Conv2d(64, 128, 3, padding = 1),
        relu5: ReLU,
        pool3: MaxPool2d(2),
        flatten: Flatten,
        fc1: Linear(2048, 256),
        relu6: ReLU,
        fc2: Linear(256, 10),
    }
}
