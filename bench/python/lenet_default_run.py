#!/usr/bin/env python3
"""The default run of examples/lenet, in PyTorch, for the side-by-side in closing notes:
LeNet-5, Fashion-MNIST, 8 epochs, batch 64, Adam lr 2e-3 with cosine annealing per step,
random horizontal flips, normalisation (0.286, 0.353), test evaluation after every epoch.

    /opt/torch-venv/bin/python bench/python/lenet_default_run.py [--threads 2] [--epochs 8]

Prints one line per epoch and the final accuracy and wall time (the example prints the same).
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from models import LeNet  # noqa: E402
from train import fashion  # noqa: E402

ROOT = os.environ.get("NUTSHELL_DATA", "/usr/share/datasets/fashion-mnist")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x, y = fashion(torch, ROOT, "train")
    xt, yt = fashion(torch, ROOT, "test")
    x, xt = (x - 0.286) / 0.353, (xt - 0.286) / 0.353
    model = LeNet()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    steps = (len(x) + a.batch_size - 1) // a.batch_size
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=a.epochs * steps)
    start = time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        model.train()
        perm = torch.randperm(len(x))
        for k in range(steps):
            idx = perm[k * a.batch_size:(k + 1) * a.batch_size]
            xb = x[idx]
            flip = torch.rand(len(idx)) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(-1), xb)
            loss = F.cross_entropy(model(xb), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        with torch.no_grad():
            correct = sum((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum().item() for i in range(0, len(xt), 1000))
        print(f"epoch {epoch}: test acc {100 * correct / len(xt):.2f}%  ({time.perf_counter() - start:.1f} s)", flush=True)
    print(f"test accuracy {100 * correct / len(xt):.2f}% after {a.epochs} epochs in {time.perf_counter() - start:.1f} s (torch {torch.__version__}, {a.threads} threads)")


if __name__ == "__main__":
    main()
