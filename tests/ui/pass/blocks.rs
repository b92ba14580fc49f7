//! Blocks, repeats, residual adds and concatenations build, and the
//! annotated types are their inferred shapes.
use cnn::{Batch, cnn};

cnn! {
    /// A ResNet basic block.
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

    /// A dense layer: its input and `growth` new channels.
    block Dense(growth) {
        concat { Identity, { bn: BatchNorm2d(_), relu: ReLU, conv: Conv2d(_, growth, 3, padding = 1) } },
    }

    pub struct Small<3, 32, 32> {
        stem: Conv2d(3, 16, 3, padding = 1),
        stage1: [BasicBlock(16, 16); 2],
        stage2: [BasicBlock(16, 32, stride = 2), BasicBlock(32, 32)],
        dense: [Dense(8); 3],
        pool: AdaptiveAvgPool2d(1),
        flatten: Flatten,
        fc: Linear(_, 10),
    }
}

const _: () = assert!(Small::OUTPUT_SHAPE[0] == 10);

fn main() {
    let net = Small::new(0);
    let y: Batch<10> = net.forward(&Batch::zeros(2));
    let _downsample: &cnn::Conv2d<16, 32, 1, 1, 2, 2> = &net.stage2_0_downsample_0;
    let _dense: &cnn::Conv2d<48, 8, 3, 3, 1, 1, 1, 1> = &net.dense_2_conv;
    println!("{:?}", y.shape());
}
