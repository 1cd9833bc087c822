"""References for pooling: max (+ backward through the workspace), average, adaptive average.

stride [] means the kernel size. maxPool2dBackward's workspace holds, per output, the index of
the chosen element inside its window (kh * kW + kw), as oneDNN writes it (pool.cc's Note [max
pool workspace]); its reference scatters through those indices directly.
"""
import torch
import torch.nn.functional as F


def _stride(a):
    return a["stride"] or a["kernelSize"]


def max_pool2d(x, a):
    return [F.max_pool2d(x[0], a["kernelSize"], _stride(a), a["padding"], a["dilation"], a["ceilMode"])]


def max_pool2d_backward(x, a):
    gy, ws = x
    n, c, oh, ow = gy.shape
    h, w = a["inputShape"][2:]
    kh, kw = a["kernelSize"]
    sh, sw = _stride(a)
    ph, pw = a["padding"]
    dh, dw = a["dilation"]
    idx = ws.long()
    rows = torch.arange(oh).view(1, 1, oh, 1) * sh - ph + (idx // kw) * dh
    cols = torch.arange(ow).view(1, 1, 1, ow) * sw - pw + (idx % kw) * dw
    flat = (rows * w + cols).reshape(n, c, -1)
    out = torch.zeros(n, c, h * w).scatter_add_(2, flat, gy.reshape(n, c, -1))
    return [out.reshape(n, c, h, w)]


def _avg(inp, a):
    return F.avg_pool2d(inp, a["kernelSize"], _stride(a), a["padding"], a["ceilMode"], a["countIncludePad"])


def avg_pool2d_backward(x, a):
    inp = torch.zeros(a["inputShape"], requires_grad=True)
    (gx,) = torch.autograd.grad(_avg(inp, a), inp, x[0], create_graph=True)
    return [gx]


def adaptive_avg_pool2d_backward(x, a):
    gy = x[0]
    inp = torch.zeros(a["inputShape"], requires_grad=True)
    (gx,) = torch.autograd.grad(F.adaptive_avg_pool2d(inp, gy.shape[2:]), inp, gy, create_graph=True)
    return [gx]


TORCH = {
    "maxPool2d": max_pool2d,
    "maxPool2dBackward": max_pool2d_backward,
    "avgPool2d": lambda x, a: [_avg(x[0], a)],
    "avgPool2dBackward": avg_pool2d_backward,
    "adaptiveAvgPool2d": lambda x, a: [F.adaptive_avg_pool2d(x[0], a["outputSize"])],
    "adaptiveAvgPool2dBackward": adaptive_avg_pool2d_backward,
}
