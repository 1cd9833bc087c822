#!/usr/bin/env python3
"""PyTorch golden values for cdist's two paths (test/cdist.test.ts, src/ops/table/cdist.ts,
Note [cdist paths]): the matrix-product path PyTorch takes for p = 2 with more than 25 rows (or
when asked), the exact one otherwise, p = 0.

    /opt/torch-venv/bin/python scripts/fixtures_cdist.py

Writes test/fixtures/cdist.safetensors (layout: scripts/golden_cases.py).
"""
import torch

from golden_cases import fixture_path, randn, write_cases

OUT = fixture_path("cdist")
torch.manual_seed(0)


def with_repeats(rows, features, source, picks):
    """Rows of which some are rows of `source`: distances of exactly 0 (gradient 0 there)."""
    x = randn(rows, features)
    for i, j in picks:
        x[i] = source[j]
    return x


a40 = randn(40, 8)
MM = "use_mm_for_euclid_dist"
EXACT = "donot_use_mm_for_euclid_dist"

CASES = [
    ("matrixPathDefault", lambda a, b: torch.cdist(a, b), [a40, randn(30, 8)], [True, True]),
    ("matrixPathRepeatedRows", lambda a, b: torch.cdist(a, b), [a40, with_repeats(33, 8, a40, [(0, 0), (5, 17), (32, 39)])], [True, True]),
    # PyTorch's gradient here is its own rounding noise (a ratio of ~1e3 at each row against
    # itself, ~2e-3 off): values only; test/cdist.test.ts checks the gradient against the exact path.
    ("matrixPathSelf", lambda a: torch.cdist(a, a), [randn(30, 5)], [False]),
    ("matrixPathBatched", lambda a, b: torch.cdist(a, b), [randn(2, 27, 4), randn(2, 31, 4)], [True, True]),
    ("matrixPathForced", lambda a, b: torch.cdist(a, b, compute_mode=MM), [randn(5, 3), randn(4, 3)], [True, True]),
    ("exactPathSmall", lambda a, b: torch.cdist(a, b), [randn(6, 3), randn(7, 3)], [True, True]),
    ("exactPathForced", lambda a, b: torch.cdist(a, b, compute_mode=EXACT), [randn(30, 4), randn(28, 4)], [True, True]),
    ("exactPathBroadcastBatch", lambda a, b: torch.cdist(a, b), [randn(2, 30, 3), randn(1, 26, 3)], [True, True]),
    ("pZero", lambda a, b: torch.cdist(a, b, p=0), [torch.tensor([[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]]), torch.tensor([[0.0, 1.0, 3.0], [1.0, 0.0, 1.0], [0.0, 1.0, 2.0]])], [False, False]),
    ("pThreeLarge", lambda a, b: torch.cdist(a, b, p=3), [randn(30, 4), randn(27, 4)], [True, True]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
