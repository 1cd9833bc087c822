"""References for reductions (mean, var, std, max/min, argmax/argmin, logsumexp), the backward ops
of max/min, and softmax/logSoftmax with their backward ops."""
import torch

from .common import reduce_all


def _dims(x, a):
    return tuple(a["dims"]) if a["dims"] else tuple(range(x.dim()))


def _variance(fn):
    return lambda x, a: [fn(x[0], dim=_dims(x[0], a), correction=a["correction"], keepdim=a["keepdim"])]


def _arg(fn):
    def run(x, a):
        if not a["dims"]:
            return [fn(x[0], keepdim=a["keepdim"]) if a["keepdim"] else fn(x[0])]
        return [fn(x[0], dim=a["dims"][0], keepdim=a["keepdim"])]
    return run


def _by_dim(fn):
    def run(x, a):
        values, indices = fn(x[0], dim=a["dim"], keepdim=a["keepdim"])
        return [values, indices]
    return run


def _evenly_distribute(x, a):
    grad, inp, value = x
    mask = (inp == value) | (inp.isnan() & value.isnan())
    return [torch.where(mask, grad / mask.sum(), torch.zeros_like(inp))]


def _value_selecting(x, a):
    grad, indices = x
    return [torch.ops.aten.value_selecting_reduction_backward(grad, a["dim"], indices, a["sizes"], a["keepdim"])]


TORCH = {
    "mean": reduce_all(torch.mean),
    "var": _variance(torch.var),
    "std": _variance(torch.std),
    "logsumexp": lambda x, a: [torch.logsumexp(x[0], dim=_dims(x[0], a), keepdim=a["keepdim"])],
    "max": lambda x, a: [torch.max(x[0])],
    "min": lambda x, a: [torch.min(x[0])],
    "maxDim": _by_dim(torch.max),
    "minDim": _by_dim(torch.min),
    "argmax": _arg(torch.argmax),
    "argmin": _arg(torch.argmin),
    "valueSelectingReductionBackward": _value_selecting,
    "evenlyDistributeBackward": _evenly_distribute,
    "softmax": lambda x, a: [torch.softmax(x[0], a["dim"])],
    "logSoftmax": lambda x, a: [torch.log_softmax(x[0], a["dim"])],
    "softmaxBackward": lambda x, a: [torch._softmax_backward_data(x[0], x[1], a["dim"], torch.float32)],
    "logSoftmaxBackward": lambda x, a: [torch._log_softmax_backward_data(x[0], x[1], a["dim"], torch.float32)],
}


def _logsumexp_backward(x, a):
    """PyTorch's logsumexp_backward (FunctionsManual.cpp): grad · exp(self − result)."""
    grad, inp, result = x
    if not a["keepdim"] and inp.dim() > 0:
        for d in sorted(d % inp.dim() for d in _dims(inp, a)):
            grad, result = grad.unsqueeze(d), result.unsqueeze(d)
    return [grad * torch.exp(inp - result)]


TORCH["logsumexpBackward"] = _logsumexp_backward
