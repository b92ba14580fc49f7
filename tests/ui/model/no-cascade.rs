//! A model with a mistake, used by the rest of the crate: the only error is
//! the model's own; the code using it compiles against a stub.
use cnn::{Batch, Model, cnn};

cnn! {
    /// The tutorial's 5x5 model with a wrong Linear.
    pub struct Net<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(2048, 10),
    }
}

fn classify<M: Model>(model: &M, x: &M::Input) -> M::Output {
    model.forward(x)
}

fn main() {
    let net = Net::new(0);
    let x = Batch::<3, 32, 32>::zeros(1);
    let y: Batch<10> = net.forward(&x);
    let z = classify(&net, &x);
    println!("{:?} {:?} {}", y.argmax(), z.argmax(), Net::PARAMS);
}
