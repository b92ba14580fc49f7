//! A keyword as a layer name, written as a raw identifier: the quoted name
//! spells it.
use cnn::cnn;

cnn! {
    pub struct Net<4> {
        r#struct: ReLU,
        fc: Linear(4, 2),
    }
}

fn main() {}
