"""References for the scans: cumsum, logcumsumexp (each also from the end back, `reverse`), cummax, cummin."""
import torch


def _along(fn, x, a):
    """fn over dim `a["dim"]`, from the end back when `a["reverse"]`."""
    d = a["dim"]
    if not a.get("reverse") or x.dim() == 0:
        return fn(x, d)
    return fn(x.flip(d), d).flip(d)


def _cumsum(x, a):
    return [_along(torch.cumsum, x[0], a)]


def _logcumsumexp(x, a):
    return [_along(torch.logcumsumexp, x[0], a)]


def _cummax(x, a):
    values, indices = torch.cummax(x[0], dim=a["dim"])
    return [values, indices]


def _cummin(x, a):
    values, indices = torch.cummin(x[0], dim=a["dim"])
    return [values, indices]


TORCH = {"cumsum": _cumsum, "logcumsumexp": _logcumsumexp, "cummax": _cummax, "cummin": _cummin}
