#!/usr/bin/env python3
"""PyTorch goldens for second derivatives through ops whose gradient is a fused backward op
(test/double-backward.test.ts; Note [double backward by composition] in src/ops/double-backward.ts):
crossEntropy, binaryCrossEntropy(WithLogits), layerNorm, batchNorm, maxPool2d, logsumexp; and through
max/min and embedding, whose backward ops have a gradient of their own.

    /opt/torch-venv/bin/python scripts/fixtures_double_backward.py

Every input is a sin sequence, shift + scale·sin(a·i + b) (float32), named by its spec, so the test
makes the same inputs from the specs in the fixture. For each case, with out = the op's output
(x through tanh(1.2·x) first when `pre`, plus the weight when `addWeight`):
    L   = Σ r·out + ½ Σ out²            (r = seq(out.shape, 0.29, 0.7))
    g   = ∂L/∂x                         (create_graph)
    pen = Σ g²,  penGrads = ∂pen/∂(every input in `diff`)
    hv  = ∂(Σ g·v)/∂x                   (v = seq(x.shape, 0.91, 0.5): a Hessian-vector product)
Writes test/fixtures/double-backward.json.
"""
import json
import math
import pathlib

import torch
import torch.nn.functional as F


def seq(shape, a, b, scale=1.0, shift=0.0):
    n = math.prod(shape)
    return torch.tensor([shift + scale * math.sin(a * i + b) for i in range(n)], dtype=torch.float32).reshape(shape)


def spec(shape, a, b, scale=1.0, shift=0.0):
    return {"shape": shape, "a": a, "b": b, "scale": scale, "shift": shift}


def make(s):
    return seq(s["shape"], s["a"], s["b"], s["scale"], s["shift"])


def run_op(op, t, ints, options):
    if op == "crossEntropy":
        kw = {}
        if "weight" in t:
            kw["weight"] = t["weight"]
        if "ignoreIndex" in options:
            kw["ignore_index"] = options["ignoreIndex"]
        if "labelSmoothing" in options:
            kw["label_smoothing"] = options["labelSmoothing"]
        target = t["target"] if "target" in t else torch.tensor(ints["target"], dtype=torch.int64)
        return F.cross_entropy(t["x"], target, reduction=options.get("reduction", "mean"), **kw)
    if op == "bceWithLogits":
        return F.binary_cross_entropy_with_logits(
            t["x"], t["target"], weight=t.get("weight"), pos_weight=t.get("posWeight"), reduction=options.get("reduction", "mean")
        )
    if op == "layerNorm":
        return F.layer_norm(t["x"], options["normalizedShape"], t.get("weight"), t.get("bias"), eps=options.get("eps", 1e-5))
    if op == "batchNorm":
        rm = t["runningMean"].clone() if "runningMean" in t else None
        rv = t["runningVar"].clone() if "runningVar" in t else None
        return F.batch_norm(t["x"], rm, rv, t.get("weight"), t.get("bias"), training=options["training"], momentum=options.get("momentum", 0.1), eps=options.get("eps", 1e-5))
    if op == "maxPool2d":
        return F.max_pool2d(t["x"], options["kernelSize"], stride=options.get("stride"), padding=options.get("padding", 0), dilation=options.get("dilation", 1))
    if op == "logsumexp":
        return torch.logsumexp(t["x"], dim=options["dim"], keepdim=options.get("keepdim", False))
    if op == "bce":
        return F.binary_cross_entropy(t["x"], t["target"], weight=t.get("weight"), reduction=options.get("reduction", "mean"))
    if op == "maxDim":
        return torch.max(t["x"], dim=options["dim"], keepdim=options.get("keepdim", False)).values
    if op == "minAll":
        return torch.min(t["x"])
    if op == "embedding":
        return F.embedding(torch.tensor(ints["target"], dtype=torch.int64), t["x"], padding_idx=options.get("paddingIdx"))
    raise ValueError(op)


cases = []


def case(name, op, inputs, diff, ints=None, options=None, pre=False, add_weight=False):
    ints = ints or {}
    options = options or {}
    leaves = {k: make(s).requires_grad_(k in diff) for k, s in inputs.items()}
    t = dict(leaves)
    if pre:
        t["x"] = torch.tanh(leaves["x"] * 1.2)
    if add_weight:
        t["x"] = t["x"] + leaves["weight"]
    out = run_op(op, t, ints, options)
    r = seq(list(out.shape), 0.29, 0.7)
    L = (r * out).sum() + 0.5 * (out * out).sum()
    x = leaves["x"]
    (g,) = torch.autograd.grad(L, [x], create_graph=True)
    pen = (g * g).sum()
    diff_leaves = [leaves[k] for k in diff]
    pen_grads = torch.autograd.grad(pen, diff_leaves, retain_graph=True, allow_unused=True)
    v = seq(list(x.shape), 0.91, 0.5)
    (hv,) = torch.autograd.grad((g * v).sum(), [x])
    flat = lambda z: z.detach().reshape(-1).tolist()
    cases.append({
        "name": name, "op": op, "inputs": inputs, "ints": ints, "options": options, "pre": pre, "addWeight": add_weight, "diff": diff,
        "out": flat(out), "outShape": list(out.shape), "g": flat(g), "pen": pen.item(),
        "penGrads": {k: (flat(pg) if pg is not None else [0.0] * leaves[k].numel()) for k, pg in zip(diff, pen_grads)},
        "hv": flat(hv),
    })


X45 = spec([4, 5], 0.37, 0.1, 2.0)
W = lambda c, a=0.53: spec([c], a, 0.2, 0.5, 1.0)  # positive weights in [0.5, 1.5]

# crossEntropy (also what nn.CrossEntropyLoss calls)
case("crossEntropy indices", "crossEntropy", {"x": X45}, ["x"], {"target": [0, 1, 2, 3]})
case("crossEntropy through tanh", "crossEntropy", {"x": X45}, ["x"], {"target": [4, 1, 0, 3]}, pre=True)
case("crossEntropy weight sum", "crossEntropy", {"x": X45, "weight": W(5)}, ["x"], {"target": [2, 0, 2, 4]}, {"reduction": "sum"})
case("crossEntropy weight ignoreIndex smoothing mean", "crossEntropy", {"x": spec([5, 4], 0.41, 0.3, 1.5), "weight": W(4)}, ["x"],
     {"target": [1, -100, 3, 0, 3]}, {"ignoreIndex": -100, "labelSmoothing": 0.2})
case("crossEntropy custom ignoreIndex smoothing mean", "crossEntropy", {"x": spec([4, 3], 0.61, 0.2, 1.5)}, ["x"],
     {"target": [0, 1, 1, 2]}, {"ignoreIndex": 1, "labelSmoothing": 0.1})
case("crossEntropy spatial none smoothing", "crossEntropy", {"x": spec([2, 3, 4], 0.23, 0.4, 2.0), "weight": W(3)}, ["x"],
     {"target": [[0, 2, 1, 2], [1, -100, 0, 2]]}, {"reduction": "none", "labelSmoothing": 0.1})
case("crossEntropy unbatched", "crossEntropy", {"x": spec([5], 0.7, 0.1, 2.0)}, ["x"], {"target": 3})
case("crossEntropy probabilities weight smoothing", "crossEntropy",
     {"x": spec([3, 4], 0.37, 0.1, 2.0), "target": spec([3, 4], 0.83, 0.9, 0.3, 0.5), "weight": W(4)}, ["x", "target"], {},
     {"labelSmoothing": 0.1})
case("crossEntropy probabilities sum", "crossEntropy", {"x": spec([2, 3, 2], 0.37, 0.1, 2.0), "target": spec([2, 3, 2], 0.83, 0.9, 0.3, 0.5)},
     ["x", "target"], {}, {"reduction": "sum"}, pre=True)

# binaryCrossEntropyWithLogits
case("bceWithLogits posWeight weight mean", "bceWithLogits",
     {"x": spec([3, 4], 0.37, 0.1, 2.0), "target": spec([3, 4], 0.83, 0.9, 0.4, 0.5), "weight": spec([3, 4], 0.3, 0.2, 0.5, 1.0), "posWeight": W(4, 0.71)},
     ["x", "target"])
case("bceWithLogits none", "bceWithLogits", {"x": spec([5], 0.9, 0.1, 3.0), "target": spec([5], 0.83, 0.9, 0.4, 0.5)}, ["x"], {},
     {"reduction": "none"}, pre=True)
case("bceWithLogits posWeight sum", "bceWithLogits", {"x": spec([2, 3], 0.5, 0.3, 2.0), "target": spec([2, 3], 0.83, 0.9, 0.4, 0.5), "posWeight": W(3, 0.71)},
     ["x"], {}, {"reduction": "sum"})

# layerNorm
case("layerNorm affine", "layerNorm", {"x": spec([3, 4], 0.37, 0.1, 2.0), "weight": W(4), "bias": spec([4], 0.9, 0.3)}, ["x", "weight", "bias"],
     options={"normalizedShape": [4]})
case("layerNorm two dims through tanh", "layerNorm", {"x": spec([2, 3, 4], 0.37, 0.1, 2.0), "weight": spec([3, 4], 0.47, 0.2, 0.5, 1.0), "bias": spec([3, 4], 0.9, 0.3)},
     ["x", "weight", "bias"], options={"normalizedShape": [3, 4]}, pre=True)
case("layerNorm weight also before it", "layerNorm", {"x": spec([3, 4], 0.37, 0.1, 2.0), "weight": W(4), "bias": spec([4], 0.9, 0.3)}, ["x", "weight", "bias"],
     options={"normalizedShape": [4], "eps": 1e-3}, add_weight=True)
case("layerNorm bare", "layerNorm", {"x": spec([2, 5], 0.37, 0.1, 2.0)}, ["x"], options={"normalizedShape": [5]})
case("layerNorm whole", "layerNorm", {"x": spec([2, 3], 0.37, 0.1, 2.0), "weight": spec([2, 3], 0.47, 0.2, 0.5, 1.0), "bias": spec([2, 3], 0.9, 0.3)},
     ["x", "weight", "bias"], options={"normalizedShape": [2, 3]})

# batchNorm
RM = lambda c: spec([c], 0.3, 0.1, 0.2)
RV = lambda c: spec([c], 0.7, 0.4, 0.3, 1.0)
case("batchNorm training 4d", "batchNorm",
     {"x": spec([4, 3, 2, 2], 0.37, 0.1, 2.0), "runningMean": RM(3), "runningVar": RV(3), "weight": W(3), "bias": spec([3], 0.9, 0.3)},
     ["x", "weight", "bias"], options={"training": True, "momentum": 0.1})
case("batchNorm training 2d bare through tanh", "batchNorm", {"x": spec([5, 3], 0.37, 0.1, 2.0)}, ["x"], options={"training": True}, pre=True)
case("batchNorm eval", "batchNorm",
     {"x": spec([2, 3, 2, 2], 0.37, 0.1, 2.0), "runningMean": RM(3), "runningVar": RV(3), "weight": W(3), "bias": spec([3], 0.9, 0.3)},
     ["x", "weight", "bias"], options={"training": False})

# maxPool2d
case("maxPool2d stride padding", "maxPool2d", {"x": spec([1, 2, 5, 5], 0.37, 0.1, 2.0)}, ["x"], options={"kernelSize": [3, 3], "stride": [2, 2], "padding": [1, 1]})
case("maxPool2d dilation through tanh", "maxPool2d", {"x": spec([1, 1, 7, 6], 0.53, 0.2, 2.0)}, ["x"],
     options={"kernelSize": [2, 3], "stride": [1, 2], "dilation": [2, 1]}, pre=True)
case("maxPool2d 2x2", "maxPool2d", {"x": spec([2, 3, 4, 4], 0.61, 0.3, 2.0)}, ["x"], options={"kernelSize": [2, 2]})

# logsumexp
case("logsumexp dim", "logsumexp", {"x": spec([3, 5], 0.37, 0.1, 2.0)}, ["x"], options={"dim": [1]})
case("logsumexp keepdim through tanh", "logsumexp", {"x": spec([2, 3, 4], 0.37, 0.1, 2.0)}, ["x"], options={"dim": [0, 2], "keepdim": True}, pre=True)
case("logsumexp all", "logsumexp", {"x": spec([3, 4], 0.37, 0.1, 2.0)}, ["x"], options={"dim": [0, 1]})

# binaryCrossEntropy (probabilities in (0.1, 0.9))
P = lambda shape, a, b: spec(shape, a, b, 0.4, 0.5)
case("bce weight mean", "bce", {"x": P([3, 4], 0.37, 0.1), "target": P([3, 4], 0.83, 0.9), "weight": spec([3, 4], 0.3, 0.2, 0.5, 1.0)}, ["x", "target"])
case("bce none", "bce", {"x": P([5], 0.9, 0.1), "target": P([5], 0.83, 0.9)}, ["x"], options={"reduction": "none"})
case("bce sum", "bce", {"x": P([2, 3], 0.5, 0.3), "target": P([2, 3], 0.61, 0.2)}, ["x", "target"], options={"reduction": "sum"})

# max/min and embedding: their backward ops are linear in the gradient, with a gradient of their own
case("max over a dim through tanh", "maxDim", {"x": spec([3, 5], 0.37, 0.1, 2.0)}, ["x"], options={"dim": 1}, pre=True)
case("max over a dim keepdim", "maxDim", {"x": spec([4, 3], 0.61, 0.3, 2.0)}, ["x"], options={"dim": 0, "keepdim": True})
case("min of everything through tanh", "minAll", {"x": spec([2, 3], 0.37, 0.1, 2.0)}, ["x"], pre=True)
case("embedding through tanh", "embedding", {"x": spec([5, 3], 0.37, 0.1, 2.0)}, ["x"], {"target": [[1, 3, 3], [0, 4, 1]]}, pre=True)
case("embedding paddingIdx", "embedding", {"x": spec([4, 2], 0.53, 0.2, 2.0)}, ["x"], {"target": [2, 0, 2, 3, 1]}, {"paddingIdx": 2}, pre=True)

out = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "double-backward.json"
out.write_text(json.dumps({"torch": torch.__version__, "cases": cases}) + "\n")
print(f"wrote {len(cases)} cases to {out}")
