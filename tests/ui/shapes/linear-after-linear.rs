//! A Linear whose input size is not the previous Linear's output size.
use cnn::cnn;

cnn! {
    pub struct Net<784> {
        fc1: Linear(784, 120),
        relu: ReLU,
        fc2: Linear(100, 10),
    }
}

fn main() {}
