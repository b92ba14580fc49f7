# Written by `cargo cnn export` from the cnn! model `FeaturesExt`: the same layers
# under the same state_dict names, so weights move both ways as
# safetensors files (`model.load_state_dict(load_file(path))`).
import torch
from torch import nn


class FeaturesExt(nn.Module):
    """Input [N, 3, 32, 32], output [N, 10]; 7914 parameters."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, (3, 5), stride=(2, 1), padding=(1, 2))
        self.lrelu1 = nn.LeakyReLU(0.1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=2, dilation=2, groups=2)
        self.tanh = nn.Tanh()
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1, groups=32)
        self.relu = nn.ReLU()
        self.pool1 = nn.AvgPool2d(3, stride=2, padding=1)
        self.conv4 = nn.Conv2d(32, 64, 1)
        self.lrelu2 = nn.LeakyReLU(0.1)
        self.pool2 = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(64, 32)
        self.sigmoid = nn.Sigmoid()
        self.fc2 = nn.Linear(32, 10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.conv1(x)
        x = self.lrelu1(x)
        x = self.conv2(x)
        x = self.tanh(x)
        x = self.conv3(x)
        x = self.relu(x)
        x = self.pool1(x)
        x = self.conv4(x)
        x = self.lrelu2(x)
        x = self.pool2(x)
        x = self.flatten(x)
        x = self.fc1(x)
        x = self.sigmoid(x)
        x = self.fc2(x)
        x = self.softmax(x)
        return x

