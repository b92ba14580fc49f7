//! A BasicBlock without its downsample, used where the block halves the
//! image and doubles the channels.
use cnn::cnn;

cnn! {
    block BasicBlock(inplanes, planes, stride = 1) {
        residual {
            conv1: Conv2d(inplanes, planes, 3, stride = stride, padding = 1, bias = false),
            bn1: BatchNorm2d(planes),
            relu: ReLU,
            conv2: Conv2d(planes, planes, 3, padding = 1, bias = false),
            bn2: BatchNorm2d(planes),
        },
        relu: ReLU,
    }

    pub struct Net<64, 56, 56> {
        layer1: [BasicBlock(64, 64), BasicBlock(64, 64)],
        layer2: [BasicBlock(64, 128, stride = 2), BasicBlock(128, 128)],
    }
}

fn main() {}
