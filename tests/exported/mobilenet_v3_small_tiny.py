# Written by `cargo cnn export` from the cnn! model `MobileNetV3SmallTiny`: the same layers
# under the same state_dict names, so weights move both ways as
# safetensors files (`model.load_state_dict(load_file(path))`).
import torch
from torch import nn


class Module(nn.Module):
    """Holds named children, as a cnn! block or `{ .. }` does."""

    def __init__(self, **children):
        super().__init__()
        for name, child in children.items():
            if isinstance(child, nn.Parameter):
                self.register_parameter(name, child)
            else:
                self.add_module(name, child)


class MobileNetV3SmallTiny(nn.Module):
    """Input [N, 3, 64, 64], output [N, 10]; 119842 parameters."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(
                nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(8, eps=0.001),
                nn.Hardswish(),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False),
                        nn.BatchNorm2d(8, eps=0.001),
                        nn.ReLU(),
                    ),
                    Module(
                        avgpool=nn.AdaptiveAvgPool2d(1),
                        fc1=nn.Conv2d(8, 8, 1),
                        activation=nn.ReLU(),
                        fc2=nn.Conv2d(8, 8, 1),
                        scale_activation=nn.Hardsigmoid(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(8, 8, 1, bias=False),
                        nn.BatchNorm2d(8, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 24, 1, bias=False),
                        nn.BatchNorm2d(24, eps=0.001),
                        nn.ReLU(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(24, 24, 3, stride=2, padding=1, groups=24, bias=False),
                        nn.BatchNorm2d(24, eps=0.001),
                        nn.ReLU(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(24, 8, 1, bias=False),
                        nn.BatchNorm2d(8, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 24, 1, bias=False),
                        nn.BatchNorm2d(24, eps=0.001),
                        nn.ReLU(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(24, 24, 3, padding=1, groups=24, bias=False),
                        nn.BatchNorm2d(24, eps=0.001),
                        nn.ReLU(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(24, 8, 1, bias=False),
                        nn.BatchNorm2d(8, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 24, 1, bias=False),
                        nn.BatchNorm2d(24, eps=0.001),
                        nn.Hardswish(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(24, 24, 5, stride=2, padding=2, groups=24, bias=False),
                        nn.BatchNorm2d(24, eps=0.001),
                        nn.Hardswish(),
                    ),
                    Module(
                        avgpool=nn.AdaptiveAvgPool2d(1),
                        fc1=nn.Conv2d(24, 8, 1),
                        activation=nn.ReLU(),
                        fc2=nn.Conv2d(8, 24, 1),
                        scale_activation=nn.Hardsigmoid(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(24, 16, 1, bias=False),
                        nn.BatchNorm2d(16, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(16, 64, 1, bias=False),
                        nn.BatchNorm2d(64, eps=0.001),
                        nn.Hardswish(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(64, 64, 5, padding=2, groups=64, bias=False),
                        nn.BatchNorm2d(64, eps=0.001),
                        nn.Hardswish(),
                    ),
                    Module(
                        avgpool=nn.AdaptiveAvgPool2d(1),
                        fc1=nn.Conv2d(64, 16, 1),
                        activation=nn.ReLU(),
                        fc2=nn.Conv2d(16, 64, 1),
                        scale_activation=nn.Hardsigmoid(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(64, 16, 1, bias=False),
                        nn.BatchNorm2d(16, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(16, 64, 1, bias=False),
                        nn.BatchNorm2d(64, eps=0.001),
                        nn.Hardswish(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(64, 64, 5, padding=2, groups=64, bias=False),
                        nn.BatchNorm2d(64, eps=0.001),
                        nn.Hardswish(),
                    ),
                    Module(
                        avgpool=nn.AdaptiveAvgPool2d(1),
                        fc1=nn.Conv2d(64, 16, 1),
                        activation=nn.ReLU(),
                        fc2=nn.Conv2d(16, 64, 1),
                        scale_activation=nn.Hardsigmoid(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(64, 16, 1, bias=False),
                        nn.BatchNorm2d(16, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(16, 32, 1, bias=False),
                        nn.BatchNorm2d(32, eps=0.001),
                        nn.Hardswish(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(32, 32, 5, padding=2, groups=32, bias=False),
                        nn.BatchNorm2d(32, eps=0.001),
                        nn.Hardswish(),
                    ),
                    Module(
                        avgpool=nn.AdaptiveAvgPool2d(1),
                        fc1=nn.Conv2d(32, 8, 1),
                        activation=nn.ReLU(),
                        fc2=nn.Conv2d(8, 32, 1),
                        scale_activation=nn.Hardsigmoid(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(32, 16, 1, bias=False),
                        nn.BatchNorm2d(16, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(16, 40, 1, bias=False),
                        nn.BatchNorm2d(40, eps=0.001),
                        nn.Hardswish(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(40, 40, 5, padding=2, groups=40, bias=False),
                        nn.BatchNorm2d(40, eps=0.001),
                        nn.Hardswish(),
                    ),
                    Module(
                        avgpool=nn.AdaptiveAvgPool2d(1),
                        fc1=nn.Conv2d(40, 16, 1),
                        activation=nn.ReLU(),
                        fc2=nn.Conv2d(16, 40, 1),
                        scale_activation=nn.Hardsigmoid(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(40, 16, 1, bias=False),
                        nn.BatchNorm2d(16, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(16, 72, 1, bias=False),
                        nn.BatchNorm2d(72, eps=0.001),
                        nn.Hardswish(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(72, 72, 5, stride=2, padding=2, groups=72, bias=False),
                        nn.BatchNorm2d(72, eps=0.001),
                        nn.Hardswish(),
                    ),
                    Module(
                        avgpool=nn.AdaptiveAvgPool2d(1),
                        fc1=nn.Conv2d(72, 24, 1),
                        activation=nn.ReLU(),
                        fc2=nn.Conv2d(24, 72, 1),
                        scale_activation=nn.Hardsigmoid(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(72, 24, 1, bias=False),
                        nn.BatchNorm2d(24, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(24, 144, 1, bias=False),
                        nn.BatchNorm2d(144, eps=0.001),
                        nn.Hardswish(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(144, 144, 5, padding=2, groups=144, bias=False),
                        nn.BatchNorm2d(144, eps=0.001),
                        nn.Hardswish(),
                    ),
                    Module(
                        avgpool=nn.AdaptiveAvgPool2d(1),
                        fc1=nn.Conv2d(144, 40, 1),
                        activation=nn.ReLU(),
                        fc2=nn.Conv2d(40, 144, 1),
                        scale_activation=nn.Hardsigmoid(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(144, 24, 1, bias=False),
                        nn.BatchNorm2d(24, eps=0.001),
                    ),
                ),
            ),
            Module(
                block=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(24, 144, 1, bias=False),
                        nn.BatchNorm2d(144, eps=0.001),
                        nn.Hardswish(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(144, 144, 5, padding=2, groups=144, bias=False),
                        nn.BatchNorm2d(144, eps=0.001),
                        nn.Hardswish(),
                    ),
                    Module(
                        avgpool=nn.AdaptiveAvgPool2d(1),
                        fc1=nn.Conv2d(144, 40, 1),
                        activation=nn.ReLU(),
                        fc2=nn.Conv2d(40, 144, 1),
                        scale_activation=nn.Hardsigmoid(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(144, 24, 1, bias=False),
                        nn.BatchNorm2d(24, eps=0.001),
                    ),
                ),
            ),
            nn.Sequential(
                nn.Conv2d(24, 144, 1, bias=False),
                nn.BatchNorm2d(144, eps=0.001),
                nn.Hardswish(),
            ),
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Linear(144, 256),
            nn.Hardswish(),
            nn.Dropout(0.2),
            nn.Linear(256, 10),
        )

    def forward(self, x):
        x = self.features[0][0](x)
        x = self.features[0][1](x)
        x = self.features[0][2](x)
        x = self.features[1].block[0][0](x)
        x = self.features[1].block[0][1](x)
        x = self.features[1].block[0][2](x)
        x1 = x
        x = self.features[1].block[1].avgpool(x)
        x = self.features[1].block[1].fc1(x)
        x = self.features[1].block[1].activation(x)
        x = self.features[1].block[1].fc2(x)
        x = self.features[1].block[1].scale_activation(x)
        x = x1 * x
        x = self.features[1].block[2][0](x)
        x = self.features[1].block[2][1](x)
        x = self.features[2].block[0][0](x)
        x = self.features[2].block[0][1](x)
        x = self.features[2].block[0][2](x)
        x = self.features[2].block[1][0](x)
        x = self.features[2].block[1][1](x)
        x = self.features[2].block[1][2](x)
        x = self.features[2].block[2][0](x)
        x = self.features[2].block[2][1](x)
        x2 = x
        x = self.features[3].block[0][0](x)
        x = self.features[3].block[0][1](x)
        x = self.features[3].block[0][2](x)
        x = self.features[3].block[1][0](x)
        x = self.features[3].block[1][1](x)
        x = self.features[3].block[1][2](x)
        x = self.features[3].block[2][0](x)
        x = self.features[3].block[2][1](x)
        x = x + x2
        x = self.features[4].block[0][0](x)
        x = self.features[4].block[0][1](x)
        x = self.features[4].block[0][2](x)
        x = self.features[4].block[1][0](x)
        x = self.features[4].block[1][1](x)
        x = self.features[4].block[1][2](x)
        x3 = x
        x = self.features[4].block[2].avgpool(x)
        x = self.features[4].block[2].fc1(x)
        x = self.features[4].block[2].activation(x)
        x = self.features[4].block[2].fc2(x)
        x = self.features[4].block[2].scale_activation(x)
        x = x3 * x
        x = self.features[4].block[3][0](x)
        x = self.features[4].block[3][1](x)
        x4 = x
        x = self.features[5].block[0][0](x)
        x = self.features[5].block[0][1](x)
        x = self.features[5].block[0][2](x)
        x = self.features[5].block[1][0](x)
        x = self.features[5].block[1][1](x)
        x = self.features[5].block[1][2](x)
        x5 = x
        x = self.features[5].block[2].avgpool(x)
        x = self.features[5].block[2].fc1(x)
        x = self.features[5].block[2].activation(x)
        x = self.features[5].block[2].fc2(x)
        x = self.features[5].block[2].scale_activation(x)
        x = x5 * x
        x = self.features[5].block[3][0](x)
        x = self.features[5].block[3][1](x)
        x = x + x4
        x6 = x
        x = self.features[6].block[0][0](x)
        x = self.features[6].block[0][1](x)
        x = self.features[6].block[0][2](x)
        x = self.features[6].block[1][0](x)
        x = self.features[6].block[1][1](x)
        x = self.features[6].block[1][2](x)
        x7 = x
        x = self.features[6].block[2].avgpool(x)
        x = self.features[6].block[2].fc1(x)
        x = self.features[6].block[2].activation(x)
        x = self.features[6].block[2].fc2(x)
        x = self.features[6].block[2].scale_activation(x)
        x = x7 * x
        x = self.features[6].block[3][0](x)
        x = self.features[6].block[3][1](x)
        x = x + x6
        x8 = x
        x = self.features[7].block[0][0](x)
        x = self.features[7].block[0][1](x)
        x = self.features[7].block[0][2](x)
        x = self.features[7].block[1][0](x)
        x = self.features[7].block[1][1](x)
        x = self.features[7].block[1][2](x)
        x9 = x
        x = self.features[7].block[2].avgpool(x)
        x = self.features[7].block[2].fc1(x)
        x = self.features[7].block[2].activation(x)
        x = self.features[7].block[2].fc2(x)
        x = self.features[7].block[2].scale_activation(x)
        x = x9 * x
        x = self.features[7].block[3][0](x)
        x = self.features[7].block[3][1](x)
        x = x + x8
        x10 = x
        x = self.features[8].block[0][0](x)
        x = self.features[8].block[0][1](x)
        x = self.features[8].block[0][2](x)
        x = self.features[8].block[1][0](x)
        x = self.features[8].block[1][1](x)
        x = self.features[8].block[1][2](x)
        x11 = x
        x = self.features[8].block[2].avgpool(x)
        x = self.features[8].block[2].fc1(x)
        x = self.features[8].block[2].activation(x)
        x = self.features[8].block[2].fc2(x)
        x = self.features[8].block[2].scale_activation(x)
        x = x11 * x
        x = self.features[8].block[3][0](x)
        x = self.features[8].block[3][1](x)
        x = x + x10
        x = self.features[9].block[0][0](x)
        x = self.features[9].block[0][1](x)
        x = self.features[9].block[0][2](x)
        x = self.features[9].block[1][0](x)
        x = self.features[9].block[1][1](x)
        x = self.features[9].block[1][2](x)
        x12 = x
        x = self.features[9].block[2].avgpool(x)
        x = self.features[9].block[2].fc1(x)
        x = self.features[9].block[2].activation(x)
        x = self.features[9].block[2].fc2(x)
        x = self.features[9].block[2].scale_activation(x)
        x = x12 * x
        x = self.features[9].block[3][0](x)
        x = self.features[9].block[3][1](x)
        x13 = x
        x = self.features[10].block[0][0](x)
        x = self.features[10].block[0][1](x)
        x = self.features[10].block[0][2](x)
        x = self.features[10].block[1][0](x)
        x = self.features[10].block[1][1](x)
        x = self.features[10].block[1][2](x)
        x14 = x
        x = self.features[10].block[2].avgpool(x)
        x = self.features[10].block[2].fc1(x)
        x = self.features[10].block[2].activation(x)
        x = self.features[10].block[2].fc2(x)
        x = self.features[10].block[2].scale_activation(x)
        x = x14 * x
        x = self.features[10].block[3][0](x)
        x = self.features[10].block[3][1](x)
        x = x + x13
        x15 = x
        x = self.features[11].block[0][0](x)
        x = self.features[11].block[0][1](x)
        x = self.features[11].block[0][2](x)
        x = self.features[11].block[1][0](x)
        x = self.features[11].block[1][1](x)
        x = self.features[11].block[1][2](x)
        x16 = x
        x = self.features[11].block[2].avgpool(x)
        x = self.features[11].block[2].fc1(x)
        x = self.features[11].block[2].activation(x)
        x = self.features[11].block[2].fc2(x)
        x = self.features[11].block[2].scale_activation(x)
        x = x16 * x
        x = self.features[11].block[3][0](x)
        x = self.features[11].block[3][1](x)
        x = x + x15
        x = self.features[12][0](x)
        x = self.features[12][1](x)
        x = self.features[12][2](x)
        x = self.avgpool(x)
        x = self.flatten(x)
        x = self.classifier[0](x)
        x = self.classifier[1](x)
        x = self.classifier[2](x)
        x = self.classifier[3](x)
        return x

