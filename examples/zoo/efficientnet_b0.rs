// torchvision's `efficientnet_b0()`.
use cnn::cnn;

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

    pub struct EfficientNetB0<3, 224, 224> {
        features: [
            ConvBNSiLU(3, 32, 3, 2),
            [MBConv(32, 32, 16, 3, 1, 8, 0.0)],
            [MBConv(16, 96, 24, 3, 2, 4, 0.0125), MBConv(24, 144, 24, 3, 1, 6, 0.025)],
            [MBConv(24, 144, 40, 5, 2, 6, 0.0375), MBConv(40, 240, 40, 5, 1, 10, 0.05)],
            [MBConv(40, 240, 80, 3, 2, 10, 0.0625), MBConv(80, 480, 80, 3, 1, 20, 0.075), MBConv(80, 480, 80, 3, 1, 20, 0.0875)],
            [MBConv(80, 480, 112, 5, 1, 20, 0.1), MBConv(112, 672, 112, 5, 1, 28, 0.1125), MBConv(112, 672, 112, 5, 1, 28, 0.125)],
            [MBConv(112, 672, 192, 5, 2, 28, 0.1375), MBConv(192, 1152, 192, 5, 1, 48, 0.15), MBConv(192, 1152, 192, 5, 1, 48, 0.1625), MBConv(192, 1152, 192, 5, 1, 48, 0.175)],
            [MBConv(192, 1152, 320, 3, 1, 48, 0.1875)],
            ConvBNSiLU(320, 1280),
        ],
        avgpool: AdaptiveAvgPool2d(1),
        flatten: Flatten(),
        classifier: [Dropout(0.2), Linear(1280, 1000)],
    }
}
