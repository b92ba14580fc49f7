# Written by `cargo cnn export` from the cnn! model `Quiz`: the same layers
# under the same state_dict names, so weights move both ways as
# safetensors files (`model.load_state_dict(load_file(path))`).
import torch
from torch import nn


class Quiz(nn.Module):
    """Input [N, 3, 130, 130], output [N, 10]; 56510 parameters."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 10, 3)
        self.pool1 = nn.MaxPool2d(4, stride=4)
        self.conv2 = nn.Conv2d(10, 20, 5, padding=2)
        self.pool2 = nn.MaxPool2d(2, stride=2)
        self.relu = nn.ReLU()
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(5120, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = self.pool1(x)
        x = self.conv2(x)
        x = self.pool2(x)
        x = self.relu(x)
        x = self.flatten(x)
        x = self.fc(x)
        return x

