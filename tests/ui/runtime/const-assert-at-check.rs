//! A layer's shape checked by an item-level constant, which `cargo check`
//! already evaluates (the check the cnn! macro also writes for its layers).
use cnn::Conv2d;

type Conv1 = Conv2d<3, 16, 5, 5, 2, 2, 1, 1>;

const _: () = assert!(Conv1::fits(32, 32, 16, 16), "conv1: 32x32 in must give 16x16 out");

fn main() {}
