//! A block that takes the name of a layer.
use cnn::cnn;

cnn! {
    block Linear(n) {
        fc: nn.Linear(n, n),
    }

    pub struct Net<10> {
        fc: Linear(10, 10),
    }
}

fn main() {}
