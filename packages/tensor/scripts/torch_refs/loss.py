"""References for the losses (torch.nn.functional) and their backward ops. A backward op's
reference differentiates the forward with torch.autograd (create_graph, so that ops with a
gradient of their own get golden second derivatives too)."""
import torch
import torch.nn.functional as F

REDUCTION_ENUM = {"none": 0, "mean": 1, "sum": 2}


def _optional(w):
    return w if w.numel() else None


def _grad_of(loss_fn, upstream, wrt):
    """Gradients of loss_fn(*wrt) for an upstream gradient; differentiable in turn when the
    fixture asks for second derivatives (some input already requires grad)."""
    second = upstream.requires_grad or any(t.requires_grad for t in wrt)
    leaves = [t if t.requires_grad else t.detach().requires_grad_() for t in wrt]
    loss = loss_fn(*leaves)
    grads = torch.autograd.grad(loss, leaves, upstream, create_graph=second)
    return grads if second else [g.detach() for g in grads]


def _cross_entropy(x, t, w, a):
    return F.cross_entropy(x, t, weight=_optional(w), ignore_index=a["ignoreIndex"], reduction=a["reduction"], label_smoothing=a["labelSmoothing"])


def _cross_entropy_backward(xs, a):
    g, x, t, w = xs
    if t.dtype == torch.float32 and a["targetGrad"]:
        gx, gt = _grad_of(lambda x_, t_: _cross_entropy(x_, t_, w, a), g, [x, t])
        return [gx, gt]
    (gx,) = _grad_of(lambda x_: _cross_entropy(x_, t, w, a), g, [x])
    return [gx, torch.zeros(0)]


def _nll(x, t, w, a):
    return F.nll_loss(x, t, weight=_optional(w), ignore_index=a["ignoreIndex"], reduction=a["reduction"])


def _nll_backward(xs, a):
    g, t, w = xs
    (gx,) = _grad_of(lambda x_: _nll(x_, t, w, a), g, [torch.zeros(a["inputShape"])])
    return [gx]


def _l1_backward(xs, a):
    g, x, t = xs
    (gx,) = _grad_of(lambda x_: F.l1_loss(x_, t, reduction=a["reduction"]), g, [x])
    return [gx]


def _with_target_grad(grads, a):
    """[grad of input, grad of target], the second empty when the op was asked not to compute it."""
    return [grads[0], grads[1] if a["targetGrad"] else torch.zeros(0)]


def _bce_backward(xs, a):
    g, x, t, w = xs
    return _with_target_grad(_grad_of(lambda x_, t_: F.binary_cross_entropy(x_, t_, weight=_optional(w), reduction=a["reduction"]), g, [x, t]), a)


def _bce_logits(x, t, w, pw, a):
    return F.binary_cross_entropy_with_logits(x, t, weight=_optional(w), pos_weight=_optional(pw), reduction=a["reduction"])


def _bce_logits_backward(xs, a):
    g, x, t, w, pw = xs
    return _with_target_grad(_grad_of(lambda x_, t_: _bce_logits(x_, t_, w, pw, a), g, [x, t]), a)


TORCH = {
    "crossEntropy": lambda x, a: [_cross_entropy(x[0], x[1], x[2], a)],
    "crossEntropyBackward": _cross_entropy_backward,
    "nllLoss": lambda x, a: [_nll(x[0], x[1], x[2], a)],
    "nllLossBackward": _nll_backward,
    "mseLoss": lambda x, a: [F.mse_loss(x[0], x[1], reduction=a["reduction"])],
    "mseLossBackward": lambda x, a: [torch.ops.aten.mse_loss_backward(x[0], x[1], x[2], REDUCTION_ENUM[a["reduction"]])],
    "l1Loss": lambda x, a: [F.l1_loss(x[0], x[1], reduction=a["reduction"])],
    "l1LossBackward": _l1_backward,
    "binaryCrossEntropy": lambda x, a: [F.binary_cross_entropy(x[0], x[1], weight=_optional(x[2]), reduction=a["reduction"])],
    "binaryCrossEntropyBackward": _bce_backward,
    "binaryCrossEntropyWithLogits": lambda x, a: [_bce_logits(x[0], x[1], x[2], x[3], a)],
    "binaryCrossEntropyWithLogitsBackward": _bce_logits_backward,
}
