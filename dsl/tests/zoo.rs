//! torchvision's CNNs through every lint. Each must raise exactly the
//! warnings that are true of it, pedantic lints on: the lints' guard
//! against false alarms. At the default levels, none raises any.

mod common;
use cnn_dsl::lint::Level;
use common::*;

/// `(lint, headline)` of every warning of the model in `src` with the
/// pedantic lints on; the model must have torchvision's parameter count (so
/// it is the model it claims to be), and no warning at the default levels.
fn warnings_of(src: &str, params: usize) -> Vec<(&'static str, String)> {
    let quiet = check(src);
    assert!(quiet.diagnostics.is_empty(), "{:?}", quiet.messages());
    let analysis = cnn_dsl::analyze_with(src.parse().unwrap(), &[Level::warn("pedantic")]);
    let r = Report {
        models: analysis.models,
        diagnostics: analysis.diagnostics.into_vec(),
    };
    assert!(r.errors().is_empty(), "{:?}", r.messages());
    assert_eq!(r.models.len(), 1);
    assert_eq!(r.model().params, Some(params));
    r.diagnostics
        .iter()
        .map(|d| (d.lint.unwrap(), d.message.clone()))
        .collect()
}

const BASIC_CONV: &str = "
    block Basic(i, o, k, stride = 1, padding = 0) {
        conv: Conv2d(i, o, k, stride = stride, padding = padding, bias = false),
        bn: BatchNorm2d(o, eps = 0.001),
        relu: ReLU,
    }";

#[test]
fn alexnet_holds_most_parameters_in_its_first_linear() {
    let w = warnings_of(
        "struct AlexNet<3, 224, 224> {
            features: [
                Conv2d(3, 64, 11, stride = 4, padding = 2), ReLU, MaxPool2d(3, stride = 2),
                Conv2d(64, 192, 5, padding = 2), ReLU, MaxPool2d(3, stride = 2),
                Conv2d(192, 384, 3, padding = 1), ReLU,
                Conv2d(384, 256, 3, padding = 1), ReLU,
                Conv2d(256, 256, 3, padding = 1), ReLU, MaxPool2d(3, stride = 2),
            ],
            avgpool: AdaptiveAvgPool2d((6, 6)),
            flatten: Flatten,
            classifier: [
                Dropout(0.5), Linear(256 * 6 * 6, 4096), ReLU,
                Dropout(0.5), Linear(4096, 4096), ReLU, Linear(4096, 1000),
            ],
        }",
        61_100_840,
    );
    assert_eq!(
        w,
        [(
            "huge_linear",
            "`classifier.1` holds 37,752,832 of the model's 61,100,840 parameters (61%)".into()
        )]
    );
}

#[test]
fn vgg16_bn_holds_most_parameters_in_its_first_linear() {
    let w = warnings_of(
        "block Stage(i, o, n) {
            first: [Conv2d(i, o, 3, padding = 1), BatchNorm2d(o), ReLU],
            rest: [[Conv2d(o, o, 3, padding = 1), BatchNorm2d(o), ReLU]; n - 1],
            pool: MaxPool2d(2, stride = 2),
        }
        #[allow(bias_before_batchnorm)]
        struct Vgg16Bn<3, 224, 224> {
            features: [Stage(3, 64, 2), Stage(64, 128, 2), Stage(128, 256, 3), Stage(256, 512, 3), Stage(512, 512, 3)],
            avgpool: AdaptiveAvgPool2d(7),
            flatten: Flatten,
            classifier: [Linear(25088, 4096), ReLU, Dropout(), Linear(4096, 4096), ReLU, Dropout(), Linear(4096, 1000)],
        }",
        138_365_992,
    );
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, "huge_linear");
    assert!(
        w[0].1
            .starts_with("`classifier.0` holds 102,764,544 of the model's 138,"),
        "{w:?}"
    );
}

#[test]
fn vgg16_bn_convolutions_keep_a_bias_batchnorm_cancels() {
    // torchvision's vgg16_bn really does: its checkpoints hold those biases.
    let w = warnings_of(
        "struct Head<3, 32, 32> { features: [Conv2d(3, 64, 3, padding = 1), BatchNorm2d(64), ReLU] }",
        1_920,
    );
    assert_eq!(w[0].0, "bias_before_batchnorm");
}

#[test]
fn resnet50_is_clean() {
    let w = warnings_of(
        "block Bottleneck(inplanes, planes, stride = 1) {
            residual {
                conv1: Conv2d(inplanes, planes, 1, bias = false), bn1: BatchNorm2d(planes), relu: ReLU,
                conv2: Conv2d(planes, planes, 3, stride = stride, padding = 1, bias = false), bn2: BatchNorm2d(planes), relu: ReLU,
                conv3: Conv2d(planes, planes * 4, 1, bias = false), bn3: BatchNorm2d(planes * 4),
            } + downsample: [
                Conv2d(inplanes, planes * 4, 1, stride = stride, bias = false),
                BatchNorm2d(planes * 4),
            ] if stride != 1 || inplanes != planes * 4,
            relu: ReLU,
        }
        struct ResNet50<3, 224, 224> {
            conv1: Conv2d(3, 64, 7, stride = 2, padding = 3, bias = false),
            bn1: BatchNorm2d(64), relu: ReLU,
            maxpool: MaxPool2d(3, stride = 2, padding = 1),
            layer1: [Bottleneck(64, 64), [Bottleneck(256, 64); 2]],
            layer2: [Bottleneck(256, 128, stride = 2), [Bottleneck(512, 128); 3]],
            layer3: [Bottleneck(512, 256, stride = 2), [Bottleneck(1024, 256); 5]],
            layer4: [Bottleneck(1024, 512, stride = 2), [Bottleneck(2048, 512); 2]],
            avgpool: AdaptiveAvgPool2d((1, 1)),
            flatten: Flatten,
            fc: Linear(2048, 1000),
        }",
        25_557_032,
    );
    assert_eq!(w, []);
}

#[test]
fn mobilenet_v2_is_clean() {
    let w = warnings_of(
        "block Expand(i, t) { Conv2d(i, i * t, 1, bias = false), BatchNorm2d(i * t), ReLU6 }
        block Inverted(i, o, stride, t) {
            conv: [
                Expand(i, t) if t != 1,
                Conv2d(i * t, i * t, 3, stride = stride, padding = 1, groups = i * t, bias = false),
                BatchNorm2d(i * t), ReLU6,
                Conv2d(i * t, o, 1, bias = false), BatchNorm2d(o),
            ],
        }
        block InvertedResidual(c, t) {
            residual { conv: [
                Conv2d(c, c * t, 1, bias = false), BatchNorm2d(c * t), ReLU6,
                Conv2d(c * t, c * t, 3, padding = 1, groups = c * t, bias = false), BatchNorm2d(c * t), ReLU6,
                Conv2d(c * t, c, 1, bias = false), BatchNorm2d(c),
            ] },
        }
        struct MobileNetV2<3, 224, 224> {
            features: [
                [Conv2d(3, 32, 3, stride = 2, padding = 1, bias = false), BatchNorm2d(32), ReLU6],
                Inverted(32, 16, 1, 1),
                Inverted(16, 24, 2, 6), InvertedResidual(24, 6),
                Inverted(24, 32, 2, 6), [InvertedResidual(32, 6); 2],
                Inverted(32, 64, 2, 6), [InvertedResidual(64, 6); 3],
                Inverted(64, 96, 1, 6), [InvertedResidual(96, 6); 2],
                Inverted(96, 160, 2, 6), [InvertedResidual(160, 6); 2],
                Inverted(160, 320, 1, 6),
                [Conv2d(320, 1280, 1, bias = false), BatchNorm2d(1280), ReLU6],
            ],
            pool: AdaptiveAvgPool2d(1),
            flatten: Flatten,
            classifier: [Dropout(0.2), Linear(1280, 1000)],
        }",
        3_504_872,
    );
    assert_eq!(w, []);
}

#[test]
fn squeezenet_first_convolution_leaves_the_last_pixel_unread() {
    // True of torchvision's SqueezeNet 1.0 and 1.1: (224 - 7) / 2 and
    // (224 - 3) / 2 round down, and the last row and column are in no window.
    let fire = "block Fire(i, s, e1, e3) {
            squeeze: Conv2d(i, s, 1), squeeze_activation: ReLU,
            expand: concat {
                { expand1x1: Conv2d(s, e1, 1), expand1x1_activation: ReLU },
                { expand3x3: Conv2d(s, e3, 3, padding = 1), expand3x3_activation: ReLU },
            },
        }";
    let head = "classifier: [Dropout(0.5), Conv2d(512, 1000, 1), ReLU, AdaptiveAvgPool2d((1, 1))],
            flatten: Flatten,";
    let v1_0 = format!(
        "{fire}
        struct SqueezeNet1_0<3, 224, 224> {{
            features: [
                Conv2d(3, 96, 7, stride = 2), ReLU, MaxPool2d(3, stride = 2, ceil_mode = true),
                Fire(96, 16, 64, 64), Fire(128, 16, 64, 64), Fire(128, 32, 128, 128),
                MaxPool2d(3, stride = 2, ceil_mode = true),
                Fire(256, 32, 128, 128), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256),
                MaxPool2d(3, stride = 2, ceil_mode = true),
                Fire(512, 64, 256, 256),
            ],
            {head}
        }}"
    );
    assert_eq!(
        warnings_of(&v1_0, 1_248_424),
        [(
            "unused_pixels",
            "`features.0` reads only 223 of the 224 rows and 223 of the 224 columns of its 3x224x224 input".into()
        )]
    );
    let v1_1 = format!(
        "{fire}
        struct SqueezeNet1_1<3, 224, 224> {{
            features: [
                Conv2d(3, 64, 3, stride = 2), ReLU, MaxPool2d(3, stride = 2, ceil_mode = true),
                Fire(64, 16, 64, 64), Fire(128, 16, 64, 64),
                MaxPool2d(3, stride = 2, ceil_mode = true),
                Fire(128, 32, 128, 128), Fire(256, 32, 128, 128),
                MaxPool2d(3, stride = 2, ceil_mode = true),
                Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), Fire(512, 64, 256, 256),
            ],
            {head}
        }}"
    );
    let w = warnings_of(&v1_1, 1_235_496);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, "unused_pixels");
}

#[test]
fn densenet121_is_clean() {
    let w = warnings_of(
        "block DenseLayer(growth) {
            concat { Identity, {
                norm1: BatchNorm2d(_), relu1: ReLU, conv1: Conv2d(_, 4 * growth, 1, bias = false),
                norm2: BatchNorm2d(4 * growth), relu2: ReLU, conv2: Conv2d(4 * growth, growth, 3, padding = 1, bias = false),
            } },
        }
        block Transition(i) {
            norm: BatchNorm2d(i), relu: ReLU, conv: Conv2d(i, i / 2, 1, bias = false), pool: AvgPool2d(2, stride = 2),
        }
        struct DenseNet121<3, 224, 224> {
            conv0: Conv2d(3, 64, 7, stride = 2, padding = 3, bias = false),
            norm0: BatchNorm2d(64), relu0: ReLU,
            pool0: MaxPool2d(3, stride = 2, padding = 1),
            denseblock1: [DenseLayer(32); 6], transition1: Transition(256),
            denseblock2: [DenseLayer(32); 12], transition2: Transition(512),
            denseblock3: [DenseLayer(32); 24], transition3: Transition(1024),
            denseblock4: [DenseLayer(32); 16],
            norm5: BatchNorm2d(1024), relu: ReLU,
            pool: AdaptiveAvgPool2d((1, 1)),
            flatten: Flatten,
            classifier: Linear(1024, 1000),
        }",
        7_978_856,
    );
    assert_eq!(w, []);
}

#[test]
fn googlenet_is_clean() {
    let w = warnings_of(&format!(
        "{BASIC_CONV}
        block Inception(i, c1, c3r, c3, c5r, c5, pool) {{
            concat {{
                branch1: Basic(i, c1, 1),
                branch2: [Basic(i, c3r, 1), Basic(c3r, c3, 3, padding = 1)],
                branch3: [Basic(i, c5r, 1), Basic(c5r, c5, 3, padding = 1)],
                branch4: [MaxPool2d(3, stride = 1, padding = 1, ceil_mode = true), Basic(i, pool, 1)],
            }},
        }}
        struct GoogLeNet<3, 224, 224> {{
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
        }}"
    ), 6_624_904);
    assert_eq!(w, []);
}
