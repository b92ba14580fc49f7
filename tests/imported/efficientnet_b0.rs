// Written by `cargo cnn import` from `efficientnet_b0.onnx`.
use cnn::cnn;

cnn! {
    pub struct EfficientnetB0<3, 224, 224> {
        features: {
            "0": {
                "0": Conv2d(3, 32, 3, stride = 2, padding = 1),
                "2": SiLU,
            },
            "1": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(32, 32, 3, padding = 1, groups = 32),
                            "2": SiLU,
                        },
                        "1": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(32, 8, 1),
                                activation: SiLU,
                                fc2: Conv2d(8, 32, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "2": [Conv2d(32, 16, 1)],
                    },
                },
            },
            "2": {
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
            "3": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(24, 144, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(144, 144, 5, stride = 2, padding = 2, groups = 144),
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
                        "3": [Conv2d(144, 40, 1)],
                    },
                },
                "1": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(40, 240, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(240, 240, 5, padding = 2, groups = 240),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(240, 10, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(10, 240, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(240, 40, 1)],
                        },
                    },
                },
            },
            "4": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(40, 240, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(240, 240, 3, stride = 2, padding = 1, groups = 240),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(240, 10, 1),
                                activation: SiLU,
                                fc2: Conv2d(10, 240, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(240, 80, 1)],
                    },
                },
                "1": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(80, 480, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(480, 480, 3, padding = 1, groups = 480),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(480, 20, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(20, 480, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(480, 80, 1)],
                        },
                    },
                },
                "2": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(80, 480, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(480, 480, 3, padding = 1, groups = 480),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(480, 20, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(20, 480, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(480, 80, 1)],
                        },
                    },
                },
            },
            "5": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(80, 480, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(480, 480, 5, padding = 2, groups = 480),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(480, 20, 1),
                                activation: SiLU,
                                fc2: Conv2d(20, 480, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(480, 112, 1)],
                    },
                },
                "1": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(112, 672, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(672, 672, 5, padding = 2, groups = 672),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(672, 28, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(28, 672, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(672, 112, 1)],
                        },
                    },
                },
                "2": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(112, 672, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(672, 672, 5, padding = 2, groups = 672),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(672, 28, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(28, 672, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(672, 112, 1)],
                        },
                    },
                },
            },
            "6": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(112, 672, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(672, 672, 5, stride = 2, padding = 2, groups = 672),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(672, 28, 1),
                                activation: SiLU,
                                fc2: Conv2d(28, 672, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(672, 192, 1)],
                    },
                },
                "1": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(192, 1152, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(1152, 1152, 5, padding = 2, groups = 1152),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(1152, 48, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(48, 1152, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(1152, 192, 1)],
                        },
                    },
                },
                "2": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(192, 1152, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(1152, 1152, 5, padding = 2, groups = 1152),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(1152, 48, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(48, 1152, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(1152, 192, 1)],
                        },
                    },
                },
                "3": {
                    block: {
                        residual {
                            "0": {
                                "0": Conv2d(192, 1152, 1),
                                "2": SiLU,
                            },
                            "1": {
                                "0": Conv2d(1152, 1152, 5, padding = 2, groups = 1152),
                                "2": SiLU,
                            },
                            "2": {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(1152, 48, 1),
                                    activation: SiLU,
                                    fc2: Conv2d(48, 1152, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            "3": [Conv2d(1152, 192, 1)],
                        },
                    },
                },
            },
            "7": {
                "0": {
                    block: {
                        "0": {
                            "0": Conv2d(192, 1152, 1),
                            "2": SiLU,
                        },
                        "1": {
                            "0": Conv2d(1152, 1152, 3, padding = 1, groups = 1152),
                            "2": SiLU,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(1152, 48, 1),
                                activation: SiLU,
                                fc2: Conv2d(48, 1152, 1),
                                scale_activation: Sigmoid,
                            },
                        },
                        "3": [Conv2d(1152, 320, 1)],
                    },
                },
            },
            "8": {
                "0": Conv2d(320, 1280, 1),
                "2": SiLU,
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: {
            "1": Linear(1280, 1000),
        },
    }
}
