pub fn export_pytorch() {}
