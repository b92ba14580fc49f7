// Written by `cargo cnn import` from `mobilenet_v2.onnx`.
use cnn::cnn;

cnn! {
    pub struct MobilenetV2<3, 224, 224> {
        features: {
            "0": {
                "0": Conv2d(3, 32, 3, stride = 2, padding = 1),
                "2": ReLU6,
            },
            "1": {
                conv: {
                    "0": {
                        "0": Conv2d(32, 32, 3, padding = 1, groups = 32),
                        "2": ReLU6,
                    },
                    "1": Conv2d(32, 16, 1),
                },
            },
            "2": {
                conv: {
                    "0": {
                        "0": Conv2d(16, 96, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(96, 96, 3, stride = 2, padding = 1, groups = 96),
                        "2": ReLU6,
                    },
                    "2": Conv2d(96, 24, 1),
                },
            },
            "3": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(24, 144, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(144, 144, 3, padding = 1, groups = 144),
                            "2": ReLU6,
                        },
                        "2": Conv2d(144, 24, 1),
                    },
                },
            },
            "4": {
                conv: {
                    "0": {
                        "0": Conv2d(24, 144, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(144, 144, 3, stride = 2, padding = 1, groups = 144),
                        "2": ReLU6,
                    },
                    "2": Conv2d(144, 32, 1),
                },
            },
            "5": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(32, 192, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(192, 192, 3, padding = 1, groups = 192),
                            "2": ReLU6,
                        },
                        "2": Conv2d(192, 32, 1),
                    },
                },
            },
            "6": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(32, 192, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(192, 192, 3, padding = 1, groups = 192),
                            "2": ReLU6,
                        },
                        "2": Conv2d(192, 32, 1),
                    },
                },
            },
            "7": {
                conv: {
                    "0": {
                        "0": Conv2d(32, 192, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(192, 192, 3, stride = 2, padding = 1, groups = 192),
                        "2": ReLU6,
                    },
                    "2": Conv2d(192, 64, 1),
                },
            },
            "8": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(64, 384, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(384, 384, 3, padding = 1, groups = 384),
                            "2": ReLU6,
                        },
                        "2": Conv2d(384, 64, 1),
                    },
                },
            },
            "9": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(64, 384, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(384, 384, 3, padding = 1, groups = 384),
                            "2": ReLU6,
                        },
                        "2": Conv2d(384, 64, 1),
                    },
                },
            },
            "10": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(64, 384, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(384, 384, 3, padding = 1, groups = 384),
                            "2": ReLU6,
                        },
                        "2": Conv2d(384, 64, 1),
                    },
                },
            },
            "11": {
                conv: {
                    "0": {
                        "0": Conv2d(64, 384, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(384, 384, 3, padding = 1, groups = 384),
                        "2": ReLU6,
                    },
                    "2": Conv2d(384, 96, 1),
                },
            },
            "12": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(96, 576, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(576, 576, 3, padding = 1, groups = 576),
                            "2": ReLU6,
                        },
                        "2": Conv2d(576, 96, 1),
                    },
                },
            },
            "13": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(96, 576, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(576, 576, 3, padding = 1, groups = 576),
                            "2": ReLU6,
                        },
                        "2": Conv2d(576, 96, 1),
                    },
                },
            },
            "14": {
                conv: {
                    "0": {
                        "0": Conv2d(96, 576, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(576, 576, 3, stride = 2, padding = 1, groups = 576),
                        "2": ReLU6,
                    },
                    "2": Conv2d(576, 160, 1),
                },
            },
            "15": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(160, 960, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(960, 960, 3, padding = 1, groups = 960),
                            "2": ReLU6,
                        },
                        "2": Conv2d(960, 160, 1),
                    },
                },
            },
            "16": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(160, 960, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(960, 960, 3, padding = 1, groups = 960),
                            "2": ReLU6,
                        },
                        "2": Conv2d(960, 160, 1),
                    },
                },
            },
            "17": {
                conv: {
                    "0": {
                        "0": Conv2d(160, 960, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(960, 960, 3, padding = 1, groups = 960),
                        "2": ReLU6,
                    },
                    "2": Conv2d(960, 320, 1),
                },
            },
            "18": {
                "0": Conv2d(320, 1280, 1),
                "2": ReLU6,
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: {
            "1": Linear(1280, 1000),
        },
    }
}
