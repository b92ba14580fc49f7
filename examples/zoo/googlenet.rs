// torchvision's `googlenet(aux_logits=False)`.
use cnn::cnn;

cnn! {
    /// torchvision's `BasicConv2d`: convolution, BatchNorm (eps 0.001), ReLU.
    block Basic(i, o, k, stride = 1, padding = 0) {
        conv: Conv2d(i, o, k, stride = stride, padding = padding, bias = false),
        bn: BatchNorm2d(o, eps = 0.001),
        relu: ReLU,
    }

    /// `Inception`: four branches joined along channels.
    block Inception(i, c1, c3r, c3, c5r, c5, pool) {
        concat {
            branch1: Basic(i, c1, 1),
            branch2: [Basic(i, c3r, 1), Basic(c3r, c3, 3, padding = 1)],
            branch3: [Basic(i, c5r, 1), Basic(c5r, c5, 3, padding = 1)],
            branch4: [MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true), Basic(i, pool, 1)],
        },
    }

    pub struct GoogLeNet<3, 224, 224> {
        conv1: Basic(3, 64, 7, stride = 2, padding = 3),
        maxpool1: MaxPool2d(3, stride = 2, ceil_mode = true),
        conv2: Basic(64, 64, 1),
        conv3: Basic(64, 192, 3, padding = 1),
        maxpool2: MaxPool2d(3, stride = 2, ceil_mode = true),
        inception3a: Inception(192, 64, 96, 128, 16, 32, 32),
        inception3b: Inception(256, 128, 128, 192, 32, 96, 64),
        maxpool3: MaxPool2d(3, stride = 2, ceil_mode = true),
        inception4a: Inception(480, 192, 96, 208, 16, 48, 64),
        inception4b: Inception(512, 160, 112, 224, 24, 64, 64),
        inception4c: Inception(512, 128, 128, 256, 24, 64, 64),
        inception4d: Inception(512, 112, 144, 288, 32, 64, 64),
        inception4e: Inception(528, 256, 160, 320, 32, 128, 128),
        maxpool4: MaxPool2d(2, stride = 2, ceil_mode = true),
        inception5a: Inception(832, 256, 160, 320, 32, 128, 128),
        inception5b: Inception(832, 384, 192, 384, 48, 128, 128),
        avgpool: AdaptiveAvgPool2d((1, 1)),
        flatten: Flatten,
        dropout: Dropout(0.2),
        fc: Linear(1024, 1000),
    }
}
