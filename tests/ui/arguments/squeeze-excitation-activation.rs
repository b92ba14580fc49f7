//! SqueezeExcitation given a layer that is not an activation.
use cnn::cnn;

cnn! {
    pub struct Net<16, 8, 8> {
        se: SqueezeExcitation(16, 4, scale_activation = BatchNorm2d),
    }
}

fn main() {}
