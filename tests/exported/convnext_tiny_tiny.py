# Written by `cargo cnn export` from the cnn! model `ConvNeXtTiny`: the same layers
# under the same state_dict names, so weights move both ways as
# safetensors files (`model.load_state_dict(load_file(path))`).
import torch
from torch import nn
import torch.nn.functional as F


class LayerNorm2d(nn.LayerNorm):
    """torchvision's LayerNorm2d: LayerNorm over each pixel's channels."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class Module(nn.Module):
    """Holds named children, as a cnn! block or `{ .. }` does."""

    def __init__(self, **children):
        super().__init__()
        for name, child in children.items():
            if isinstance(child, nn.Parameter):
                self.register_parameter(name, child)
            else:
                self.add_module(name, child)


class Permute(nn.Module):
    """torchvision's Permute."""

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)


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


class ConvNeXtTiny(nn.Module):
    """Input [N, 3, 64, 64], output [N, 10]; 61530 parameters."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(
                nn.Conv2d(3, 16, 4, stride=4),
                LayerNorm2d(16, eps=1e-6),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Conv2d(16, 16, 7, padding=3, groups=16),
                        Permute([0, 2, 3, 1]),
                        nn.LayerNorm(16, eps=1e-6),
                        nn.Linear(16, 64),
                        nn.GELU(),
                        nn.Linear(64, 16),
                        Permute([0, 3, 1, 2]),
                    ),
                    layer_scale=nn.Parameter(torch.full((16, 1, 1), 1e-6)),
                    stochastic_depth=StochasticDepth(0.0, "row"),
                ),
            ),
            nn.Sequential(
                LayerNorm2d(16, eps=1e-6),
                nn.Conv2d(16, 32, 2, stride=2),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Conv2d(32, 32, 7, padding=3, groups=32),
                        Permute([0, 2, 3, 1]),
                        nn.LayerNorm(32, eps=1e-6),
                        nn.Linear(32, 128),
                        nn.GELU(),
                        nn.Linear(128, 32),
                        Permute([0, 3, 1, 2]),
                    ),
                    layer_scale=nn.Parameter(torch.full((32, 1, 1), 1e-6)),
                    stochastic_depth=StochasticDepth(0.05, "row"),
                ),
            ),
            nn.Sequential(
                LayerNorm2d(32, eps=1e-6),
                nn.Conv2d(32, 64, 2, stride=2),
            ),
            nn.Sequential(
                Module(
                    block=nn.Sequential(
                        nn.Conv2d(64, 64, 7, padding=3, groups=64),
                        Permute([0, 2, 3, 1]),
                        nn.LayerNorm(64, eps=1e-6),
                        nn.Linear(64, 256),
                        nn.GELU(),
                        nn.Linear(256, 64),
                        Permute([0, 3, 1, 2]),
                    ),
                    layer_scale=nn.Parameter(torch.full((64, 1, 1), 1e-6)),
                    stochastic_depth=StochasticDepth(0.1, "row"),
                ),
            ),
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            LayerNorm2d(64, eps=1e-6),
            nn.Flatten(),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        x = self.features[0][0](x)
        x = self.features[0][1](x)
        x1 = x
        x = self.features[1][0].block[0](x)
        x = self.features[1][0].block[1](x)
        x = self.features[1][0].block[2](x)
        x = self.features[1][0].block[3](x)
        x = self.features[1][0].block[4](x)
        x = self.features[1][0].block[5](x)
        x = self.features[1][0].block[6](x)
        x = x * self.features[1][0].layer_scale
        x = self.features[1][0].stochastic_depth(x)
        x = x + x1
        x = self.features[2][0](x)
        x = self.features[2][1](x)
        x2 = x
        x = self.features[3][0].block[0](x)
        x = self.features[3][0].block[1](x)
        x = self.features[3][0].block[2](x)
        x = self.features[3][0].block[3](x)
        x = self.features[3][0].block[4](x)
        x = self.features[3][0].block[5](x)
        x = self.features[3][0].block[6](x)
        x = x * self.features[3][0].layer_scale
        x = self.features[3][0].stochastic_depth(x)
        x = x + x2
        x = self.features[4][0](x)
        x = self.features[4][1](x)
        x3 = x
        x = self.features[5][0].block[0](x)
        x = self.features[5][0].block[1](x)
        x = self.features[5][0].block[2](x)
        x = self.features[5][0].block[3](x)
        x = self.features[5][0].block[4](x)
        x = self.features[5][0].block[5](x)
        x = self.features[5][0].block[6](x)
        x = x * self.features[5][0].layer_scale
        x = self.features[5][0].stochastic_depth(x)
        x = x + x3
        x = self.avgpool(x)
        x = self.classifier[0](x)
        x = self.classifier[1](x)
        x = self.classifier[2](x)
        return x

