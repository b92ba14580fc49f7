// torchvision's `mnasnet0_5()`.
use cnn::cnn;

cnn! {
    /// `_InvertedResidual.layers`: 1x1 expansion by `e`, depthwise `k`x`k`
    /// at stride `s`, 1x1 projection.
    block MnasLayers(i, o, k, s, e) {
        Conv2d(i, i * e, 1, bias = false), BatchNorm2d(i * e, momentum = 0.0003), ReLU,
        Conv2d(i * e, i * e, k, stride = s, padding = floor(k / 2), groups = i * e, bias = false),
        BatchNorm2d(i * e, momentum = 0.0003), ReLU,
        Conv2d(i * e, o, 1, bias = false), BatchNorm2d(o, momentum = 0.0003),
    }

    /// `_InvertedResidual`: the input added back where the stride is 1 and
    /// the channels stay.
    block MnasResidual(i, o, k, s, e) {
        residual { layers: MnasLayers(i, o, k, s, e) } if s == 1 && i == o,
        layers: MnasLayers(i, o, k, s, e) if s != 1 || i != o,
    }

    pub struct MnasNet0_5<3, 224, 224> {
        layers: [
            Conv2d(3, 16, 3, stride = 2, padding = 1, bias = false),
            BatchNorm2d(16, momentum = 0.0003), ReLU,
            Conv2d(16, 16, 3, padding = 1, groups = 16, bias = false),
            BatchNorm2d(16, momentum = 0.0003), ReLU,
            Conv2d(16, 8, 1, bias = false), BatchNorm2d(8, momentum = 0.0003),
            [MnasResidual(8, 16, 3, 2, 3), ..[MnasResidual(16, 16, 3, 1, 3); 2]],
            [MnasResidual(16, 24, 5, 2, 3), ..[MnasResidual(24, 24, 5, 1, 3); 2]],
            [MnasResidual(24, 40, 5, 2, 6), ..[MnasResidual(40, 40, 5, 1, 6); 2]],
            [MnasResidual(40, 48, 3, 1, 6), MnasResidual(48, 48, 3, 1, 6)],
            [MnasResidual(48, 96, 5, 2, 6), ..[MnasResidual(96, 96, 5, 1, 6); 3]],
            [MnasResidual(96, 160, 3, 1, 6)],
            Conv2d(160, 1280, 1, bias = false),
            BatchNorm2d(1280, momentum = 0.0003), ReLU,
        ],
        // `x.mean([2, 3])`.
        mean: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        classifier: [Dropout(0.2), Linear(1280, 1000)],
    }
}
