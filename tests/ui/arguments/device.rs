//! A PyTorch device argument.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, 3, device = "cuda"),
    }
}

fn main() {}
