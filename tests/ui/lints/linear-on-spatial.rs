//! Linear on a [C, H, W] tensor acts on the last axis only; the author meant
//! to flatten first.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    pub struct Net<3, 8, 8> {
        conv: Conv2d(3, 4, 3, padding = 1),
        fc: Linear(8, 10),
    }
}

fn main() {}
