// Written by `cargo cnn import` from `densenet121.onnx`.
use cnn::cnn;

cnn! {
    pub struct Densenet121<3, 224, 224> {
        features: {
            conv0: Conv2d(3, 64, 7, stride = 2, padding = 3),
            relu0: ReLU,
            pool0: MaxPool2d(3, stride = 2, padding = 1),
            denseblock1: {
                concat {
                    {},
                    denselayer1: {
                        norm1: BatchNorm2d(64),
                        relu1: ReLU,
                        conv1: Conv2d(64, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer2: {
                        norm1: BatchNorm2d(96),
                        relu1: ReLU,
                        conv1: Conv2d(96, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer3: {
                        norm1: BatchNorm2d(128),
                        relu1: ReLU,
                        conv1: Conv2d(128, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer4: {
                        norm1: BatchNorm2d(160),
                        relu1: ReLU,
                        conv1: Conv2d(160, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer5: {
                        norm1: BatchNorm2d(192),
                        relu1: ReLU,
                        conv1: Conv2d(192, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer6: {
                        norm1: BatchNorm2d(224),
                        relu1: ReLU,
                        conv1: Conv2d(224, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
            },
            transition1: {
                norm: BatchNorm2d(256),
                relu: ReLU,
                conv: Conv2d(256, 128, 1, bias = false),
                pool: AvgPool2d(2),
            },
            denseblock2: {
                concat {
                    {},
                    denselayer1: {
                        norm1: BatchNorm2d(128),
                        relu1: ReLU,
                        conv1: Conv2d(128, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer2: {
                        norm1: BatchNorm2d(160),
                        relu1: ReLU,
                        conv1: Conv2d(160, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer3: {
                        norm1: BatchNorm2d(192),
                        relu1: ReLU,
                        conv1: Conv2d(192, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer4: {
                        norm1: BatchNorm2d(224),
                        relu1: ReLU,
                        conv1: Conv2d(224, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer5: {
                        norm1: BatchNorm2d(256),
                        relu1: ReLU,
                        conv1: Conv2d(256, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer6: {
                        norm1: BatchNorm2d(288),
                        relu1: ReLU,
                        conv1: Conv2d(288, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer7: {
                        norm1: BatchNorm2d(320),
                        relu1: ReLU,
                        conv1: Conv2d(320, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer8: {
                        norm1: BatchNorm2d(352),
                        relu1: ReLU,
                        conv1: Conv2d(352, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer9: {
                        norm1: BatchNorm2d(384),
                        relu1: ReLU,
                        conv1: Conv2d(384, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer10: {
                        norm1: BatchNorm2d(416),
                        relu1: ReLU,
                        conv1: Conv2d(416, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer11: {
                        norm1: BatchNorm2d(448),
                        relu1: ReLU,
                        conv1: Conv2d(448, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer12: {
                        norm1: BatchNorm2d(480),
                        relu1: ReLU,
                        conv1: Conv2d(480, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
            },
            transition2: {
                norm: BatchNorm2d(512),
                relu: ReLU,
                conv: Conv2d(512, 256, 1, bias = false),
                pool: AvgPool2d(2),
            },
            denseblock3: {
                concat {
                    {},
                    denselayer1: {
                        norm1: BatchNorm2d(256),
                        relu1: ReLU,
                        conv1: Conv2d(256, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer2: {
                        norm1: BatchNorm2d(288),
                        relu1: ReLU,
                        conv1: Conv2d(288, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer3: {
                        norm1: BatchNorm2d(320),
                        relu1: ReLU,
                        conv1: Conv2d(320, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer4: {
                        norm1: BatchNorm2d(352),
                        relu1: ReLU,
                        conv1: Conv2d(352, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer5: {
                        norm1: BatchNorm2d(384),
                        relu1: ReLU,
                        conv1: Conv2d(384, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer6: {
                        norm1: BatchNorm2d(416),
                        relu1: ReLU,
                        conv1: Conv2d(416, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer7: {
                        norm1: BatchNorm2d(448),
                        relu1: ReLU,
                        conv1: Conv2d(448, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer8: {
                        norm1: BatchNorm2d(480),
                        relu1: ReLU,
                        conv1: Conv2d(480, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer9: {
                        norm1: BatchNorm2d(512),
                        relu1: ReLU,
                        conv1: Conv2d(512, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer10: {
                        norm1: BatchNorm2d(544),
                        relu1: ReLU,
                        conv1: Conv2d(544, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer11: {
                        norm1: BatchNorm2d(576),
                        relu1: ReLU,
                        conv1: Conv2d(576, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer12: {
                        norm1: BatchNorm2d(608),
                        relu1: ReLU,
                        conv1: Conv2d(608, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer13: {
                        norm1: BatchNorm2d(640),
                        relu1: ReLU,
                        conv1: Conv2d(640, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer14: {
                        norm1: BatchNorm2d(672),
                        relu1: ReLU,
                        conv1: Conv2d(672, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer15: {
                        norm1: BatchNorm2d(704),
                        relu1: ReLU,
                        conv1: Conv2d(704, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer16: {
                        norm1: BatchNorm2d(736),
                        relu1: ReLU,
                        conv1: Conv2d(736, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer17: {
                        norm1: BatchNorm2d(768),
                        relu1: ReLU,
                        conv1: Conv2d(768, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer18: {
                        norm1: BatchNorm2d(800),
                        relu1: ReLU,
                        conv1: Conv2d(800, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer19: {
                        norm1: BatchNorm2d(832),
                        relu1: ReLU,
                        conv1: Conv2d(832, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer20: {
                        norm1: BatchNorm2d(864),
                        relu1: ReLU,
                        conv1: Conv2d(864, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer21: {
                        norm1: BatchNorm2d(896),
                        relu1: ReLU,
                        conv1: Conv2d(896, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer22: {
                        norm1: BatchNorm2d(928),
                        relu1: ReLU,
                        conv1: Conv2d(928, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer23: {
                        norm1: BatchNorm2d(960),
                        relu1: ReLU,
                        conv1: Conv2d(960, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer24: {
                        norm1: BatchNorm2d(992),
                        relu1: ReLU,
                        conv1: Conv2d(992, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
            },
            transition3: {
                norm: BatchNorm2d(1024),
                relu: ReLU,
                conv: Conv2d(1024, 512, 1, bias = false),
                pool: AvgPool2d(2),
            },
            denseblock4: {
                concat {
                    {},
                    denselayer1: {
                        norm1: BatchNorm2d(512),
                        relu1: ReLU,
                        conv1: Conv2d(512, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer2: {
                        norm1: BatchNorm2d(544),
                        relu1: ReLU,
                        conv1: Conv2d(544, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer3: {
                        norm1: BatchNorm2d(576),
                        relu1: ReLU,
                        conv1: Conv2d(576, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer4: {
                        norm1: BatchNorm2d(608),
                        relu1: ReLU,
                        conv1: Conv2d(608, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer5: {
                        norm1: BatchNorm2d(640),
                        relu1: ReLU,
                        conv1: Conv2d(640, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer6: {
                        norm1: BatchNorm2d(672),
                        relu1: ReLU,
                        conv1: Conv2d(672, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer7: {
                        norm1: BatchNorm2d(704),
                        relu1: ReLU,
                        conv1: Conv2d(704, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer8: {
                        norm1: BatchNorm2d(736),
                        relu1: ReLU,
                        conv1: Conv2d(736, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer9: {
                        norm1: BatchNorm2d(768),
                        relu1: ReLU,
                        conv1: Conv2d(768, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer10: {
                        norm1: BatchNorm2d(800),
                        relu1: ReLU,
                        conv1: Conv2d(800, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer11: {
                        norm1: BatchNorm2d(832),
                        relu1: ReLU,
                        conv1: Conv2d(832, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer12: {
                        norm1: BatchNorm2d(864),
                        relu1: ReLU,
                        conv1: Conv2d(864, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer13: {
                        norm1: BatchNorm2d(896),
                        relu1: ReLU,
                        conv1: Conv2d(896, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer14: {
                        norm1: BatchNorm2d(928),
                        relu1: ReLU,
                        conv1: Conv2d(928, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer15: {
                        norm1: BatchNorm2d(960),
                        relu1: ReLU,
                        conv1: Conv2d(960, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
                concat {
                    {},
                    denselayer16: {
                        norm1: BatchNorm2d(992),
                        relu1: ReLU,
                        conv1: Conv2d(992, 128, 1),
                        relu2: ReLU,
                        conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                    },
                },
            },
            norm5: BatchNorm2d(1024),
        },
        relu: ReLU,
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: Linear(1024, 1000),
    }
}
