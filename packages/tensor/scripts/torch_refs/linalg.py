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
