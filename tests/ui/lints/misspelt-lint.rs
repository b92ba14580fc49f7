//! A misspelt lint name in `allow` is an error, not a silent no-op.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        #[allow(unused_pixel)]
        conv: Conv2d(3, 8, 5, stride = 2),
    }
}

fn main() {}
