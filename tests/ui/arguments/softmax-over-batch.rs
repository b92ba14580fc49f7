//! Softmax over dimension 0, the batch.
use cnn::cnn;

cnn! {
    pub struct Net<10> {
        softmax: Softmax(dim = 0),
    }
}

fn main() {}
