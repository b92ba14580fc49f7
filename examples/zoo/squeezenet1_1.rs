// torchvision's `squeezenet1_1()`.
use cnn::cnn;

cnn! {
    /// `Fire`: a 1x1 squeeze, then 1x1 and 3x3 expansions side by side.
    block Fire(inplanes, squeeze, e1, e3) {
        squeeze: Conv2d(inplanes, squeeze, 1),
        squeeze_activation: ReLU,
        concat {
            { expand1x1: Conv2d(squeeze, e1, 1), expand1x1_activation: ReLU },
            { expand3x3: Conv2d(squeeze, e3, 3, padding = 1), expand3x3_activation: ReLU },
        },
    }

    pub struct SqueezeNet1_1<3, 224, 224> {
        features: [
            Conv2d(3, 64, 3, stride = 2), ReLU,
            MaxPool2d(3, stride = 2, ceil_mode = true),
            Fire(64, 16, 64, 64), Fire(128, 16, 64, 64),
            MaxPool2d(3, stride = 2, ceil_mode = true),
            Fire(128, 32, 128, 128), Fire(256, 32, 128, 128),
            MaxPool2d(3, stride = 2, ceil_mode = true),
            Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
            Fire(384, 64, 256, 256), Fire(512, 64, 256, 256),
        ],
        classifier: [Dropout(0.5), Conv2d(512, 1000, 1), ReLU, AdaptiveAvgPool2d((1, 1))],
        flatten: Flatten,
    }
}
