// torchvision's `resnet34()`.
use cnn::cnn;

cnn! {
    /// torchvision's `BasicBlock`: two 3x3 convolutions, and a projection
    /// shortcut where the block changes the shape.
    block BasicBlock(inplanes, planes, stride = 1) {
        residual {
            conv1: Conv2d(inplanes, planes, 3, stride = stride, padding = 1, bias = false),
            bn1: BatchNorm2d(planes),
            relu: ReLU,
            conv2: Conv2d(planes, planes, 3, padding = 1, bias = false),
            bn2: BatchNorm2d(planes),
        } + downsample: [
            Conv2d(inplanes, planes, 1, stride = stride, bias = false),
            BatchNorm2d(planes),
        ] if stride != 1 || inplanes != planes,
        relu: ReLU,
    }

    pub struct ResNet34<3, 224, 224> {
        conv1: Conv2d(3, 64, 7, stride = 2, padding = 3, bias = false),
        bn1: BatchNorm2d(64),
        relu: ReLU,
        maxpool: MaxPool2d(3, stride = 2, padding = 1),
        layer1: [BasicBlock(64, 64), ..[BasicBlock(64, 64); 2]],
        layer2: [BasicBlock(64, 128, stride = 2), ..[BasicBlock(128, 128); 3]],
        layer3: [BasicBlock(128, 256, stride = 2), ..[BasicBlock(256, 256); 5]],
        layer4: [BasicBlock(256, 512, stride = 2), ..[BasicBlock(512, 512); 2]],
        avgpool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten,
        fc: Linear(512, 1000),
    }
}
