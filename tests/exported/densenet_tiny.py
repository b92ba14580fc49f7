# Written by `cargo cnn export` from the cnn! model `DenseNetTiny`: the same layers
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


class DenseNetTiny(nn.Module):
    """Input [N, 3, 64, 64], output [N, 10]; 13194 parameters."""

    def __init__(self):
        super().__init__()
        self.features = Module(
            conv0=nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False),
            norm0=nn.BatchNorm2d(16),
            relu0=nn.ReLU(),
            pool0=nn.MaxPool2d(3, stride=2, padding=1),
            denseblock1=Module(
                denselayer1=Module(
                    norm1=nn.BatchNorm2d(16),
                    relu1=nn.ReLU(),
                    conv1=nn.Conv2d(16, 16, 1, bias=False),
                    norm2=nn.BatchNorm2d(16),
                    relu2=nn.ReLU(),
                    conv2=nn.Conv2d(16, 8, 3, padding=1, bias=False),
                ),
                denselayer2=Module(
                    norm1=nn.BatchNorm2d(24),
                    relu1=nn.ReLU(),
                    conv1=nn.Conv2d(24, 16, 1, bias=False),
                    norm2=nn.BatchNorm2d(16),
                    relu2=nn.ReLU(),
                    conv2=nn.Conv2d(16, 8, 3, padding=1, bias=False),
                ),
            ),
            transition1=Module(
                norm=nn.BatchNorm2d(32),
                relu=nn.ReLU(),
                conv=nn.Conv2d(32, 16, 1, bias=False),
                pool=nn.AvgPool2d(2, stride=2),
            ),
            denseblock2=Module(
                denselayer1=Module(
                    norm1=nn.BatchNorm2d(16),
                    relu1=nn.ReLU(),
                    conv1=nn.Conv2d(16, 16, 1, bias=False),
                    norm2=nn.BatchNorm2d(16),
                    relu2=nn.ReLU(),
                    conv2=nn.Conv2d(16, 8, 3, padding=1, bias=False),
                ),
                denselayer2=Module(
                    norm1=nn.BatchNorm2d(24),
                    relu1=nn.ReLU(),
                    conv1=nn.Conv2d(24, 16, 1, bias=False),
                    norm2=nn.BatchNorm2d(16),
                    relu2=nn.ReLU(),
                    conv2=nn.Conv2d(16, 8, 3, padding=1, bias=False),
                ),
            ),
            transition2=Module(
                norm=nn.BatchNorm2d(32),
                relu=nn.ReLU(),
                conv=nn.Conv2d(32, 16, 1, bias=False),
                pool=nn.AvgPool2d(2, stride=2),
            ),
            denseblock3=Module(
                denselayer1=Module(
                    norm1=nn.BatchNorm2d(16),
                    relu1=nn.ReLU(),
                    conv1=nn.Conv2d(16, 16, 1, bias=False),
                    norm2=nn.BatchNorm2d(16),
                    relu2=nn.ReLU(),
                    conv2=nn.Conv2d(16, 8, 3, padding=1, bias=False),
                ),
                denselayer2=Module(
                    norm1=nn.BatchNorm2d(24),
                    relu1=nn.ReLU(),
                    conv1=nn.Conv2d(24, 16, 1, bias=False),
                    norm2=nn.BatchNorm2d(16),
                    relu2=nn.ReLU(),
                    conv2=nn.Conv2d(16, 8, 3, padding=1, bias=False),
                ),
            ),
            norm5=nn.BatchNorm2d(32),
        )
        self.relu = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Linear(32, 10)

    def forward(self, x):
        x = self.features.conv0(x)
        x = self.features.norm0(x)
        x = self.features.relu0(x)
        x = self.features.pool0(x)
        x1 = x
        x2 = x
        x2 = self.features.denseblock1.denselayer1.norm1(x2)
        x2 = self.features.denseblock1.denselayer1.relu1(x2)
        x2 = self.features.denseblock1.denselayer1.conv1(x2)
        x2 = self.features.denseblock1.denselayer1.norm2(x2)
        x2 = self.features.denseblock1.denselayer1.relu2(x2)
        x2 = self.features.denseblock1.denselayer1.conv2(x2)
        x = torch.cat([x1, x2], dim=1)
        x3 = x
        x4 = x
        x4 = self.features.denseblock1.denselayer2.norm1(x4)
        x4 = self.features.denseblock1.denselayer2.relu1(x4)
        x4 = self.features.denseblock1.denselayer2.conv1(x4)
        x4 = self.features.denseblock1.denselayer2.norm2(x4)
        x4 = self.features.denseblock1.denselayer2.relu2(x4)
        x4 = self.features.denseblock1.denselayer2.conv2(x4)
        x = torch.cat([x3, x4], dim=1)
        x = self.features.transition1.norm(x)
        x = self.features.transition1.relu(x)
        x = self.features.transition1.conv(x)
        x = self.features.transition1.pool(x)
        x5 = x
        x6 = x
        x6 = self.features.denseblock2.denselayer1.norm1(x6)
        x6 = self.features.denseblock2.denselayer1.relu1(x6)
        x6 = self.features.denseblock2.denselayer1.conv1(x6)
        x6 = self.features.denseblock2.denselayer1.norm2(x6)
        x6 = self.features.denseblock2.denselayer1.relu2(x6)
        x6 = self.features.denseblock2.denselayer1.conv2(x6)
        x = torch.cat([x5, x6], dim=1)
        x7 = x
        x8 = x
        x8 = self.features.denseblock2.denselayer2.norm1(x8)
        x8 = self.features.denseblock2.denselayer2.relu1(x8)
        x8 = self.features.denseblock2.denselayer2.conv1(x8)
        x8 = self.features.denseblock2.denselayer2.norm2(x8)
        x8 = self.features.denseblock2.denselayer2.relu2(x8)
        x8 = self.features.denseblock2.denselayer2.conv2(x8)
        x = torch.cat([x7, x8], dim=1)
        x = self.features.transition2.norm(x)
        x = self.features.transition2.relu(x)
        x = self.features.transition2.conv(x)
        x = self.features.transition2.pool(x)
        x9 = x
        x10 = x
        x10 = self.features.denseblock3.denselayer1.norm1(x10)
        x10 = self.features.denseblock3.denselayer1.relu1(x10)
        x10 = self.features.denseblock3.denselayer1.conv1(x10)
        x10 = self.features.denseblock3.denselayer1.norm2(x10)
        x10 = self.features.denseblock3.denselayer1.relu2(x10)
        x10 = self.features.denseblock3.denselayer1.conv2(x10)
        x = torch.cat([x9, x10], dim=1)
        x11 = x
        x12 = x
        x12 = self.features.denseblock3.denselayer2.norm1(x12)
        x12 = self.features.denseblock3.denselayer2.relu1(x12)
        x12 = self.features.denseblock3.denselayer2.conv1(x12)
        x12 = self.features.denseblock3.denselayer2.norm2(x12)
        x12 = self.features.denseblock3.denselayer2.relu2(x12)
        x12 = self.features.denseblock3.denselayer2.conv2(x12)
        x = torch.cat([x11, x12], dim=1)
        x = self.features.norm5(x)
        x = self.relu(x)
        x = self.pool(x)
        x = self.flatten(x)
        x = self.classifier(x)
        return x

