pub fn export_onnx() {}
