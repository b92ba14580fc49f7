//! torchvision's models written with `cnn!` from torchvision's source, with
//! its module names, so their state_dicts load with no renaming. The
//! fixtures in `tests/fixtures/zoo/` are small configurations of the same
//! classes (a width multiplier of 0.25), made by torchvision itself.

#![allow(dead_code)]
// The fixture models are exact copies of PyTorch models: at the default
// lint levels they raise no warning, as a user building them with
// `-D warnings` needs.
#![deny(warnings)]

use cnn::cnn;

cnn! {
    /// `Conv2dNormActivation` with MobileNetV3's BatchNorm (eps 0.001) and
    /// Hardswish.
    block ConvBNHardswish(i, o, k = 1, s = 1, g = 1) {
        Conv2d(i, o, k, stride = s, padding = floor((k - 1) / 2), groups = g, bias = false),
        BatchNorm2d(o, eps = 0.001, momentum = 0.01),
        Hardswish,
    }

    /// The same with ReLU.
    block ConvBNReLU(i, o, k = 1, s = 1, g = 1) {
        Conv2d(i, o, k, stride = s, padding = floor((k - 1) / 2), groups = g, bias = false),
        BatchNorm2d(o, eps = 0.001, momentum = 0.01),
        ReLU,
    }

    /// The same without an activation: the projection.
    block ConvBN(i, o) {
        Conv2d(i, o, 1, bias = false),
        BatchNorm2d(o, eps = 0.001, momentum = 0.01),
    }

    /// `InvertedResidual.block`: expansion (when `e != i`), depthwise
    /// convolution, squeeze-excitation (when `se > 0` squeeze channels),
    /// projection; Hardswish where `hs`, else ReLU.
    block Bneck(i, e, o, k, s, se, hs) {
        ConvBNHardswish(i, e) if e != i && hs,
        ConvBNReLU(i, e) if e != i && !hs,
        ConvBNHardswish(e, e, k, s, e) if hs,
        ConvBNReLU(e, e, k, s, e) if !hs,
        SqueezeExcitation(e, se, scale_activation = Hardsigmoid) if se > 0,
        ConvBN(e, o),
    }

    /// MobileNetV3's `InvertedResidual`: the input added back where the
    /// stride is 1 and the channels stay.
    block InvertedResidual(i, e, o, k, s, se = 0, hs = false) {
        residual { block: Bneck(i, e, o, k, s, se, hs) } if s == 1 && i == o,
        block: Bneck(i, e, o, k, s, se, hs) if s != 1 || i != o,
    }

    /// `MobileNetV3(*_mobilenet_v3_conf('mobilenet_v3_small',
    /// width_mult=0.25), num_classes=10)` on 64x64 images.
    pub struct MobileNetV3SmallTiny<3, 64, 64> {
        features: [
            ConvBNHardswish(3, 8, 3, 2),
            InvertedResidual(8, 8, 8, 3, 2, se = 8),
            InvertedResidual(8, 24, 8, 3, 2),
            InvertedResidual(8, 24, 8, 3, 1),
            InvertedResidual(8, 24, 16, 5, 2, se = 8, hs = true),
            InvertedResidual(16, 64, 16, 5, 1, se = 16, hs = true),
            InvertedResidual(16, 64, 16, 5, 1, se = 16, hs = true),
            InvertedResidual(16, 32, 16, 5, 1, se = 8, hs = true),
            InvertedResidual(16, 40, 16, 5, 1, se = 16, hs = true),
            InvertedResidual(16, 72, 24, 5, 2, se = 24, hs = true),
            InvertedResidual(24, 144, 24, 5, 1, se = 40, hs = true),
            InvertedResidual(24, 144, 24, 5, 1, se = 40, hs = true),
            ConvBNHardswish(24, 144),
        ],
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten(),
        classifier: [Linear(144, 256), Hardswish, Dropout(0.2), Linear(256, 10)],
    }
}

cnn! {
    /// `Conv2dNormActivation` with EfficientNet's BatchNorm and SiLU.
    block ConvBNSiLU(i, o, k = 1, s = 1, g = 1) {
        Conv2d(i, o, k, stride = s, padding = floor((k - 1) / 2), groups = g, bias = false),
        BatchNorm2d(o),
        SiLU,
    }

    /// The projection, without an activation.
    block Project(i, o) {
        Conv2d(i, o, 1, bias = false),
        BatchNorm2d(o),
    }

    /// `MBConv.block`: expansion (when `e != i`), depthwise convolution,
    /// squeeze-excitation to `sq` channels, projection.
    block MBBlock(i, e, o, k, s, sq) {
        ConvBNSiLU(i, e) if e != i,
        ConvBNSiLU(e, e, k, s, e),
        SqueezeExcitation(e, sq, activation = SiLU),
        Project(e, o),
    }

    /// EfficientNet's `MBConv`: where the stride is 1 and the channels
    /// stay, the block's output goes through stochastic depth (identity at
    /// inference) and the input is added back.
    block MBConv(i, e, o, k, s, sq, p) {
        residual {
            block: MBBlock(i, e, o, k, s, sq),
            stochastic_depth: StochasticDepth(p, "row"),
        } if s == 1 && i == o,
        block: MBBlock(i, e, o, k, s, sq) if s != 1 || i != o,
    }

    /// `EfficientNet(_efficientnet_conf('efficientnet_b0', width_mult=0.25,
    /// depth_mult=0.5)[0], dropout=0.2, num_classes=10)` on 64x64 images.
    pub struct EfficientNetB0Tiny<3, 64, 64> {
        features: [
            ConvBNSiLU(3, 8, 3, 2),
            [MBConv(8, 8, 8, 3, 1, 2, 0.0)],
            [MBConv(8, 48, 8, 3, 2, 2, 0.02)],
            [MBConv(8, 48, 16, 5, 2, 2, 0.04)],
            [MBConv(16, 96, 24, 3, 2, 4, 0.06), MBConv(24, 144, 24, 3, 1, 6, 0.08)],
            [MBConv(24, 144, 32, 5, 1, 6, 0.1), MBConv(32, 192, 32, 5, 1, 8, 0.12)],
            [MBConv(32, 192, 48, 5, 2, 8, 0.14), MBConv(48, 288, 48, 5, 1, 12, 0.16)],
            [MBConv(48, 288, 80, 3, 1, 12, 0.18)],
            ConvBNSiLU(80, 320),
        ],
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten(),
        classifier: [Dropout(0.2), Linear(320, 10)],
    }
}

cnn! {
    /// `Conv2dNormActivation` with ReLU, as RegNet builds it.
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

    /// `BottleneckTransform` with a bottleneck multiplier of 1 and groups
    /// of 8 channels; squeeze-excitation to `se` channels where `se > 0`
    /// (RegNetY).
    block BottleneckTransform(i, o, s, se) {
        a: RegConv(i, o),
        b: RegConv(o, o, 3, s, o / 8),
        se: SqueezeExcitation(o, se) if se > 0,
        c: RegProject(o, o),
    }

    /// `ResBottleneckBlock`: the transform plus the input, projected where
    /// the shape changes, then ReLU.
    block ResBottleneckBlock(i, o, s, se = 0) {
        residual { f: BottleneckTransform(i, o, s, se) }
            + proj: RegProject(i, o, s) if s != 1 || i != o,
        activation: ReLU,
    }

    /// `RegNet(BlockParams.from_init_params(depth=6, w_0=16, w_a=10.0,
    /// w_m=1.6, group_width=8, se_ratio=0.25), num_classes=10)`: a small
    /// RegNetY, its blocks named as torchvision names them.
    pub struct RegNetYTiny<3, 64, 64> {
        stem: RegConv(3, 32, 3, 2),
        trunk_output: [
            block1: ["block1-0": ResBottleneckBlock(32, 16, 2, se = 8)],
            block2: ["block2-0": ResBottleneckBlock(16, 24, 2, se = 4)],
            block3: [
                "block3-0": ResBottleneckBlock(24, 40, 2, se = 6),
                "block3-1": ResBottleneckBlock(40, 40, 1, se = 10),
            ],
            block4: [
                "block4-0": ResBottleneckBlock(40, 64, 2, se = 10),
                "block4-1": ResBottleneckBlock(64, 64, 1, se = 16),
            ],
        ],
        avgpool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten(),
        fc: Linear(64, 10),
    }

    /// The same without squeeze-excitation: a small RegNetX.
    pub struct RegNetXTiny<3, 64, 64> {
        stem: RegConv(3, 32, 3, 2),
        trunk_output: [
            block1: ["block1-0": ResBottleneckBlock(32, 16, 2)],
            block2: ["block2-0": ResBottleneckBlock(16, 24, 2)],
            block3: [
                "block3-0": ResBottleneckBlock(24, 40, 2),
                "block3-1": ResBottleneckBlock(40, 40, 1),
            ],
            block4: [
                "block4-0": ResBottleneckBlock(40, 64, 2),
                "block4-1": ResBottleneckBlock(64, 64, 1),
            ],
        ],
        avgpool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten(),
        fc: Linear(64, 10),
    }
}

cnn! {
    /// `InvertedResidual.branch2`: 1x1, depthwise 3x3 at stride `s`, 1x1.
    block Branch2(i, o, s) {
        Conv2d(i, o, 1, bias = false),
        BatchNorm2d(o),
        ReLU,
        Conv2d(o, o, 3, stride = s, padding = 1, groups = o, bias = false),
        BatchNorm2d(o),
        Conv2d(o, o, 1, bias = false),
        BatchNorm2d(o),
        ReLU,
    }

    /// ShuffleNetV2's `InvertedResidual`: at stride 2 both branches read
    /// the input; at stride 1 the input's first half passes on and the
    /// second goes through `branch2`; then the halves are interleaved.
    block ShuffleUnit(i, o, s) {
        concat {
            branch1: [
                Conv2d(i, i, 3, stride = s, padding = 1, groups = i, bias = false),
                BatchNorm2d(i),
                Conv2d(i, o / 2, 1, bias = false),
                BatchNorm2d(o / 2),
                ReLU,
            ],
            branch2: Branch2(i, o / 2, s),
        } if s > 1,
        split { {}, branch2: Branch2(o / 2, o / 2, 1) } if s == 1,
        shuffle: ChannelShuffle(2),
    }

    /// `ShuffleNetV2(stages_repeats=[2, 2, 2], stages_out_channels=[8, 16,
    /// 32, 64, 128], num_classes=10)` on 64x64 images.
    pub struct ShuffleNetV2Tiny<3, 64, 64> {
        conv1: [Conv2d(3, 8, 3, stride = 2, padding = 1, bias = false), BatchNorm2d(8), ReLU],
        maxpool: MaxPool2d(3, stride = 2, padding = 1),
        stage2: [ShuffleUnit(8, 16, 2), ShuffleUnit(16, 16, 1)],
        stage3: [ShuffleUnit(16, 32, 2), ShuffleUnit(32, 32, 1)],
        stage4: [ShuffleUnit(32, 64, 2), ShuffleUnit(64, 64, 1)],
        conv5: [Conv2d(64, 128, 1, bias = false), BatchNorm2d(128), ReLU],
        // `x.mean([2, 3])`.
        mean: AdaptiveAvgPool2d(1),
        flatten: Flatten(),
        fc: Linear(128, 10),
    }
}

cnn! {
    /// ConvNeXt's `CNBlock`: a depthwise 7x7 convolution, then over each
    /// pixel's channels (moved last) LayerNorm and an MLP, moved back,
    /// scaled by the block's own `layer_scale`, and added to the input.
    block CNBlock(dim, p) {
        residual {
            block: [
                Conv2d(dim, dim, 7, padding = 3, groups = dim),
                Permute([0, 2, 3, 1]),
                LayerNorm(dim, eps = 1e-6),
                Linear(dim, 4 * dim),
                GELU,
                Linear(4 * dim, dim),
                Permute([0, 3, 1, 2]),
            ],
            layer_scale: LayerScale(dim),
            stochastic_depth: StochasticDepth(p, "row"),
        },
    }

    /// `ConvNeXt(block_setting=[CNBlockConfig(16, 32, 1), CNBlockConfig(32,
    /// 64, 1), CNBlockConfig(64, None, 1)], stochastic_depth_prob=0.1,
    /// num_classes=10)` on 64x64 images.
    pub struct ConvNeXtTiny<3, 64, 64> {
        features: [
            [Conv2d(3, 16, 4, stride = 4), LayerNorm2d(16, eps = 1e-6)],
            [CNBlock(16, 0.0)],
            [LayerNorm2d(16, eps = 1e-6), Conv2d(16, 32, 2, stride = 2)],
            [CNBlock(32, 0.05)],
            [LayerNorm2d(32, eps = 1e-6), Conv2d(32, 64, 2, stride = 2)],
            [CNBlock(64, 0.1)],
        ],
        avgpool: AdaptiveAvgPool2d(1),
        classifier: [LayerNorm2d(64, eps = 1e-6), Flatten(1), Linear(64, 10)],
    }
}

cnn! {
    /// `Conv2dNormActivation` with ReLU6, as MobileNetV2 builds it.
    block ConvBNReLU6(i, o, k = 1, s = 1, g = 1) {
        Conv2d(i, o, k, stride = s, padding = floor((k - 1) / 2), groups = g, bias = false),
        BatchNorm2d(o),
        ReLU6,
    }

    /// `InvertedResidual.conv`: expansion by `t` (none when `t == 1`),
    /// depthwise 3x3, linear projection.
    block InvertedConv(i, o, s, t) {
        ConvBNReLU6(i, i * t) if t != 1,
        ConvBNReLU6(i * t, i * t, 3, s, i * t),
        Conv2d(i * t, o, 1, bias = false),
        BatchNorm2d(o),
    }

    /// MobileNetV2's `InvertedResidual`, the input added back where the
    /// stride is 1 and the channels stay.
    block MobileInvertedResidual(i, o, s, t = 6) {
        residual { conv: InvertedConv(i, o, s, t) } if s == 1 && i == o,
        conv: InvertedConv(i, o, s, t) if s != 1 || i != o,
    }

    /// `MobileNetV2(width_mult=0.25, num_classes=10)` on 64x64 images.
    pub struct MobileNetV2Tiny<3, 64, 64> {
        features: [
            ConvBNReLU6(3, 8, 3, 2),
            MobileInvertedResidual(8, 8, 1, t = 1),
            MobileInvertedResidual(8, 8, 2),
            MobileInvertedResidual(8, 8, 1),
            MobileInvertedResidual(8, 8, 2),
            ..[MobileInvertedResidual(8, 8, 1); 2],
            MobileInvertedResidual(8, 16, 2),
            ..[MobileInvertedResidual(16, 16, 1); 3],
            MobileInvertedResidual(16, 24, 1),
            ..[MobileInvertedResidual(24, 24, 1); 2],
            MobileInvertedResidual(24, 40, 2),
            ..[MobileInvertedResidual(40, 40, 1); 2],
            MobileInvertedResidual(40, 80, 1),
            ConvBNReLU6(80, 1280),
        ],
        pool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten(),
        classifier: [Dropout(0.2), Linear(1280, 10)],
    }

    /// DenseNet's `_DenseLayer`: BN-ReLU-1x1 to `b * g` channels,
    /// BN-ReLU-3x3 to `g` new channels.
    block DenseLayer(i, g, b) {
        norm1: BatchNorm2d(i),
        relu1: ReLU,
        conv1: Conv2d(i, b * g, 1, bias = false),
        norm2: BatchNorm2d(b * g),
        relu2: ReLU,
        conv2: Conv2d(b * g, g, 3, padding = 1, bias = false),
    }

    /// DenseNet's `_Transition`: halves the channels and the image.
    block Transition(i, o) {
        norm: BatchNorm2d(i),
        relu: ReLU,
        conv: Conv2d(i, o, 1, bias = false),
        pool: AvgPool2d(2, stride = 2),
    }

    /// `DenseNet(growth_rate=8, block_config=(2, 2, 2),
    /// num_init_features=16, bn_size=2, num_classes=10)`: each dense layer's
    /// output joined to everything before it.
    pub struct DenseNetTiny<3, 64, 64> {
        features: [
            conv0: Conv2d(3, 16, 7, stride = 2, padding = 3, bias = false),
            norm0: BatchNorm2d(16),
            relu0: ReLU,
            pool0: MaxPool2d(3, stride = 2, padding = 1),
            denseblock1: [
                concat { {}, denselayer1: DenseLayer(16, 8, 2) },
                concat { {}, denselayer2: DenseLayer(24, 8, 2) },
            ],
            transition1: Transition(32, 16),
            denseblock2: [
                concat { {}, denselayer1: DenseLayer(16, 8, 2) },
                concat { {}, denselayer2: DenseLayer(24, 8, 2) },
            ],
            transition2: Transition(32, 16),
            denseblock3: [
                concat { {}, denselayer1: DenseLayer(16, 8, 2) },
                concat { {}, denselayer2: DenseLayer(24, 8, 2) },
            ],
            norm5: BatchNorm2d(32),
        ],
        relu: ReLU,
        pool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten(),
        classifier: Linear(32, 10),
    }
}
