// Written by `cargo cnn import` from `mobilenet_v3_small.onnx`.
use cnn::cnn;

cnn! {
    pub struct MobilenetV3Small<3, 224, 224> {
        features: {
            "0": {
                "0": Conv2d(3, 16, 3, stride = 2, padding = 1),
                "2": Hardswish,
            },
            "1": {
                block: {
                    "0": {
                        "0": Conv2d(16, 16, 3, stride = 2, padding = 1, groups = 16),
                        "2": ReLU,
                    },
                    "1": {
                        gate {
                            avgpool: AdaptiveAvgPool2d(1),
                            fc1: Conv2d(16, 8, 1),
                            activation: ReLU,
                            fc2: Conv2d(8, 16, 1),
                            scale_activation: Hardsigmoid,
                        },
                    },
                    "2": [Conv2d(16, 16, 1)],
                },
            },
            "2": {
                block: {
                    "0": {
                        "0": Conv2d(16, 72, 1),
                        "2": ReLU,
                    },
                    "1": {
                        "0": Conv2d(72, 72, 3, stride = 2, padding = 1, groups = 72),
                        "2": ReLU,
                    },
                    "2": [Conv2d(72, 24, 1)],
                },
            },
            "3": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(24, 88, 1),
                            "2": ReLU,
                        },
                        "1": {
                            "0": Conv2d(88, 88, 3, padding = 1, groups = 88),
                            "2": ReLU,
                        },
                        "2": [Conv2d(88, 24, 1)],
                    },
                },
            },
            "4": {
                block: {
                    "0": {
                        "0": Conv2d(24, 96, 1),
                        "2": Hardswish,
                    },
                    "1": {
                        "0": Conv2d(96, 96, 5, stride = 2, padding = 2, groups = 96),
                        "2": Hardswish,
                    },
                    "2": {
                        gate {
                            avgpool: AdaptiveAvgPool2d(1),
                            fc1: Conv2d(96, 24, 1),
                            activation: ReLU,
                            fc2: Conv2d(24, 96, 1),
                            scale_activation: Hardsigmoid,
                        },
                    },
                    "3": [Conv2d(96, 40, 1)],
                },
            },
            "5": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(40, 240, 1),
                            "2": Hardswish,
                        },
                        "1": {
                            "0": Conv2d(240, 240, 5, padding = 2, groups = 240),
                            "2": Hardswish,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(240, 64, 1),
                                activation: ReLU,
                                fc2: Conv2d(64, 240, 1),
                                scale_activation: Hardsigmoid,
                            },
                        },
                        "3": [Conv2d(240, 40, 1)],
                    },
                },
            },
            "6": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(40, 240, 1),
                            "2": Hardswish,
                        },
                        "1": {
                            "0": Conv2d(240, 240, 5, padding = 2, groups = 240),
                            "2": Hardswish,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(240, 64, 1),
                                activation: ReLU,
                                fc2: Conv2d(64, 240, 1),
                                scale_activation: Hardsigmoid,
                            },
                        },
                        "3": [Conv2d(240, 40, 1)],
                    },
                },
            },
            "7": {
                block: {
                    "0": {
                        "0": Conv2d(40, 120, 1),
                        "2": Hardswish,
                    },
                    "1": {
                        "0": Conv2d(120, 120, 5, padding = 2, groups = 120),
                        "2": Hardswish,
                    },
                    "2": {
                        gate {
                            avgpool: AdaptiveAvgPool2d(1),
                            fc1: Conv2d(120, 32, 1),
                            activation: ReLU,
                            fc2: Conv2d(32, 120, 1),
                            scale_activation: Hardsigmoid,
                        },
                    },
                    "3": [Conv2d(120, 48, 1)],
                },
            },
            "8": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(48, 144, 1),
                            "2": Hardswish,
                        },
                        "1": {
                            "0": Conv2d(144, 144, 5, padding = 2, groups = 144),
                            "2": Hardswish,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(144, 40, 1),
                                activation: ReLU,
                                fc2: Conv2d(40, 144, 1),
                                scale_activation: Hardsigmoid,
                            },
                        },
                        "3": [Conv2d(144, 48, 1)],
                    },
                },
            },
            "9": {
                block: {
                    "0": {
                        "0": Conv2d(48, 288, 1),
                        "2": Hardswish,
                    },
                    "1": {
                        "0": Conv2d(288, 288, 5, stride = 2, padding = 2, groups = 288),
                        "2": Hardswish,
                    },
                    "2": {
                        gate {
                            avgpool: AdaptiveAvgPool2d(1),
                            fc1: Conv2d(288, 72, 1),
                            activation: ReLU,
                            fc2: Conv2d(72, 288, 1),
                            scale_activation: Hardsigmoid,
                        },
                    },
                    "3": [Conv2d(288, 96, 1)],
                },
            },
            "10": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(96, 576, 1),
                            "2": Hardswish,
                        },
                        "1": {
                            "0": Conv2d(576, 576, 5, padding = 2, groups = 576),
                            "2": Hardswish,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(576, 144, 1),
                                activation: ReLU,
                                fc2: Conv2d(144, 576, 1),
                                scale_activation: Hardsigmoid,
                            },
                        },
                        "3": [Conv2d(576, 96, 1)],
                    },
                },
            },
            "11": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(96, 576, 1),
                            "2": Hardswish,
                        },
                        "1": {
                            "0": Conv2d(576, 576, 5, padding = 2, groups = 576),
                            "2": Hardswish,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(576, 144, 1),
                                activation: ReLU,
                                fc2: Conv2d(144, 576, 1),
                                scale_activation: Hardsigmoid,
                            },
                        },
                        "3": [Conv2d(576, 96, 1)],
                    },
                },
            },
            "12": {
                "0": Conv2d(96, 576, 1),
                "2": Hardswish,
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: {
            "0": Linear(576, 1024),
            "1": Hardswish,
            "3": Linear(1024, 1000),
        },
    }
}
