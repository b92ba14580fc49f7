//! A Linear layer too large for any machine.
use cnn::cnn;

cnn! {
    pub struct Net<100000> {
        fc: Linear(100000, 2147483648),
    }
}

fn main() {}
