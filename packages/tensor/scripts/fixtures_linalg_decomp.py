#!/usr/bin/env python3
"""PyTorch golden values for the symmetric decompositions and what is built on them
(test/linalg-decomp.test.ts, src/ops/table/linalg-decomp.ts, linalg-svd.ts): cholesky, cholesky_ex,
solve_triangular, cholesky_solve, cholesky_inverse, eigh, eigvalsh, svd, svdvals, pinv,
matrix_rank, lstsq, qr. Eigenvectors follow our sign
rule (Note [eigenvector signs]): each column's largest entry positive.

    /opt/torch-venv/bin/python scripts/fixtures_linalg_decomp.py

Writes test/fixtures/linalg-decomp.safetensors (layout: scripts/golden_cases.py).
"""
import torch

from golden_cases import fixture_path, randn, write_cases

OUT = fixture_path("linalg-decomp")
torch.manual_seed(0)


def spd(*shape):
    """Symmetric positive-definite: B·Bᵀ + n·I."""
    *batch, n, _ = shape
    b = torch.randn(*batch, n, n)
    return b @ b.mT + n * torch.eye(n)


def symmetric(*shape):
    """Symmetric with eigenvalues well apart: Q·diag·Qᵀ with eigenvalues 1, 2, … shuffled in sign."""
    *batch, n, _ = shape
    q, _ = torch.linalg.qr(torch.randn(*batch, n, n))
    w = torch.arange(1, n + 1, dtype=torch.float32) * torch.where(torch.arange(n) % 2 == 0, 1.0, -1.0)
    return (q * w) @ q.mT


def triangular(*shape, upper):
    """A triangular matrix with a diagonal well away from 0 (the other triangle random: never read)."""
    *batch, n, _ = shape
    a = torch.randn(*batch, n, n) * 0.5
    return a + torch.eye(n) * 2.5


def signed(v):
    at = v.detach().abs().argmax(dim=-2, keepdim=True)
    return v * torch.where(torch.gather(v.detach(), -2, at) < 0, -1.0, 1.0)


def eigh(a, uplo="L"):
    w, v = torch.linalg.eigh(a, UPLO=uplo)
    return [w, signed(v)]


def sym(b):
    return (b + b.mT) / 2


def separated(*shape):
    """Matrices with singular values 1, 2, … (well apart): Q1·diag·Q2ᵀ."""
    *batch, m, n = shape
    k = min(m, n)
    q1, _ = torch.linalg.qr(torch.randn(*batch, m, k))
    q2, _ = torch.linalg.qr(torch.randn(*batch, n, k))
    return (q1 * torch.arange(1, k + 1, dtype=torch.float32)) @ q2.mT


def svd(a, full=False):
    U, S, Vh = torch.linalg.svd(a, full_matrices=full)
    k = S.shape[-1]
    at = U[..., :, :k].detach().abs().argmax(dim=-2, keepdim=True)
    sign = torch.where(torch.gather(U[..., :, :k].detach(), -2, at) < 0, -1.0, 1.0)
    return [U[..., :, :k] * sign, S, Vh[..., :k, :] * sign.mT]


def qr(a, mode="reduced"):
    Q, R = torch.linalg.qr(a, mode=mode)
    k = min(a.shape[-2], a.shape[-1])
    sign = torch.where(torch.diagonal(R[..., :k, :k].detach(), dim1=-2, dim2=-1) < 0, -1.0, 1.0)
    return [Q[..., :, :k] * sign.unsqueeze(-2), R[..., :k, :] * sign.unsqueeze(-1)]


RANK2 = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])


CASES = [
    ("cholesky", torch.linalg.cholesky, [spd(4, 4)], [True]),
    ("choleskyBatched", torch.linalg.cholesky, [spd(2, 3, 5, 5)], [True]),
    ("choleskyUpper", lambda a: torch.linalg.cholesky(a, upper=True), [spd(3, 3)], [True]),
    ("choleskyOfProduct", lambda b: torch.linalg.cholesky(b @ b.mT + 4 * torch.eye(4)), [randn(4, 4)], [True]),
    ("choleskyLarger", torch.linalg.cholesky, [spd(16, 16)], [True]),
    ("choleskyEx", lambda a: list(torch.linalg.cholesky_ex(a)), [spd(2, 3, 3)], [False]),
    ("solveTriangularLower", lambda a, b: torch.linalg.solve_triangular(a, b, upper=False), [triangular(4, 4, upper=False), randn(4, 3)], [True, True]),
    ("solveTriangularUpperRight", lambda a, b: torch.linalg.solve_triangular(a, b, upper=True, left=False), [triangular(3, 3, upper=True), randn(2, 3)], [True, True]),
    ("solveTriangularUnitBatched", lambda a, b: torch.linalg.solve_triangular(a, b, upper=True, unitriangular=True), [triangular(2, 4, 4, upper=True), randn(2, 4, 2)], [True, True]),
    ("solveTriangularBroadcast", lambda a, b: torch.linalg.solve_triangular(a, b, upper=False), [triangular(3, 3, upper=False), randn(2, 3, 2)], [True, True]),
    ("choleskySolve", lambda b, l: torch.cholesky_solve(b, l), [randn(3, 2), torch.linalg.cholesky(spd(3, 3))], [True, True]),
    ("choleskyInverse", torch.cholesky_inverse, [torch.linalg.cholesky(spd(4, 4))], [True]),
    ("eigh", eigh, [symmetric(4, 4)], [True]),
    ("eighBatched", eigh, [symmetric(2, 3, 5, 5)], [True]),
    ("eighUpper", lambda a: eigh(a, "U"), [symmetric(3, 3)], [True]),
    ("eighOfSymmetrized", lambda b: eigh(sym(b)), [randn(4, 4)], [True]),
    ("eighLarger", eigh, [symmetric(12, 12)], [True]),
    ("eigvalsh", torch.linalg.eigvalsh, [symmetric(2, 4, 4)], [True]),
    ("svdSquare", svd, [separated(4, 4)], [True]),
    ("svdTall", svd, [separated(6, 3)], [True]),
    ("svdWideBatched", svd, [separated(2, 3, 5)], [True]),
    ("svdFullTall", lambda a: svd(a, True), [separated(5, 3)], [True]),
    ("svdvals", torch.linalg.svdvals, [randn(2, 4, 3)], [True]),
    ("pinv", torch.linalg.pinv, [separated(5, 3)], [True]),
    ("pinvWide", torch.linalg.pinv, [separated(2, 3, 4)], [True]),
    ("pinvRankDeficient", torch.linalg.pinv, [RANK2], [False]),
    ("matrixRank", lambda a: torch.linalg.matrix_rank(a), [torch.stack([RANK2, randn(4, 3)])], [False]),
    ("matrixRankAtol", lambda a: torch.linalg.matrix_rank(a, atol=1.5), [separated(2, 4, 4)], [False]),
    ("lstsqTall", lambda a, b: list(torch.linalg.lstsq(a, b, driver="gelsd"))[:2], [separated(6, 3), randn(6, 2)], [True, True]),
    ("qrTall", qr, [randn(5, 3)], [True]),
    ("qrSquareBatched", qr, [randn(2, 4, 4)], [True]),
    ("qrWide", qr, [randn(3, 5)], [True]),
    ("qrCompleteWide", lambda a: qr(a, "complete"), [randn(2, 4)], [True]),
    ("lstsqSquare", lambda a, b: list(torch.linalg.lstsq(a, b, driver="gelsd"))[:1], [separated(3, 3), randn(3, 2)], [True, True]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
