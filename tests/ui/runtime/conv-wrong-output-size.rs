//! A hand-written convolution asked for the wrong output size: 32x32 with a
//! 5x5 kernel, stride 2 and padding 1 gives 15x15, not 16x16.
use cnn::{Batch, Conv2d, Init};

fn main() {
    let conv: Conv2d<3, 16, 5, 5, 2, 2, 1, 1> = Conv2d::new(true, &mut Init::new(0));
    let x = Batch::<3, 32, 32>::zeros(1);
    let y: Batch<16, 16, 16> = conv.forward(&x);
    println!("{:?}", y.shape());
}
