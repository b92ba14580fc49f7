//! An Inception-style model (four concatenated branches, one of them a
//! 3x3/stride-1/pad-1 max-pool) and a DenseNet-style one (each layer's
//! input concatenated with its new features), small.

use cnn::cnn;

cnn! {
    /// GoogLeNet's Inception module: 1x1, 3x3 and 5x5 branches and a
    /// pooling branch, joined along channels.
    block Inception(in_ch, c1, c3_reduce, c3, c5_reduce, c5, pool_proj) {
        concat {
            branch1: Conv2d(in_ch, c1, 1),
            {
                branch2_reduce: Conv2d(in_ch, c3_reduce, 1),
                branch2_relu: ReLU,
                branch2: Conv2d(c3_reduce, c3, 3, padding = 1),
            },
            { branch3_reduce: Conv2d(in_ch, c5_reduce, 1), branch3: Conv2d(c5_reduce, c5, 5, padding = 2) },
            { branch4_pool: MaxPool2d(3, stride = 1, padding = 1), branch4: Conv2d(in_ch, pool_proj, 1) },
        },
        relu: ReLU,
    }

    pub struct InceptionNet<6, 9, 7> {
        stem: Conv2d(6, 8, 3, padding = 1),
        mixed: Inception(8, 4, 3, 5, 2, 3, 2),
    }

    /// DenseNet's layer: its input, and new features computed from it.
    block DenseLayer(growth) {
        concat {
            Identity,
            { norm: BatchNorm2d(_), relu: ReLU, conv: Conv2d(_, growth, 3, padding = 1, bias = false) },
        },
    }

    pub struct DenseNet<5, 6, 6> {
        block: [DenseLayer(3); 3],
        norm: BatchNorm2d(_),
    }
}
