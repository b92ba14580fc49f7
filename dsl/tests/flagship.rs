mod common;
use common::*;

const BAD_FC: &str = "
pub struct MyCnn<3, 32, 32> {
    conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
    relu1: ReLU,
    conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
    relu2: ReLU,
    flatten: Flatten,
    fc: Linear(2048, 10),
}";

#[test]
fn wrong_linear_after_5x5_kernels() {
    let r = check(BAD_FC);
    let e = r.error();
    println!("{}", e.full_message());
    assert_eq!(
        e.message,
        "`fc` expects 2048 input features, but receives 1568 (= 32 x 7 x 7 from `conv2`)"
    );
    assert_eq!(underlined(BAD_FC, e), "2048");
    assert_eq!(position(e), (8, 16));
    assert_eq!(
        e.notes,
        ["shapes: [3, 32, 32] -conv1-> [16, 15, 15] -conv2-> [32, 7, 7] -flatten-> [1568]"]
    );
    assert_eq!(
        e.help.as_deref(),
        Some("write `Linear(1568, 10)`, or `Linear(_, 10)` to infer it")
    );
}
