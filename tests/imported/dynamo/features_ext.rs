// Written by `cargo cnn import` from `features_ext.onnx`.
use cnn::cnn;

cnn! {
    pub struct FeaturesExt<3, 32, 32> {
        conv1: Conv2d(3, 16, (3, 5), stride = (2, 1), padding = (1, 2)),
        leaky_relu: LeakyReLU(0.1),
        conv2: Conv2d(16, 32, 3, padding = 2, dilation = 2, groups = 2),
        tanh: Tanh,
        conv3: Conv2d(32, 32, 3, padding = 1, groups = 32),
        relu: ReLU,
        avgpool: AvgPool2d(3, stride = 2, padding = 1),
        conv4: Conv2d(32, 64, 1),
        leaky_relu_1: LeakyReLU(0.1),
        avgpool_1: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        fc1: Linear(64, 32),
        sigmoid: Sigmoid,
        fc2: Linear(32, 10),
        softmax: Softmax(dim = 1),
    }
}
