# Written by `cargo cnn export` from the cnn! model `RegNetYTiny`: the same layers
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


class RegNetYTiny(nn.Module):
    """Input [N, 3, 64, 64], output [N, 10]; 53320 parameters."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 32, 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(),
        )
        self.trunk_output = Module(
            block1=Module(
                **{"block1-0": Module(
                    f=Module(
                        a=nn.Sequential(
                            nn.Conv2d(32, 16, 1, bias=False),
                            nn.BatchNorm2d(16),
                            nn.ReLU(),
                        ),
                        b=nn.Sequential(
                            nn.Conv2d(16, 16, 3, stride=2, padding=1, groups=2, bias=False),
                            nn.BatchNorm2d(16),
                            nn.ReLU(),
                        ),
                        se=Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(16, 8, 1),
                            activation=nn.ReLU(),
                            fc2=nn.Conv2d(8, 16, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        c=nn.Sequential(
                            nn.Conv2d(16, 16, 1, bias=False),
                            nn.BatchNorm2d(16),
                        ),
                    ),
                    proj=nn.Sequential(
                        nn.Conv2d(32, 16, 1, stride=2, bias=False),
                        nn.BatchNorm2d(16),
                    ),
                    activation=nn.ReLU(),
                )},
            ),
            block2=Module(
                **{"block2-0": Module(
                    f=Module(
                        a=nn.Sequential(
                            nn.Conv2d(16, 24, 1, bias=False),
                            nn.BatchNorm2d(24),
                            nn.ReLU(),
                        ),
                        b=nn.Sequential(
                            nn.Conv2d(24, 24, 3, stride=2, padding=1, groups=3, bias=False),
                            nn.BatchNorm2d(24),
                            nn.ReLU(),
                        ),
                        se=Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(24, 4, 1),
                            activation=nn.ReLU(),
                            fc2=nn.Conv2d(4, 24, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        c=nn.Sequential(
                            nn.Conv2d(24, 24, 1, bias=False),
                            nn.BatchNorm2d(24),
                        ),
                    ),
                    proj=nn.Sequential(
                        nn.Conv2d(16, 24, 1, stride=2, bias=False),
                        nn.BatchNorm2d(24),
                    ),
                    activation=nn.ReLU(),
                )},
            ),
            block3=Module(
                **{"block3-0": Module(
                    f=Module(
                        a=nn.Sequential(
                            nn.Conv2d(24, 40, 1, bias=False),
                            nn.BatchNorm2d(40),
                            nn.ReLU(),
                        ),
                        b=nn.Sequential(
                            nn.Conv2d(40, 40, 3, stride=2, padding=1, groups=5, bias=False),
                            nn.BatchNorm2d(40),
                            nn.ReLU(),
                        ),
                        se=Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(40, 6, 1),
                            activation=nn.ReLU(),
                            fc2=nn.Conv2d(6, 40, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        c=nn.Sequential(
                            nn.Conv2d(40, 40, 1, bias=False),
                            nn.BatchNorm2d(40),
                        ),
                    ),
                    proj=nn.Sequential(
                        nn.Conv2d(24, 40, 1, stride=2, bias=False),
                        nn.BatchNorm2d(40),
                    ),
                    activation=nn.ReLU(),
                )},
                **{"block3-1": Module(
                    f=Module(
                        a=nn.Sequential(
                            nn.Conv2d(40, 40, 1, bias=False),
                            nn.BatchNorm2d(40),
                            nn.ReLU(),
                        ),
                        b=nn.Sequential(
                            nn.Conv2d(40, 40, 3, padding=1, groups=5, bias=False),
                            nn.BatchNorm2d(40),
                            nn.ReLU(),
                        ),
                        se=Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(40, 10, 1),
                            activation=nn.ReLU(),
                            fc2=nn.Conv2d(10, 40, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        c=nn.Sequential(
                            nn.Conv2d(40, 40, 1, bias=False),
                            nn.BatchNorm2d(40),
                        ),
                    ),
                    activation=nn.ReLU(),
                )},
            ),
            block4=Module(
                **{"block4-0": Module(
                    f=Module(
                        a=nn.Sequential(
                            nn.Conv2d(40, 64, 1, bias=False),
                            nn.BatchNorm2d(64),
                            nn.ReLU(),
                        ),
                        b=nn.Sequential(
                            nn.Conv2d(64, 64, 3, stride=2, padding=1, groups=8, bias=False),
                            nn.BatchNorm2d(64),
                            nn.ReLU(),
                        ),
                        se=Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(64, 10, 1),
                            activation=nn.ReLU(),
                            fc2=nn.Conv2d(10, 64, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        c=nn.Sequential(
                            nn.Conv2d(64, 64, 1, bias=False),
                            nn.BatchNorm2d(64),
                        ),
                    ),
                    proj=nn.Sequential(
                        nn.Conv2d(40, 64, 1, stride=2, bias=False),
                        nn.BatchNorm2d(64),
                    ),
                    activation=nn.ReLU(),
                )},
                **{"block4-1": Module(
                    f=Module(
                        a=nn.Sequential(
                            nn.Conv2d(64, 64, 1, bias=False),
                            nn.BatchNorm2d(64),
                            nn.ReLU(),
                        ),
                        b=nn.Sequential(
                            nn.Conv2d(64, 64, 3, padding=1, groups=8, bias=False),
                            nn.BatchNorm2d(64),
                            nn.ReLU(),
                        ),
                        se=Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(64, 16, 1),
                            activation=nn.ReLU(),
                            fc2=nn.Conv2d(16, 64, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        c=nn.Sequential(
                            nn.Conv2d(64, 64, 1, bias=False),
                            nn.BatchNorm2d(64),
                        ),
                    ),
                    activation=nn.ReLU(),
                )},
            ),
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.stem[0](x)
        x = self.stem[1](x)
        x = self.stem[2](x)
        x1 = x
        x = getattr(self.trunk_output.block1, "block1-0").f.a[0](x)
        x = getattr(self.trunk_output.block1, "block1-0").f.a[1](x)
        x = getattr(self.trunk_output.block1, "block1-0").f.a[2](x)
        x = getattr(self.trunk_output.block1, "block1-0").f.b[0](x)
        x = getattr(self.trunk_output.block1, "block1-0").f.b[1](x)
        x = getattr(self.trunk_output.block1, "block1-0").f.b[2](x)
        x2 = x
        x = getattr(self.trunk_output.block1, "block1-0").f.se.avgpool(x)
        x = getattr(self.trunk_output.block1, "block1-0").f.se.fc1(x)
        x = getattr(self.trunk_output.block1, "block1-0").f.se.activation(x)
        x = getattr(self.trunk_output.block1, "block1-0").f.se.fc2(x)
        x = getattr(self.trunk_output.block1, "block1-0").f.se.scale_activation(x)
        x = x2 * x
        x = getattr(self.trunk_output.block1, "block1-0").f.c[0](x)
        x = getattr(self.trunk_output.block1, "block1-0").f.c[1](x)
        x1 = getattr(self.trunk_output.block1, "block1-0").proj[0](x1)
        x1 = getattr(self.trunk_output.block1, "block1-0").proj[1](x1)
        x = x + x1
        x = getattr(self.trunk_output.block1, "block1-0").activation(x)
        x3 = x
        x = getattr(self.trunk_output.block2, "block2-0").f.a[0](x)
        x = getattr(self.trunk_output.block2, "block2-0").f.a[1](x)
        x = getattr(self.trunk_output.block2, "block2-0").f.a[2](x)
        x = getattr(self.trunk_output.block2, "block2-0").f.b[0](x)
        x = getattr(self.trunk_output.block2, "block2-0").f.b[1](x)
        x = getattr(self.trunk_output.block2, "block2-0").f.b[2](x)
        x4 = x
        x = getattr(self.trunk_output.block2, "block2-0").f.se.avgpool(x)
        x = getattr(self.trunk_output.block2, "block2-0").f.se.fc1(x)
        x = getattr(self.trunk_output.block2, "block2-0").f.se.activation(x)
        x = getattr(self.trunk_output.block2, "block2-0").f.se.fc2(x)
        x = getattr(self.trunk_output.block2, "block2-0").f.se.scale_activation(x)
        x = x4 * x
        x = getattr(self.trunk_output.block2, "block2-0").f.c[0](x)
        x = getattr(self.trunk_output.block2, "block2-0").f.c[1](x)
        x3 = getattr(self.trunk_output.block2, "block2-0").proj[0](x3)
        x3 = getattr(self.trunk_output.block2, "block2-0").proj[1](x3)
        x = x + x3
        x = getattr(self.trunk_output.block2, "block2-0").activation(x)
        x5 = x
        x = getattr(self.trunk_output.block3, "block3-0").f.a[0](x)
        x = getattr(self.trunk_output.block3, "block3-0").f.a[1](x)
        x = getattr(self.trunk_output.block3, "block3-0").f.a[2](x)
        x = getattr(self.trunk_output.block3, "block3-0").f.b[0](x)
        x = getattr(self.trunk_output.block3, "block3-0").f.b[1](x)
        x = getattr(self.trunk_output.block3, "block3-0").f.b[2](x)
        x6 = x
        x = getattr(self.trunk_output.block3, "block3-0").f.se.avgpool(x)
        x = getattr(self.trunk_output.block3, "block3-0").f.se.fc1(x)
        x = getattr(self.trunk_output.block3, "block3-0").f.se.activation(x)
        x = getattr(self.trunk_output.block3, "block3-0").f.se.fc2(x)
        x = getattr(self.trunk_output.block3, "block3-0").f.se.scale_activation(x)
        x = x6 * x
        x = getattr(self.trunk_output.block3, "block3-0").f.c[0](x)
        x = getattr(self.trunk_output.block3, "block3-0").f.c[1](x)
        x5 = getattr(self.trunk_output.block3, "block3-0").proj[0](x5)
        x5 = getattr(self.trunk_output.block3, "block3-0").proj[1](x5)
        x = x + x5
        x = getattr(self.trunk_output.block3, "block3-0").activation(x)
        x7 = x
        x = getattr(self.trunk_output.block3, "block3-1").f.a[0](x)
        x = getattr(self.trunk_output.block3, "block3-1").f.a[1](x)
        x = getattr(self.trunk_output.block3, "block3-1").f.a[2](x)
        x = getattr(self.trunk_output.block3, "block3-1").f.b[0](x)
        x = getattr(self.trunk_output.block3, "block3-1").f.b[1](x)
        x = getattr(self.trunk_output.block3, "block3-1").f.b[2](x)
        x8 = x
        x = getattr(self.trunk_output.block3, "block3-1").f.se.avgpool(x)
        x = getattr(self.trunk_output.block3, "block3-1").f.se.fc1(x)
        x = getattr(self.trunk_output.block3, "block3-1").f.se.activation(x)
        x = getattr(self.trunk_output.block3, "block3-1").f.se.fc2(x)
        x = getattr(self.trunk_output.block3, "block3-1").f.se.scale_activation(x)
        x = x8 * x
        x = getattr(self.trunk_output.block3, "block3-1").f.c[0](x)
        x = getattr(self.trunk_output.block3, "block3-1").f.c[1](x)
        x = x + x7
        x = getattr(self.trunk_output.block3, "block3-1").activation(x)
        x9 = x
        x = getattr(self.trunk_output.block4, "block4-0").f.a[0](x)
        x = getattr(self.trunk_output.block4, "block4-0").f.a[1](x)
        x = getattr(self.trunk_output.block4, "block4-0").f.a[2](x)
        x = getattr(self.trunk_output.block4, "block4-0").f.b[0](x)
        x = getattr(self.trunk_output.block4, "block4-0").f.b[1](x)
        x = getattr(self.trunk_output.block4, "block4-0").f.b[2](x)
        x10 = x
        x = getattr(self.trunk_output.block4, "block4-0").f.se.avgpool(x)
        x = getattr(self.trunk_output.block4, "block4-0").f.se.fc1(x)
        x = getattr(self.trunk_output.block4, "block4-0").f.se.activation(x)
        x = getattr(self.trunk_output.block4, "block4-0").f.se.fc2(x)
        x = getattr(self.trunk_output.block4, "block4-0").f.se.scale_activation(x)
        x = x10 * x
        x = getattr(self.trunk_output.block4, "block4-0").f.c[0](x)
        x = getattr(self.trunk_output.block4, "block4-0").f.c[1](x)
        x9 = getattr(self.trunk_output.block4, "block4-0").proj[0](x9)
        x9 = getattr(self.trunk_output.block4, "block4-0").proj[1](x9)
        x = x + x9
        x = getattr(self.trunk_output.block4, "block4-0").activation(x)
        x11 = x
        x = getattr(self.trunk_output.block4, "block4-1").f.a[0](x)
        x = getattr(self.trunk_output.block4, "block4-1").f.a[1](x)
        x = getattr(self.trunk_output.block4, "block4-1").f.a[2](x)
        x = getattr(self.trunk_output.block4, "block4-1").f.b[0](x)
        x = getattr(self.trunk_output.block4, "block4-1").f.b[1](x)
        x = getattr(self.trunk_output.block4, "block4-1").f.b[2](x)
        x12 = x
        x = getattr(self.trunk_output.block4, "block4-1").f.se.avgpool(x)
        x = getattr(self.trunk_output.block4, "block4-1").f.se.fc1(x)
        x = getattr(self.trunk_output.block4, "block4-1").f.se.activation(x)
        x = getattr(self.trunk_output.block4, "block4-1").f.se.fc2(x)
        x = getattr(self.trunk_output.block4, "block4-1").f.se.scale_activation(x)
        x = x12 * x
        x = getattr(self.trunk_output.block4, "block4-1").f.c[0](x)
        x = getattr(self.trunk_output.block4, "block4-1").f.c[1](x)
        x = x + x11
        x = getattr(self.trunk_output.block4, "block4-1").activation(x)
        x = self.avgpool(x)
        x = self.flatten(x)
        x = self.fc(x)
        return x

