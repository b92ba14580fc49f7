//! A hand-written Flatten into the wrong number of features.
use cnn::{Batch, Flatten};

fn main() {
    let flatten: Flatten = Flatten;
    let y: Batch<2048> = flatten.forward(Batch::<32, 7, 7>::zeros(1));
    println!("{:?}", y.shape());
}
