// Written by `cargo cnn import` from `densenet_tiny.onnx`.
use cnn::cnn;

cnn! {
    pub struct DensenetTiny<3, 64, 64> {
        features: {
            conv0: Conv2d(3, 16, 7, stride = 2, padding = 3),
            relu0: ReLU,
            pool0: MaxPool2d(3, stride = 2, padding = 1),
            denseblock1: {
                concat {
                    {},
                    denselayer1: {
                        norm1: BatchNorm2d(16),
                        relu1: ReLU,
                        conv1: Conv2d(16, 16, 1),
                        relu2: ReLU,
                        conv2: Conv2d(16, 8, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer2: {
                        norm1: BatchNorm2d(24),
                        relu1: ReLU,
                        conv1: Conv2d(24, 16, 1),
                        relu2: ReLU,
                        conv2: Conv2d(16, 8, 3, padding = 1, bias = false),
                    },
                },
            },
            transition1: {
                norm: BatchNorm2d(32),
                relu: ReLU,
                conv: Conv2d(32, 16, 1, bias = false),
                pool: AvgPool2d(2),
            },
            denseblock2: {
                concat {
                    {},
                    denselayer1: {
                        norm1: BatchNorm2d(16),
                        relu1: ReLU,
                        conv1: Conv2d(16, 16, 1),
                        relu2: ReLU,
                        conv2: Conv2d(16, 8, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer2: {
                        norm1: BatchNorm2d(24),
                        relu1: ReLU,
                        conv1: Conv2d(24, 16, 1),
                        relu2: ReLU,
                        conv2: Conv2d(16, 8, 3, padding = 1, bias = false),
                    },
                },
            },
            transition2: {
                norm: BatchNorm2d(32),
                relu: ReLU,
                conv: Conv2d(32, 16, 1, bias = false),
                pool: AvgPool2d(2),
            },
            denseblock3: {
                concat {
                    {},
                    denselayer1: {
                        norm1: BatchNorm2d(16),
                        relu1: ReLU,
                        conv1: Conv2d(16, 16, 1),
                        relu2: ReLU,
                        conv2: Conv2d(16, 8, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer2: {
                        norm1: BatchNorm2d(24),
                        relu1: ReLU,
                        conv1: Conv2d(24, 16, 1),
                        relu2: ReLU,
                        conv2: Conv2d(16, 8, 3, padding = 1, bias = false),
                    },
                },
            },
            norm5: BatchNorm2d(32),
        },
        relu: ReLU,
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: Linear(32, 10),
    }
}
