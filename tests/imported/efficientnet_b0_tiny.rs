// Written by `cargo cnn import` from `efficientnet_b0_tiny.onnx`.
use cnn::cnn;

cnn! {
    pub struct EfficientnetB0Tiny<3, 64, 64> {
        features: {
            "0": {
                "0": Conv2d(3, 8, 3, stride = 2, padding = 1),
                "2": SiLU,
            },
            "1": {
                "0": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(8, 8, 3, padding = 1, groups = 8),
                                "2": SiLU,
                            },
                            "1": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(8, 2, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(2, 8, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "2": [Conv2d(8, 8, 1)],
                        },
                    },
                },
            },
            "2": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(8, 48, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(48, 48, 3, stride = 2, padding = 1, groups = 48),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(48, 2, 1),
                                activation: SiLU,
                                fc2: Conv2d(2, 48, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(48, 8, 1)],
                    },
                },
            },
            "3": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(8, 48, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(48, 48, 5, stride = 2, padding = 2, groups = 48),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(48, 2, 1),
                                activation: SiLU,
                                fc2: Conv2d(2, 48, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(48, 16, 1)],
                    },
                },
            },
            "4": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(16, 96, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(96, 96, 3, stride = 2, padding = 1, groups = 96),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(96, 4, 1),
                                activation: SiLU,
                                fc2: Conv2d(4, 96, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(96, 24, 1)],
                    },
                },
                "1": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(24, 144, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(144, 144, 3, padding = 1, groups = 144),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(144, 6, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(6, 144, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(144, 24, 1)],
                        },
                    },
                },
            },
            "5": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(24, 144, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(144, 144, 5, padding = 2, groups = 144),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(144, 6, 1),
                                activation: SiLU,
                                fc2: Conv2d(6, 144, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(144, 32, 1)],
                    },
                },
                "1": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(32, 192, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(192, 192, 5, padding = 2, groups = 192),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(192, 8, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(8, 192, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(192, 32, 1)],
                        },
                    },
                },
            },
            "6": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(32, 192, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(192, 192, 5, stride = 2, padding = 2, groups = 192),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(192, 8, 1),
                                activation: SiLU,
                                fc2: Conv2d(8, 192, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(192, 48, 1)],
                    },
                },
                "1": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(48, 288, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(288, 288, 5, padding = 2, groups = 288),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(288, 12, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(12, 288, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(288, 48, 1)],
                        },
                    },
                },
            },
            "7": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(48, 288, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(288, 288, 3, padding = 1, groups = 288),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(288, 12, 1),
                                activation: SiLU,
                                fc2: Conv2d(12, 288, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(288, 80, 1)],
                    },
                },
            },
            "8": {
                "0": Conv2d(80, 320, 1),
                "2": SiLU,
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: {
            "1": Linear(320, 10),
        },
    }
}
