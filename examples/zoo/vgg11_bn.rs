// torchvision's `vgg11_bn()`.
use cnn::cnn;

cnn! {
    pub struct Vgg11Bn<3, 224, 224> {
        features: [
            Conv2d(3, 64, 3, padding = 1), BatchNorm2d(64), ReLU, MaxPool2d(2, stride = 2),
            Conv2d(64, 128, 3, padding = 1), BatchNorm2d(128), ReLU, MaxPool2d(2, stride = 2),
            Conv2d(128, 256, 3, padding = 1), BatchNorm2d(256), ReLU,
            Conv2d(256, 256, 3, padding = 1), BatchNorm2d(256), ReLU, MaxPool2d(2, stride = 2),
            Conv2d(256, 512, 3, padding = 1), BatchNorm2d(512), ReLU,
            Conv2d(512, 512, 3, padding = 1), BatchNorm2d(512), ReLU, MaxPool2d(2, stride = 2),
            Conv2d(512, 512, 3, padding = 1), BatchNorm2d(512), ReLU,
            Conv2d(512, 512, 3, padding = 1), BatchNorm2d(512), ReLU, MaxPool2d(2, stride = 2),
        ],
        avgpool: AdaptiveAvgPool2d((7, 7)),
        flatten: Flatten,
        classifier: [
            Linear(512 * 7 * 7, 4096), ReLU, Dropout(0.5),
            Linear(4096, 4096), ReLU, Dropout(0.5),
            Linear(4096, 1000),
        ],
    }
}
