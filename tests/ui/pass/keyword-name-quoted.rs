//! Keywords as layer names, quoted: the state_dict's names are PyTorch's,
//! `fn.weight` and `fn.bias`.
use cnn::{Module, cnn};

cnn! {
    pub struct Net<4> {
        "struct": ReLU,
        "fn": Linear(4, 2),
    }
}

fn main() {
    let sd = Net::new(0).state_dict();
    let mut names: Vec<&str> = sd.names().collect();
    names.sort();
    assert_eq!(names, ["fn.bias", "fn.weight"]);
}
