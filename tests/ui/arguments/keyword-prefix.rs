//! `kernel=` for `kernel_size=`: a keyword that begins the parameter's name.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        conv: Conv2d(3, 16, kernel = 3),
    }
}

fn main() {}
