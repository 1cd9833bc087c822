"""References for pooling, 2-d and 3-d: max (+ backward through the workspace), average,
adaptive average.

stride [] means the kernel size. The max-pool backward's workspace holds, per output, the index
of the chosen element inside its window (kh * kW + kw; 3-d: (kd * kH + kh) * kW + kw), as oneDNN
writes it (pool.cc's Note [max pool workspace]); its reference scatters through those indices.
"""
import torch
import torch.nn.functional as F


def _stride(a):
    return a["stride"] or a["kernelSize"]


def max_pool2d(x, a):
    return [F.max_pool2d(x[0], a["kernelSize"], _stride(a), a["padding"], a["dilation"], a["ceilMode"])]


def max_pool_backward(x, a):
    gy, ws = x
    n, c = gy.shape[:2]
    out = gy.shape[2:]
    sizes = a["inputShape"][2:]
    k, stride, pad, dil = a["kernelSize"], _stride(a), a["padding"], a["dilation"]
    rest = ws.long()
    offsets = [None] * len(k)
    for ax in range(len(k) - 1, 0, -1):
        offsets[ax] = rest % k[ax]
        rest = rest // k[ax]
    offsets[0] = rest
    flat = 0
    for ax in range(len(k)):
        along = [1] * len(k)
        along[ax] = out[ax]
        start = torch.arange(out[ax]).view(1, 1, *along) * stride[ax] - pad[ax]
        flat = flat * sizes[ax] + start + offsets[ax] * dil[ax]
    total = 1
    for d in sizes:
        total *= d
    outputs = gy[0, 0].numel() if n * c else 0
    flat = flat.expand(gy.shape).reshape(n, c, outputs)
    res = torch.zeros(n, c, total).scatter_add_(2, flat, gy.reshape(n, c, outputs))
    return [res.reshape(a["inputShape"])]


def max_pool3d(x, a):
    return [F.max_pool3d(x[0], a["kernelSize"], _stride(a), a["padding"], a["dilation"], a["ceilMode"])]


def _avg3d(inp, a):
    return F.avg_pool3d(inp, a["kernelSize"], _stride(a), a["padding"], a["ceilMode"], a["countIncludePad"])


def _backward_of(forward):
    def backward(x, a):
        inp = torch.zeros(a["inputShape"], requires_grad=True)
        (gx,) = torch.autograd.grad(forward(inp, a), inp, x[0], create_graph=True)
        return [gx]

    return backward


def _avg(inp, a):
    return F.avg_pool2d(inp, a["kernelSize"], _stride(a), a["padding"], a["ceilMode"], a["countIncludePad"])


def adaptive_avg_pool2d_backward(x, a):
    gy = x[0]
    inp = torch.zeros(a["inputShape"], requires_grad=True)
    (gx,) = torch.autograd.grad(F.adaptive_avg_pool2d(inp, gy.shape[2:]), inp, gy, create_graph=True)
    return [gx]


TORCH = {
    "maxPool2d": max_pool2d,
    "maxPool2dBackward": max_pool_backward,
    "avgPool2d": lambda x, a: [_avg(x[0], a)],
    "avgPool2dBackward": _backward_of(_avg),
    "maxPool3d": max_pool3d,
    "maxPool3dBackward": max_pool_backward,
    "avgPool3d": lambda x, a: [_avg3d(x[0], a)],
    "avgPool3dBackward": _backward_of(_avg3d),
    "adaptiveAvgPool2d": lambda x, a: [F.adaptive_avg_pool2d(x[0], a["outputSize"])],
    "adaptiveAvgPool2dBackward": adaptive_avg_pool2d_backward,
}
