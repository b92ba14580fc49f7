// Written by `cargo cnn import` from `shufflenet_v2_x0_5.onnx`.
use cnn::cnn;

cnn! {
    pub struct ShufflenetV2X05<3, 224, 224> {
        conv1: {
            "0": Conv2d(3, 24, 3, stride = 2, padding = 1),
            "2": ReLU,
        },
        maxpool: MaxPool2d(3, stride = 2, padding = 1),
        stage2: {
            "0": {
                concat {
                    branch1: {
                        "0": Conv2d(24, 24, 3, stride = 2, padding = 1, groups = 24),
                        "2": Conv2d(24, 24, 1),
                        "4": ReLU,
                    },
                    branch2: {
                        "0": Conv2d(24, 24, 1),
                        "2": ReLU,
                        "3": Conv2d(24, 24, 3, stride = 2, padding = 1, groups = 24),
                        "5": Conv2d(24, 24, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "1": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(24, 24, 1),
                        "2": ReLU,
                        "3": Conv2d(24, 24, 3, padding = 1, groups = 24),
                        "5": Conv2d(24, 24, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "2": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(24, 24, 1),
                        "2": ReLU,
                        "3": Conv2d(24, 24, 3, padding = 1, groups = 24),
                        "5": Conv2d(24, 24, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "3": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(24, 24, 1),
                        "2": ReLU,
                        "3": Conv2d(24, 24, 3, padding = 1, groups = 24),
                        "5": Conv2d(24, 24, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
        },
        stage3: {
            "0": {
                concat {
                    branch1: {
                        "0": Conv2d(48, 48, 3, stride = 2, padding = 1, groups = 48),
                        "2": Conv2d(48, 48, 1),
                        "4": ReLU,
                    },
                    branch2: {
                        "0": Conv2d(48, 48, 1),
                        "2": ReLU,
                        "3": Conv2d(48, 48, 3, stride = 2, padding = 1, groups = 48),
                        "5": Conv2d(48, 48, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "1": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(48, 48, 1),
                        "2": ReLU,
                        "3": Conv2d(48, 48, 3, padding = 1, groups = 48),
                        "5": Conv2d(48, 48, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "2": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(48, 48, 1),
                        "2": ReLU,
                        "3": Conv2d(48, 48, 3, padding = 1, groups = 48),
                        "5": Conv2d(48, 48, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "3": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(48, 48, 1),
                        "2": ReLU,
                        "3": Conv2d(48, 48, 3, padding = 1, groups = 48),
                        "5": Conv2d(48, 48, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "4": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(48, 48, 1),
                        "2": ReLU,
                        "3": Conv2d(48, 48, 3, padding = 1, groups = 48),
                        "5": Conv2d(48, 48, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "5": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(48, 48, 1),
                        "2": ReLU,
                        "3": Conv2d(48, 48, 3, padding = 1, groups = 48),
                        "5": Conv2d(48, 48, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "6": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(48, 48, 1),
                        "2": ReLU,
                        "3": Conv2d(48, 48, 3, padding = 1, groups = 48),
                        "5": Conv2d(48, 48, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "7": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(48, 48, 1),
                        "2": ReLU,
                        "3": Conv2d(48, 48, 3, padding = 1, groups = 48),
                        "5": Conv2d(48, 48, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
        },
        stage4: {
            "0": {
                concat {
                    branch1: {
                        "0": Conv2d(96, 96, 3, stride = 2, padding = 1, groups = 96),
                        "2": Conv2d(96, 96, 1),
                        "4": ReLU,
                    },
                    branch2: {
                        "0": Conv2d(96, 96, 1),
                        "2": ReLU,
                        "3": Conv2d(96, 96, 3, stride = 2, padding = 1, groups = 96),
                        "5": Conv2d(96, 96, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "1": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(96, 96, 1),
                        "2": ReLU,
                        "3": Conv2d(96, 96, 3, padding = 1, groups = 96),
                        "5": Conv2d(96, 96, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "2": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(96, 96, 1),
                        "2": ReLU,
                        "3": Conv2d(96, 96, 3, padding = 1, groups = 96),
                        "5": Conv2d(96, 96, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "3": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(96, 96, 1),
                        "2": ReLU,
                        "3": Conv2d(96, 96, 3, padding = 1, groups = 96),
                        "5": Conv2d(96, 96, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
        },
        conv5: {
            "0": Conv2d(192, 1024, 1),
            "2": ReLU,
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        fc: Linear(1024, 1000),
    }
}
