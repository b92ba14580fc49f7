// torchvision's `mobilenet_v2()`.
use cnn::cnn;

cnn! {
    /// `Conv2dNormActivation` with ReLU6.
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

    /// `InvertedResidual`: the input added back where the stride is 1 and
    /// the channels stay.
    block InvertedResidual(i, o, s, t = 6) {
        residual { conv: InvertedConv(i, o, s, t) } if s == 1 && i == o,
        conv: InvertedConv(i, o, s, t) if s != 1 || i != o,
    }

    pub struct MobileNetV2<3, 224, 224> {
        features: [
            ConvBNReLU6(3, 32, 3, 2),
            InvertedResidual(32, 16, 1, t = 1),
            InvertedResidual(16, 24, 2),
            InvertedResidual(24, 24, 1),
            InvertedResidual(24, 32, 2),
            ..[InvertedResidual(32, 32, 1); 2],
            InvertedResidual(32, 64, 2),
            ..[InvertedResidual(64, 64, 1); 3],
            InvertedResidual(64, 96, 1),
            ..[InvertedResidual(96, 96, 1); 2],
            InvertedResidual(96, 160, 2),
            ..[InvertedResidual(160, 160, 1); 2],
            InvertedResidual(160, 320, 1),
            ConvBNReLU6(320, 1280),
        ],
        pool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten(),
        classifier: [Dropout(0.2), Linear(1280, 1000)],
    }
}
