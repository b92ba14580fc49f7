//! A Keras layer name.
use cnn::cnn;

cnn! {
    pub struct Net<784> {
        fc: Dense(10),
    }
}

fn main() {}
