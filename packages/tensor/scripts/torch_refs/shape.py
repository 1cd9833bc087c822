"""References for the shape and indexing ops: permute … pad, indexSelect … embedding, and their backward ops."""
import torch
import torch.nn.functional as F


def _slice(x, dim, start, end, step):
    return x[(slice(None),) * (dim % x.dim()) + (slice(start, end, step),)]


def _split(x, a):
    return list(torch.split(x[0], a["sections"] if a["sections"] else a["splitSize"], dim=a["dim"]))


def _pad_backward(x, a):
    g, pads = x[0], a["pads"]
    shape = list(g.shape)
    for k in range(len(pads) // 2):
        shape[-1 - k] -= pads[2 * k] + pads[2 * k + 1]
    z = torch.zeros(shape, requires_grad=True)
    (gz,) = torch.autograd.grad(F.pad(z, pads, mode=a["mode"]), z, g, create_graph=True)
    return [gz]


def _scatter_add(x, a):
    inp, index, src = x
    # Only src's part within index's extent is read (PyTorch's rule); slicing it first keeps the
    # backward defined when src is larger than index.
    return [inp.scatter_add(a["dim"], index.long(), src[tuple(slice(0, s) for s in index.shape)])]


def _scatter_reduce(x, a):
    inp, index, src = x
    # As scatterAdd's: only src's part within index's extent is read.
    part = src[tuple(slice(0, s) for s in index.shape)]
    return [inp.scatter_reduce(a["dim"], index.long(), part, a["reduce"], include_self=a["includeSelf"])]


def _embedding_backward(x, a):
    # aten.embedding_dense_backward, written with index_add so that torch differentiates it for
    # every sample (its own double backward fails on an empty batch).
    grad, indices = x[0], x[1].long()
    out = torch.zeros(a["numWeights"], grad.shape[-1]).index_add(0, indices.reshape(-1), grad.reshape(indices.numel(), grad.shape[-1]))
    if a["paddingIdx"] >= 0:
        out = out * (torch.arange(a["numWeights"]) != a["paddingIdx"]).unsqueeze(1)
    return [out]


TORCH = {
    "permute": lambda x, a: [x[0].permute(tuple(a["dims"]))],
    "transpose": lambda x, a: [x[0].transpose(a["dim0"], a["dim1"])],
    "flatten": lambda x, a: [x[0].flatten(a["startDim"], a["endDim"])],
    "squeeze": lambda x, a: [x[0].squeeze(tuple(a["dims"])) if a["dims"] else x[0].squeeze()],
    "unsqueeze": lambda x, a: [x[0].unsqueeze(a["dim"])],
    "narrow": lambda x, a: [x[0].narrow(a["dim"], a["start"], a["length"])],
    "slice": lambda x, a: [_slice(x[0], a["dim"], a["start"], a["end"], a["step"])],
    "sliceBackward": lambda x, a: [torch.ops.aten.slice_backward(x[0], a["inputShape"], a["dim"], a["start"], a["end"], a["step"])],
    "cat": lambda x, a: [torch.cat(x, dim=a["dim"])],
    "stack": lambda x, a: [torch.stack(x, dim=a["dim"])],
    "split": _split,
    "chunk": lambda x, a: list(torch.chunk(x[0], a["chunks"], dim=a["dim"])),
    "pad": lambda x, a: [F.pad(x[0], a["pads"], mode=a["mode"], value=a["value"] if a["mode"] == "constant" else None)],
    "padBackward": _pad_backward,
    "indexSelect": lambda x, a: [torch.index_select(x[0], a["dim"], x[1].long())],
    "indexSelectBackward": lambda x, a: [torch.ops.aten.index_select_backward(x[0], a["inputShape"], a["dim"], x[1].long())],
    "gather": lambda x, a: [torch.gather(x[0], a["dim"], x[1].long())],
    "scatterAdd": _scatter_add,
    "scatterReduce": _scatter_reduce,
    "embedding": lambda x, a: [F.embedding(x[0].long(), x[1], padding_idx=None if a["paddingIdx"] < 0 else a["paddingIdx"])],
    "embeddingBackward": _embedding_backward,
}
