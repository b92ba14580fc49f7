// Written by `cargo cnn import` from `convnext_tiny_tiny.onnx`.
use cnn::cnn;

cnn! {
    pub struct ConvnextTinyTiny<3, 64, 64> {
        features: {
            "0": [Conv2d(3, 16, 4, stride = 4), LayerNorm2d(16, eps = 1e-6)],
            "1": {
                "0": {
                    residual {
                        block: [
                            Conv2d(16, 16, 7, padding = 3, groups = 16),
                            Permute([0, 2, 3, 1]),
                            LayerNorm(16, eps = 1e-6),
                            Linear(16, 64),
                            GELU,
                            Linear(64, 16),
                            Permute([0, 3, 1, 2]),
                        ],
                        layer_scale: LayerScale(16),
                    },
                },
            },
            "2": [LayerNorm2d(16, eps = 1e-6), Conv2d(16, 32, 2, stride = 2)],
            "3": {
                "0": {
                    residual {
                        block: [
                            Conv2d(32, 32, 7, padding = 3, groups = 32),
                            Permute([0, 2, 3, 1]),
                            LayerNorm(32, eps = 1e-6),
                            Linear(32, 128),
                            GELU,
                            Linear(128, 32),
                            Permute([0, 3, 1, 2]),
                        ],
                        layer_scale: LayerScale(32),
                    },
                },
            },
            "4": [LayerNorm2d(32, eps = 1e-6), Conv2d(32, 64, 2, stride = 2)],
            "5": {
                "0": {
                    residual {
                        block: [
                            Conv2d(64, 64, 7, padding = 3, groups = 64),
                            Permute([0, 2, 3, 1]),
                            LayerNorm(64, eps = 1e-6),
                            Linear(64, 256),
                            GELU,
                            Linear(256, 64),
                            Permute([0, 3, 1, 2]),
                        ],
                        layer_scale: LayerScale(64),
                    },
                },
            },
        },
        avgpool: AdaptiveAvgPool2d(1),
        classifier: [LayerNorm2d(64, eps = 1e-6), Flatten, Linear(64, 10)],
    }
}
