// Written by `cargo cnn import` from `mobilenet_v2_tiny.onnx`.
use cnn::cnn;

cnn! {
    pub struct MobilenetV2Tiny<3, 64, 64> {
        features: {
            "0": {
                "0": Conv2d(3, 8, 3, stride = 2, padding = 1),
                "2": ReLU6,
            },
            "1": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(8, 8, 3, padding = 1, groups = 8),
                            "2": ReLU6,
                        },
                        "1": Conv2d(8, 8, 1),
                    },
                },
            },
            "2": {
                conv: {
                    "0": {
                        "0": Conv2d(8, 48, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(48, 48, 3, stride = 2, padding = 1, groups = 48),
                        "2": ReLU6,
                    },
                    "2": Conv2d(48, 8, 1),
                },
            },
            "3": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(8, 48, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(48, 48, 3, padding = 1, groups = 48),
                            "2": ReLU6,
                        },
                        "2": Conv2d(48, 8, 1),
                    },
                },
            },
            "4": {
                conv: {
                    "0": {
                        "0": Conv2d(8, 48, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(48, 48, 3, stride = 2, padding = 1, groups = 48),
                        "2": ReLU6,
                    },
                    "2": Conv2d(48, 8, 1),
                },
            },
            "5": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(8, 48, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(48, 48, 3, padding = 1, groups = 48),
                            "2": ReLU6,
                        },
                        "2": Conv2d(48, 8, 1),
                    },
                },
            },
            "6": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(8, 48, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(48, 48, 3, padding = 1, groups = 48),
                            "2": ReLU6,
                        },
                        "2": Conv2d(48, 8, 1),
                    },
                },
            },
            "7": {
                conv: {
                    "0": {
                        "0": Conv2d(8, 48, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(48, 48, 3, stride = 2, padding = 1, groups = 48),
                        "2": ReLU6,
                    },
                    "2": Conv2d(48, 16, 1),
                },
            },
            "8": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(16, 96, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(96, 96, 3, padding = 1, groups = 96),
                            "2": ReLU6,
                        },
                        "2": Conv2d(96, 16, 1),
                    },
                },
            },
            "9": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(16, 96, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(96, 96, 3, padding = 1, groups = 96),
                            "2": ReLU6,
                        },
                        "2": Conv2d(96, 16, 1),
                    },
                },
            },
            "10": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(16, 96, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(96, 96, 3, padding = 1, groups = 96),
                            "2": ReLU6,
                        },
                        "2": Conv2d(96, 16, 1),
                    },
                },
            },
            "11": {
                conv: {
                    "0": {
                        "0": Conv2d(16, 96, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(96, 96, 3, padding = 1, groups = 96),
                        "2": ReLU6,
                    },
                    "2": Conv2d(96, 24, 1),
                },
            },
            "12": {
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
            "13": {
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
            "14": {
                conv: {
                    "0": {
                        "0": Conv2d(24, 144, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(144, 144, 3, stride = 2, padding = 1, groups = 144),
                        "2": ReLU6,
                    },
                    "2": Conv2d(144, 40, 1),
                },
            },
            "15": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(40, 240, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(240, 240, 3, padding = 1, groups = 240),
                            "2": ReLU6,
                        },
                        "2": Conv2d(240, 40, 1),
                    },
                },
            },
            "16": {
                conv: {
                    residual {
                        "0": {
                            "0": Conv2d(40, 240, 1),
                            "2": ReLU6,
                        },
                        "1": {
                            "0": Conv2d(240, 240, 3, padding = 1, groups = 240),
                            "2": ReLU6,
                        },
                        "2": Conv2d(240, 40, 1),
                    },
                },
            },
            "17": {
                conv: {
                    "0": {
                        "0": Conv2d(40, 240, 1),
                        "2": ReLU6,
                    },
                    "1": {
                        "0": Conv2d(240, 240, 3, padding = 1, groups = 240),
                        "2": ReLU6,
                    },
                    "2": Conv2d(240, 80, 1),
                },
            },
            "18": {
                "0": Conv2d(80, 1280, 1),
                "2": ReLU6,
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: {
            "1": Linear(1280, 10),
        },
    }
}
