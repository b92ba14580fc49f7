// Written by `cargo cnn import` from `regnet_y_tiny.onnx`.
use cnn::cnn;

cnn! {
    pub struct RegnetYTiny<3, 64, 64> {
        stem: {
            "0": Conv2d(3, 32, 3, stride = 2, padding = 1),
            "2": ReLU,
        },
        trunk_output: {
            block1: {
                "block1-0": {
                    residual {
                        proj: [Conv2d(32, 16, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(32, 16, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(16, 16, 3, stride = 2, padding = 1, groups = 2),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(16, 8, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(8, 16, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(16, 16, 1)],
                        },
                    activation: ReLU,
                },
            },
            block2: {
                "block2-0": {
                    residual {
                        proj: [Conv2d(16, 24, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(16, 24, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(24, 24, 3, stride = 2, padding = 1, groups = 3),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(24, 4, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(4, 24, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(24, 24, 1)],
                        },
                    activation: ReLU,
                },
            },
            block3: {
                "block3-0": {
                    residual {
                        proj: [Conv2d(24, 40, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(24, 40, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(40, 40, 3, stride = 2, padding = 1, groups = 5),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(40, 6, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(6, 40, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(40, 40, 1)],
                        },
                    activation: ReLU,
                },
                "block3-1": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(40, 40, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(40, 40, 3, padding = 1, groups = 5),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(40, 10, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(10, 40, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(40, 40, 1)],
                        },
                    },
                    activation: ReLU,
                },
            },
            block4: {
                "block4-0": {
                    residual {
                        proj: [Conv2d(40, 64, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(40, 64, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(64, 64, 3, stride = 2, padding = 1, groups = 8),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(64, 10, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(10, 64, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(64, 64, 1)],
                        },
                    activation: ReLU,
                },
                "block4-1": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(64, 64, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(64, 64, 3, padding = 1, groups = 8),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(64, 16, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(16, 64, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(64, 64, 1)],
                        },
                    },
                    activation: ReLU,
                },
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        fc: Linear(64, 10),
    }
}
