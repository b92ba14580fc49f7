# Written by `cargo cnn export` from the cnn! model `MobileNetV2Tiny`: the same layers
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


class MobileNetV2Tiny(nn.Module):
    """Input [N, 3, 64, 64], output [N, 10]; 250922 parameters."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(
                nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(8),
                nn.ReLU6(),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False),
                        nn.BatchNorm2d(8),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(8, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 48, 1, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(48, 48, 3, stride=2, padding=1, groups=48, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(48, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 48, 1, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(48, 48, 3, padding=1, groups=48, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(48, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 48, 1, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(48, 48, 3, stride=2, padding=1, groups=48, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(48, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 48, 1, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(48, 48, 3, padding=1, groups=48, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(48, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 48, 1, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(48, 48, 3, padding=1, groups=48, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(48, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(8, 48, 1, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(48, 48, 3, stride=2, padding=1, groups=48, bias=False),
                        nn.BatchNorm2d(48),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(48, 16, 1, bias=False),
                    nn.BatchNorm2d(16),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(16, 96, 1, bias=False),
                        nn.BatchNorm2d(96),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(96, 96, 3, padding=1, groups=96, bias=False),
                        nn.BatchNorm2d(96),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(96, 16, 1, bias=False),
                    nn.BatchNorm2d(16),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(16, 96, 1, bias=False),
                        nn.BatchNorm2d(96),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(96, 96, 3, padding=1, groups=96, bias=False),
                        nn.BatchNorm2d(96),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(96, 16, 1, bias=False),
                    nn.BatchNorm2d(16),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(16, 96, 1, bias=False),
                        nn.BatchNorm2d(96),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(96, 96, 3, padding=1, groups=96, bias=False),
                        nn.BatchNorm2d(96),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(96, 16, 1, bias=False),
                    nn.BatchNorm2d(16),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(16, 96, 1, bias=False),
                        nn.BatchNorm2d(96),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(96, 96, 3, padding=1, groups=96, bias=False),
                        nn.BatchNorm2d(96),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(96, 24, 1, bias=False),
                    nn.BatchNorm2d(24),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(24, 144, 1, bias=False),
                        nn.BatchNorm2d(144),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(144, 144, 3, padding=1, groups=144, bias=False),
                        nn.BatchNorm2d(144),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(144, 24, 1, bias=False),
                    nn.BatchNorm2d(24),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(24, 144, 1, bias=False),
                        nn.BatchNorm2d(144),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(144, 144, 3, padding=1, groups=144, bias=False),
                        nn.BatchNorm2d(144),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(144, 24, 1, bias=False),
                    nn.BatchNorm2d(24),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(24, 144, 1, bias=False),
                        nn.BatchNorm2d(144),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(144, 144, 3, stride=2, padding=1, groups=144, bias=False),
                        nn.BatchNorm2d(144),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(144, 40, 1, bias=False),
                    nn.BatchNorm2d(40),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(40, 240, 1, bias=False),
                        nn.BatchNorm2d(240),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(240, 240, 3, padding=1, groups=240, bias=False),
                        nn.BatchNorm2d(240),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(240, 40, 1, bias=False),
                    nn.BatchNorm2d(40),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(40, 240, 1, bias=False),
                        nn.BatchNorm2d(240),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(240, 240, 3, padding=1, groups=240, bias=False),
                        nn.BatchNorm2d(240),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(240, 40, 1, bias=False),
                    nn.BatchNorm2d(40),
                ),
            ),
            Module(
                conv=nn.Sequential(
                    nn.Sequential(
                        nn.Conv2d(40, 240, 1, bias=False),
                        nn.BatchNorm2d(240),
                        nn.ReLU6(),
                    ),
                    nn.Sequential(
                        nn.Conv2d(240, 240, 3, padding=1, groups=240, bias=False),
                        nn.BatchNorm2d(240),
                        nn.ReLU6(),
                    ),
                    nn.Conv2d(240, 80, 1, bias=False),
                    nn.BatchNorm2d(80),
                ),
            ),
            nn.Sequential(
                nn.Conv2d(80, 1280, 1, bias=False),
                nn.BatchNorm2d(1280),
                nn.ReLU6(),
            ),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Dropout(0.2),
            nn.Linear(1280, 10),
        )

    def forward(self, x):
        x = self.features[0][0](x)
        x = self.features[0][1](x)
        x = self.features[0][2](x)
        x1 = x
        x = self.features[1].conv[0][0](x)
        x = self.features[1].conv[0][1](x)
        x = self.features[1].conv[0][2](x)
        x = self.features[1].conv[1](x)
        x = self.features[1].conv[2](x)
        x = x + x1
        x = self.features[2].conv[0][0](x)
        x = self.features[2].conv[0][1](x)
        x = self.features[2].conv[0][2](x)
        x = self.features[2].conv[1][0](x)
        x = self.features[2].conv[1][1](x)
        x = self.features[2].conv[1][2](x)
        x = self.features[2].conv[2](x)
        x = self.features[2].conv[3](x)
        x2 = x
        x = self.features[3].conv[0][0](x)
        x = self.features[3].conv[0][1](x)
        x = self.features[3].conv[0][2](x)
        x = self.features[3].conv[1][0](x)
        x = self.features[3].conv[1][1](x)
        x = self.features[3].conv[1][2](x)
        x = self.features[3].conv[2](x)
        x = self.features[3].conv[3](x)
        x = x + x2
        x = self.features[4].conv[0][0](x)
        x = self.features[4].conv[0][1](x)
        x = self.features[4].conv[0][2](x)
        x = self.features[4].conv[1][0](x)
        x = self.features[4].conv[1][1](x)
        x = self.features[4].conv[1][2](x)
        x = self.features[4].conv[2](x)
        x = self.features[4].conv[3](x)
        x3 = x
        x = self.features[5].conv[0][0](x)
        x = self.features[5].conv[0][1](x)
        x = self.features[5].conv[0][2](x)
        x = self.features[5].conv[1][0](x)
        x = self.features[5].conv[1][1](x)
        x = self.features[5].conv[1][2](x)
        x = self.features[5].conv[2](x)
        x = self.features[5].conv[3](x)
        x = x + x3
        x4 = x
        x = self.features[6].conv[0][0](x)
        x = self.features[6].conv[0][1](x)
        x = self.features[6].conv[0][2](x)
        x = self.features[6].conv[1][0](x)
        x = self.features[6].conv[1][1](x)
        x = self.features[6].conv[1][2](x)
        x = self.features[6].conv[2](x)
        x = self.features[6].conv[3](x)
        x = x + x4
        x = self.features[7].conv[0][0](x)
        x = self.features[7].conv[0][1](x)
        x = self.features[7].conv[0][2](x)
        x = self.features[7].conv[1][0](x)
        x = self.features[7].conv[1][1](x)
        x = self.features[7].conv[1][2](x)
        x = self.features[7].conv[2](x)
        x = self.features[7].conv[3](x)
        x5 = x
        x = self.features[8].conv[0][0](x)
        x = self.features[8].conv[0][1](x)
        x = self.features[8].conv[0][2](x)
        x = self.features[8].conv[1][0](x)
        x = self.features[8].conv[1][1](x)
        x = self.features[8].conv[1][2](x)
        x = self.features[8].conv[2](x)
        x = self.features[8].conv[3](x)
        x = x + x5
        x6 = x
        x = self.features[9].conv[0][0](x)
        x = self.features[9].conv[0][1](x)
        x = self.features[9].conv[0][2](x)
        x = self.features[9].conv[1][0](x)
        x = self.features[9].conv[1][1](x)
        x = self.features[9].conv[1][2](x)
        x = self.features[9].conv[2](x)
        x = self.features[9].conv[3](x)
        x = x + x6
        x7 = x
        x = self.features[10].conv[0][0](x)
        x = self.features[10].conv[0][1](x)
        x = self.features[10].conv[0][2](x)
        x = self.features[10].conv[1][0](x)
        x = self.features[10].conv[1][1](x)
        x = self.features[10].conv[1][2](x)
        x = self.features[10].conv[2](x)
        x = self.features[10].conv[3](x)
        x = x + x7
        x = self.features[11].conv[0][0](x)
        x = self.features[11].conv[0][1](x)
        x = self.features[11].conv[0][2](x)
        x = self.features[11].conv[1][0](x)
        x = self.features[11].conv[1][1](x)
        x = self.features[11].conv[1][2](x)
        x = self.features[11].conv[2](x)
        x = self.features[11].conv[3](x)
        x8 = x
        x = self.features[12].conv[0][0](x)
        x = self.features[12].conv[0][1](x)
        x = self.features[12].conv[0][2](x)
        x = self.features[12].conv[1][0](x)
        x = self.features[12].conv[1][1](x)
        x = self.features[12].conv[1][2](x)
        x = self.features[12].conv[2](x)
        x = self.features[12].conv[3](x)
        x = x + x8
        x9 = x
        x = self.features[13].conv[0][0](x)
        x = self.features[13].conv[0][1](x)
        x = self.features[13].conv[0][2](x)
        x = self.features[13].conv[1][0](x)
        x = self.features[13].conv[1][1](x)
        x = self.features[13].conv[1][2](x)
        x = self.features[13].conv[2](x)
        x = self.features[13].conv[3](x)
        x = x + x9
        x = self.features[14].conv[0][0](x)
        x = self.features[14].conv[0][1](x)
        x = self.features[14].conv[0][2](x)
        x = self.features[14].conv[1][0](x)
        x = self.features[14].conv[1][1](x)
        x = self.features[14].conv[1][2](x)
        x = self.features[14].conv[2](x)
        x = self.features[14].conv[3](x)
        x10 = x
        x = self.features[15].conv[0][0](x)
        x = self.features[15].conv[0][1](x)
        x = self.features[15].conv[0][2](x)
        x = self.features[15].conv[1][0](x)
        x = self.features[15].conv[1][1](x)
        x = self.features[15].conv[1][2](x)
        x = self.features[15].conv[2](x)
        x = self.features[15].conv[3](x)
        x = x + x10
        x11 = x
        x = self.features[16].conv[0][0](x)
        x = self.features[16].conv[0][1](x)
        x = self.features[16].conv[0][2](x)
        x = self.features[16].conv[1][0](x)
        x = self.features[16].conv[1][1](x)
        x = self.features[16].conv[1][2](x)
        x = self.features[16].conv[2](x)
        x = self.features[16].conv[3](x)
        x = x + x11
        x = self.features[17].conv[0][0](x)
        x = self.features[17].conv[0][1](x)
        x = self.features[17].conv[0][2](x)
        x = self.features[17].conv[1][0](x)
        x = self.features[17].conv[1][1](x)
        x = self.features[17].conv[1][2](x)
        x = self.features[17].conv[2](x)
        x = self.features[17].conv[3](x)
        x = self.features[18][0](x)
        x = self.features[18][1](x)
        x = self.features[18][2](x)
        x = self.pool(x)
        x = self.flatten(x)
        x = self.classifier[0](x)
        x = self.classifier[1](x)
        return x

