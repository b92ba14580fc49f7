//! Reflection padding as large as the image.
use cnn::cnn;

cnn! {
    pub struct Net<1, 2, 8> {
        conv: Conv2d(1, 4, 5, padding = 2, padding_mode = "reflect"),
    }
}

fn main() {}
