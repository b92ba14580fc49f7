//! The models `cargo cnn import` writes from the fixtures' ONNX files
//! (`tests/imported/`, kept equal to the importer's output by cnn-onnx's
//! `import` test) compile; loaded strictly with the weights it writes,
//! they give PyTorch's outputs; the zoo's weightless graphs build models
//! of the written size that run.

mod fixture;

use cnn::{AnyBatch, Model, StateDict};
use fixture::{assert_matches, fixture, fixture_file};

mod convnext_tiny_tiny {
    include!("imported/convnext_tiny_tiny.rs");
}
mod densenet121 {
    include!("imported/densenet121.rs");
}
mod densenet_tiny {
    include!("imported/densenet_tiny.rs");
}
mod efficientnet_b0 {
    include!("imported/efficientnet_b0.rs");
}
mod efficientnet_b0_tiny {
    include!("imported/efficientnet_b0_tiny.rs");
}
mod features_ext {
    include!("imported/features_ext.rs");
}
mod googlenet {
    include!("imported/googlenet.rs");
}
mod gray200 {
    include!("imported/gray200.rs");
}
mod lenet5 {
    include!("imported/lenet5.rs");
}
mod mnasnet0_5 {
    include!("imported/mnasnet0_5.rs");
}
mod mobilenet_v2 {
    include!("imported/mobilenet_v2.rs");
}
mod mobilenet_v2_tiny {
    include!("imported/mobilenet_v2_tiny.rs");
}
mod mobilenet_v3_small {
    include!("imported/mobilenet_v3_small.rs");
}
mod mobilenet_v3_small_tiny {
    include!("imported/mobilenet_v3_small_tiny.rs");
}
mod quiz {
    include!("imported/quiz.rs");
}
mod regnet_x_400mf {
    include!("imported/regnet_x_400mf.rs");
}
mod regnet_x_tiny {
    include!("imported/regnet_x_tiny.rs");
}
mod regnet_y_400mf {
    include!("imported/regnet_y_400mf.rs");
}
mod regnet_y_tiny {
    include!("imported/regnet_y_tiny.rs");
}
mod resnet18 {
    include!("imported/resnet18.rs");
}
mod resnet50 {
    include!("imported/resnet50.rs");
}
mod seed_a {
    include!("imported/seed_a.rs");
}
mod seed_b {
    include!("imported/seed_b.rs");
}
mod shufflenet_v2_tiny {
    include!("imported/shufflenet_v2_tiny.rs");
}
mod shufflenet_v2_x0_5 {
    include!("imported/shufflenet_v2_x0_5.rs");
}
mod squeezenet1_1 {
    include!("imported/squeezenet1_1.rs");
}
mod vgg_small {
    include!("imported/vgg_small.rs");
}

/// The fixture models as `torch.onnx.export(dynamo=True)` writes them.
mod dynamo {
    pub mod seed_a {
        include!("imported/dynamo/seed_a.rs");
    }
    pub mod seed_b {
        include!("imported/dynamo/seed_b.rs");
    }
    pub mod quiz {
        include!("imported/dynamo/quiz.rs");
    }
    pub mod lenet5 {
        include!("imported/dynamo/lenet5.rs");
    }
    pub mod features_ext {
        include!("imported/dynamo/features_ext.rs");
    }
}

/// What the importer makes of `tests/fixtures/onnx/{file}.onnx`.
fn import(file: &str) -> cnn_onnx::Imported {
    let path = std::path::PathBuf::from(format!(
        "{}/tests/fixtures/onnx/{file}.onnx",
        env!("CARGO_MANIFEST_DIR")
    ));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let options = cnn_onnx::ImportOptions {
        dir: path.parent().map(std::path::Path::to_path_buf),
        ..cnn_onnx::ImportOptions::default()
    };
    cnn_onnx::import(&bytes, &options).unwrap()
}

/// The weights the importer writes for `name`'s graph.
fn imported_weights(name: &str) -> StateDict {
    StateDict::from_safetensors(&import(name).safetensors().unwrap()).unwrap()
}

fn check<M: Model>(name: &str) {
    let mut model = M::init(0);
    cnn::Module::load_state_dict(&mut model, &imported_weights(name)).unwrap();
    assert_matches(name, &model, fixture(name));
}

/// As `check`, for the graph PyTorch's newer exporter wrote, whose weights
/// the importer reads from the `.onnx.data` file beside it.
fn check_dynamo<M: Model>(name: &str) {
    let mut model = M::init(0);
    let weights = import(&format!("dynamo/{name}")).safetensors().unwrap();
    cnn::Module::load_state_dict(&mut model, &StateDict::from_safetensors(&weights).unwrap())
        .unwrap();
    assert_matches(name, &model, fixture(name));
}

#[test]
fn graphs_of_the_newer_exporter_match_pytorch() {
    check_dynamo::<dynamo::seed_a::SeedA>("seed_a");
    check_dynamo::<dynamo::seed_b::SeedB>("seed_b");
    check_dynamo::<dynamo::quiz::Quiz>("quiz");
    check_dynamo::<dynamo::lenet5::Lenet5>("lenet5");
    check_dynamo::<dynamo::features_ext::FeaturesExt>("features_ext");
}

#[test]
fn seed_a_matches_pytorch() {
    check::<seed_a::SeedA>("seed_a");
}

#[test]
fn seed_b_matches_pytorch() {
    check::<seed_b::SeedB>("seed_b");
}

#[test]
fn quiz_matches_pytorch() {
    check::<quiz::Quiz>("quiz");
}

#[test]
fn gray200_matches_pytorch() {
    check::<gray200::Gray200>("gray200");
}

#[test]
fn lenet5_matches_pytorch() {
    check::<lenet5::Lenet5>("lenet5");
}

#[test]
fn vgg_small_matches_pytorch() {
    check::<vgg_small::VggSmall>("vgg_small");
}

#[test]
fn features_ext_matches_pytorch() {
    check::<features_ext::FeaturesExt>("features_ext");
}

/// The compiled model has the size the importer counts in zoo graph
/// `name`, and runs on two images.
fn runs<M: Model>(name: &str) {
    assert_eq!(M::PARAMS, import(&format!("zoo/{name}")).params, "{name}");
    let model = M::init(0);
    let shape = M::Input::image_shape();
    let x = M::Input::from_vec(1, vec![0.5; shape.iter().product::<usize>()]).unwrap();
    let y = model.forward(&x);
    assert!(y.as_slice().iter().all(|v| v.is_finite()));
}

#[test]
fn zoo_graphs_build_models_that_run() {
    runs::<convnext_tiny_tiny::ConvnextTinyTiny>("convnext_tiny_tiny");
    runs::<densenet121::Densenet121>("densenet121");
    runs::<densenet_tiny::DensenetTiny>("densenet_tiny");
    runs::<efficientnet_b0::EfficientnetB0>("efficientnet_b0");
    runs::<efficientnet_b0_tiny::EfficientnetB0Tiny>("efficientnet_b0_tiny");
    runs::<googlenet::Googlenet>("googlenet");
    runs::<mnasnet0_5::Mnasnet05>("mnasnet0_5");
    runs::<mobilenet_v2::MobilenetV2>("mobilenet_v2");
    runs::<mobilenet_v2_tiny::MobilenetV2Tiny>("mobilenet_v2_tiny");
    runs::<mobilenet_v3_small::MobilenetV3Small>("mobilenet_v3_small");
    runs::<mobilenet_v3_small_tiny::MobilenetV3SmallTiny>("mobilenet_v3_small_tiny");
    runs::<regnet_x_400mf::RegnetX400mf>("regnet_x_400mf");
    runs::<regnet_x_tiny::RegnetXTiny>("regnet_x_tiny");
    runs::<regnet_y_400mf::RegnetY400mf>("regnet_y_400mf");
    runs::<regnet_y_tiny::RegnetYTiny>("regnet_y_tiny");
    runs::<resnet50::Resnet50>("resnet50");
    runs::<shufflenet_v2_tiny::ShufflenetV2Tiny>("shufflenet_v2_tiny");
    runs::<shufflenet_v2_x0_5::ShufflenetV2X05>("shufflenet_v2_x0_5");
    runs::<squeezenet1_1::Squeezenet11>("squeezenet1_1");
}

/// `name` in `../shared/` (too large for the repository), or at `$var`.
fn shared(var: &str, name: &str) -> std::path::PathBuf {
    std::env::var_os(var)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared")
                .join(name)
        })
}

#[test]
#[ignore = "reads resnet18.onnx and resnet18.safetensors (47 MB each) from ../shared/ or \
            $CNN_RESNET18_ONNX and $CNN_RESNET18; .ci/run runs it with --ignored"]
fn resnet18_imports_and_matches_pytorch() {
    let onnx = shared("CNN_RESNET18_ONNX", "bench/onnx/resnet18.onnx");
    let bytes = std::fs::read(&onnx).unwrap_or_else(|e| panic!("{}: {e}", onnx.display()));
    let options = cnn_onnx::ImportOptions {
        name: "Resnet18".into(),
        input: None,
        source: "`resnet18.onnx`".into(),
        dir: None,
    };
    let imported = cnn_onnx::import(&bytes, &options).unwrap();
    let committed = include_str!("imported/resnet18.rs");
    if std::env::var_os("CNN_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/imported/resnet18.rs");
        std::fs::write(path, &imported.source).unwrap();
    }
    assert_eq!(
        imported.source, committed,
        "tests/imported/resnet18.rs is not what import writes"
    );
    let mut model = resnet18::Resnet18::new(0);
    let weights = StateDict::from_safetensors(&imported.safetensors().unwrap()).unwrap();
    cnn::Module::load_state_dict(&mut model, &weights).unwrap();

    let fixture = fixture_file(&shared("CNN_RESNET18", "fixtures/resnet18.safetensors"));
    assert_matches("imported resnet18", &model, fixture);
}
