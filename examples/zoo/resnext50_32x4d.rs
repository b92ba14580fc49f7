// torchvision's `resnext50_32x4d()`: 32 groups of 4 channels per 64 planes.
use cnn::cnn;

cnn! {
    /// torchvision's `Bottleneck`: 1x1 down to `width` channels, 3x3 (with
    /// the stride, in `groups` groups), 1x1 up to `4 * planes`, and a
    /// projection shortcut where the block changes the shape.
    block Bottleneck(inplanes, planes, stride = 1, groups = 1, width = planes) {
        residual {
            conv1: Conv2d(inplanes, width, 1, bias = false),
            bn1: BatchNorm2d(width),
            relu: ReLU,
            conv2: Conv2d(width, width, 3, stride = stride, padding = 1, groups = groups, bias = false),
            bn2: BatchNorm2d(width),
            relu: ReLU,
            conv3: Conv2d(width, 4 * planes, 1, bias = false),
            bn3: BatchNorm2d(4 * planes),
        } + downsample: [
            Conv2d(inplanes, 4 * planes, 1, stride = stride, bias = false),
            BatchNorm2d(4 * planes),
        ] if stride != 1 || inplanes != 4 * planes,
        relu: ReLU,
    }

    pub struct ResNeXt50_32x4d<3, 224, 224> {
        conv1: Conv2d(3, 64, 7, stride = 2, padding = 3, bias = false),
        bn1: BatchNorm2d(64),
        relu: ReLU,
        maxpool: MaxPool2d(3, stride = 2, padding = 1),
        layer1: [Bottleneck(64, 64, groups = 32, width = 128), ..[Bottleneck(256, 64, groups = 32, width = 128); 2]],
        layer2: [Bottleneck(256, 128, stride = 2, groups = 32, width = 256), ..[Bottleneck(512, 128, groups = 32, width = 256); 3]],
        layer3: [Bottleneck(512, 256, stride = 2, groups = 32, width = 512), ..[Bottleneck(1024, 256, groups = 32, width = 512); 5]],
        layer4: [Bottleneck(1024, 512, stride = 2, groups = 32, width = 1024), ..[Bottleneck(2048, 512, groups = 32, width = 1024); 2]],
        avgpool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten,
        fc: Linear(2048, 1000),
    }
}
