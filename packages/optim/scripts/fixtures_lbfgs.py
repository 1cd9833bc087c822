#!/usr/bin/env python3
"""PyTorch trajectories for @nutshell/optim's LBFGS tests: a few step(closure) calls of
torch.optim.LBFGS on Rosenbrock in 2-D, a least-squares fit (three parameters, one unused), a
logistic regression and sum(x^2 + A sin(w x)), with and without 'strong_wolfe', recording after
every step the loss step() returned, the parameters and the state's n_iter / func_evals.

    /opt/torch-venv/bin/python scripts/fixtures_lbfgs.py

Writes test/fixtures/lbfgs.json (the problems' data, the configurations and the trajectories; every
number is a float32 value written exactly) and test/fixtures/lbfgs-state.safetensors: PyTorch's
state after some steps of one configuration, laid out as saveOptimizer writes it, which the tests
load with loadOptimizer and continue from (PyTorch -> nutshell resumption).

L-BFGS in float32 amplifies rounding: its first curvature pair comes from a step of 1/|g|_1, and a
one-ulp change of the loss moves Rosenbrock's parameters by 1e-5 after 20 iterations and by 5e-2
after 40 (PyTorch against itself). So the configurations are short (a few iterations per step, a
few steps), chosen together to run every branch of the algorithm and of the strong-Wolfe search
but the zoom's "bracket too small" exit, and each trajectory is run again with the loss scaled
by 1 +- 2^-23, 1 +- 2^-22 and 1 + 3 * 2^-23: the largest deviation of each value is stored as its
`spread` (the test allows it twice on top of 1e-5 relative), and the script refuses a
configuration whose spread exceeds half of 1e-6 + 1e-5 |x| or whose iteration counts change.
"""
import json
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(__file__)


def f32(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def problems():
    gen = torch.Generator().manual_seed(2024)
    X = torch.randn(16, 5, generator=gen)
    W_true = torch.randn(3, 5, generator=gen)
    Y = X @ W_true.T + 0.1 * torch.randn(16, 3, generator=gen)
    W0 = W_true + 0.3 * torch.randn(3, 5, generator=gen)
    Xl = torch.randn(32, 4, generator=gen)
    w_true = torch.randn(4, generator=gen)
    yl = ((Xl @ w_true + 0.8 * torch.randn(32, generator=gen)) > 0).float()
    w0 = 0.1 * torch.randn(4, generator=gen)
    return {
        # Each problem: its parameters' initial values (shapes in order) and its data.
        "rosenbrock": {"params": [[-1.5, 2.0]], "shapes": [[2]], "data": {}},
        "lstsq": {
            # the third parameter takes no part in the loss: its gradient stays None (zeros in the flat gradient)
            "params": [f32(W0), [0.0, 0.0, 0.0], [0.25, -0.5]],
            "shapes": [[3, 5], [3], [2]],
            "data": {"X": f32(X), "X_shape": [16, 5], "Y": f32(Y), "Y_shape": [16, 3]},
        },
        "logistic": {
            "params": [f32(w0), [0.0]],
            "shapes": [[4], [1]],
            "data": {"X": f32(Xl), "X_shape": [32, 4], "y": f32(yl), "y_shape": [32]},
        },
        # sum(x^2 + A sin(w x)): many local minima, so the line search's cubic often lands at the
        # bracket's ends (its "insufficient progress" moves)
        "wiggly": {"params": [[2.0, -1.5]], "shapes": [[2]], "data": {"A": [1.0], "w": [5.0]}},
        "wiggly_fast": {"params": [[1.0, 1.0]], "shapes": [[2]], "data": {"A": [3.0], "w": [8.0]}},
    }


def loss_fn(problem, data, params):
    if problem == "rosenbrock":
        (x,) = params
        x0, x1 = x[0:1], x[1:2]
        return ((1 - x0) ** 2 + 100 * (x1 - x0**2) ** 2).sum()
    if problem == "lstsq":
        W, b, _unused = params
        X = torch.tensor(data["X"]).reshape(data["X_shape"])
        Y = torch.tensor(data["Y"]).reshape(data["Y_shape"])
        return ((X @ W.T + b - Y) ** 2).mean()
    if problem == "logistic":
        w, b = params
        X = torch.tensor(data["X"]).reshape(data["X_shape"])
        y = torch.tensor(data["y"])
        return F.binary_cross_entropy_with_logits(X @ w + b, y)
    if problem.startswith("wiggly"):
        (x,) = params
        return (x * x + data["A"][0] * torch.sin(data["w"][0] * x)).sum()
    raise ValueError(problem)


# name: (problem, LBFGS options in PyTorch's spelling, steps, initial values or None for the problem's)
WOLFE = {"line_search_fn": "strong_wolfe"}
CONFIGS = {
    "rosenbrock": ("rosenbrock", {"lr": 1, "max_iter": 4}, 2, None),
    "rosenbrock_history3": ("rosenbrock", {"lr": 0.5, "max_iter": 5, "history_size": 3}, 2, None),
    "rosenbrock_tolerance_change": ("rosenbrock", {"lr": 1, "max_iter": 8, "tolerance_change": 1e-2}, 2, None),
    "rosenbrock_wolfe": ("rosenbrock", {"lr": 1, "max_iter": 3, **WOLFE}, 4, None),
    "rosenbrock_wolfe_from_origin": ("rosenbrock", {"lr": 2, "max_iter": 8, "tolerance_change": 1e-2, **WOLFE}, 2, [[0.0, 0.0]]),
    "rosenbrock_wolfe_small_lr": ("rosenbrock", {"lr": 0.1, "max_iter": 3, **WOLFE}, 2, [[0.0, 0.0]]),
    "rosenbrock_wolfe_lr2": ("rosenbrock", {"lr": 2, "max_iter": 3, **WOLFE}, 1, None),
    "lstsq": ("lstsq", {"lr": 0.5, "max_iter": 3, "history_size": 2}, 2, None),
    "lstsq_wolfe_tolerance_grad": ("lstsq", {"lr": 2, "max_iter": 8, "tolerance_grad": 0.03, **WOLFE}, 2, None),
    "logistic": ("logistic", {"lr": 0.5, "max_iter": 3, "history_size": 2}, 3, None),
    "logistic_wolfe_max_eval": ("logistic", {"max_iter": 4, "max_eval": 5, **WOLFE}, 2, None),
    "wiggly_wolfe": ("wiggly", {"lr": 10, "max_iter": 4, **WOLFE}, 1, None),
    "wiggly_fast_wolfe": ("wiggly_fast", {"lr": 3, "max_iter": 4, **WOLFE}, 1, None),
}
RESUME = ("logistic", 2)  # PyTorch's state after this many steps of this configuration
PERTURBATIONS = [2.0**-23, -(2.0**-23), 2.0**-22, -(2.0**-22), 3 * 2.0**-23]


def trajectory(probs, name, scale=1.0, on_step=None):
    problem, kw, steps, start = CONFIGS[name]
    p = probs[problem]
    params = [torch.tensor(v).reshape(s).requires_grad_() for v, s in zip(start or p["params"], p["shapes"])]
    opt = torch.optim.LBFGS(params, **kw)

    def closure():
        opt.zero_grad()
        loss = loss_fn(problem, p["data"], params)
        if scale != 1.0:
            loss = loss * scale
        loss.backward()
        return loss

    out = []
    for k in range(steps):
        loss = float(opt.step(closure).detach())
        st = opt.state[params[0]]
        out.append((loss, [q.detach().clone() for q in params], st["n_iter"], st["func_evals"]))
        if on_step:
            on_step(k + 1, opt)
    return out


def run(probs, name):
    problem, kw, steps, start = CONFIGS[name]
    resume = lambda k, opt: write_state(opt) if (name, k) == RESUME else None
    base = trajectory(probs, name, on_step=resume)
    others = [trajectory(probs, name, scale=1 + e) for e in PERTURBATIONS]
    out = {"problem": problem, "options": kw, "steps": steps, "start": start, "losses": [], "params": [], "n_iter": [], "func_evals": [], "loss_spread": [], "spread": []}
    for k, (loss, params, n_iter, func_evals) in enumerate(base):
        out["losses"].append(loss)
        out["params"].append([f32(q) for q in params])
        out["n_iter"].append(n_iter)
        out["func_evals"].append(func_evals)
        # a scaled loss is a scaled value: compare it unscaled
        out["loss_spread"].append(max(abs(o[k][0] / (1 + e) - loss) for o, e in zip(others, PERTURBATIONS)))
        spread = [torch.stack([(o[k][1][i].double() - q.double()).abs() for o in others]).amax(0) for i, q in enumerate(params)]
        out["spread"].append([f32(s) for s in spread])
        for i, q in enumerate(params):
            ratio = (spread[i] / (1e-6 + 1e-5 * q.double().abs())).max().item()
            if ratio > 0.5:
                raise SystemExit(f"{name} step {k + 1}: PyTorch moves param {i} by {ratio:.2f} of the tolerance under a one-ulp change of the loss; shorten this configuration")
        if any((o[k][2], o[k][3]) != (n_iter, func_evals) for o in others):
            raise SystemExit(f"{name} step {k + 1}: the iteration counts change under a one-ulp change of the loss; shorten this configuration")
    return out


def write_state(opt):
    """opt's state as saveOptimizer lays it out: tensors state.0.<name>[.<k>], groups as JSON."""
    st = opt.state[opt.param_groups[0]["params"][0]]
    tensors = {}
    for key, v in st.items():
        if key == "al":  # scratch of the two-loop recursion, rewritten before it is read
            continue
        name = f"state.0.{key}"
        if isinstance(v, list):
            for k, e in enumerate(v):
                tensors[f"{name}.{k}"] = e.detach().clone().contiguous()
        elif key in ("n_iter", "func_evals"):
            tensors[name] = torch.tensor(v, dtype=torch.int64)
        elif isinstance(v, torch.Tensor):
            tensors[name] = v.detach().clone().float().contiguous()
        else:
            tensors[name] = torch.tensor(float(v), dtype=torch.float32)
    groups = [{k: v for k, v in g.items() if k != "params"} | {"params": list(range(len(g["params"])))} for g in opt.param_groups]
    path = os.path.join(HERE, "..", "test", "fixtures", "lbfgs-state.safetensors")
    save_file(tensors, path, metadata={"optimizer": "LBFGS", "param_groups": json.dumps(groups), "torch": torch.__version__})
    print(f"wrote {os.path.relpath(path)}")


def main():
    torch.set_num_threads(1)
    probs = problems()
    runs = {name: run(probs, name) for name in CONFIGS}
    path = os.path.join(HERE, "..", "test", "fixtures", "lbfgs.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "problems": probs, "runs": runs, "resume": {"run": RESUME[0], "after": RESUME[1]}}, f)
        f.write("\n")
    print(f"wrote {os.path.relpath(path)}")
    for name, r in runs.items():
        print(f"{name}: losses {['%.6g' % l for l in r['losses']]}, n_iter {r['n_iter']}, func_evals {r['func_evals']}")


if __name__ == "__main__":
    main()
