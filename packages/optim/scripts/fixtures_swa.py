#!/usr/bin/env python3
"""PyTorch goldens for @nutshell/optim's swa_utils tests (test/swa-utils.test.ts):

- AveragedModel trajectories: a small model (Linear, BatchNorm1d, Linear) is given a fixed sequence
  of states (parameters and BatchNorm buffers, num_batches_tracked included) and an AveragedModel
  is updated from each, recording its whole state_dict after every update_parameters — EMA through
  get_ema_multi_avg_fn with use_buffers, EMA through get_ema_avg_fn, SWA (the equal average) with
  and without use_buffers (an int64 buffer averaged and truncated, as PyTorch's copy_ does).
- SWALR's lr sequences, both strategies, per-group swa_lr, anneal_epochs 0, and SWALR taking over
  from CosineAnnealingLR as in PyTorch's docs; and its state_dict after a few steps.
- update_bn: the running statistics of two models (an MLP with a BatchNorm1d of momentum 0.3 and
  one of the default; a convolution with a BatchNorm2d) recomputed over fixed batches of unequal
  sizes, some bare tensors and some (input, target) pairs, starting from non-default statistics
  in eval mode.

    /opt/torch-venv/bin/python scripts/fixtures_swa.py

Writes test/fixtures/swa.json; every float32 number is written exactly (float(v) of a float32).
"""
import json
import os

import torch
from torch import nn
from torch.optim.swa_utils import SWALR, AveragedModel, get_ema_avg_fn, get_ema_multi_avg_fn, update_bn

HERE = os.path.dirname(__file__)
UPDATES = 10
SWALR_STEPS = 20


def flat(t):
    return [float(v) if t.is_floating_point() else int(v) for v in t.detach().reshape(-1).tolist()]


def state_json(sd):
    return {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""), "values": flat(v)} for k, v in sd.items()}


def averaged_model_cases(gen):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    # The states the averaged model is updated from: new random parameters and buffers each time
    # (num_batches_tracked growing unevenly, so its truncated average is not trivial).
    states = []
    for k in range(UPDATES):
        sd = {}
        for name, v in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                sd[name] = torch.tensor(3 * k * k + 2 * k + 1, dtype=torch.long)
            elif name.endswith("running_var"):
                sd[name] = torch.rand(v.shape, generator=gen) + 0.5
            else:
                sd[name] = torch.randn(v.shape, generator=gen)
        states.append(sd)
    cases = {
        "ema_multi_buffers": ({"multiAvgFn": {"ema": 0.9}, "useBuffers": True}, lambda m: AveragedModel(m, multi_avg_fn=get_ema_multi_avg_fn(0.9), use_buffers=True)),
        "ema_avg_fn": ({"avgFn": {"ema": 0.8}}, lambda m: AveragedModel(m, avg_fn=get_ema_avg_fn(0.8))),
        "swa": ({}, lambda m: AveragedModel(m)),
        "swa_buffers": ({"useBuffers": True}, lambda m: AveragedModel(m, use_buffers=True)),
    }
    out = {}
    for name, (options, make) in cases.items():
        model.load_state_dict(states[0])
        avg = make(model)
        after = []
        for sd in states:
            model.load_state_dict(sd)
            avg.update_parameters(model)
            after.append(state_json(avg.state_dict()))
        out[name] = {"options": options, "after": after}
    return {"states": [state_json(sd) for sd in states], "cases": out, "keys": list(AveragedModel(model).state_dict().keys())}


def swalr_cases():
    cases = {
        "cos": {"swa_lr": 0.01, "anneal_epochs": 5, "anneal_strategy": "cos"},
        "linear_per_group": {"swa_lr": [0.01, 0.02], "anneal_epochs": 7, "anneal_strategy": "linear"},
        "no_annealing": {"swa_lr": 0.03, "anneal_epochs": 0, "anneal_strategy": "cos"},
        "default_annealing": {"swa_lr": 0.005},
    }
    out = {}
    for name, options in cases.items():
        opt = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1}, {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.05}])
        sched = SWALR(opt, **options)
        lrs = [[g["lr"] for g in opt.param_groups]]
        state = None
        for step in range(SWALR_STEPS):
            opt.step()
            sched.step()
            lrs.append([g["lr"] for g in opt.param_groups])
            if step == 2:
                state = sched.state_dict()
        out[name] = {"options": options, "lrs": lrs, "state_after_3": state}
    # PyTorch's documented pattern: both schedulers made up front, SWALR stepping once SWA starts.
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20)
    swa = SWALR(opt, swa_lr=0.02, anneal_epochs=4, anneal_strategy="linear")
    lrs = [[opt.param_groups[0]["lr"]]]
    for epoch in range(SWALR_STEPS):
        opt.step()
        (swa if epoch >= 8 else cosine).step()
        lrs.append([opt.param_groups[0]["lr"]])
    out["after_cosine"] = {"options": {"swa_lr": 0.02, "anneal_epochs": 4, "anneal_strategy": "linear"}, "swa_start": 8, "lrs": lrs}
    return out


def update_bn_cases(gen):
    def mlp():
        return nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5, momentum=0.3), nn.ReLU(), nn.Linear(5, 4), nn.BatchNorm1d(4))

    def conv():
        return nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU())

    out = {}
    for name, make, sample in (("mlp", mlp, (3,)), ("conv", conv, (2, 4, 4))):
        model = make()
        # Non-default statistics before, which update_bn must discard.
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.running_mean.normal_(generator=gen)
                    m.running_var.uniform_(0.5, 2.0, generator=gen)
                    m.num_batches_tracked.fill_(17)
                    m.weight.normal_(generator=gen)
                    m.bias.normal_(generator=gen)
        model.eval()
        before = state_json(model.state_dict())
        # Unequal batch sizes: momentum None averages batch statistics per batch, not per sample.
        sizes = [8, 6, 5, 3]
        batches = []
        loader = []
        for i, n in enumerate(sizes):
            x = torch.randn((n, *sample), generator=gen) * (1 + i) + i
            batches.append({"x": flat(x), "shape": list(x.shape), "pair": i % 2 == 1})
            loader.append((x, torch.zeros(n)) if i % 2 == 1 else x)
        momenta = [m.momentum for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        update_bn(loader, model)
        assert not model.training
        assert momenta == [m.momentum for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        out[name] = {"before": before, "batches": batches, "momenta": momenta, "after": state_json(model.state_dict())}
    return out


def main():
    gen = torch.Generator().manual_seed(20240607)
    torch.manual_seed(0)
    fixture = {
        "torch": torch.__version__,
        "averaged": averaged_model_cases(gen),
        "swalr": swalr_cases(),
        "update_bn": update_bn_cases(gen),
    }
    path = os.path.join(HERE, "..", "test", "fixtures", "swa.json")
    with open(path, "w") as f:
        json.dump(fixture, f)
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
