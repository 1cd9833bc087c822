"""References for normalisation: batch norm (+ backward) and layer norm (+ backward).

[0]-shaped tensors stand for absent optional inputs. batchNorm returns its updated running
statistics as outputs (norm.ts, Note [batch norm running statistics]): they are written here as
differentiable functions of the batch, and checked against PyTorch's own in-place update.
"""
import torch
import torch.nn.functional as F


def _opt(t):
    return t if t.numel() else None


def batch_norm(x, a):
    inp, rm, rv, w, b = x
    rm_t = rm.clone() if rm.numel() else None
    rv_t = rv.clone() if rv.numel() else None
    y = F.batch_norm(inp, rm_t, rv_t, _opt(w), _opt(b), training=a["training"], momentum=a["momentum"], eps=a["eps"])
    n = inp.numel() // inp.shape[1]
    if a["training"] and rm.numel() and n > 0:
        dims = [0] + list(range(2, inp.dim()))
        m = a["momentum"]
        new_m = (1 - m) * rm + m * inp.mean(dims)
        new_v = (1 - m) * rv + m * inp.var(dims, unbiased=True)
        assert torch.allclose(new_m.detach(), rm_t, atol=1e-6) and torch.allclose(new_v.detach(), rv_t, atol=1e-6)
    else:
        new_m, new_v = rm.clone(), rv.clone()
    return [y, new_m, new_v]


def batch_norm_backward(x, a):
    gy, inp, w, mean, var = x
    weight = w if w.numel() else torch.ones(inp.shape[1])
    eps = a["eps"]
    mask = [True, True, True]
    if inp.numel() == 0:  # PyTorch's kernel divides by the batch size (SIGFPE); autograd skips it
        return [torch.zeros_like(inp), torch.zeros(inp.shape[1]), torch.zeros(inp.shape[1])]
    if a["training"]:
        invstd = 1 / torch.sqrt(var + eps)
        out = torch.ops.aten.native_batch_norm_backward(gy, inp, weight, None, None, mean, invstd, True, eps, mask)
    else:
        out = torch.ops.aten.native_batch_norm_backward(gy, inp, weight, mean, var, None, None, False, eps, mask)
    return list(out)


def layer_norm_backward(x, a):
    gy, inp, w, mean, var = x
    ns = a["normalizedShape"]
    weight = w if w.numel() else torch.ones(ns)
    stat = list(inp.shape[: inp.dim() - len(ns)]) + [1] * len(ns)
    if inp.numel() == 0:
        return [torch.zeros_like(inp), torch.zeros(ns), torch.zeros(ns)]
    rstd = 1 / torch.sqrt(var + a["eps"])
    out = torch.ops.aten.native_layer_norm_backward(gy, inp, ns, mean.reshape(stat), rstd.reshape(stat), weight, torch.zeros(ns), [True, True, True])
    return list(out)


TORCH = {
    "batchNorm": batch_norm,
    "batchNormBackward": batch_norm_backward,
    "layerNorm": lambda x, a: [F.layer_norm(x[0], a["normalizedShape"], _opt(x[1]), _opt(x[2]), a["eps"])],
    "layerNormBackward": layer_norm_backward,
}
