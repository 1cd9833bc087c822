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
