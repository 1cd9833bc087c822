#!/usr/bin/env python3
"""PyTorch golden values for src/distributions/ (test/distributions.test.ts): log_prob, entropy,
cdf, mean, stddev and variance of Normal, Bernoulli, Categorical, Uniform and Independent, and
kl_divergence of the registered pairs, each with the gradients of sum(upstream * result) with
respect to every float parameter and the value.

    /opt/torch-venv/bin/python scripts/fixtures_distributions.py

Writes test/fixtures/distributions.json: {"cases": {name: case}, "kl": {name: case}}.
A tensor is {"shape": [...], "dtype": "float32" | "int64", "data": [...]} (row-major, with
non-finite numbers as the strings "inf", "-inf", "nan", which JSON cannot hold); a distribution
is {"type": "Normal", "args": {"loc": tensor or number, ...}} or {"type": "Independent",
"base": distribution, "n": reinterpreted batch dims}. Each case lists, per function, the output
("out"), the upstream gradient and the gradients ("grads") keyed by the parameter's path
("loc", "base.scale", "value"; "p.loc" in KL cases). The TS test builds every call from this.
"""
import json
import math
import os

import torch
import torch.distributions as D

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "distributions.json")
torch.manual_seed(0)
# Values outside the support (a Uniform's value past high) are part of the cases; nutshell does
# not validate by default either.
D.Distribution.set_default_validate_args(False)


def num(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(t):
    t = t.detach()
    dtype = "int64" if t.dtype == torch.int64 else "float32"
    data = [num(float(v)) if dtype == "float32" else int(v) for v in t.flatten().tolist()]
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def f32(*values, shape=None):
    t = torch.tensor(values, dtype=torch.float32)
    return t.reshape(shape) if shape is not None else t


def positive(*shape):
    return torch.rand(shape) * 1.5 + 0.3


def probs(*shape):
    return torch.rand(shape) * 0.8 + 0.1


# Specs: plain data; `build` makes fresh leaves (requires_grad for every float tensor) each time,
# so each function's gradients start from zero.
def normal(loc, scale):
    return {"type": "Normal", "args": {"loc": loc, "scale": scale}}


def bernoulli(**kw):
    return {"type": "Bernoulli", "args": kw}


def categorical(**kw):
    return {"type": "Categorical", "args": kw}


def uniform(low, high):
    return {"type": "Uniform", "args": {"low": low, "high": high}}


def independent(base, n):
    return {"type": "Independent", "base": base, "n": n}


def build(spec, leaves, prefix=""):
    if spec["type"] == "Independent":
        return D.Independent(build(spec["base"], leaves, prefix + "base."), spec["n"])
    args = {}
    for k, v in spec["args"].items():
        if isinstance(v, torch.Tensor):
            v = v.clone().requires_grad_(True)
            leaves[prefix + k] = v
        args[k] = v
    return getattr(D, spec["type"])(**args)


def spec_json(spec):
    if spec["type"] == "Independent":
        return {"type": "Independent", "base": spec_json(spec["base"]), "n": spec["n"]}
    return {"type": spec["type"], "args": {k: enc(v) if isinstance(v, torch.Tensor) else v for k, v in spec["args"].items()}}


def with_grads(make, leaves):
    out = make()
    entry = {"out": enc(out)}
    if out.requires_grad:
        up = torch.randn(out.shape)
        (out * up).sum().backward()
        entry["upstream"] = enc(up)
        entry["grads"] = {k: enc(v.grad) if v.grad is not None else enc(torch.zeros_like(v)) for k, v in leaves.items()}
    return entry


# (name, distribution, value for log_prob/cdf, functions)
CASES = [
    ("normal", normal(torch.randn(2, 3), positive(2, 3)), torch.randn(2, 3), ["log_prob", "entropy", "cdf", "mean", "stddev", "variance"]),
    # loc [3] and scale [2, 1] broadcast to the batch [2, 3]; the value [4, 1, 1] to [4, 2, 3]
    ("normalBroadcast", normal(torch.randn(3), positive(2, 1)), torch.randn(4, 1, 1), ["log_prob", "entropy", "cdf", "mean", "stddev", "variance"]),
    ("normalNumberLoc", normal(0.5, positive(3)), torch.randn(2, 3), ["log_prob", "entropy", "cdf", "mean"]),
    ("normalNumbers", normal(-1.0, 2.0), torch.randn(5), ["log_prob", "entropy", "cdf", "stddev"]),
    ("bernoulliProbs", bernoulli(probs=probs(2, 3)), torch.bernoulli(torch.full((2, 3), 0.5)), ["log_prob", "entropy", "mean", "variance"]),
    # probs 0 and 1 are clamped to [eps, 1 - eps] for the logits, as PyTorch's probs_to_logits
    ("bernoulliEdges", bernoulli(probs=f32(0.0, 1.0, 0.5, 1e-9)), f32(0.0, 1.0, 1.0, 1.0), ["log_prob", "entropy", "mean"]),
    ("bernoulliLogits", bernoulli(logits=torch.randn(4) * 3), torch.bernoulli(torch.full((3, 4), 0.5)), ["log_prob", "entropy", "mean", "variance"]),
    ("categoricalProbs", categorical(probs=torch.rand(2, 4) + 0.05), torch.randint(0, 4, (3, 2)), ["log_prob", "entropy"]),
    ("categoricalLogits", categorical(logits=torch.randn(3, 5) * 2), torch.randint(0, 5, (3,)), ["log_prob", "entropy"]),
    ("categoricalZeroProb", categorical(probs=f32(0.5, 0.0, 0.25, 0.25, 0.0, 0.0, 1.0, 3.0, shape=[2, 4])), torch.tensor([0, 3]), ["log_prob", "entropy"]),
    ("categoricalMinusInfLogit", categorical(logits=f32(0.3, -math.inf, 1.2)), torch.tensor([[0], [2]]), ["log_prob", "entropy"]),
    ("categoricalVector", categorical(probs=f32(0.1, 0.2, 0.7)), torch.tensor(2), ["log_prob", "entropy"]),
    # values below low, inside, and at or past high (log_prob -inf outside; cdf clamped)
    ("uniform", uniform(f32(-1.0, 0.0, 0.5), f32(1.0, 2.0, 3.0, 0.5, 0.25, 4.0, shape=[2, 3])),
     f32(-2.0, 1.0, 3.5, 0.0, 0.25, 1.0, shape=[2, 3]), ["log_prob", "entropy", "cdf", "mean", "stddev", "variance"]),
    ("uniformNumbers", uniform(-2.0, 3.0), f32(-1.0, 0.0, 2.5), ["log_prob", "entropy", "cdf", "mean", "variance"]),
    ("independentNormal", independent(normal(torch.randn(2, 3), positive(2, 3)), 1), torch.randn(4, 2, 3), ["log_prob", "entropy", "mean", "variance"]),
    ("independentBernoulli", independent(bernoulli(logits=torch.randn(2, 3, 4)), 2), torch.bernoulli(torch.full((2, 3, 4), 0.5)), ["log_prob", "entropy", "mean"]),
    ("independentAll", independent(normal(torch.randn(3), positive(3)), 1), torch.randn(3), ["log_prob", "entropy"]),
]

KL = [
    ("normal", normal(torch.randn(2, 3), positive(2, 3)), normal(torch.randn(3), positive(3))),
    ("normalNumbers", normal(torch.randn(4), positive(4)), normal(0.0, 1.0)),
    # (PyTorch's Bernoulli KL indexes with the unbroadcast masks, so p and q share a shape here)
    ("bernoulli", bernoulli(probs=probs(2, 3)), bernoulli(logits=torch.randn(2, 3))),
    # p = 0 and p = 1 (their terms vanish) and q = 0 or 1 under p > 0 (infinite)
    ("bernoulliEdges", bernoulli(probs=f32(0.0, 1.0, 0.3, 0.3, 0.6)), bernoulli(probs=f32(0.4, 0.4, 0.0, 1.0, 0.6))),
    ("categorical", categorical(logits=torch.randn(2, 4)), categorical(probs=torch.rand(4) + 0.1)),
    # q = 0 where p > 0: infinite; p = 0: that term vanishes
    ("categoricalZeros", categorical(probs=f32(0.5, 0.0, 0.5, 0.2, 0.3, 0.5, shape=[2, 3])), categorical(probs=f32(0.5, 0.5, 0.0, 0.4, 0.3, 0.3, shape=[2, 3]))),
    ("independentNormal", independent(normal(torch.randn(2, 3), positive(2, 3)), 1), independent(normal(torch.randn(2, 3), positive(2, 3)), 1)),
    ("independentBernoulli", independent(bernoulli(logits=torch.randn(2, 3)), 2), independent(bernoulli(probs=probs(2, 3)), 2)),
]

TORCH_NAME = {"log_prob": "logProb", "entropy": "entropy", "cdf": "cdf", "mean": "mean", "stddev": "stddev", "variance": "variance"}


def run_case(spec, value, fns):
    out = {"dist": spec_json(spec), "value": enc(value), "results": {}}
    for fn in fns:
        leaves = {}
        d = build(spec, leaves)
        if fn in ("log_prob", "cdf"):
            v = value.clone()
            if v.dtype == torch.float32:
                v.requires_grad_(True)
                leaves["value"] = v
            make = lambda d=d, v=v, fn=fn: getattr(d, fn)(v)
        elif fn == "entropy":
            make = lambda d=d: d.entropy()
        else:
            make = lambda d=d, fn=fn: getattr(d, fn)
        got = make()
        # Discrete values and distributions hold no gradient for some outputs (a Categorical's
        # log_prob w.r.t. an integer value): only the float leaves are reported.
        out["results"][TORCH_NAME[fn]] = with_grads(lambda got=got: got, leaves)
        out["results"][TORCH_NAME[fn]]["shape"] = list(got.shape)
    return out


def run_kl(p_spec, q_spec):
    leaves_p, leaves_q = {}, {}
    p = build(p_spec, leaves_p)
    q = build(q_spec, leaves_q)
    leaves = {**{"p." + k: v for k, v in leaves_p.items()}, **{"q." + k: v for k, v in leaves_q.items()}}
    entry = with_grads(lambda: D.kl_divergence(p, q), leaves)
    return {"p": spec_json(p_spec), "q": spec_json(q_spec), **entry}


def main():
    fixture = {
        "torch": torch.__version__,
        "cases": {name: run_case(spec, value, fns) for name, spec, value, fns in CASES},
        "kl": {name: run_kl(p, q) for name, p, q in KL},
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(CASES)} cases, {len(KL)} kl pairs")


if __name__ == "__main__":
    main()
