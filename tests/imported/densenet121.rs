// Written by `cargo cnn import` from `densenet121.onnx`.
use cnn::cnn;

cnn! {
    pub struct Densenet121<3, 224, 224> {
        features: {
            conv0: Conv2d(3, 64, 7, stride = 2, padding = 3),
            relu0: ReLU,
            pool0: MaxPool2d(3, stride = 2, padding = 1),
            denseblock1: {
                denselayer1: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(64),
                            relu1: ReLU,
                            conv1: Conv2d(64, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer2: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(96),
                            relu1: ReLU,
                            conv1: Conv2d(96, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer3: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(128),
                            relu1: ReLU,
                            conv1: Conv2d(128, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer4: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(160),
                            relu1: ReLU,
                            conv1: Conv2d(160, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer5: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(192),
                            relu1: ReLU,
                            conv1: Conv2d(192, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer6: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(224),
                            relu1: ReLU,
                            conv1: Conv2d(224, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
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
                denselayer1: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(128),
                            relu1: ReLU,
                            conv1: Conv2d(128, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer2: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(160),
                            relu1: ReLU,
                            conv1: Conv2d(160, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer3: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(192),
                            relu1: ReLU,
                            conv1: Conv2d(192, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer4: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(224),
                            relu1: ReLU,
                            conv1: Conv2d(224, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer5: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(256),
                            relu1: ReLU,
                            conv1: Conv2d(256, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer6: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(288),
                            relu1: ReLU,
                            conv1: Conv2d(288, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer7: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(320),
                            relu1: ReLU,
                            conv1: Conv2d(320, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer8: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(352),
                            relu1: ReLU,
                            conv1: Conv2d(352, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer9: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(384),
                            relu1: ReLU,
                            conv1: Conv2d(384, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer10: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(416),
                            relu1: ReLU,
                            conv1: Conv2d(416, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer11: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(448),
                            relu1: ReLU,
                            conv1: Conv2d(448, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer12: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(480),
                            relu1: ReLU,
                            conv1: Conv2d(480, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
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
                denselayer1: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(256),
                            relu1: ReLU,
                            conv1: Conv2d(256, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer2: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(288),
                            relu1: ReLU,
                            conv1: Conv2d(288, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer3: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(320),
                            relu1: ReLU,
                            conv1: Conv2d(320, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer4: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(352),
                            relu1: ReLU,
                            conv1: Conv2d(352, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer5: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(384),
                            relu1: ReLU,
                            conv1: Conv2d(384, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer6: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(416),
                            relu1: ReLU,
                            conv1: Conv2d(416, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer7: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(448),
                            relu1: ReLU,
                            conv1: Conv2d(448, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer8: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(480),
                            relu1: ReLU,
                            conv1: Conv2d(480, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer9: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(512),
                            relu1: ReLU,
                            conv1: Conv2d(512, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer10: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(544),
                            relu1: ReLU,
                            conv1: Conv2d(544, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer11: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(576),
                            relu1: ReLU,
                            conv1: Conv2d(576, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer12: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(608),
                            relu1: ReLU,
                            conv1: Conv2d(608, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer13: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(640),
                            relu1: ReLU,
                            conv1: Conv2d(640, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer14: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(672),
                            relu1: ReLU,
                            conv1: Conv2d(672, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer15: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(704),
                            relu1: ReLU,
                            conv1: Conv2d(704, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer16: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(736),
                            relu1: ReLU,
                            conv1: Conv2d(736, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer17: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(768),
                            relu1: ReLU,
                            conv1: Conv2d(768, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer18: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(800),
                            relu1: ReLU,
                            conv1: Conv2d(800, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer19: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(832),
                            relu1: ReLU,
                            conv1: Conv2d(832, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer20: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(864),
                            relu1: ReLU,
                            conv1: Conv2d(864, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer21: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(896),
                            relu1: ReLU,
                            conv1: Conv2d(896, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer22: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(928),
                            relu1: ReLU,
                            conv1: Conv2d(928, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer23: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(960),
                            relu1: ReLU,
                            conv1: Conv2d(960, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer24: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(992),
                            relu1: ReLU,
                            conv1: Conv2d(992, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
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
                denselayer1: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(512),
                            relu1: ReLU,
                            conv1: Conv2d(512, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer2: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(544),
                            relu1: ReLU,
                            conv1: Conv2d(544, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer3: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(576),
                            relu1: ReLU,
                            conv1: Conv2d(576, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer4: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(608),
                            relu1: ReLU,
                            conv1: Conv2d(608, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer5: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(640),
                            relu1: ReLU,
                            conv1: Conv2d(640, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer6: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(672),
                            relu1: ReLU,
                            conv1: Conv2d(672, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer7: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(704),
                            relu1: ReLU,
                            conv1: Conv2d(704, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer8: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(736),
                            relu1: ReLU,
                            conv1: Conv2d(736, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer9: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(768),
                            relu1: ReLU,
                            conv1: Conv2d(768, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer10: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(800),
                            relu1: ReLU,
                            conv1: Conv2d(800, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer11: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(832),
                            relu1: ReLU,
                            conv1: Conv2d(832, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer12: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(864),
                            relu1: ReLU,
                            conv1: Conv2d(864, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer13: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(896),
                            relu1: ReLU,
                            conv1: Conv2d(896, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer14: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(928),
                            relu1: ReLU,
                            conv1: Conv2d(928, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer15: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(960),
                            relu1: ReLU,
                            conv1: Conv2d(960, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
                denselayer16: {
                    concat {
                        {},
                        {
                            norm1: BatchNorm2d(992),
                            relu1: ReLU,
                            conv1: Conv2d(992, 128, 1),
                            relu2: ReLU,
                            conv2: Conv2d(128, 32, 3, padding = 1, bias = false),
                        },
                    },
                },
            },
            norm5: BatchNorm2d(1024),
        },
        ReLU,
        AdaptiveAvgPool2d(1),
        Flatten,
        classifier: Linear(1024, 1000),
    }
}
