"""The PyTorch side of the bench's models. The nutshell twins live in bench/src/models.ts and must
stay the same architecture (layer for layer, same shapes) so that a ratio compares like with like."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    """LeNet-5 for 28x28 inputs (conv 5x5 pad 2 -> pool -> conv 5x5 -> pool -> 3 linear)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Inception(nn.Module):
    """GoogLeNet's inception (3a) block at 28x28 (192 -> 64 + 128 + 32 + 32 = 256 channels),
    followed by global average pooling and a 10-way classifier so that a step has a loss."""

    def __init__(self, cin=192):
        super().__init__()
        self.b1 = nn.Conv2d(cin, 64, 1)
        self.b2a = nn.Conv2d(cin, 96, 1)
        self.b2b = nn.Conv2d(96, 128, 3, padding=1)
        self.b3a = nn.Conv2d(cin, 16, 1)
        self.b3b = nn.Conv2d(16, 32, 5, padding=2)
        self.b4 = nn.Conv2d(cin, 32, 1)
        self.fc = nn.Linear(256, 10)

    def forward(self, x):
        y1 = F.relu(self.b1(x))
        y2 = F.relu(self.b2b(F.relu(self.b2a(x))))
        y3 = F.relu(self.b3b(F.relu(self.b3a(x))))
        y4 = F.relu(self.b4(F.max_pool2d(x, 3, stride=1, padding=1)))
        y = torch.cat([y1, y2, y3, y4], 1)
        y = F.adaptive_avg_pool2d(y, 1).flatten(1)
        return self.fc(y)


class CharLSTM(nn.Module):
    """Embedding -> 1-layer LSTM -> linear over the vocabulary."""

    def __init__(self, vocab, embed=64, hidden=256):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden)  # [seq, batch, feature]
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, x):
        y, _ = self.lstm(self.embed(x))
        return self.fc(y)
