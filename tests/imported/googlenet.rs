// Written by `cargo cnn import` from `googlenet.onnx`.
use cnn::cnn;

cnn! {
    pub struct Googlenet<3, 224, 224> {
        conv1: {
            conv: Conv2d(3, 64, 7, stride = 2, padding = 3),
            ReLU,
        },
        maxpool1: MaxPool2d(3, stride = 2, ceil_mode = true),
        conv2: {
            conv: Conv2d(64, 64, 1),
            ReLU,
        },
        conv3: {
            conv: Conv2d(64, 192, 3, padding = 1),
            ReLU,
        },
        maxpool2: MaxPool2d(3, stride = 2, ceil_mode = true),
        inception3a: {
            concat {
                branch1: {
                    conv: Conv2d(192, 64, 1),
                    ReLU,
                },
                branch2: {
                    "0": {
                        conv: Conv2d(192, 96, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(96, 128, 3, padding = 1),
                        ReLU,
                    },
                },
                branch3: {
                    "0": {
                        conv: Conv2d(192, 16, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(16, 32, 3, padding = 1),
                        ReLU,
                    },
                },
                branch4: {
                    "0": MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true),
                    "1": {
                        conv: Conv2d(192, 32, 1),
                        ReLU,
                    },
                },
            },
        },
        inception3b: {
            concat {
                branch1: {
                    conv: Conv2d(256, 128, 1),
                    ReLU,
                },
                branch2: {
                    "0": {
                        conv: Conv2d(256, 128, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(128, 192, 3, padding = 1),
                        ReLU,
                    },
                },
                branch3: {
                    "0": {
                        conv: Conv2d(256, 32, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(32, 96, 3, padding = 1),
                        ReLU,
                    },
                },
                branch4: {
                    "0": MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true),
                    "1": {
                        conv: Conv2d(256, 64, 1),
                        ReLU,
                    },
                },
            },
        },
        maxpool3: MaxPool2d(3, stride = 2, ceil_mode = true),
        inception4a: {
            concat {
                branch1: {
                    conv: Conv2d(480, 192, 1),
                    ReLU,
                },
                branch2: {
                    "0": {
                        conv: Conv2d(480, 96, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(96, 208, 3, padding = 1),
                        ReLU,
                    },
                },
                branch3: {
                    "0": {
                        conv: Conv2d(480, 16, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(16, 48, 3, padding = 1),
                        ReLU,
                    },
                },
                branch4: {
                    "0": MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true),
                    "1": {
                        conv: Conv2d(480, 64, 1),
                        ReLU,
                    },
                },
            },
        },
        inception4b: {
            concat {
                branch1: {
                    conv: Conv2d(512, 160, 1),
                    ReLU,
                },
                branch2: {
                    "0": {
                        conv: Conv2d(512, 112, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(112, 224, 3, padding = 1),
                        ReLU,
                    },
                },
                branch3: {
                    "0": {
                        conv: Conv2d(512, 24, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(24, 64, 3, padding = 1),
                        ReLU,
                    },
                },
                branch4: {
                    "0": MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true),
                    "1": {
                        conv: Conv2d(512, 64, 1),
                        ReLU,
                    },
                },
            },
        },
        inception4c: {
            concat {
                branch1: {
                    conv: Conv2d(512, 128, 1),
                    ReLU,
                },
                branch2: {
                    "0": {
                        conv: Conv2d(512, 128, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(128, 256, 3, padding = 1),
                        ReLU,
                    },
                },
                branch3: {
                    "0": {
                        conv: Conv2d(512, 24, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(24, 64, 3, padding = 1),
                        ReLU,
                    },
                },
                branch4: {
                    "0": MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true),
                    "1": {
                        conv: Conv2d(512, 64, 1),
                        ReLU,
                    },
                },
            },
        },
        inception4d: {
            concat {
                branch1: {
                    conv: Conv2d(512, 112, 1),
                    ReLU,
                },
                branch2: {
                    "0": {
                        conv: Conv2d(512, 144, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(144, 288, 3, padding = 1),
                        ReLU,
                    },
                },
                branch3: {
                    "0": {
                        conv: Conv2d(512, 32, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(32, 64, 3, padding = 1),
                        ReLU,
                    },
                },
                branch4: {
                    "0": MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true),
                    "1": {
                        conv: Conv2d(512, 64, 1),
                        ReLU,
                    },
                },
            },
        },
        inception4e: {
            concat {
                branch1: {
                    conv: Conv2d(528, 256, 1),
                    ReLU,
                },
                branch2: {
                    "0": {
                        conv: Conv2d(528, 160, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(160, 320, 3, padding = 1),
                        ReLU,
                    },
                },
                branch3: {
                    "0": {
                        conv: Conv2d(528, 32, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(32, 128, 3, padding = 1),
                        ReLU,
                    },
                },
                branch4: {
                    "0": MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true),
                    "1": {
                        conv: Conv2d(528, 128, 1),
                        ReLU,
                    },
                },
            },
        },
        maxpool4: MaxPool2d(2, ceil_mode = true),
        inception5a: {
            concat {
                branch1: {
                    conv: Conv2d(832, 256, 1),
                    ReLU,
                },
                branch2: {
                    "0": {
                        conv: Conv2d(832, 160, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(160, 320, 3, padding = 1),
                        ReLU,
                    },
                },
                branch3: {
                    "0": {
                        conv: Conv2d(832, 32, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(32, 128, 3, padding = 1),
                        ReLU,
                    },
                },
                branch4: {
                    "0": MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true),
                    "1": {
                        conv: Conv2d(832, 128, 1),
                        ReLU,
                    },
                },
            },
        },
        inception5b: {
            concat {
                branch1: {
                    conv: Conv2d(832, 384, 1),
                    ReLU,
                },
                branch2: {
                    "0": {
                        conv: Conv2d(832, 192, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(192, 384, 3, padding = 1),
                        ReLU,
                    },
                },
                branch3: {
                    "0": {
                        conv: Conv2d(832, 48, 1),
                        ReLU,
                    },
                    "1": {
                        conv: Conv2d(48, 128, 3, padding = 1),
                        ReLU,
                    },
                },
                branch4: {
                    "0": MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true),
                    "1": {
                        conv: Conv2d(832, 128, 1),
                        ReLU,
                    },
                },
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        fc: Linear(1024, 1000),
    }
}
