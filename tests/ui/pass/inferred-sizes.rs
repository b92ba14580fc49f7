//! `_` takes a size from the previous layer, so the tutorial's classic
//! mistake cannot happen.
use cnn::{Batch, cnn};

cnn! {
    pub struct Net<3, 32, 32> {
        conv1: Conv2d(_, 16, 5, stride = 2, padding = 1),
        bn1: BatchNorm2d(_),
        relu1: ReLU,
        conv2: Conv2d(_, 32, 5, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(_, 10),
    }
}

const _: () = assert!(Net::PARAMS == 29_738 + 2 * 16);

fn main() {
    let fc: &cnn::Linear<1568, 10> = &Net::new(0).fc;
    let y: Batch<10> = Net::new(0).forward(&Batch::zeros(3));
    assert_eq!(Net::LAYERS[6].args, "Linear(1568, 10)");
    println!("{:?} {:?}", fc.bias().map(<[f32]>::len), y.shape());
}
