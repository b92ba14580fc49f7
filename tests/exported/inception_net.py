# Written by `cargo cnn export` from the cnn! model `InceptionNet`: the same layers
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


class InceptionNet(nn.Module):
    """Input [N, 6, 9, 7], output [N, 14, 9, 7]; 832 parameters."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(6, 8, 3, padding=1)
        self.mixed = Module(
            branch1=nn.Conv2d(8, 4, 1),
            branch2_reduce=nn.Conv2d(8, 3, 1),
            branch2_relu=nn.ReLU(),
            branch2=nn.Conv2d(3, 5, 3, padding=1),
            branch3_reduce=nn.Conv2d(8, 2, 1),
            branch3=nn.Conv2d(2, 3, 5, padding=2),
            branch4_pool=nn.MaxPool2d(3, stride=1, padding=1),
            branch4=nn.Conv2d(8, 2, 1),
            relu=nn.ReLU(),
        )

    def forward(self, x):
        x = self.stem(x)
        x1 = x
        x2 = x
        x3 = x
        x4 = x
        x1 = self.mixed.branch1(x1)
        x2 = self.mixed.branch2_reduce(x2)
        x2 = self.mixed.branch2_relu(x2)
        x2 = self.mixed.branch2(x2)
        x3 = self.mixed.branch3_reduce(x3)
        x3 = self.mixed.branch3(x3)
        x4 = self.mixed.branch4_pool(x4)
        x4 = self.mixed.branch4(x4)
        x = torch.cat([x1, x2, x3, x4], dim=1)
        x = self.mixed.relu(x)
        return x

