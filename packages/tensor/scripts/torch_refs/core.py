"""References for the first ops: add, mul, sum, cast, fill, expand, reshape."""
import torch

from .common import DTYPES, reduce_all

TORCH = {
    "add": lambda x, a: [x[0] + x[1]],
    "mul": lambda x, a: [x[0] * x[1]],
    "sum": reduce_all(torch.sum),
    "cast": lambda x, a: [x[0].to(DTYPES[a["dtype"]])],
    "fill": lambda x, a: [torch.full(a["shape"], a["value"], dtype=DTYPES[a["dtype"]])],
    "expand": lambda x, a: [x[0].expand(*a["shape"])],
    "reshape": lambda x, a: [x[0].reshape(a["shape"])],
}


def _copy_into(x, a):
    out = x[0].detach().clone()
    out.copy_(x[1])
    return [out]


TORCH["copyInto"] = _copy_into
