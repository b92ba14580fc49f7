//! The runtime used by hand: every size is a const generic, and the
//! annotated types are checked against PyTorch's formulas.
use cnn::{AdaptiveAvgPool2d, Batch, BatchNorm2d, Conv2d, Flatten, Init, Linear, MaxPool2d, ReLU};

type Conv1 = Conv2d<3, 16, 5, 5, 2, 2, 1, 1>;
const _: () = assert!(Conv1::fits(32, 32, 15, 15));
const _: () = assert!(MaxPool2d::<3, 3, 2, 2, 1, 1>::fits(112, 112, 56, 56));

fn main() {
    let init = &mut Init::new(1);
    let conv: Conv1 = Conv2d::new(true, init);
    let bn: BatchNorm2d<16> = BatchNorm2d::new(1e-5, true);
    let pool: MaxPool2d<3, 3, 2, 2, 1, 1> = MaxPool2d;
    let gap: AdaptiveAvgPool2d<1> = AdaptiveAvgPool2d;
    let flatten: Flatten = Flatten;
    let fc: Linear<16, 4> = Linear::new(false, init);

    let x = Batch::<3, 32, 32>::zeros(2);
    let h: Batch<16, 15, 15> = conv.forward(&x);
    let h = ReLU.forward(bn.forward(h));
    let h: Batch<16, 8, 8> = pool.forward(&h);
    let h: Batch<16, 1, 1> = gap.forward(&h);
    let y: Batch<4> = fc.forward(&flatten.forward(h));
    println!("{:?}", y.shape());
}
