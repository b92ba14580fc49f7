// Written by `cargo cnn import` from `regnet_y_400mf.onnx`.
use cnn::cnn;

cnn! {
    pub struct RegnetY400mf<3, 224, 224> {
        stem: {
            "0": Conv2d(3, 32, 3, stride = 2, padding = 1),
            "2": ReLU,
        },
        trunk_output: {
            block1: {
                "block1-0": {
                    residual {
                        proj: [Conv2d(32, 48, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(32, 48, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(48, 48, 3, stride = 2, padding = 1, groups = 6),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(48, 8, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(8, 48, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(48, 48, 1)],
                        },
                    activation: ReLU,
                },
            },
            block2: {
                "block2-0": {
                    residual {
                        proj: [Conv2d(48, 104, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(48, 104, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(104, 104, 3, stride = 2, padding = 1, groups = 13),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(104, 12, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(12, 104, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(104, 104, 1)],
                        },
                    activation: ReLU,
                },
                "block2-1": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(104, 104, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(104, 104, 3, padding = 1, groups = 13),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(104, 26, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(26, 104, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(104, 104, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block2-2": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(104, 104, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(104, 104, 3, padding = 1, groups = 13),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(104, 26, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(26, 104, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(104, 104, 1)],
                        },
                    },
                    activation: ReLU,
                },
            },
            block3: {
                "block3-0": {
                    residual {
                        proj: [Conv2d(104, 208, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(104, 208, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(208, 208, 3, stride = 2, padding = 1, groups = 26),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(208, 26, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(26, 208, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(208, 208, 1)],
                        },
                    activation: ReLU,
                },
                "block3-1": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(208, 208, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(208, 208, 3, padding = 1, groups = 26),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(208, 52, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(52, 208, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(208, 208, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block3-2": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(208, 208, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(208, 208, 3, padding = 1, groups = 26),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(208, 52, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(52, 208, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(208, 208, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block3-3": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(208, 208, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(208, 208, 3, padding = 1, groups = 26),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(208, 52, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(52, 208, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(208, 208, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block3-4": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(208, 208, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(208, 208, 3, padding = 1, groups = 26),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(208, 52, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(52, 208, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(208, 208, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block3-5": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(208, 208, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(208, 208, 3, padding = 1, groups = 26),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(208, 52, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(52, 208, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(208, 208, 1)],
                        },
                    },
                    activation: ReLU,
                },
            },
            block4: {
                "block4-0": {
                    residual {
                        proj: [Conv2d(208, 440, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(208, 440, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(440, 440, 3, stride = 2, padding = 1, groups = 55),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(440, 52, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(52, 440, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(440, 440, 1)],
                        },
                    activation: ReLU,
                },
                "block4-1": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(440, 440, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(440, 440, 3, padding = 1, groups = 55),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(440, 110, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(110, 440, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(440, 440, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-2": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(440, 440, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(440, 440, 3, padding = 1, groups = 55),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(440, 110, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(110, 440, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(440, 440, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-3": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(440, 440, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(440, 440, 3, padding = 1, groups = 55),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(440, 110, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(110, 440, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(440, 440, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-4": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(440, 440, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(440, 440, 3, padding = 1, groups = 55),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(440, 110, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(110, 440, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(440, 440, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-5": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(440, 440, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(440, 440, 3, padding = 1, groups = 55),
                                "2": ReLU,
                            },
                            se: {
                                gate {
                                    avgpool: AdaptiveAvgPool2d(1),
                                    fc1: Conv2d(440, 110, 1),
                                    activation: ReLU,
                                    fc2: Conv2d(110, 440, 1),
                                    scale_activation: Sigmoid,
                                },
                            },
                            c: [Conv2d(440, 440, 1)],
                        },
                    },
                    activation: ReLU,
                },
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        fc: Linear(440, 1000),
    }
}
