// Written by `cargo cnn import` from `regnet_x_400mf.onnx`.
use cnn::cnn;

cnn! {
    pub struct RegnetX400mf<3, 224, 224> {
        stem: {
            "0": Conv2d(3, 32, 3, stride = 2, padding = 1),
            "2": ReLU,
        },
        trunk_output: {
            block1: {
                "block1-0": {
                    residual {
                        proj: [Conv2d(32, 32, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(32, 32, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(32, 32, 3, stride = 2, padding = 1, groups = 2),
                                "2": ReLU,
                            },
                            c: [Conv2d(32, 32, 1)],
                        },
                    activation: ReLU,
                },
            },
            block2: {
                "block2-0": {
                    residual {
                        proj: [Conv2d(32, 64, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(32, 64, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(64, 64, 3, stride = 2, padding = 1, groups = 4),
                                "2": ReLU,
                            },
                            c: [Conv2d(64, 64, 1)],
                        },
                    activation: ReLU,
                },
                "block2-1": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(64, 64, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(64, 64, 3, padding = 1, groups = 4),
                                "2": ReLU,
                            },
                            c: [Conv2d(64, 64, 1)],
                        },
                    },
                    activation: ReLU,
                },
            },
            block3: {
                "block3-0": {
                    residual {
                        proj: [Conv2d(64, 160, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(64, 160, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(160, 160, 3, stride = 2, padding = 1, groups = 10),
                                "2": ReLU,
                            },
                            c: [Conv2d(160, 160, 1)],
                        },
                    activation: ReLU,
                },
                "block3-1": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(160, 160, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(160, 160, 3, padding = 1, groups = 10),
                                "2": ReLU,
                            },
                            c: [Conv2d(160, 160, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block3-2": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(160, 160, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(160, 160, 3, padding = 1, groups = 10),
                                "2": ReLU,
                            },
                            c: [Conv2d(160, 160, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block3-3": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(160, 160, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(160, 160, 3, padding = 1, groups = 10),
                                "2": ReLU,
                            },
                            c: [Conv2d(160, 160, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block3-4": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(160, 160, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(160, 160, 3, padding = 1, groups = 10),
                                "2": ReLU,
                            },
                            c: [Conv2d(160, 160, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block3-5": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(160, 160, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(160, 160, 3, padding = 1, groups = 10),
                                "2": ReLU,
                            },
                            c: [Conv2d(160, 160, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block3-6": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(160, 160, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(160, 160, 3, padding = 1, groups = 10),
                                "2": ReLU,
                            },
                            c: [Conv2d(160, 160, 1)],
                        },
                    },
                    activation: ReLU,
                },
            },
            block4: {
                "block4-0": {
                    residual {
                        proj: [Conv2d(160, 400, 1, stride = 2)],
                    } + f: {
                            a: {
                                "0": Conv2d(160, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, stride = 2, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    activation: ReLU,
                },
                "block4-1": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-2": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-3": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-4": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-5": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-6": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-7": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-8": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-9": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-10": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
                "block4-11": {
                    f: {
                        residual {
                            a: {
                                "0": Conv2d(400, 400, 1),
                                "2": ReLU,
                            },
                            b: {
                                "0": Conv2d(400, 400, 3, padding = 1, groups = 25),
                                "2": ReLU,
                            },
                            c: [Conv2d(400, 400, 1)],
                        },
                    },
                    activation: ReLU,
                },
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        fc: Linear(400, 1000),
    }
}
