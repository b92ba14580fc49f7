//! Example 1 of the tutorial, with 3x3 and with 5x5 kernels.

use cnn::cnn;

cnn! {
    /// Example 1 with 3x3 kernels: 32x32 -> 16x16 -> 8x8.
    pub struct Tutorial3x3<3, 32, 32> {
        conv1: Conv2d(3, 16, 3, stride = 2, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 3, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(2048, 10),
    }

    /// Example 1 with 5x5 kernels: 32x32 -> 15x15 -> 7x7.
    pub struct Tutorial5x5<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(1568, 10),
    }
}

fn main() {
    let net = Tutorial5x5::new(0);
    let x = cnn::Batch::<3, 32, 32>::zeros(2);
    let y: cnn::Batch<10> = net.forward(&x);
    println!("{:?}", y.shape());
    for l in Tutorial5x5::LAYERS {
        println!(
            "{:8} {:40} {:?} {}",
            l.name, l.args, l.output_shape, l.params
        );
    }
    let _ = Tutorial3x3::new(1);
}
