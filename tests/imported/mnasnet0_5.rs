// Written by `cargo cnn import` from `mnasnet0_5.onnx`.
use cnn::cnn;

cnn! {
    pub struct Mnasnet05<3, 224, 224> {
        layers: {
            "0": Conv2d(3, 16, 3, stride = 2, padding = 1),
            "2": ReLU,
            "3": Conv2d(16, 16, 3, padding = 1, groups = 16),
            "5": ReLU,
            "6": Conv2d(16, 8, 1),
            "8": {
                "0": {
                    layers: {
                        "0": Conv2d(8, 24, 1),
                        "2": ReLU,
                        "3": Conv2d(24, 24, 3, stride = 2, padding = 1, groups = 24),
                        "5": ReLU,
                        "6": Conv2d(24, 16, 1),
                    },
                },
                "1": {
                    layers: {
                        residual {
                            "0": Conv2d(16, 48, 1),
                            "2": ReLU,
                            "3": Conv2d(48, 48, 3, padding = 1, groups = 48),
                            "5": ReLU,
                            "6": Conv2d(48, 16, 1),
                        },
                    },
                },
                "2": {
                    layers: {
                        residual {
                            "0": Conv2d(16, 48, 1),
                            "2": ReLU,
                            "3": Conv2d(48, 48, 3, padding = 1, groups = 48),
                            "5": ReLU,
                            "6": Conv2d(48, 16, 1),
                        },
                    },
                },
            },
            "9": {
                "0": {
                    layers: {
                        "0": Conv2d(16, 48, 1),
                        "2": ReLU,
                        "3": Conv2d(48, 48, 5, stride = 2, padding = 2, groups = 48),
                        "5": ReLU,
                        "6": Conv2d(48, 24, 1),
                    },
                },
                "1": {
                    layers: {
                        residual {
                            "0": Conv2d(24, 72, 1),
                            "2": ReLU,
                            "3": Conv2d(72, 72, 5, padding = 2, groups = 72),
                            "5": ReLU,
                            "6": Conv2d(72, 24, 1),
                        },
                    },
                },
                "2": {
                    layers: {
                        residual {
                            "0": Conv2d(24, 72, 1),
                            "2": ReLU,
                            "3": Conv2d(72, 72, 5, padding = 2, groups = 72),
                            "5": ReLU,
                            "6": Conv2d(72, 24, 1),
                        },
                    },
                },
            },
            "10": {
                "0": {
                    layers: {
                        "0": Conv2d(24, 144, 1),
                        "2": ReLU,
                        "3": Conv2d(144, 144, 5, stride = 2, padding = 2, groups = 144),
                        "5": ReLU,
                        "6": Conv2d(144, 40, 1),
                    },
                },
                "1": {
                    layers: {
                        residual {
                            "0": Conv2d(40, 240, 1),
                            "2": ReLU,
                            "3": Conv2d(240, 240, 5, padding = 2, groups = 240),
                            "5": ReLU,
                            "6": Conv2d(240, 40, 1),
                        },
                    },
                },
                "2": {
                    layers: {
                        residual {
                            "0": Conv2d(40, 240, 1),
                            "2": ReLU,
                            "3": Conv2d(240, 240, 5, padding = 2, groups = 240),
                            "5": ReLU,
                            "6": Conv2d(240, 40, 1),
                        },
                    },
                },
            },
            "11": {
                "0": {
                    layers: {
                        "0": Conv2d(40, 240, 1),
                        "2": ReLU,
                        "3": Conv2d(240, 240, 3, padding = 1, groups = 240),
                        "5": ReLU,
                        "6": Conv2d(240, 48, 1),
                    },
                },
                "1": {
                    layers: {
                        residual {
                            "0": Conv2d(48, 288, 1),
                            "2": ReLU,
                            "3": Conv2d(288, 288, 3, padding = 1, groups = 288),
                            "5": ReLU,
                            "6": Conv2d(288, 48, 1),
                        },
                    },
                },
            },
            "12": {
                "0": {
                    layers: {
                        "0": Conv2d(48, 288, 1),
                        "2": ReLU,
                        "3": Conv2d(288, 288, 5, stride = 2, padding = 2, groups = 288),
                        "5": ReLU,
                        "6": Conv2d(288, 96, 1),
                    },
                },
                "1": {
                    layers: {
                        residual {
                            "0": Conv2d(96, 576, 1),
                            "2": ReLU,
                            "3": Conv2d(576, 576, 5, padding = 2, groups = 576),
                            "5": ReLU,
                            "6": Conv2d(576, 96, 1),
                        },
                    },
                },
                "2": {
                    layers: {
                        residual {
                            "0": Conv2d(96, 576, 1),
                            "2": ReLU,
                            "3": Conv2d(576, 576, 5, padding = 2, groups = 576),
                            "5": ReLU,
                            "6": Conv2d(576, 96, 1),
                        },
                    },
                },
                "3": {
                    layers: {
                        residual {
                            "0": Conv2d(96, 576, 1),
                            "2": ReLU,
                            "3": Conv2d(576, 576, 5, padding = 2, groups = 576),
                            "5": ReLU,
                            "6": Conv2d(576, 96, 1),
                        },
                    },
                },
            },
            "13": {
                "0": {
                    layers: {
                        "0": Conv2d(96, 576, 1),
                        "2": ReLU,
                        "3": Conv2d(576, 576, 3, padding = 1, groups = 576),
                        "5": ReLU,
                        "6": Conv2d(576, 160, 1),
                    },
                },
            },
            "14": Conv2d(160, 1280, 1),
            "16": ReLU,
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: {
            "1": Linear(1280, 1000),
        },
    }
}
