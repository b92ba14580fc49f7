// Written by `cargo cnn import` from `shufflenet_v2_tiny.onnx`.
use cnn::cnn;

cnn! {
    pub struct ShufflenetV2Tiny<3, 64, 64> {
        conv1: {
            "0": Conv2d(3, 8, 3, stride = 2, padding = 1),
            "2": ReLU,
        },
        maxpool: MaxPool2d(3, stride = 2, padding = 1),
        stage2: {
            "0": {
                concat {
                    branch1: {
                        "0": Conv2d(8, 8, 3, stride = 2, padding = 1, groups = 8),
                        "2": Conv2d(8, 8, 1),
                        "4": ReLU,
                    },
                    branch2: {
                        "0": Conv2d(8, 8, 1),
                        "2": ReLU,
                        "3": Conv2d(8, 8, 3, stride = 2, padding = 1, groups = 8),
                        "5": Conv2d(8, 8, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "1": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(8, 8, 1),
                        "2": ReLU,
                        "3": Conv2d(8, 8, 3, padding = 1, groups = 8),
                        "5": Conv2d(8, 8, 1),
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
                        "0": Conv2d(16, 16, 3, stride = 2, padding = 1, groups = 16),
                        "2": Conv2d(16, 16, 1),
                        "4": ReLU,
                    },
                    branch2: {
                        "0": Conv2d(16, 16, 1),
                        "2": ReLU,
                        "3": Conv2d(16, 16, 3, stride = 2, padding = 1, groups = 16),
                        "5": Conv2d(16, 16, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "1": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(16, 16, 1),
                        "2": ReLU,
                        "3": Conv2d(16, 16, 3, padding = 1, groups = 16),
                        "5": Conv2d(16, 16, 1),
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
                        "0": Conv2d(32, 32, 3, stride = 2, padding = 1, groups = 32),
                        "2": Conv2d(32, 32, 1),
                        "4": ReLU,
                    },
                    branch2: {
                        "0": Conv2d(32, 32, 1),
                        "2": ReLU,
                        "3": Conv2d(32, 32, 3, stride = 2, padding = 1, groups = 32),
                        "5": Conv2d(32, 32, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
            "1": {
                split {
                    {},
                    branch2: {
                        "0": Conv2d(32, 32, 1),
                        "2": ReLU,
                        "3": Conv2d(32, 32, 3, padding = 1, groups = 32),
                        "5": Conv2d(32, 32, 1),
                        "7": ReLU,
                    },
                },
                ChannelShuffle(2),
            },
        },
        conv5: {
            "0": Conv2d(64, 128, 1),
            "2": ReLU,
        },
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        fc: Linear(128, 10),
    }
}
