//! A model fed images of the wrong size: rustc's own type error names both
//! shapes.
use cnn::{Batch, cnn};

cnn! {
    pub struct Mnist<1, 28, 28> {
        flatten: Flatten,
        fc: Linear(784, 10),
    }
}

fn main() {
    let net = Mnist::new(0);
    let x = Batch::<3, 32, 32>::zeros(1);
    let _ = net.forward(&x);
}
