"""References for matmul and linear."""
import torch
import torch.nn.functional as F


def _matmul(x, a):
    lhs = x[0].mT if a["transA"] else x[0]
    rhs = x[1].mT if a["transB"] else x[1]
    return [torch.matmul(lhs, rhs)]


TORCH = {
    "matmul": _matmul,
    "linear": lambda x, a: [F.linear(x[0], x[1], x[2])],
}


def _lu_factor_ex(x, a):
    lu, pivots, info = torch.linalg.lu_factor_ex(x[0])
    return [lu, pivots, info]


def _lu_solve(x, a):
    # torch.linalg.lu_solve reads the pivots as they are (int32, 1-based): the samples give valid ones.
    return [torch.linalg.lu_solve(x[0], x[1], x[2], adjoint=a["adjoint"])]


TORCH.update({
    "luFactorEx": _lu_factor_ex,
    "luSolve": _lu_solve,
})


def _cholesky(x, a):
    """torch.linalg.cholesky_ex, with L zeroed where the factorization failed (our rule: LAPACK
    leaves a partial factor there)."""
    L, info = torch.linalg.cholesky_ex(x[0])
    failed = (info != 0).reshape(*info.shape, 1, 1)
    return [torch.where(failed, torch.zeros_like(L), L), info.to(torch.int32)]


def _signed_columns(v):
    """Each column's entry of largest magnitude (the first of equal ones) made positive."""
    if v.numel() == 0:
        return v
    at = v.abs().argmax(dim=-2, keepdim=True)
    sign = torch.where(torch.gather(v, -2, at) < 0, -1.0, 1.0)
    return v * sign


def _eigh(x, a):
    w, v = torch.linalg.eigh(x[0], UPLO=a["uplo"])
    return [w, _signed_columns(v)]


TORCH.update({
    "cholesky": _cholesky,
    "eigh": _eigh,
})


def _svd(x, a):
    """torch.linalg.svd with our sign rule (Note [singular vector signs]): each column of U has its
    largest entry positive, its row of Vh flipped with it; extra columns/rows alone."""
    U, S, Vh = torch.linalg.svd(x[0], full_matrices=a["fullMatrices"])
    k = S.shape[-1]
    if U.numel() and k:
        at = U[..., :, :k].abs().argmax(dim=-2, keepdim=True)
        sign = torch.where(torch.gather(U[..., :, :k], -2, at) < 0, -1.0, 1.0)
        U = torch.cat([U[..., :, :k] * sign, _signed_columns(U[..., :, k:])], dim=-1)
        Vh = torch.cat([Vh[..., :k, :] * sign.mT, _signed_columns(Vh[..., k:, :].mT).mT], dim=-2)
    return [U, S, Vh]


TORCH.update({"svd": _svd})


def _qr(x, a):
    """torch.linalg.qr with our sign rule (Note [qr signs]): R's diagonal never negative, Q's
    column flipped with its row of R; a complete Q's extra columns with their largest entry positive."""
    mode = a["mode"]
    Q, R = torch.linalg.qr(x[0], mode=mode)
    k = min(x[0].shape[-2], x[0].shape[-1])
    if R.numel():
        d = torch.diagonal(R[..., :k, :k], dim1=-2, dim2=-1)
        sign = torch.where(d < 0, -1.0, 1.0)
        R = torch.cat([R[..., :k, :] * sign.unsqueeze(-1), R[..., k:, :]], dim=-2)
        if mode != "r":
            Q = torch.cat([Q[..., :, :k] * sign.unsqueeze(-2), _signed_columns(Q[..., :, k:])], dim=-1)
    if mode == "r":
        Q = torch.zeros(0)
    return [Q, R]


TORCH.update({"qr": _qr})


def _triangular_solve(x, a):
    """op(A)·X = B; transposing A moves the triangle read to the other side."""
    A = x[0].mT if a["transpose"] else x[0]
    upper = a["upper"] != a["transpose"]
    return [torch.linalg.solve_triangular(A, x[1], upper=upper, unitriangular=a["unitriangular"])]


TORCH.update({"triangularSolve": _triangular_solve})
