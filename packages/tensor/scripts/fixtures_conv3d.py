#!/usr/bin/env python3
"""PyTorch golden values for conv3d and conv_transpose3d (test/conv3d.test.ts,
src/ops/table/conv3d.ts) through the user functions: padding 'same' with even kernels (the odd
row after, Note [symmetric 3-d padding]), unbatched input, groups, dilation, strides, and the
transposed convolution's output padding, below the stride and past it under a larger dilation.

    /opt/torch-venv/bin/python scripts/fixtures_conv3d.py

Writes test/fixtures/conv3d.safetensors in scripts/golden_cases.py's layout: inputs x, weight,
bias (all differentiated).
"""
import torch
import torch.nn.functional as F

from golden_cases import fixture_path, randn, write_cases

OUT = fixture_path("conv3d")
torch.manual_seed(0)


def conv(**kw):
    return lambda x, w, b: F.conv3d(x, w, b, **kw)


def transposed(**kw):
    return lambda x, w, b: F.conv_transpose3d(x, w, b, **kw)


CASES = [
    ("basic", conv(), [randn(2, 3, 5, 6, 4), randn(4, 3, 3, 3, 3), randn(4)]),
    ("strideDilation", conv(stride=(2, 1, 2), padding=(1, 2, 0), dilation=(1, 2, 1)), [randn(1, 2, 6, 7, 5), randn(3, 2, 3, 3, 2), randn(3)]),
    ("sameEven", conv(padding="same"), [randn(1, 2, 5, 4, 6), randn(3, 2, 2, 4, 3), randn(3)]),
    ("sameDilated", conv(padding="same", dilation=(2, 1, 3)), [randn(1, 2, 6, 5, 7), randn(2, 2, 2, 3, 2), randn(2)]),
    ("groups", conv(groups=2, padding=1), [randn(2, 4, 3, 4, 5), randn(6, 2, 3, 3, 3), randn(6)]),
    ("unbatched", conv(padding=(0, 1, 1)), [randn(2, 4, 5, 5), randn(3, 2, 2, 3, 3), randn(3)]),
    ("transposed", transposed(), [randn(2, 3, 3, 4, 2), randn(3, 2, 3, 3, 3), randn(2)]),
    ("transposedStride", transposed(stride=2, padding=1, output_padding=(1, 0, 1)), [randn(1, 2, 3, 3, 4), randn(2, 3, 3, 3, 3), randn(3)]),
    ("transposedGroups", transposed(stride=(1, 2, 2), groups=2, dilation=(2, 1, 1)), [randn(1, 4, 3, 3, 3), randn(4, 1, 2, 3, 2), randn(2)]),
    # Output padding past the stride, allowed by a larger dilation: the full transposed
    # convolution cut at the padding, then zeros.
    ("transposedPastStride", transposed(stride=1, padding=(1, 0, 2), output_padding=(2, 1, 0), dilation=(3, 2, 1)), [randn(1, 2, 3, 3, 3), randn(2, 2, 2, 2, 3), randn(2)]),
    ("transposedUnbatched", transposed(stride=(2, 1, 1), padding=(0, 1, 0)), [randn(2, 3, 2, 3), randn(2, 3, 2, 3, 2), randn(3)]),
]

write_cases([(name, fn, inputs, [True] * len(inputs)) for name, fn, inputs in CASES], OUT)
