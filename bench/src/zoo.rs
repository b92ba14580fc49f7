//! torchvision's models for the zoo rows of the benchmarks: the full-size
//! texts of `examples/zoo/` whose ONNX graphs ONNX Runtime is timed on, and
//! the small configurations of `tests/zoo/`.

macro_rules! full_size {
    ($($file:ident),* $(,)?) => {
        $(
            pub mod $file {
                include!(concat!("../../examples/zoo/", stringify!($file), ".rs"));
            }
        )*
    };
}

full_size! {
    densenet121,
    efficientnet_b0,
    googlenet,
    mnasnet0_5,
    mobilenet_v2,
    mobilenet_v3_small,
    regnet_x_400mf,
    regnet_y_400mf,
    resnet50,
    shufflenet_v2_x0_5,
    squeezenet1_1,
}

#[path = "../../tests/zoo/mod.rs"]
pub mod tiny;
