"""References for convolution: conv2d, conv3d and their backward-data / backward-weights ops.

padding is [h, w] (symmetric) or [top, left, bottom, right], or conv3d's [d, h, w]; an empty
bias ([0]) means none.
The backward ops are computed by autograd through the forward with create_graph, so their own
gradients (double backward) come out too.
"""
import torch
import torch.nn.functional as F


def _conv(inp, w, b, a):
    p = a["padding"]
    if len(p) == 4:
        top, left, bottom, right = p
        inp = F.pad(inp, (left, right, top, bottom))
        p = (0, 0)
    return F.conv2d(inp, w, b if b is not None and b.numel() else None,
                    stride=a["stride"], padding=tuple(p), dilation=a["dilation"], groups=a["groups"])


def _conv3d(inp, w, b, a):
    return F.conv3d(inp, w, b if b is not None and b.numel() else None,
                    stride=a["stride"], padding=a["padding"], dilation=a["dilation"], groups=a["groups"])


def conv2d(x, a):
    y = _conv(x[0], x[1], x[2], a)
    return [F.relu(y) if a.get("activation") == "relu" else y]


def _backward_data(conv):
    def run(x, a):
        gy, w = x
        inp = torch.zeros(a["inputShape"], requires_grad=True)
        (gx,) = torch.autograd.grad(conv(inp, w, None, a), inp, gy, create_graph=True)
        return [gx]
    return run


def _backward_weights(conv):
    def run(x, a):
        gy, inp = x
        w = torch.zeros(a["weightShape"], requires_grad=True)
        (gw,) = torch.autograd.grad(conv(inp, w, None, a), w, gy, create_graph=True)
        return [gw]
    return run


TORCH = {
    "conv2d": conv2d,
    "conv2dBackwardData": _backward_data(_conv),
    "conv2dBackwardWeights": _backward_weights(_conv),
    "conv3d": lambda x, a: [_conv3d(x[0], x[1], x[2], a)],
    "conv3dBackwardData": _backward_data(_conv3d),
    "conv3dBackwardWeights": _backward_weights(_conv3d),
}
