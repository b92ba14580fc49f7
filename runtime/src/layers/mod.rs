//! The layers, one PyTorch layer kind (or family) a file.

pub mod activation;
pub mod adaptive_pool2d;
pub mod avg_pool2d;
pub mod batch_norm2d;
pub mod conv2d;
pub mod dropout;
pub mod flatten;
pub mod layer_norm;
pub mod linear;
pub mod max_pool2d;
pub mod merge;
pub mod shuffle;
pub mod softmax;
