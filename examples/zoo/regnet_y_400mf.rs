// torchvision's `regnet_y_400mf()`.
use cnn::cnn;

cnn! {
    /// `Conv2dNormActivation` with ReLU.
    block RegConv(i, o, k = 1, s = 1, g = 1) {
        Conv2d(i, o, k, stride = s, padding = floor((k - 1) / 2), groups = g, bias = false),
        BatchNorm2d(o),
        ReLU,
    }

    /// A 1x1 convolution and BatchNorm: the projection shortcut and `f.c`.
    block RegProject(i, o, s = 1) {
        Conv2d(i, o, 1, stride = s, bias = false),
        BatchNorm2d(o),
    }

    /// `BottleneckTransform` with a bottleneck multiplier of 1, groups of
    /// `gw` channels, and squeeze-excitation to `se` channels where
    /// `se > 0` (RegNetY).
    block BottleneckTransform(i, o, s, se, gw) {
        a: RegConv(i, o),
        b: RegConv(o, o, 3, s, o / gw),
        se: SqueezeExcitation(o, se) if se > 0,
        c: RegProject(o, o),
    }

    /// `ResBottleneckBlock`: the transform plus the input, projected where
    /// the shape changes, then ReLU.
    block ResBottleneckBlock(i, o, s, gw, se = 0) {
        residual { f: BottleneckTransform(i, o, s, se, gw) }
            + proj: RegProject(i, o, s) if s != 1 || i != o,
        activation: ReLU,
    }

    pub struct RegNetY400MF<3, 224, 224> {
        stem: RegConv(3, 32, 3, 2),
        trunk_output: [
            block1: [
                "block1-0": ResBottleneckBlock(32, 48, 2, 8, se = 8),
            ],
            block2: [
                "block2-0": ResBottleneckBlock(48, 104, 2, 8, se = 12),
                "block2-1": ResBottleneckBlock(104, 104, 1, 8, se = 26),
                "block2-2": ResBottleneckBlock(104, 104, 1, 8, se = 26),
            ],
            block3: [
                "block3-0": ResBottleneckBlock(104, 208, 2, 8, se = 26),
                "block3-1": ResBottleneckBlock(208, 208, 1, 8, se = 52),
                "block3-2": ResBottleneckBlock(208, 208, 1, 8, se = 52),
                "block3-3": ResBottleneckBlock(208, 208, 1, 8, se = 52),
                "block3-4": ResBottleneckBlock(208, 208, 1, 8, se = 52),
                "block3-5": ResBottleneckBlock(208, 208, 1, 8, se = 52),
            ],
            block4: [
                "block4-0": ResBottleneckBlock(208, 440, 2, 8, se = 52),
                "block4-1": ResBottleneckBlock(440, 440, 1, 8, se = 110),
                "block4-2": ResBottleneckBlock(440, 440, 1, 8, se = 110),
                "block4-3": ResBottleneckBlock(440, 440, 1, 8, se = 110),
                "block4-4": ResBottleneckBlock(440, 440, 1, 8, se = 110),
                "block4-5": ResBottleneckBlock(440, 440, 1, 8, se = 110),
            ],
        ],
        avgpool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten(),
        fc: Linear(440, 1000),
    }
}
