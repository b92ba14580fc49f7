# Written by `cargo cnn export` from the cnn! model `DenseNet`: the same layers
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


class DenseNet(nn.Module):
    """Input [N, 5, 6, 6], output [N, 14, 6, 6]; 724 parameters."""

    def __init__(self):
        super().__init__()
        self.block = nn.Sequential(
            Module(
                **{"0": nn.Identity()},
                norm=nn.BatchNorm2d(5),
                relu=nn.ReLU(),
                conv=nn.Conv2d(5, 3, 3, padding=1, bias=False),
            ),
            Module(
                **{"0": nn.Identity()},
                norm=nn.BatchNorm2d(8),
                relu=nn.ReLU(),
                conv=nn.Conv2d(8, 3, 3, padding=1, bias=False),
            ),
            Module(
                **{"0": nn.Identity()},
                norm=nn.BatchNorm2d(11),
                relu=nn.ReLU(),
                conv=nn.Conv2d(11, 3, 3, padding=1, bias=False),
            ),
        )
        self.norm = nn.BatchNorm2d(14)

    def forward(self, x):
        x1 = x
        x2 = x
        x1 = getattr(self.block[0], "0")(x1)
        x2 = self.block[0].norm(x2)
        x2 = self.block[0].relu(x2)
        x2 = self.block[0].conv(x2)
        x = torch.cat([x1, x2], dim=1)
        x3 = x
        x4 = x
        x3 = getattr(self.block[1], "0")(x3)
        x4 = self.block[1].norm(x4)
        x4 = self.block[1].relu(x4)
        x4 = self.block[1].conv(x4)
        x = torch.cat([x3, x4], dim=1)
        x5 = x
        x6 = x
        x5 = getattr(self.block[2], "0")(x5)
        x6 = self.block[2].norm(x6)
        x6 = self.block[2].relu(x6)
        x6 = self.block[2].conv(x6)
        x = torch.cat([x5, x6], dim=1)
        x = self.norm(x)
        return x

