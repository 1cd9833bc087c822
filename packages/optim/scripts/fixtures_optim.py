#!/usr/bin/env python3
"""PyTorch trajectories for @nutshell/optim's tests: 20 steps of every optimiser configuration on a
fixed parameter with a fixed sequence of gradients, and 20 steps of every lr schedule driving
SGD with momentum on the same gradients.

    /opt/torch-venv/bin/python scripts/fixtures_optim.py   (npm run fixtures -w @nutshell/optim)

Writes test/fixtures/optim.safetensors; the configurations travel in its metadata as JSON, so the
TS test builds exactly the same optimisers and schedules.
"""
import json
import os

import torch
from safetensors.torch import save_file

STEPS = 20
OPTIMISERS = {
    "sgd": ("SGD", {"lr": 0.1}),
    "sgd_momentum": ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    "sgd_nesterov": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    "sgd_dampening_maximize": ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.2, "maximize": True}),
    "adam": ("Adam", {"lr": 0.01}),
    "adam_beta2_near_one": ("Adam", {"lr": 0.01, "betas": [0.9, 0.99999]}),
    "adam_wd_amsgrad": ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    "adamw": ("AdamW", {"lr": 0.01}),
    "adamw_amsgrad": ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "betas": [0.8, 0.99]}),
    "rmsprop": ("RMSprop", {"lr": 0.01}),
    "rmsprop_alpha_near_one": ("RMSprop", {"lr": 0.01, "alpha": 0.99999}),
    "rmsprop_centered_momentum": ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.01}),
    "adagrad": ("Adagrad", {"lr": 0.1}),
    "adagrad_decay": ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.01, "initial_accumulator_value": 0.1}),
    "nadam": ("NAdam", {"lr": 0.01}),
    "nadam_decoupled": ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "momentum_decay": 0.01, "maximize": True}),
    "radam": ("RAdam", {"lr": 0.01}),
    "radam_decoupled": ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "betas": [0.8, 0.99]}),
    "adamax": ("Adamax", {"lr": 0.01}),
    "adamax_wd": ("Adamax", {"lr": 0.02, "weight_decay": 0.1, "betas": [0.8, 0.99], "maximize": True}),
    "adadelta": ("Adadelta", {}),
    "adadelta_wd": ("Adadelta", {"lr": 0.5, "rho": 0.95, "weight_decay": 0.01, "maximize": True}),
}
SCHEDULES = {
    "step": ("StepLR", {"step_size": 3, "gamma": 0.5}),
    "multistep": ("MultiStepLR", {"milestones": [2, 5, 9], "gamma": 0.3}),
    "exponential": ("ExponentialLR", {"gamma": 0.9}),
    "cosine": ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}),
    "linear": ("LinearLR", {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 6}),
    "onecycle": ("OneCycleLR", {"max_lr": 0.5, "total_steps": STEPS + 1}),
    "onecycle_linear_three_phase": ("OneCycleLR", {"max_lr": 0.3, "total_steps": STEPS + 1, "anneal_strategy": "linear", "three_phase": True}),
    "warm_restarts": ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.001}),
    "cyclic": ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "step_size_down": 5}),
    "cyclic_triangular2": ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2, "mode": "triangular2", "cycle_momentum": False}),
    "cyclic_exp_range": ("CyclicLR", {"base_lr": 0.02, "max_lr": 0.2, "step_size_up": 4, "mode": "exp_range", "gamma": 0.9, "base_momentum": 0.7, "max_momentum": 0.95}),
    "plateau": ("ReduceLROnPlateau", {"mode": "min", "factor": 0.5, "patience": 2, "cooldown": 1}),
}
PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.96, 0.97, 0.8, 0.81, 0.82, 0.83, 0.84, 0.7, 0.7, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6]


def main():
    gen = torch.Generator().manual_seed(1234)
    p0 = torch.randn(3, 4, generator=gen)
    grads = torch.randn(STEPS, 3, 4, generator=gen)
    out = {"p0": p0, "grads": grads, "plateau_metrics": torch.tensor(PLATEAU_METRICS)}
    for name, (cls, kw) in OPTIMISERS.items():
        p = torch.nn.Parameter(p0.clone())
        opt = getattr(torch.optim, cls)([p], **kw)
        traj = []
        for t in range(STEPS):
            p.grad = grads[t].clone()
            opt.step()
            traj.append(p.detach().clone())
        out[f"{name}/traj"] = torch.stack(traj)
    for name, (cls, kw) in SCHEDULES.items():
        p = torch.nn.Parameter(p0.clone())
        opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
        sched = getattr(torch.optim.lr_scheduler, cls)(opt, **kw)
        lrs, moms, traj = [opt.param_groups[0]["lr"]], [opt.param_groups[0]["momentum"]], []
        for t in range(STEPS):
            p.grad = grads[t].clone()
            opt.step()
            traj.append(p.detach().clone())
            if cls == "ReduceLROnPlateau":
                sched.step(PLATEAU_METRICS[t])
            else:
                sched.step()
            lrs.append(opt.param_groups[0]["lr"])
            moms.append(opt.param_groups[0]["momentum"])
        out[f"{name}/lrs"] = torch.tensor(lrs, dtype=torch.float64).float()
        out[f"{name}/momentum"] = torch.tensor(moms, dtype=torch.float64).float()
        out[f"{name}/traj"] = torch.stack(traj)
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "optim.safetensors")
    meta = {"optimisers": json.dumps(OPTIMISERS), "schedules": json.dumps(SCHEDULES), "steps": str(STEPS), "torch": torch.__version__}
    save_file({k: v.contiguous() for k, v in out.items()}, path, metadata=meta)
    print(f"wrote {os.path.relpath(path)}")


if __name__ == "__main__":
    main()
