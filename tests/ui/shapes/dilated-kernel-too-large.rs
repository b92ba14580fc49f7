//! A dilated kernel spans more than the image.
use cnn::cnn;

cnn! {
    pub struct Net<1, 5, 5> {
        conv: Conv2d(1, 4, 3, dilation = 3),
    }
}

fn main() {}
