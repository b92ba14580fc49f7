// torchvision's `regnet_x_400mf()`.
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

    pub struct RegNetX400MF<3, 224, 224> {
        stem: RegConv(3, 32, 3, 2),
        trunk_output: [
            block1: [
                "block1-0": ResBottleneckBlock(32, 32, 2, 16),
            ],
            block2: [
                "block2-0": ResBottleneckBlock(32, 64, 2, 16),
                "block2-1": ResBottleneckBlock(64, 64, 1, 16),
            ],
            block3: [
                "block3-0": ResBottleneckBlock(64, 160, 2, 16),
                "block3-1": ResBottleneckBlock(160, 160, 1, 16),
                "block3-2": ResBottleneckBlock(160, 160, 1, 16),
                "block3-3": ResBottleneckBlock(160, 160, 1, 16),
                "block3-4": ResBottleneckBlock(160, 160, 1, 16),
                "block3-5": ResBottleneckBlock(160, 160, 1, 16),
                "block3-6": ResBottleneckBlock(160, 160, 1, 16),
            ],
            block4: [
                "block4-0": ResBottleneckBlock(160, 400, 2, 16),
                "block4-1": ResBottleneckBlock(400, 400, 1, 16),
                "block4-2": ResBottleneckBlock(400, 400, 1, 16),
                "block4-3": ResBottleneckBlock(400, 400, 1, 16),
                "block4-4": ResBottleneckBlock(400, 400, 1, 16),
                "block4-5": ResBottleneckBlock(400, 400, 1, 16),
                "block4-6": ResBottleneckBlock(400, 400, 1, 16),
                "block4-7": ResBottleneckBlock(400, 400, 1, 16),
                "block4-8": ResBottleneckBlock(400, 400, 1, 16),
                "block4-9": ResBottleneckBlock(400, 400, 1, 16),
                "block4-10": ResBottleneckBlock(400, 400, 1, 16),
                "block4-11": ResBottleneckBlock(400, 400, 1, 16),
            ],
        ],
        avgpool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten(),
        fc: Linear(400, 1000),
    }
}
