//! Every torchvision model text in `examples/zoo/` builds with warnings
//! denied: exact copies of well-known models raise no lint at the default
//! levels (the pedantic lints are off). Each model's parameter count is
//! torchvision's own, from `tests/fixtures/zoo/keys/`.

#![deny(warnings)]

macro_rules! zoo {
    ($($file:ident: $model:ident),* $(,)?) => {
        $(
            pub mod $file {
                include!(concat!("../examples/zoo/", stringify!($file), ".rs"));
            }
        )*

        /// (file, the model's parameter count)
        const MODELS: &[(&str, usize)] = &[$((stringify!($file), $file::$model::PARAMS)),*];
    };
}

zoo! {
    alexnet: AlexNet,
    convnext_tiny: ConvNeXtTiny,
    densenet121: DenseNet121,
    efficientnet_b0: EfficientNetB0,
    googlenet: GoogLeNet,
    mnasnet0_5: MnasNet0_5,
    mobilenet_v2: MobileNetV2,
    mobilenet_v3_small: MobileNetV3Small,
    regnet_x_400mf: RegNetX400MF,
    regnet_y_400mf: RegNetY400MF,
    resnet18: ResNet18,
    resnet34: ResNet34,
    resnet50: ResNet50,
    resnext50_32x4d: ResNeXt50_32x4d,
    shufflenet_v2_x0_5: ShuffleNetV2x0_5,
    squeezenet1_1: SqueezeNet1_1,
    vgg11_bn: Vgg11Bn,
    wide_resnet50_2: WideResNet50_2,
}

#[test]
fn every_torchvision_model_builds_with_torchvisions_parameter_count() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/zoo/keys");
    let files = std::fs::read_dir(dir).unwrap().count();
    assert_eq!(MODELS.len(), files, "a model in keys/ is not built here");
    for (file, params) in MODELS {
        let text = std::fs::read_to_string(format!("{dir}/{file}.json")).unwrap();
        let keys: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            Some(*params as u64),
            keys["total_params"].as_u64(),
            "{file}"
        );
    }
}
