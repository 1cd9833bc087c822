#!/usr/bin/env python3
"""PyTorch golden values for torch.special's composed functions: ndtr, sinc, entr, exp2, xlog1py
(test/special.test.ts, src/ops/table/composed-special.ts).

    /opt/torch-venv/bin/python scripts/fixtures_special.py

Writes test/fixtures/special.safetensors (layout: scripts/golden_cases.py).
"""
import torch

from golden_cases import f32, fixture_path, inf, nan, positive, randn, write_cases

OUT = fixture_path("special")
torch.manual_seed(0)

CASES = [
    ("ndtr", torch.special.ndtr, [randn(3, 4) * 2], [True]),
    ("ndtrTails", torch.special.ndtr, [f32([-40.0, -12.0, -5.0, 0.0, 5.0, 12.0, inf, -inf, nan])], [False]),
    ("sinc", torch.special.sinc, [randn(3, 4) * 2], [True]),
    ("sincAtZero", torch.special.sinc, [f32([0.0, 1.0, -2.0, 0.5, 1e-4])], [True]),
    ("sincEdges", torch.special.sinc, [f32([inf, -inf, nan, 1e20])], [False]),
    ("entr", torch.special.entr, [positive(3, 4)], [True]),
    ("entrEdges", torch.special.entr, [f32([0.0, -1.0, 1.0, inf, nan])], [False]),
    ("exp2", torch.special.exp2, [randn(3, 4) * 3], [True]),
    ("xlog1py", torch.special.xlog1py, [randn(3, 4), positive(3, 4) - 0.25], [True, True]),
    ("xlog1pyZeros", torch.special.xlog1py, [f32([0.0, 0.0, 1.0, 0.0, 2.0]), f32([-1.0, 3.0, -1.0, nan, 0.5])], [False, False]),
    ("xlog1pyZeroGrad", torch.special.xlog1py, [f32([0.0, 1.5, -0.5]), f32([0.5, 2.0, 1.0])], [True, True]),
    ("xlog1pyBroadcast", torch.special.xlog1py, [randn(2, 1, 3), positive(4, 1)], [True, True]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
