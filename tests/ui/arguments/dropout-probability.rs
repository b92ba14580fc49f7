//! A dropout probability above 1.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        drop: Dropout(1.5),
    }
}

fn main() {}
