//! A misspelt layer name.
use cnn::cnn;

cnn! {
    pub struct Net<784> {
        fc: Lineer(784, 10),
    }
}

fn main() {}
