#!/usr/bin/env python3
"""PyTorch golden values for the fourth set of composed functions (test/composed-fourth.test.ts):
isinf/isposinf/isneginf, reciprocal, addcmul, addcdiv, clamp with tensor bounds, clamp_min,
clamp_max, clip, meshgrid, pixel_shuffle, pixel_unshuffle, rms_norm, instance_norm.

    /opt/torch-venv/bin/python scripts/fixtures_composed_fourth.py

Writes test/fixtures/composed-fourth.safetensors: per case `<case>.input.<i>`, `<case>.output.<j>`,
the upstream gradients `<case>.upstream.<j>` (float outputs that require grad) and the input
gradients `<case>.grad.<i>`; metadata `cases` is JSON {case: {"inputs": n, "grad": [...]}} naming
which inputs are differentiated. The TS test pairs each case name with the nutshell call.
scripts/golden_cases.py records the cases (test/golden-cases.ts reads them).
"""
import torch
import torch.nn.functional as F

from golden_cases import fixture_path, inf, nan, randn, write_cases

OUT = fixture_path("composed-fourth")
torch.manual_seed(0)


def away_from_zero(*shape):
    """Values with |v| in [0.5, 1.5]: no pole of 1/x nearby."""
    return (torch.rand(*shape) + 0.5) * torch.where(torch.rand(*shape) < 0.5, -1.0, 1.0)


def instance_norm_training(x, rm, rv, w, b):
    rm, rv = rm.clone(), rv.clone()
    y = F.instance_norm(x, rm, rv, w, b, use_input_stats=True, momentum=0.2, eps=1e-5)
    return y, rm, rv  # instance_norm updates the running statistics in place


# (case, function of the inputs → tensor or list of tensors, inputs, which inputs get gradients)
CASES = [
    ("isinf", torch.isinf, [torch.tensor([inf, -inf, nan, 0.0, 1e38, -3.5])], [False]),
    ("isposinf", torch.isposinf, [torch.tensor([inf, -inf, nan, 0.0, 1e38, -3.5])], [False]),
    ("isneginf", torch.isneginf, [torch.tensor([inf, -inf, nan, 0.0, 1e38, -3.5])], [False]),
    ("isinfInt", torch.isinf, [torch.tensor([1, -2, 3], dtype=torch.int64)], [False]),
    ("reciprocal", torch.reciprocal, [away_from_zero(3, 4)], [True]),
    ("reciprocalZeros", torch.reciprocal, [torch.tensor([0.0, -0.0, inf, -2.0])], [False]),
    ("reciprocalInt", torch.reciprocal, [torch.tensor([1, 2, -4, 5], dtype=torch.int32)], [False]),
    ("addcmul", lambda i, a, b: torch.addcmul(i, a, b, value=0.5), [randn(2, 3), randn(3), randn(2, 1)], [True, True, True]),
    ("addcmulDefault", torch.addcmul, [randn(4), randn(2, 4), randn(2, 4)], [True, True, True]),
    ("addcmulInt", lambda i, a, b: torch.addcmul(i, a, b, value=3), [torch.tensor([1, 2, 3]), torch.tensor([4, -5, 6]), torch.tensor([2])], [False, False, False]),
    ("addcdiv", lambda i, a, b: torch.addcdiv(i, a, b, value=-2), [randn(2, 3), randn(2, 3), away_from_zero(1, 3)], [True, True, True]),
    ("addcdivDefault", torch.addcdiv, [randn(3, 1), randn(3, 2), away_from_zero(2)], [True, True, True]),
    ("clampTensors", lambda x, lo, hi: torch.clamp(x, lo, hi), [randn(3, 4), randn(4) - 0.5, randn(3, 1) + 0.5], [True, True, True]),
    ("clampMinAboveMax", lambda x, lo, hi: torch.clamp(x, lo, hi), [randn(2, 3), torch.tensor([0.5, -0.2, 1.0]), torch.tensor([0.1, 0.3, -1.0])], [True, True, True]),
    ("clampTensorMin", lambda x, lo: torch.clamp(x, min=lo), [randn(3, 4), randn(3, 1)], [True, True]),
    ("clampTensorMax", lambda x, hi: torch.clamp(x, max=hi), [randn(2, 3), randn(2, 2, 3)], [True, True]),
    ("clampNaNBound", lambda x, lo, hi: torch.clamp(x, lo, hi), [torch.tensor([0.5, nan, -2.0, 3.0]), torch.tensor([nan, 0.0, 0.0, 0.0]), torch.tensor([1.0, 1.0, 1.0, nan])], [False, False, False]),
    ("clampIntTensors", lambda x, lo, hi: torch.clamp(x, lo, hi), [torch.tensor([-5, 0, 5, 9], dtype=torch.int32), torch.tensor([-1], dtype=torch.int32), torch.tensor([2, 2, 8, 8], dtype=torch.int32)], [False, False, False]),
    ("clampMinTensor", torch.clamp_min, [randn(3, 4), randn(4)], [True, True]),
    ("clampMaxNumber", lambda x: torch.clamp_max(x, 0.3), [randn(3, 4)], [True]),
    ("clipTensors", lambda x, lo, hi: torch.clip(x, lo, hi), [randn(2, 5), randn(5) - 0.5, randn(5) + 0.5], [True, True, True]),
    ("meshgridIJ", lambda a, b, c: list(torch.meshgrid(a, b, c, indexing="ij")), [randn(3), randn(2), randn(4)], [True, True, True]),
    ("meshgridXY", lambda a, b, c: list(torch.meshgrid(a, b, c, indexing="xy")), [randn(3), randn(2), randn(4)], [True, True, True]),
    ("meshgridScalar", lambda a, b: list(torch.meshgrid(a, b, indexing="ij")), [randn(()), randn(3)], [True, True]),
    ("meshgridInt", lambda a, b: list(torch.meshgrid(a, b, indexing="xy")), [torch.arange(3), torch.arange(4)], [False, False]),
    ("pixelShuffle", lambda x: F.pixel_shuffle(x, 2), [randn(2, 8, 3, 2)], [True]),
    ("pixelShuffleBatchDims", lambda x: F.pixel_shuffle(x, 3), [randn(2, 3, 9, 2, 2)], [True]),
    ("pixelShuffleUnbatched", lambda x: F.pixel_shuffle(x, 2), [randn(4, 2, 3)], [True]),
    ("pixelUnshuffle", lambda x: F.pixel_unshuffle(x, 2), [randn(2, 2, 4, 6)], [True]),
    ("pixelUnshuffleBatchDims", lambda x: F.pixel_unshuffle(x, 3), [randn(2, 2, 1, 3, 6)], [True]),
    ("rmsNorm", lambda x, w: F.rms_norm(x, [4], w), [randn(2, 3, 4), torch.rand(4) + 0.5], [True, True]),
    ("rmsNormTwoDims", lambda x: F.rms_norm(x, [3, 4], eps=1e-3), [randn(2, 3, 4)], [True]),
    ("instanceNorm", instance_norm_training, [randn(2, 3, 5), randn(3), torch.rand(3) + 0.5, torch.rand(3) + 0.5, randn(3)], [True, False, False, True, True]),
    ("instanceNorm2d", lambda x: F.instance_norm(x), [randn(2, 2, 3, 4)], [True]),
    ("instanceNormRunning", lambda x, rm, rv: F.instance_norm(x, rm, rv, use_input_stats=False, eps=1e-3), [randn(2, 3, 4), randn(3), torch.rand(3) + 0.5], [True, False, False]),
]


if __name__ == "__main__":
    write_cases(CASES, OUT)
