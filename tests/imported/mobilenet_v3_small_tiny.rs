// Written by `cargo cnn import` from `mobilenet_v3_small_tiny.onnx`.
use cnn::cnn;

cnn! {
    pub struct MobilenetV3SmallTiny<3, 64, 64> {
        features: {
            "0": {
                "0": Conv2d(3, 8, 3, stride = 2, padding = 1),
                "2": Hardswish,
            },
            "1": {
                block: {
                    "0": {
                        "0": Conv2d(8, 8, 3, stride = 2, padding = 1, groups = 8),
                        "2": ReLU,
                    },
                    "1": {
                        gate {
                            avgpool: AdaptiveAvgPool2d(1),
                            fc1: Conv2d(8, 8, 1),
                            activation: ReLU,
                            fc2: Conv2d(8, 8, 1),
                            scale_activation: Hardsigmoid,
                        },
                    },
                    "2": [Conv2d(8, 8, 1)],
                },
            },
            "2": {
                block: {
                    "0": {
                        "0": Conv2d(8, 24, 1),
                        "2": ReLU,
                    },
                    "1": {
                        "0": Conv2d(24, 24, 3, stride = 2, padding = 1, groups = 24),
                        "2": ReLU,
                    },
                    "2": [Conv2d(24, 8, 1)],
                },
            },
            "3": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(8, 24, 1),
                            "2": ReLU,
                        },
                        "1": {
                            "0": Conv2d(24, 24, 3, padding = 1, groups = 24),
                            "2": ReLU,
                        },
                        "2": [Conv2d(24, 8, 1)],
                    },
                },
            },
            "4": {
                block: {
                    "0": {
                        "0": Conv2d(8, 24, 1),
                        "2": Hardswish,
                    },
                    "1": {
                        "0": Conv2d(24, 24, 5, stride = 2, padding = 2, groups = 24),
                        "2": Hardswish,
                    },
                    "2": {
                        gate {
                            avgpool: AdaptiveAvgPool2d(1),
                            fc1: Conv2d(24, 8, 1),
                            activation: ReLU,
                            fc2: Conv2d(8, 24, 1),
                            scale_activation: Hardsigmoid,
                        },
                    },
                    "3": [Conv2d(24, 16, 1)],
                },
            },
            "5": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(16, 64, 1),
                            "2": Hardswish,
                        },
                        "1": {
                            "0": Conv2d(64, 64, 5, padding = 2, groups = 64),
                            "2": Hardswish,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(64, 16, 1),
                                activation: ReLU,
                                fc2: Conv2d(16, 64, 1),
                                scale_activation: Hardsigmoid,
                            },
                        },
                        "3": [Conv2d(64, 16, 1)],
                    },
                },
            },
            "6": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(16, 64, 1),
                            "2": Hardswish,
                        },
                        "1": {
                            "0": Conv2d(64, 64, 5, padding = 2, groups = 64),
                            "2": Hardswish,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(64, 16, 1),
                                activation: ReLU,
                                fc2: Conv2d(16, 64, 1),
                                scale_activation: Hardsigmoid,
                            },
                        },
                        "3": [Conv2d(64, 16, 1)],
                    },
                },
            },
            "7": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(16, 32, 1),
                            "2": Hardswish,
                        },
                        "1": {
                            "0": Conv2d(32, 32, 5, padding = 2, groups = 32),
                            "2": Hardswish,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(32, 8, 1),
                                activation: ReLU,
                                fc2: Conv2d(8, 32, 1),
                                scale_activation: Hardsigmoid,
                            },
                        },
                        "3": [Conv2d(32, 16, 1)],
                    },
                },
            },
            "8": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(16, 40, 1),
                            "2": Hardswish,
                        },
                        "1": {
                            "0": Conv2d(40, 40, 5, padding = 2, groups = 40),
                            "2": Hardswish,
                        },
                        "2": {
                            gate {
                                avgpool: AdaptiveAvgPool2d(1),
                                fc1: Conv2d(40, 16, 1),
                                activation: ReLU,
                                fc2: Conv2d(16, 40, 1),
                                scale_activation: Hardsigmoid,
                            },
                        },
                        "3": [Conv2d(40, 16, 1)],
                    },
                },
            },
            "9": {
                block: {
                    "0": {
                        "0": Conv2d(16, 72, 1),
                        "2": Hardswish,
                    },
                    "1": {
                        "0": Conv2d(72, 72, 5, stride = 2, padding = 2, groups = 72),
                        "2": Hardswish,
                    },
                    "2": {
                        gate {
                            avgpool: AdaptiveAvgPool2d(1),
                            fc1: Conv2d(72, 24, 1),
                            activation: ReLU,
                            fc2: Conv2d(24, 72, 1),
                            scale_activation: Hardsigmoid,
                        },
                    },
                    "3": [Conv2d(72, 24, 1)],
                },
            },
            "10": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(24, 144, 1),
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
                        "3": [Conv2d(144, 24, 1)],
                    },
                },
            },
            "11": {
                block: {
                    residual {
                        "0": {
                            "0": Conv2d(24, 144, 1),
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
                        "3": [Conv2d(144, 24, 1)],
                    },
                },
            },
            "12": {
                "0": Conv2d(24, 144, 1),
                "2": Hardswish,
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: {
            "0": Linear(144, 256),
            "1": Hardswish,
            "3": Linear(256, 10),
        },
    }
}
