#!/usr/bin/env python3
"""PyTorch golden values for ConstantLR: test/fixtures/constant-lr.json.

    /opt/torch-venv/bin/python scripts/fixtures_constant_lr.py

Each case drives torch.optim.SGD (lr 0.1; two groups where named) for 12 steps and records every
group's lr and get_last_lr() after construction and after each step: ConstantLR alone, with two
param groups, stepped beside another scheduler with an lr set by hand, inside ChainedScheduler,
before and after another scheduler in SequentialLR (handing over before and at totalIters, factor 0
included), and PyTorch's deprecated step(epoch). `state` is a state_dict() after 3 steps (as JSON)
with the lrs of the next steps, for resuming here.
"""
import json
import os
import warnings

import torch
from torch.optim import SGD
from torch.optim.lr_scheduler import ChainedScheduler, ConstantLR, CosineAnnealingLR, ExponentialLR, LinearLR, SequentialLR, StepLR

warnings.filterwarnings("ignore")  # step(epoch)'s deprecation
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "constant-lr.json")
STEPS = 12


def sgd(groups=None):
    p = [torch.zeros(1, requires_grad=True) for _ in range(2)]
    if groups:
        return SGD([{"params": [p[0]], "lr": groups[0]}, {"params": [p[1]], "lr": groups[1]}], lr=0.1)
    return SGD([p[0]], lr=0.1)


def lrs(opt):
    return [g["lr"] for g in opt.param_groups]


# name → (groups, make(opt) → schedulers stepped in order, hand-set lr {after step: lr}, step arguments {step: epoch})
CASES = {
    "default": (None, lambda o: [ConstantLR(o)], {}, {}),
    "factor0.5_total3": (None, lambda o: [ConstantLR(o, factor=0.5, total_iters=3)], {}, {}),
    "two_groups": ((0.1, 0.02), lambda o: [ConstantLR(o, factor=0.25, total_iters=4)], {}, {}),
    "beside_step_hand_set": (None, lambda o: [ConstantLR(o, factor=0.5, total_iters=4), StepLR(o, step_size=3, gamma=0.5)], {2: 1.0}, {}),
    "chained": (None, lambda o: [ChainedScheduler([ConstantLR(o, factor=0.5, total_iters=4), ExponentialLR(o, gamma=0.9)])], {}, {}),
    "sequential_then_exp": (None, lambda o: [SequentialLR(o, [ConstantLR(o, factor=0.1, total_iters=3), ExponentialLR(o, gamma=0.9)], milestones=[3])], {}, {}),
    "sequential_hand_over_early": (None, lambda o: [SequentialLR(o, [ConstantLR(o, factor=0.5, total_iters=6), CosineAnnealingLR(o, T_max=8)], milestones=[4])], {}, {}),
    "sequential_factor0": (None, lambda o: [SequentialLR(o, [ConstantLR(o, factor=0.0, total_iters=3), ExponentialLR(o, gamma=0.9)], milestones=[3])], {}, {}),
    "sequential_linear_then_constant": (None, lambda o: [SequentialLR(o, [LinearLR(o, start_factor=0.5, total_iters=2), ConstantLR(o, factor=0.2, total_iters=3)], milestones=[3])], {}, {}),
    "step_epoch": (None, lambda o: [ConstantLR(o, factor=0.25, total_iters=5)], {}, {2: 7, 4: 1}),
}


def run(groups, make, hand, jumps):
    o = sgd(groups)
    scheds = make(o)
    out = {"lrs": [lrs(o)], "last_lr": [scheds[-1].get_last_lr()]}
    for e in range(STEPS):
        for s in scheds:
            if e in jumps:
                s.step(jumps[e])
            else:
                s.step()
        if e in hand:
            for g in o.param_groups:
                g["lr"] = hand[e]
        out["lrs"].append(lrs(o))
        out["last_lr"].append(scheds[-1].get_last_lr())
    return out


def state_case():
    o = sgd()
    s = ConstantLR(o, factor=0.25, total_iters=5)
    for _ in range(3):
        s.step()
    state = s.state_dict()
    nxt = []
    for _ in range(4):
        s.step()
        nxt.append(o.param_groups[0]["lr"])
    return {"state": state, "next": nxt}


def main():
    out = {name: run(*case) for name, case in CASES.items()}
    out["state"] = state_case()
    out["torch"] = torch.__version__
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
