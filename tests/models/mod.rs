//! The fixture models of `tests/fixtures/`, written with `cnn!` exactly as
//! `models.py` builds them in PyTorch (names included, so the state_dict
//! loads with no renaming).

#![allow(dead_code)]
// The fixture models are exact copies of PyTorch models: at the default
// lint levels they raise no warning, as a user building them with
// `-D warnings` needs.
#![deny(warnings)]

use cnn::cnn;

cnn! {
    /// The tutorial's Example 1 with 3x3 kernels.
    pub struct SeedA<3, 32, 32> {
        conv1: Conv2d(3, 16, kernel_size = 3, stride = 2, padding = 1),
        relu1: ReLU(),
        conv2: Conv2d(16, 32, kernel_size = 3, stride = 2, padding = 1),
        relu2: ReLU(),
        flatten: Flatten(),
        fc: Linear(2048, 10),
    }

    /// The tutorial's Example 1 with 5x5 kernels.
    pub struct SeedB<3, 32, 32> {
        conv1: Conv2d(3, 16, kernel_size = 5, stride = 2, padding = 1),
        relu1: ReLU(),
        conv2: Conv2d(16, 32, kernel_size = 5, stride = 2, padding = 1),
        relu2: ReLU(),
        flatten: Flatten(),
        fc: Linear(1568, 10),
    }

    /// The 130x130x3 quiz stack.
    pub struct Quiz<3, 130, 130> {
        conv1: Conv2d(3, 10, kernel_size = 3),
        pool1: MaxPool2d(4, 4),
        conv2: Conv2d(10, 20, kernel_size = 5, padding = 2),
        pool2: MaxPool2d(2, 2),
        relu: ReLU(),
        flatten: Flatten(),
        fc: Linear(20 * 16 * 16, 10),
    }

    /// The 200x200 grayscale model.
    pub struct Gray200<1, 200, 200> {
        conv1: Conv2d(1, 16, kernel_size = 2, stride = 2),
        pool1: MaxPool2d(2, 2),
        relu1: ReLU(),
        conv2: Conv2d(16, 32, kernel_size = 3, padding = 1),
        pool2: MaxPool2d(2, 2),
        relu2: ReLU(),
        flatten: Flatten(),
        fc: Linear(32 * 25 * 25, 10),
    }

    /// LeNet-5 with average pooling.
    pub struct LeNet5<1, 28, 28> {
        conv1: Conv2d(1, 6, kernel_size = 5, padding = 2),
        relu1: ReLU(),
        pool1: AvgPool2d(2),
        conv2: Conv2d(6, 16, kernel_size = 5),
        relu2: ReLU(),
        pool2: AvgPool2d(2),
        flatten: Flatten(),
        fc1: Linear(400, 120),
        relu3: ReLU(),
        fc2: Linear(120, 84),
        relu4: ReLU(),
        fc3: Linear(84, 10),
    }

    /// A small VGG-style net with BatchNorm.
    // Its convolutions keep the biases BatchNorm cancels: the PyTorch
    // checkpoint was trained with them and holds them.
    #[allow(bias_before_batchnorm)]
    pub struct VggSmall<3, 32, 32> {
        conv1: Conv2d(3, 32, 3, padding = 1),
        bn1: BatchNorm2d(32),
        relu1: ReLU(),
        conv2: Conv2d(32, 32, 3, padding = 1),
        bn2: BatchNorm2d(32),
        relu2: ReLU(),
        pool1: MaxPool2d(2),
        conv3: Conv2d(32, 64, 3, padding = 1),
        bn3: BatchNorm2d(64),
        relu3: ReLU(),
        conv4: Conv2d(64, 64, 3, padding = 1),
        bn4: BatchNorm2d(64),
        relu4: ReLU(),
        pool2: MaxPool2d(2),
        conv5: Conv2d(64, 128, 3, padding = 1),
        bn5: BatchNorm2d(128),
        relu5: ReLU(),
        pool3: MaxPool2d(2),
        flatten: Flatten(),
        drop1: Dropout(0.5),
        fc1: Linear(128 * 4 * 4, 256),
        relu6: ReLU(),
        drop2: Dropout(0.5),
        fc2: Linear(256, 10),
    }

    /// Every other layer kind: rectangular kernels, dilation, groups,
    /// depthwise, padded average pooling, adaptive pooling, Softmax.
    pub struct FeaturesExt<3, 32, 32> {
        conv1: Conv2d(3, 16, kernel_size = (3, 5), stride = (2, 1), padding = (1, 2)),
        lrelu1: LeakyReLU(0.1),
        conv2: Conv2d(16, 32, kernel_size = 3, padding = 2, dilation = 2, groups = 2),
        tanh: Tanh(),
        conv3: Conv2d(32, 32, kernel_size = 3, padding = 1, groups = 32),
        relu: ReLU(),
        pool1: AvgPool2d(kernel_size = 3, stride = 2, padding = 1),
        conv4: Conv2d(32, 64, kernel_size = 1),
        lrelu2: LeakyReLU(0.1),
        pool2: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten(),
        fc1: Linear(64, 32),
        sigmoid: Sigmoid(),
        fc2: Linear(32, 10),
        softmax: Softmax(dim = 1),
    }
}
