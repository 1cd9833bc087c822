#!/usr/bin/env python3
"""Trains LeNet-5 on Fashion-MNIST in PyTorch and writes the fixture the from-pytorch example loads.

    /opt/torch-venv/bin/python examples/from-pytorch/scripts/make_checkpoint.py [--epochs 1] [--out PATH]

The model is examples/lenet/src/model.ts written in PyTorch, with the same parameter names
(conv1.weight … fc3.bias), so its state dict loads into nutshell's LeNet unchanged. The data are
read from the IDX files as published (gzip + numpy; no torchvision). The safetensors metadata
records how the inputs were normalised, PyTorch's test accuracy, its predicted class for every
test image, and the logits of the first test images, so the example can check that nutshell
computes the same function, not only a similar accuracy.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
MEAN, STD = 0.286, 0.353  # Fashion-MNIST training-set pixel statistics, as in examples/lenet
LOGITS_KEPT = 8


def read_idx(path: str) -> np.ndarray:
    with gzip.open(path, 'rb') if path.endswith('.gz') else open(path, 'rb') as f:
        data = f.read()
    zero, dtype, ndim = data[0] << 8 | data[1], data[2], data[3]
    if zero != 0 or dtype != 0x08:
        raise ValueError(f'{path}: not a uint8 IDX file')
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(root: str, split: str):
    images = read_idx(os.path.join(root, f'{split}-images-idx3-ubyte.gz'))
    labels = read_idx(os.path.join(root, f'{split}-labels-idx1-ubyte.gz'))
    x = (torch.from_numpy(images.astype(np.float32) / 255.0) - MEAN) / STD
    return x.unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


class LeNet(nn.Module):
    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', default=os.environ.get('NUTSHELL_DATA', '/usr/share/datasets/fashion-mnist'))
    ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'fixtures', 'lenet-pytorch.safetensors'))
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    x_train, y_train = load_split(args.data, 'train')
    x_test, y_test = load_split(args.data, 't10k')

    model = LeNet()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_train))
        total = 0.0
        for i in range(0, len(order), args.batch_size):
            idx = order[i:i + args.batch_size]
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f'epoch {epoch + 1}: train loss {total / len(x_train):.4f}')

    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x_test[i:i + 1000]) for i in range(0, len(x_test), 1000)])
    predictions = logits.argmax(1)
    accuracy = (predictions == y_test).float().mean().item()
    print(f'test accuracy {100 * accuracy:.2f}% after {args.epochs} epoch(s) in {time.time() - start:.1f} s')

    metadata = {
        'format': 'pt',
        'model': 'LeNet-5 (examples/lenet/src/model.ts)',
        'dataset': 'Fashion-MNIST',
        'framework': f'pytorch {torch.__version__}',
        'script': 'examples/from-pytorch/scripts/make_checkpoint.py',
        'epochs': str(args.epochs),
        'seed': str(args.seed),
        'normalize_mean': str(MEAN),
        'normalize_std': str(STD),
        'test_accuracy': f'{accuracy:.4f}',
        # PyTorch's predicted class of each of the 10,000 test images, one digit each.
        'test_predictions': ''.join(str(int(p)) for p in predictions),
        # Logits of the first test images, to compare nutshell's forward pass number by number.
        'test_logits': json.dumps([[float(v) for v in row] for row in logits[:LOGITS_KEPT]]),
    }
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    save_file(state, args.out, metadata=metadata)
    print(f'wrote {os.path.relpath(args.out)} ({os.path.getsize(args.out)} bytes): {", ".join(state)}')


if __name__ == '__main__':
    main()
