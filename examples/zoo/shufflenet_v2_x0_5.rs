// torchvision's `shufflenet_v2_x0_5()`.
use cnn::cnn;

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

    pub struct ShuffleNetV2x0_5<3, 224, 224> {
        conv1: [Conv2d(3, 24, 3, stride = 2, padding = 1, bias = false), BatchNorm2d(24), ReLU],
        maxpool: MaxPool2d(3, stride = 2, padding = 1),
        stage2: [ShuffleUnit(24, 48, 2), ..[ShuffleUnit(48, 48, 1); 3]],
        stage3: [ShuffleUnit(48, 96, 2), ..[ShuffleUnit(96, 96, 1); 7]],
        stage4: [ShuffleUnit(96, 192, 2), ..[ShuffleUnit(192, 192, 1); 3]],
        conv5: [Conv2d(192, 1024, 1, bias = false), BatchNorm2d(1024), ReLU],
        // `x.mean([2, 3])`.
        mean: AdaptiveAvgPool2d(1),
        flatten: Flatten(),
        fc: Linear(1024, 1000),
    }
}
