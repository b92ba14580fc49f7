// Written by `cargo cnn import` from `resnet18.onnx`.
use cnn::cnn;

cnn! {
    pub struct Resnet18<3, 224, 224> {
        conv1: Conv2d(3, 64, 7, stride = 2, padding = 3),
        relu: ReLU,
        maxpool: MaxPool2d(3, stride = 2, padding = 1),
        layer1: {
            "0": {
                residual {
                    conv1: Conv2d(64, 64, 3, padding = 1),
                    relu: ReLU,
                    conv2: Conv2d(64, 64, 3, padding = 1),
                },
                relu: ReLU,
            },
            "1": {
                residual {
                    conv1: Conv2d(64, 64, 3, padding = 1),
                    relu: ReLU,
                    conv2: Conv2d(64, 64, 3, padding = 1),
                },
                relu: ReLU,
            },
        },
        layer2: {
            "0": {
                residual {
                    conv1: Conv2d(64, 128, 3, stride = 2, padding = 1),
                    relu: ReLU,
                    conv2: Conv2d(128, 128, 3, padding = 1),
                } + downsample: [Conv2d(64, 128, 1, stride = 2)],
                relu: ReLU,
            },
            "1": {
                residual {
                    conv1: Conv2d(128, 128, 3, padding = 1),
                    relu: ReLU,
                    conv2: Conv2d(128, 128, 3, padding = 1),
                },
                relu: ReLU,
            },
        },
        layer3: {
            "0": {
                residual {
                    conv1: Conv2d(128, 256, 3, stride = 2, padding = 1),
                    relu: ReLU,
                    conv2: Conv2d(256, 256, 3, padding = 1),
                } + downsample: [Conv2d(128, 256, 1, stride = 2)],
                relu: ReLU,
            },
            "1": {
                residual {
                    conv1: Conv2d(256, 256, 3, padding = 1),
                    relu: ReLU,
                    conv2: Conv2d(256, 256, 3, padding = 1),
                },
                relu: ReLU,
            },
        },
        layer4: {
            "0": {
                residual {
                    conv1: Conv2d(256, 512, 3, stride = 2, padding = 1),
                    relu: ReLU,
                    conv2: Conv2d(512, 512, 3, padding = 1),
                } + downsample: [Conv2d(256, 512, 1, stride = 2)],
                relu: ReLU,
            },
            "1": {
                residual {
                    conv1: Conv2d(512, 512, 3, padding = 1),
                    relu: ReLU,
                    conv2: Conv2d(512, 512, 3, padding = 1),
                },
                relu: ReLU,
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        fc: Linear(512, 1000),
    }
}
