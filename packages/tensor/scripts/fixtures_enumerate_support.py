#!/usr/bin/env python3
"""PyTorch golden values for enumerate_support (test/distributions-enumerate-support.test.ts,
enumerateSupport in src/distributions/): Bernoulli, Categorical, OneHotCategorical, Binomial,
Independent and expanded distributions, with expand true and false.

    /opt/torch-venv/bin/python scripts/fixtures_enumerate_support.py

Writes test/fixtures/enumerate-support.json: {"torch": version, "cases": {name: case}}. A case
holds the distribution's parameters ("params", tensors in the order the test's builder takes
them), has_enumerate_support, the support with expand=True and expand=False ("expanded",
"unexpanded"), and log_prob of the expanded support ("logProb"), or, where PyTorch refuses
enumerate_support, "refused": its message. A tensor is {"shape", "dtype", "data"} (row-major).
"""
import json
import os

import torch
import torch.distributions as D

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "enumerate-support.json")
torch.manual_seed(0)


def enc(t):
    t = t.detach()
    dtype = {torch.int64: "int64", torch.float32: "float32"}[t.dtype]
    data = [int(v) if dtype == "int64" else float(v) for v in t.flatten().tolist()]
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def probs(*shape):
    return torch.rand(shape) * 0.8 + 0.1


# (name, params, builder): the TS test has a builder of the same name taking the same params.
CASES = [
    ("bernoulliScalar", [torch.tensor(0.3)], lambda p: D.Bernoulli(probs=p)),
    ("bernoulliBatch", [probs(2, 3)], lambda p: D.Bernoulli(probs=p)),
    ("bernoulliLogits", [torch.randn(4)], lambda l: D.Bernoulli(logits=l)),
    ("categoricalVector", [probs(4)], lambda p: D.Categorical(probs=p)),
    ("categoricalBatch", [torch.randn(2, 3, 4)], lambda l: D.Categorical(logits=l)),
    ("oneHotVector", [probs(3)], lambda p: D.OneHotCategorical(probs=p)),
    ("oneHotBatch", [torch.randn(2, 3)], lambda l: D.OneHotCategorical(logits=l)),
    ("binomialNumberCount", [probs(2)], lambda p: D.Binomial(5, probs=p)),
    ("binomialScalar", [torch.tensor(0.4)], lambda p: D.Binomial(3, probs=p)),
    ("binomialZeroCount", [probs(2)], lambda p: D.Binomial(0, probs=p)),
    ("independentZeroDims", [probs(2, 3)], lambda p: D.Independent(D.Bernoulli(probs=p), 0)),
    ("independentOfIndependent", [torch.randn(2, 4)], lambda l: D.Independent(D.Independent(D.Categorical(logits=l), 0), 0)),
    ("independentReinterpreted", [probs(2, 3)], lambda p: D.Independent(D.Bernoulli(probs=p), 1)),
    ("expandedCategorical", [probs(4)], lambda p: D.Categorical(probs=p).expand([2, 3])),
    ("expandedBernoulli", [probs(3, 1)], lambda p: D.Bernoulli(probs=p).expand([2, 3, 4])),
    ("expandedOneHot", [probs(1, 3)], lambda p: D.OneHotCategorical(probs=p).expand([2, 2])),
    ("expandedBinomial", [probs(2)], lambda p: D.Binomial(2, probs=p).expand([3, 2])),
]


def run(params, build):
    d = build(*params)
    case = {"params": [enc(p) for p in params], "hasEnumerateSupport": d.has_enumerate_support}
    try:
        expanded = d.enumerate_support(expand=True)
    except NotImplementedError as e:
        case["refused"] = str(e)
        return case
    case["expanded"] = enc(expanded.contiguous())
    case["unexpanded"] = enc(d.enumerate_support(expand=False).contiguous())
    case["logProb"] = enc(d.log_prob(expanded))
    return case


def main():
    fixture = {"torch": torch.__version__, "cases": {name: run(params, build) for name, params, build in CASES}}
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}: {len(CASES)} cases")


if __name__ == "__main__":
    main()
