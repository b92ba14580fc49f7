//! Rust keywords as layer names, raw or quoted: the state_dict's names are
//! PyTorch's (`type`, `fn.weight`), the fields get a `_` (`type_`, `fn_`).
use cnn::cnn;

cnn! {
    pub struct Net<4> {
        r#type: ReLU,
        "fn": Linear(4, 3),
        r#struct: Linear(3, 2),
    }
}

fn main() {
    let net = Net::new(0);
    let _: &cnn::Linear<4, 3> = &net.fn_;
    let sd = net.state_dict();
    let mut names: Vec<&str> = sd.names().collect();
    names.sort();
    assert_eq!(names, ["fn.bias", "fn.weight", "struct.bias", "struct.weight"]);
}
