# Written by `cargo cnn export` from the cnn! model `ResNet18`: the same layers
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


class ResNet18(nn.Module):
    """Input [N, 3, 224, 224], output [N, 1000]; 11689512 parameters."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = nn.Sequential(
            Module(
                conv1=nn.Conv2d(64, 64, 3, padding=1, bias=False),
                bn1=nn.BatchNorm2d(64),
                relu=nn.ReLU(),
                conv2=nn.Conv2d(64, 64, 3, padding=1, bias=False),
                bn2=nn.BatchNorm2d(64),
            ),
            Module(
                conv1=nn.Conv2d(64, 64, 3, padding=1, bias=False),
                bn1=nn.BatchNorm2d(64),
                relu=nn.ReLU(),
                conv2=nn.Conv2d(64, 64, 3, padding=1, bias=False),
                bn2=nn.BatchNorm2d(64),
            ),
        )
        self.layer2 = nn.Sequential(
            Module(
                conv1=nn.Conv2d(64, 128, 3, stride=2, padding=1, bias=False),
                bn1=nn.BatchNorm2d(128),
                relu=nn.ReLU(),
                conv2=nn.Conv2d(128, 128, 3, padding=1, bias=False),
                bn2=nn.BatchNorm2d(128),
                downsample=nn.Sequential(
                    nn.Conv2d(64, 128, 1, stride=2, bias=False),
                    nn.BatchNorm2d(128),
                ),
            ),
            Module(
                conv1=nn.Conv2d(128, 128, 3, padding=1, bias=False),
                bn1=nn.BatchNorm2d(128),
                relu=nn.ReLU(),
                conv2=nn.Conv2d(128, 128, 3, padding=1, bias=False),
                bn2=nn.BatchNorm2d(128),
            ),
        )
        self.layer3 = nn.Sequential(
            Module(
                conv1=nn.Conv2d(128, 256, 3, stride=2, padding=1, bias=False),
                bn1=nn.BatchNorm2d(256),
                relu=nn.ReLU(),
                conv2=nn.Conv2d(256, 256, 3, padding=1, bias=False),
                bn2=nn.BatchNorm2d(256),
                downsample=nn.Sequential(
                    nn.Conv2d(128, 256, 1, stride=2, bias=False),
                    nn.BatchNorm2d(256),
                ),
            ),
            Module(
                conv1=nn.Conv2d(256, 256, 3, padding=1, bias=False),
                bn1=nn.BatchNorm2d(256),
                relu=nn.ReLU(),
                conv2=nn.Conv2d(256, 256, 3, padding=1, bias=False),
                bn2=nn.BatchNorm2d(256),
            ),
        )
        self.layer4 = nn.Sequential(
            Module(
                conv1=nn.Conv2d(256, 512, 3, stride=2, padding=1, bias=False),
                bn1=nn.BatchNorm2d(512),
                relu=nn.ReLU(),
                conv2=nn.Conv2d(512, 512, 3, padding=1, bias=False),
                bn2=nn.BatchNorm2d(512),
                downsample=nn.Sequential(
                    nn.Conv2d(256, 512, 1, stride=2, bias=False),
                    nn.BatchNorm2d(512),
                ),
            ),
            Module(
                conv1=nn.Conv2d(512, 512, 3, padding=1, bias=False),
                bn1=nn.BatchNorm2d(512),
                relu=nn.ReLU(),
                conv2=nn.Conv2d(512, 512, 3, padding=1, bias=False),
                bn2=nn.BatchNorm2d(512),
            ),
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.relu(x)
        x = self.maxpool(x)
        x1 = x
        x = self.layer1[0].conv1(x)
        x = self.layer1[0].bn1(x)
        x = self.layer1[0].relu(x)
        x = self.layer1[0].conv2(x)
        x = self.layer1[0].bn2(x)
        x = x + x1
        x = self.layer1[0].relu(x)
        x2 = x
        x = self.layer1[1].conv1(x)
        x = self.layer1[1].bn1(x)
        x = self.layer1[1].relu(x)
        x = self.layer1[1].conv2(x)
        x = self.layer1[1].bn2(x)
        x = x + x2
        x = self.layer1[1].relu(x)
        x3 = x
        x = self.layer2[0].conv1(x)
        x = self.layer2[0].bn1(x)
        x = self.layer2[0].relu(x)
        x = self.layer2[0].conv2(x)
        x = self.layer2[0].bn2(x)
        x3 = self.layer2[0].downsample[0](x3)
        x3 = self.layer2[0].downsample[1](x3)
        x = x + x3
        x = self.layer2[0].relu(x)
        x4 = x
        x = self.layer2[1].conv1(x)
        x = self.layer2[1].bn1(x)
        x = self.layer2[1].relu(x)
        x = self.layer2[1].conv2(x)
        x = self.layer2[1].bn2(x)
        x = x + x4
        x = self.layer2[1].relu(x)
        x5 = x
        x = self.layer3[0].conv1(x)
        x = self.layer3[0].bn1(x)
        x = self.layer3[0].relu(x)
        x = self.layer3[0].conv2(x)
        x = self.layer3[0].bn2(x)
        x5 = self.layer3[0].downsample[0](x5)
        x5 = self.layer3[0].downsample[1](x5)
        x = x + x5
        x = self.layer3[0].relu(x)
        x6 = x
        x = self.layer3[1].conv1(x)
        x = self.layer3[1].bn1(x)
        x = self.layer3[1].relu(x)
        x = self.layer3[1].conv2(x)
        x = self.layer3[1].bn2(x)
        x = x + x6
        x = self.layer3[1].relu(x)
        x7 = x
        x = self.layer4[0].conv1(x)
        x = self.layer4[0].bn1(x)
        x = self.layer4[0].relu(x)
        x = self.layer4[0].conv2(x)
        x = self.layer4[0].bn2(x)
        x7 = self.layer4[0].downsample[0](x7)
        x7 = self.layer4[0].downsample[1](x7)
        x = x + x7
        x = self.layer4[0].relu(x)
        x8 = x
        x = self.layer4[1].conv1(x)
        x = self.layer4[1].bn1(x)
        x = self.layer4[1].relu(x)
        x = self.layer4[1].conv2(x)
        x = self.layer4[1].bn2(x)
        x = x + x8
        x = self.layer4[1].relu(x)
        x = self.avgpool(x)
        x = self.flatten(x)
        x = self.fc(x)
        return x

