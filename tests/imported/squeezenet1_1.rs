// Written by `cargo cnn import` from `squeezenet1_1.onnx`.
use cnn::cnn;

cnn! {
    pub struct Squeezenet11<3, 224, 224> {
        features: {
            "0": Conv2d(3, 64, 3, stride = 2),
            "1": ReLU,
            "2": MaxPool2d(3, stride = 2, ceil_mode = true),
            "3": {
                squeeze: Conv2d(64, 16, 1),
                squeeze_activation: ReLU,
                concat {
                    {
                        expand1x1: Conv2d(16, 64, 1),
                        expand1x1_activation: ReLU,
                    },
                    {
                        expand3x3: Conv2d(16, 64, 3, padding = 1),
                        expand3x3_activation: ReLU,
                    },
                },
            },
            "4": {
                squeeze: Conv2d(128, 16, 1),
                squeeze_activation: ReLU,
                concat {
                    {
                        expand1x1: Conv2d(16, 64, 1),
                        expand1x1_activation: ReLU,
                    },
                    {
                        expand3x3: Conv2d(16, 64, 3, padding = 1),
                        expand3x3_activation: ReLU,
                    },
                },
            },
            "5": MaxPool2d(3, stride = 2, ceil_mode = true),
            "6": {
                squeeze: Conv2d(128, 32, 1),
                squeeze_activation: ReLU,
                concat {
                    {
                        expand1x1: Conv2d(32, 128, 1),
                        expand1x1_activation: ReLU,
                    },
                    {
                        expand3x3: Conv2d(32, 128, 3, padding = 1),
                        expand3x3_activation: ReLU,
                    },
                },
            },
            "7": {
                squeeze: Conv2d(256, 32, 1),
                squeeze_activation: ReLU,
                concat {
                    {
                        expand1x1: Conv2d(32, 128, 1),
                        expand1x1_activation: ReLU,
                    },
                    {
                        expand3x3: Conv2d(32, 128, 3, padding = 1),
                        expand3x3_activation: ReLU,
                    },
                },
            },
            "8": MaxPool2d(3, stride = 2, ceil_mode = true),
            "9": {
                squeeze: Conv2d(256, 48, 1),
                squeeze_activation: ReLU,
                concat {
                    {
                        expand1x1: Conv2d(48, 192, 1),
                        expand1x1_activation: ReLU,
                    },
                    {
                        expand3x3: Conv2d(48, 192, 3, padding = 1),
                        expand3x3_activation: ReLU,
                    },
                },
            },
            "10": {
                squeeze: Conv2d(384, 48, 1),
                squeeze_activation: ReLU,
                concat {
                    {
                        expand1x1: Conv2d(48, 192, 1),
                        expand1x1_activation: ReLU,
                    },
                    {
                        expand3x3: Conv2d(48, 192, 3, padding = 1),
                        expand3x3_activation: ReLU,
                    },
                },
            },
            "11": {
                squeeze: Conv2d(384, 64, 1),
                squeeze_activation: ReLU,
                concat {
                    {
                        expand1x1: Conv2d(64, 256, 1),
                        expand1x1_activation: ReLU,
                    },
                    {
                        expand3x3: Conv2d(64, 256, 3, padding = 1),
                        expand3x3_activation: ReLU,
                    },
                },
            },
            "12": {
                squeeze: Conv2d(512, 64, 1),
                squeeze_activation: ReLU,
                concat {
                    {
                        expand1x1: Conv2d(64, 256, 1),
                        expand1x1_activation: ReLU,
                    },
                    {
                        expand3x3: Conv2d(64, 256, 3, padding = 1),
                        expand3x3_activation: ReLU,
                    },
                },
            },
        },
        classifier: {
            "1": Conv2d(512, 1000, 1),
            "2": ReLU,
            "3": AdaptiveAvgPool2d(1),
            flatten: Flatten,
        },
    }
}
