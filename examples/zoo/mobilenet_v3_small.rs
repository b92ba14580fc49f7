// torchvision's `mobilenet_v3_small()`.
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

    pub struct MobileNetV3Small<3, 224, 224> {
        features: [
            ConvBNHardswish(3, 16, 3, 2),
            InvertedResidual(16, 16, 16, 3, 2, se = 8),
            InvertedResidual(16, 72, 24, 3, 2),
            InvertedResidual(24, 88, 24, 3, 1),
            InvertedResidual(24, 96, 40, 5, 2, se = 24, hs = true),
            InvertedResidual(40, 240, 40, 5, 1, se = 64, hs = true),
            InvertedResidual(40, 240, 40, 5, 1, se = 64, hs = true),
            InvertedResidual(40, 120, 48, 5, 1, se = 32, hs = true),
            InvertedResidual(48, 144, 48, 5, 1, se = 40, hs = true),
            InvertedResidual(48, 288, 96, 5, 2, se = 72, hs = true),
            InvertedResidual(96, 576, 96, 5, 1, se = 144, hs = true),
            InvertedResidual(96, 576, 96, 5, 1, se = 144, hs = true),
            ConvBNHardswish(96, 576),
        ],
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten(),
        classifier: [Linear(576, 1024), Hardswish, Dropout(0.2), Linear(1024, 1000)],
    }
}
