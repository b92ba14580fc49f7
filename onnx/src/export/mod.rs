pub mod onnx;
pub mod pytorch;
