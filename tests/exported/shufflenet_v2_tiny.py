# Written by `cargo cnn export` from the cnn! model `ShuffleNetV2Tiny`: the same layers
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


class ShuffleNetV2Tiny(nn.Module):
    """Input [N, 3, 64, 64], output [N, 10]; 19098 parameters."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU(),
        )
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.stage2 = nn.Sequential(
            Module(
                branch1=nn.Sequential(
                    nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False),
                    nn.BatchNorm2d(8),
                    nn.Conv2d(8, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                    nn.ReLU(),
                ),
                branch2=nn.Sequential(
                    nn.Conv2d(8, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                    nn.ReLU(),
                    nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False),
                    nn.BatchNorm2d(8),
                    nn.Conv2d(8, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                    nn.ReLU(),
                ),
                shuffle=nn.ChannelShuffle(2),
            ),
            Module(
                branch2=nn.Sequential(
                    nn.Conv2d(8, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                    nn.ReLU(),
                    nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False),
                    nn.BatchNorm2d(8),
                    nn.Conv2d(8, 8, 1, bias=False),
                    nn.BatchNorm2d(8),
                    nn.ReLU(),
                ),
                shuffle=nn.ChannelShuffle(2),
            ),
        )
        self.stage3 = nn.Sequential(
            Module(
                branch1=nn.Sequential(
                    nn.Conv2d(16, 16, 3, stride=2, padding=1, groups=16, bias=False),
                    nn.BatchNorm2d(16),
                    nn.Conv2d(16, 16, 1, bias=False),
                    nn.BatchNorm2d(16),
                    nn.ReLU(),
                ),
                branch2=nn.Sequential(
                    nn.Conv2d(16, 16, 1, bias=False),
                    nn.BatchNorm2d(16),
                    nn.ReLU(),
                    nn.Conv2d(16, 16, 3, stride=2, padding=1, groups=16, bias=False),
                    nn.BatchNorm2d(16),
                    nn.Conv2d(16, 16, 1, bias=False),
                    nn.BatchNorm2d(16),
                    nn.ReLU(),
                ),
                shuffle=nn.ChannelShuffle(2),
            ),
            Module(
                branch2=nn.Sequential(
                    nn.Conv2d(16, 16, 1, bias=False),
                    nn.BatchNorm2d(16),
                    nn.ReLU(),
                    nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False),
                    nn.BatchNorm2d(16),
                    nn.Conv2d(16, 16, 1, bias=False),
                    nn.BatchNorm2d(16),
                    nn.ReLU(),
                ),
                shuffle=nn.ChannelShuffle(2),
            ),
        )
        self.stage4 = nn.Sequential(
            Module(
                branch1=nn.Sequential(
                    nn.Conv2d(32, 32, 3, stride=2, padding=1, groups=32, bias=False),
                    nn.BatchNorm2d(32),
                    nn.Conv2d(32, 32, 1, bias=False),
                    nn.BatchNorm2d(32),
                    nn.ReLU(),
                ),
                branch2=nn.Sequential(
                    nn.Conv2d(32, 32, 1, bias=False),
                    nn.BatchNorm2d(32),
                    nn.ReLU(),
                    nn.Conv2d(32, 32, 3, stride=2, padding=1, groups=32, bias=False),
                    nn.BatchNorm2d(32),
                    nn.Conv2d(32, 32, 1, bias=False),
                    nn.BatchNorm2d(32),
                    nn.ReLU(),
                ),
                shuffle=nn.ChannelShuffle(2),
            ),
            Module(
                branch2=nn.Sequential(
                    nn.Conv2d(32, 32, 1, bias=False),
                    nn.BatchNorm2d(32),
                    nn.ReLU(),
                    nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False),
                    nn.BatchNorm2d(32),
                    nn.Conv2d(32, 32, 1, bias=False),
                    nn.BatchNorm2d(32),
                    nn.ReLU(),
                ),
                shuffle=nn.ChannelShuffle(2),
            ),
        )
        self.conv5 = nn.Sequential(
            nn.Conv2d(64, 128, 1, bias=False),
            nn.BatchNorm2d(128),
            nn.ReLU(),
        )
        self.mean = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1[0](x)
        x = self.conv1[1](x)
        x = self.conv1[2](x)
        x = self.maxpool(x)
        x1 = x
        x2 = x
        x1 = self.stage2[0].branch1[0](x1)
        x1 = self.stage2[0].branch1[1](x1)
        x1 = self.stage2[0].branch1[2](x1)
        x1 = self.stage2[0].branch1[3](x1)
        x1 = self.stage2[0].branch1[4](x1)
        x2 = self.stage2[0].branch2[0](x2)
        x2 = self.stage2[0].branch2[1](x2)
        x2 = self.stage2[0].branch2[2](x2)
        x2 = self.stage2[0].branch2[3](x2)
        x2 = self.stage2[0].branch2[4](x2)
        x2 = self.stage2[0].branch2[5](x2)
        x2 = self.stage2[0].branch2[6](x2)
        x2 = self.stage2[0].branch2[7](x2)
        x = torch.cat([x1, x2], dim=1)
        x = self.stage2[0].shuffle(x)
        x3, x4 = x.chunk(2, dim=1)
        x4 = self.stage2[1].branch2[0](x4)
        x4 = self.stage2[1].branch2[1](x4)
        x4 = self.stage2[1].branch2[2](x4)
        x4 = self.stage2[1].branch2[3](x4)
        x4 = self.stage2[1].branch2[4](x4)
        x4 = self.stage2[1].branch2[5](x4)
        x4 = self.stage2[1].branch2[6](x4)
        x4 = self.stage2[1].branch2[7](x4)
        x = torch.cat([x3, x4], dim=1)
        x = self.stage2[1].shuffle(x)
        x5 = x
        x6 = x
        x5 = self.stage3[0].branch1[0](x5)
        x5 = self.stage3[0].branch1[1](x5)
        x5 = self.stage3[0].branch1[2](x5)
        x5 = self.stage3[0].branch1[3](x5)
        x5 = self.stage3[0].branch1[4](x5)
        x6 = self.stage3[0].branch2[0](x6)
        x6 = self.stage3[0].branch2[1](x6)
        x6 = self.stage3[0].branch2[2](x6)
        x6 = self.stage3[0].branch2[3](x6)
        x6 = self.stage3[0].branch2[4](x6)
        x6 = self.stage3[0].branch2[5](x6)
        x6 = self.stage3[0].branch2[6](x6)
        x6 = self.stage3[0].branch2[7](x6)
        x = torch.cat([x5, x6], dim=1)
        x = self.stage3[0].shuffle(x)
        x7, x8 = x.chunk(2, dim=1)
        x8 = self.stage3[1].branch2[0](x8)
        x8 = self.stage3[1].branch2[1](x8)
        x8 = self.stage3[1].branch2[2](x8)
        x8 = self.stage3[1].branch2[3](x8)
        x8 = self.stage3[1].branch2[4](x8)
        x8 = self.stage3[1].branch2[5](x8)
        x8 = self.stage3[1].branch2[6](x8)
        x8 = self.stage3[1].branch2[7](x8)
        x = torch.cat([x7, x8], dim=1)
        x = self.stage3[1].shuffle(x)
        x9 = x
        x10 = x
        x9 = self.stage4[0].branch1[0](x9)
        x9 = self.stage4[0].branch1[1](x9)
        x9 = self.stage4[0].branch1[2](x9)
        x9 = self.stage4[0].branch1[3](x9)
        x9 = self.stage4[0].branch1[4](x9)
        x10 = self.stage4[0].branch2[0](x10)
        x10 = self.stage4[0].branch2[1](x10)
        x10 = self.stage4[0].branch2[2](x10)
        x10 = self.stage4[0].branch2[3](x10)
        x10 = self.stage4[0].branch2[4](x10)
        x10 = self.stage4[0].branch2[5](x10)
        x10 = self.stage4[0].branch2[6](x10)
        x10 = self.stage4[0].branch2[7](x10)
        x = torch.cat([x9, x10], dim=1)
        x = self.stage4[0].shuffle(x)
        x11, x12 = x.chunk(2, dim=1)
        x12 = self.stage4[1].branch2[0](x12)
        x12 = self.stage4[1].branch2[1](x12)
        x12 = self.stage4[1].branch2[2](x12)
        x12 = self.stage4[1].branch2[3](x12)
        x12 = self.stage4[1].branch2[4](x12)
        x12 = self.stage4[1].branch2[5](x12)
        x12 = self.stage4[1].branch2[6](x12)
        x12 = self.stage4[1].branch2[7](x12)
        x = torch.cat([x11, x12], dim=1)
        x = self.stage4[1].shuffle(x)
        x = self.conv5[0](x)
        x = self.conv5[1](x)
        x = self.conv5[2](x)
        x = self.mean(x)
        x = self.flatten(x)
        x = self.fc(x)
        return x

