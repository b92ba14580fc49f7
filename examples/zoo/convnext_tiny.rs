// torchvision's `convnext_tiny()`.
use cnn::cnn;

cnn! {
    /// ConvNeXt's `CNBlock`: a depthwise 7x7 convolution, then over each
    /// pixel's channels (moved last) LayerNorm and an MLP, moved back,
    /// scaled by the block's own `layer_scale`, and added to the input.
    block CNBlock(dim, p) {
        residual {
            block: [
                Conv2d(dim, dim, 7, padding = 3, groups = dim),
                Permute([0, 2, 3, 1]),
                LayerNorm(dim, eps = 1e-6),
                Linear(dim, 4 * dim),
                GELU,
                Linear(4 * dim, dim),
                Permute([0, 3, 1, 2]),
            ],
            layer_scale: LayerScale(dim),
            stochastic_depth: StochasticDepth(p, "row"),
        },
    }

    pub struct ConvNeXtTiny<3, 224, 224> {
        features: [
            [Conv2d(3, 96, 4, stride = 4), LayerNorm2d(96, eps = 1e-6)],
            [CNBlock(96, 0.0), CNBlock(96, 0.005882), CNBlock(96, 0.011765)],
            [LayerNorm2d(96, eps = 1e-6), Conv2d(96, 192, 2, stride = 2)],
            [CNBlock(192, 0.017647), CNBlock(192, 0.023529), CNBlock(192, 0.029412)],
            [LayerNorm2d(192, eps = 1e-6), Conv2d(192, 384, 2, stride = 2)],
            [CNBlock(384, 0.035294), CNBlock(384, 0.041176), CNBlock(384, 0.047059), CNBlock(384, 0.052941), CNBlock(384, 0.058824), CNBlock(384, 0.064706), CNBlock(384, 0.070588), CNBlock(384, 0.076471), CNBlock(384, 0.082353)],
            [LayerNorm2d(384, eps = 1e-6), Conv2d(384, 768, 2, stride = 2)],
            [CNBlock(768, 0.088235), CNBlock(768, 0.094118), CNBlock(768, 0.1)],
        ],
        avgpool: AdaptiveAvgPool2d(1),
        classifier: [LayerNorm2d(768, eps = 1e-6), Flatten(1), Linear(768, 1000)],
    }
}
