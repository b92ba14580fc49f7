# Written by `cargo cnn export` from the cnn! model `EfficientNetB0Tiny`: the same layers
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


class StochasticDepth(nn.Module):
    """torchvision's StochasticDepth: in training, zeroes whole rows ("row")
    or the whole batch ("batch") with probability p, scaling the rest by
    1 / (1 - p); the identity in evaluation."""

    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        survival = 1.0 - self.p
        shape = [x.shape[0]] + [1] * (x.ndim - 1) if self.mode == "row" else [1] * x.ndim
        noise = torch.empty(shape, dtype=x.dtype, device=x.device).bernoulli_(survival)
        if survival > 0.0:
            noise.div_(survival)
        return x * noise


class EfficientNetB0Tiny(nn.Module):
    """Input [N, 3, 64, 64], output [N, 10]; 202032 parameters."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(
                nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(8),
                nn.SiLU(),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False),
                            nn.BatchNorm2d(8),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(8, 2, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(2, 8, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(8, 8, 1, bias=False),
                            nn.BatchNorm2d(8),
                        ),
                    ),
                    stochastic_depth=StochasticDepth(0.0, "row"),
                ),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(8, 48, 1, bias=False),
                            nn.BatchNorm2d(48),
                            nn.SiLU(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(48, 48, 3, stride=2, padding=1, groups=48, bias=False),
                            nn.BatchNorm2d(48),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(48, 2, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(2, 48, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(48, 8, 1, bias=False),
                            nn.BatchNorm2d(8),
                        ),
                    ),
                ),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(8, 48, 1, bias=False),
                            nn.BatchNorm2d(48),
                            nn.SiLU(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(48, 48, 5, stride=2, padding=2, groups=48, bias=False),
                            nn.BatchNorm2d(48),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(48, 2, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(2, 48, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(48, 16, 1, bias=False),
                            nn.BatchNorm2d(16),
                        ),
                    ),
                ),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(16, 96, 1, bias=False),
                            nn.BatchNorm2d(96),
                            nn.SiLU(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(96, 96, 3, stride=2, padding=1, groups=96, bias=False),
                            nn.BatchNorm2d(96),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(96, 4, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(4, 96, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(96, 24, 1, bias=False),
                            nn.BatchNorm2d(24),
                        ),
                    ),
                ),
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(24, 144, 1, bias=False),
                            nn.BatchNorm2d(144),
                            nn.SiLU(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(144, 144, 3, padding=1, groups=144, bias=False),
                            nn.BatchNorm2d(144),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(144, 6, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(6, 144, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(144, 24, 1, bias=False),
                            nn.BatchNorm2d(24),
                        ),
                    ),
                    stochastic_depth=StochasticDepth(0.08, "row"),
                ),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(24, 144, 1, bias=False),
                            nn.BatchNorm2d(144),
                            nn.SiLU(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(144, 144, 5, padding=2, groups=144, bias=False),
                            nn.BatchNorm2d(144),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(144, 6, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(6, 144, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(144, 32, 1, bias=False),
                            nn.BatchNorm2d(32),
                        ),
                    ),
                ),
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(32, 192, 1, bias=False),
                            nn.BatchNorm2d(192),
                            nn.SiLU(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(192, 192, 5, padding=2, groups=192, bias=False),
                            nn.BatchNorm2d(192),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(192, 8, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(8, 192, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(192, 32, 1, bias=False),
                            nn.BatchNorm2d(32),
                        ),
                    ),
                    stochastic_depth=StochasticDepth(0.12, "row"),
                ),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(32, 192, 1, bias=False),
                            nn.BatchNorm2d(192),
                            nn.SiLU(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(192, 192, 5, stride=2, padding=2, groups=192, bias=False),
                            nn.BatchNorm2d(192),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(192, 8, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(8, 192, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(192, 48, 1, bias=False),
                            nn.BatchNorm2d(48),
                        ),
                    ),
                ),
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(48, 288, 1, bias=False),
                            nn.BatchNorm2d(288),
                            nn.SiLU(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(288, 288, 5, padding=2, groups=288, bias=False),
                            nn.BatchNorm2d(288),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(288, 12, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(12, 288, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(288, 48, 1, bias=False),
                            nn.BatchNorm2d(48),
                        ),
                    ),
                    stochastic_depth=StochasticDepth(0.16, "row"),
                ),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Sequential(
                            nn.Conv2d(48, 288, 1, bias=False),
                            nn.BatchNorm2d(288),
                            nn.SiLU(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(288, 288, 3, padding=1, groups=288, bias=False),
                            nn.BatchNorm2d(288),
                            nn.SiLU(),
                        ),
                        Module(
                            avgpool=nn.AdaptiveAvgPool2d(1),
                            fc1=nn.Conv2d(288, 12, 1),
                            activation=nn.SiLU(),
                            fc2=nn.Conv2d(12, 288, 1),
                            scale_activation=nn.Sigmoid(),
                        ),
                        nn.Sequential(
                            nn.Conv2d(288, 80, 1, bias=False),
                            nn.BatchNorm2d(80),
                        ),
                    ),
                ),
            ),
            nn.Sequential(
                nn.Conv2d(80, 320, 1, bias=False),
                nn.BatchNorm2d(320),
                nn.SiLU(),
            ),
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Dropout(0.2),
            nn.Linear(320, 10),
        )

    def forward(self, x):
        x = self.features[0][0](x)
        x = self.features[0][1](x)
        x = self.features[0][2](x)
        x1 = x
        x = self.features[1][0].block[0][0](x)
        x = self.features[1][0].block[0][1](x)
        x = self.features[1][0].block[0][2](x)
        x2 = x
        x = self.features[1][0].block[1].avgpool(x)
        x = self.features[1][0].block[1].fc1(x)
        x = self.features[1][0].block[1].activation(x)
        x = self.features[1][0].block[1].fc2(x)
        x = self.features[1][0].block[1].scale_activation(x)
        x = x2 * x
        x = self.features[1][0].block[2][0](x)
        x = self.features[1][0].block[2][1](x)
        x = self.features[1][0].stochastic_depth(x)
        x = x + x1
        x = self.features[2][0].block[0][0](x)
        x = self.features[2][0].block[0][1](x)
        x = self.features[2][0].block[0][2](x)
        x = self.features[2][0].block[1][0](x)
        x = self.features[2][0].block[1][1](x)
        x = self.features[2][0].block[1][2](x)
        x3 = x
        x = self.features[2][0].block[2].avgpool(x)
        x = self.features[2][0].block[2].fc1(x)
        x = self.features[2][0].block[2].activation(x)
        x = self.features[2][0].block[2].fc2(x)
        x = self.features[2][0].block[2].scale_activation(x)
        x = x3 * x
        x = self.features[2][0].block[3][0](x)
        x = self.features[2][0].block[3][1](x)
        x = self.features[3][0].block[0][0](x)
        x = self.features[3][0].block[0][1](x)
        x = self.features[3][0].block[0][2](x)
        x = self.features[3][0].block[1][0](x)
        x = self.features[3][0].block[1][1](x)
        x = self.features[3][0].block[1][2](x)
        x4 = x
        x = self.features[3][0].block[2].avgpool(x)
        x = self.features[3][0].block[2].fc1(x)
        x = self.features[3][0].block[2].activation(x)
        x = self.features[3][0].block[2].fc2(x)
        x = self.features[3][0].block[2].scale_activation(x)
        x = x4 * x
        x = self.features[3][0].block[3][0](x)
        x = self.features[3][0].block[3][1](x)
        x = self.features[4][0].block[0][0](x)
        x = self.features[4][0].block[0][1](x)
        x = self.features[4][0].block[0][2](x)
        x = self.features[4][0].block[1][0](x)
        x = self.features[4][0].block[1][1](x)
        x = self.features[4][0].block[1][2](x)
        x5 = x
        x = self.features[4][0].block[2].avgpool(x)
        x = self.features[4][0].block[2].fc1(x)
        x = self.features[4][0].block[2].activation(x)
        x = self.features[4][0].block[2].fc2(x)
        x = self.features[4][0].block[2].scale_activation(x)
        x = x5 * x
        x = self.features[4][0].block[3][0](x)
        x = self.features[4][0].block[3][1](x)
        x6 = x
        x = self.features[4][1].block[0][0](x)
        x = self.features[4][1].block[0][1](x)
        x = self.features[4][1].block[0][2](x)
        x = self.features[4][1].block[1][0](x)
        x = self.features[4][1].block[1][1](x)
        x = self.features[4][1].block[1][2](x)
        x7 = x
        x = self.features[4][1].block[2].avgpool(x)
        x = self.features[4][1].block[2].fc1(x)
        x = self.features[4][1].block[2].activation(x)
        x = self.features[4][1].block[2].fc2(x)
        x = self.features[4][1].block[2].scale_activation(x)
        x = x7 * x
        x = self.features[4][1].block[3][0](x)
        x = self.features[4][1].block[3][1](x)
        x = self.features[4][1].stochastic_depth(x)
        x = x + x6
        x = self.features[5][0].block[0][0](x)
        x = self.features[5][0].block[0][1](x)
        x = self.features[5][0].block[0][2](x)
        x = self.features[5][0].block[1][0](x)
        x = self.features[5][0].block[1][1](x)
        x = self.features[5][0].block[1][2](x)
        x8 = x
        x = self.features[5][0].block[2].avgpool(x)
        x = self.features[5][0].block[2].fc1(x)
        x = self.features[5][0].block[2].activation(x)
        x = self.features[5][0].block[2].fc2(x)
        x = self.features[5][0].block[2].scale_activation(x)
        x = x8 * x
        x = self.features[5][0].block[3][0](x)
        x = self.features[5][0].block[3][1](x)
        x9 = x
        x = self.features[5][1].block[0][0](x)
        x = self.features[5][1].block[0][1](x)
        x = self.features[5][1].block[0][2](x)
        x = self.features[5][1].block[1][0](x)
        x = self.features[5][1].block[1][1](x)
        x = self.features[5][1].block[1][2](x)
        x10 = x
        x = self.features[5][1].block[2].avgpool(x)
        x = self.features[5][1].block[2].fc1(x)
        x = self.features[5][1].block[2].activation(x)
        x = self.features[5][1].block[2].fc2(x)
        x = self.features[5][1].block[2].scale_activation(x)
        x = x10 * x
        x = self.features[5][1].block[3][0](x)
        x = self.features[5][1].block[3][1](x)
        x = self.features[5][1].stochastic_depth(x)
        x = x + x9
        x = self.features[6][0].block[0][0](x)
        x = self.features[6][0].block[0][1](x)
        x = self.features[6][0].block[0][2](x)
        x = self.features[6][0].block[1][0](x)
        x = self.features[6][0].block[1][1](x)
        x = self.features[6][0].block[1][2](x)
        x11 = x
        x = self.features[6][0].block[2].avgpool(x)
        x = self.features[6][0].block[2].fc1(x)
        x = self.features[6][0].block[2].activation(x)
        x = self.features[6][0].block[2].fc2(x)
        x = self.features[6][0].block[2].scale_activation(x)
        x = x11 * x
        x = self.features[6][0].block[3][0](x)
        x = self.features[6][0].block[3][1](x)
        x12 = x
        x = self.features[6][1].block[0][0](x)
        x = self.features[6][1].block[0][1](x)
        x = self.features[6][1].block[0][2](x)
        x = self.features[6][1].block[1][0](x)
        x = self.features[6][1].block[1][1](x)
        x = self.features[6][1].block[1][2](x)
        x13 = x
        x = self.features[6][1].block[2].avgpool(x)
        x = self.features[6][1].block[2].fc1(x)
        x = self.features[6][1].block[2].activation(x)
        x = self.features[6][1].block[2].fc2(x)
        x = self.features[6][1].block[2].scale_activation(x)
        x = x13 * x
        x = self.features[6][1].block[3][0](x)
        x = self.features[6][1].block[3][1](x)
        x = self.features[6][1].stochastic_depth(x)
        x = x + x12
        x = self.features[7][0].block[0][0](x)
        x = self.features[7][0].block[0][1](x)
        x = self.features[7][0].block[0][2](x)
        x = self.features[7][0].block[1][0](x)
        x = self.features[7][0].block[1][1](x)
        x = self.features[7][0].block[1][2](x)
        x14 = x
        x = self.features[7][0].block[2].avgpool(x)
        x = self.features[7][0].block[2].fc1(x)
        x = self.features[7][0].block[2].activation(x)
        x = self.features[7][0].block[2].fc2(x)
        x = self.features[7][0].block[2].scale_activation(x)
        x = x14 * x
        x = self.features[7][0].block[3][0](x)
        x = self.features[7][0].block[3][1](x)
        x = self.features[8][0](x)
        x = self.features[8][1](x)
        x = self.features[8][2](x)
        x = self.avgpool(x)
        x = self.flatten(x)
        x = self.classifier[0](x)
        x = self.classifier[1](x)
        return x

