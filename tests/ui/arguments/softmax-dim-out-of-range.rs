//! Softmax over a dimension the tensor does not have.
use cnn::cnn;

cnn! {
    pub struct Net<10> {
        softmax: Softmax(dim = 2),
    }
}

fn main() {}
