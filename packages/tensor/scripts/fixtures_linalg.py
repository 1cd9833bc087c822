#!/usr/bin/env python3
"""PyTorch golden values for the linear algebra functions (test/linalg.test.ts,
src/ops/table/linalg-lu.ts, src/ops/table/linalg-composed.ts): solve, inv, det, slogdet,
lu_factor, dot, mv, cross, vecdot.

    /opt/torch-venv/bin/python scripts/fixtures_linalg.py

Writes test/fixtures/linalg.safetensors (layout: scripts/golden_cases.py).
"""
import torch

from golden_cases import fixture_path, randn, write_cases

OUT = fixture_path("linalg")
torch.manual_seed(0)


def well(*shape):
    """Matrices with singular values in [0.5, 2]: Q1 · diag · Q2 of random orthogonal Q1, Q2."""
    *batch, n, _ = shape
    q1, _ = torch.linalg.qr(torch.randn(*batch, n, n))
    q2, _ = torch.linalg.qr(torch.randn(*batch, n, n))
    s = torch.rand(*batch, n) * 1.5 + 0.5
    return (q1 * s.unsqueeze(-2)) @ q2


t = lambda rows: torch.tensor(rows, dtype=torch.float32)  # noqa: E731
# A zero where the first pivot would be without row exchanges.
PIVOTING = t([[0.0, 2.0, 1.0], [1.0, 1.0, 0.5], [3.0, -1.0, 2.0]])
# det −6 (an odd permutation of diag(1, 2, 3)).
NEGATIVE = t([[0.0, 2.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
SINGULAR = t([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [7.0, 8.0, 10.0]])

solve = torch.linalg.solve
CASES = [
    ("solveMatrix", solve, [well(4, 4), randn(4, 2)], [True, True]),
    ("solveVector", solve, [well(5, 5), randn(5)], [True, True]),
    ("solveBatched", solve, [well(2, 3, 3), randn(2, 3, 2)], [True, True]),
    ("solveBatchedVector", solve, [well(2, 3, 3), randn(2, 3)], [True, True]),
    ("solveOneFactorManyB", solve, [well(3, 3), randn(2, 4, 3, 2)], [True, True]),
    ("solveBroadcastBoth", solve, [well(2, 1, 3, 3), randn(4, 3, 1)], [True, True]),
    ("solveVectorAgainstBatch", solve, [well(3, 4, 4), randn(4)], [True, True]),
    ("solvePivoting", solve, [PIVOTING, randn(3, 3)], [True, True]),
    ("solveOneByOne", solve, [t([[-2.5]]), randn(1, 3)], [True, True]),
    ("solveLarger", solve, [well(16, 16), randn(16, 3)], [True, True]),
    ("inv", torch.linalg.inv, [well(4, 4)], [True]),
    ("invBatched", torch.linalg.inv, [well(2, 3, 5, 5)], [True]),
    ("invPivoting", torch.linalg.inv, [PIVOTING], [True]),
    ("invOneByOne", torch.linalg.inv, [t([[4.0]])], [True]),
    ("invLarger", torch.linalg.inv, [well(16, 16)], [True]),
    ("det", torch.linalg.det, [well(4, 4)], [True]),
    ("detBatched", torch.linalg.det, [well(3, 2, 3, 3)], [True]),
    ("detNegative", torch.linalg.det, [NEGATIVE], [True]),
    ("detPivoting", torch.linalg.det, [PIVOTING], [True]),
    ("detOneByOne", torch.linalg.det, [t([[-1.5]])], [True]),
    # PyTorch gives 0 as the gradient where det is 0 (the cofactors are not 0 there): ours too.
    ("detSingular", torch.linalg.det, [SINGULAR], [True]),
    ("detBatchWithSingular", torch.linalg.det, [torch.stack([PIVOTING, SINGULAR, NEGATIVE])], [True]),
    ("slogdet", lambda a: list(torch.linalg.slogdet(a)), [well(4, 4)], [True]),
    ("slogdetBatched", lambda a: list(torch.linalg.slogdet(a)), [torch.stack([well(3, 3), NEGATIVE, PIVOTING])], [True]),
    ("slogdetLarge", lambda a: list(torch.linalg.slogdet(a)), [well(12, 12) * 20], [True]),
    ("slogdetSingular", lambda a: list(torch.linalg.slogdet(a)), [SINGULAR], [False]),
    ("luFactor", lambda a: list(torch.linalg.lu_factor(a)), [well(2, 4, 4)], [True]),
    ("dot", torch.dot, [randn(5), randn(5)], [True, True]),
    ("mv", torch.mv, [randn(3, 4), randn(4)], [True, True]),
    ("cross", lambda a, b: torch.linalg.cross(a, b), [randn(4, 3), randn(4, 3)], [True, True]),
    ("crossBroadcast", lambda a, b: torch.linalg.cross(a, b), [randn(2, 1, 3), randn(1, 5, 3)], [True, True]),
    ("crossDim0", lambda a, b: torch.linalg.cross(a, b, dim=0), [randn(3, 4), randn(3, 4)], [True, True]),
    ("vecdot", lambda a, b: torch.linalg.vecdot(a, b), [randn(2, 3, 4), randn(3, 4)], [True, True]),
    ("vecdotDim", lambda a, b: torch.linalg.vecdot(a, b, dim=0), [randn(3, 2), randn(3, 2)], [True, True]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
