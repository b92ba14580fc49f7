//! Two models in one invocation: the right one builds, the wrong one is
//! reported.
use cnn::cnn;

cnn! {
    pub struct Good<1, 28, 28> {
        flatten: Flatten,
        fc: Linear(784, 10),
    }

    pub struct Bad<1, 28, 28> {
        flatten: Flatten,
        fc: Linear(28, 10),
    }
}

fn main() {
    let _ = Good::new(0);
}
