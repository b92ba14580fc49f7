//! Softmax in the middle of a model: the next layer sees probabilities.
#![deny(deprecated)]
use cnn::cnn;

cnn! {
    pub struct Net<784> {
        fc1: Linear(784, 64),
        softmax: Softmax(dim = 1),
        fc2: Linear(64, 10),
    }
}

fn main() {}
