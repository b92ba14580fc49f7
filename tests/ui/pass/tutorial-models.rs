//! The tutorial's models build, and their annotated types are the inferred
//! shapes.
use cnn::{Batch, cnn};

cnn! {
    /// Example 1 with 3x3 kernels.
    pub struct Example3x3<3, 32, 32> {
        conv1: Conv2d(3, 16, 3, stride = 2, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 3, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(2048, 10),
    }

    /// Example 1 with 5x5 kernels.
    pub struct Example5x5<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(1568, 10),
    }

    /// The 130x130x3 quiz stack, up to its last pooling layer.
    pub struct QuizStack<3, 130, 130> {
        conv1: Conv2d(3, 10, 3),
        pool1: MaxPool2d(4, 4),
        conv2: Conv2d(10, 20, 5, padding = 2),
        pool2: MaxPool2d(2, 2),
        relu: ReLU,
    }

    /// The 200x200 grayscale model, written as an unnamed nn.Sequential.
    pub struct Gray200<1, 200, 200> {
        Conv2d(1, 16, kernel_size = 2, stride = 2),
        MaxPool2d(2, 2),
        ReLU(),
        Conv2d(16, 32, kernel_size = 3, padding = 1),
        MaxPool2d(2, 2),
        ReLU(),
        Flatten(),
        Linear(32 * 25 * 25, 10),
    }
}

const _: () = assert!(Example3x3::PARAMS == 25_578 && Example5x5::PARAMS == 29_738);
const _: () = assert!(QuizStack::OUTPUT_SHAPE[0] == 20 && QuizStack::OUTPUT_SHAPE[1] == 16);

fn main() {
    let x = Batch::<3, 32, 32>::zeros(2);
    let a: Batch<10> = Example3x3::new(0).forward(&x);
    let b: Batch<10> = Example5x5::new(0).forward(&x);
    let q: Batch<20, 16, 16> = QuizStack::new(0).forward(&Batch::zeros(1));
    let g: Batch<10> = Gray200::new(0).forward(&Batch::zeros(1));
    let _unnamed_layer_3: &cnn::Conv2d<16, 32, 3, 3, 1, 1, 1, 1> = &Gray200::new(0)._3;
    println!("{:?} {:?} {:?} {:?}", a.shape(), b.shape(), q.shape(), g.shape());
}
