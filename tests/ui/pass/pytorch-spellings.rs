//! A model copied from PyTorch nearly verbatim: `nn.` prefixes, Python's
//! `True`/`False`/`None`, keyword arguments and size arithmetic.
use cnn::{Batch, cnn};

cnn! {
    #[derive(Clone, Debug)]
    pub struct LeNet<1, 28, 28> {
        conv1: nn.Conv2d(1, 6, kernel_size = 5, padding = 2, bias = True),
        relu1: nn.ReLU(inplace = True),
        pool1: nn.AvgPool2d(kernel_size = 2, stride = None),
        conv2: nn.Conv2d(6, 16, kernel_size = 5),
        relu2: nn.ReLU(),
        pool2: nn.AvgPool2d(2),
        flatten: nn.Flatten(start_dim = 1),
        fc1: nn.Linear(16 * 5 * 5, 120),
        relu3: nn.ReLU(),
        fc2: nn.Linear(120, 84, bias = False),
        relu4: nn.ReLU(),
        fc3: nn.Linear(84, 10),
        log_softmax: nn.LogSoftmax(dim = 1),
    }
}

fn main() {
    let net = LeNet::new(5).clone();
    let y: Batch<10> = net.forward(&Batch::zeros(1));
    println!("{net:?} {:?}", y.shape());
}
