"""References for ordering: sort (stable, as ours always is)."""
import torch


def _sort(x, a):
    values, indices = torch.sort(x[0], dim=a["dim"], descending=a["descending"], stable=True)
    return [values, indices]


def _topk(x, a):
    """torch.topk's values; among equal values torch.topk picks indices in no set order, ours are
    the stable sort's first k, so the reference is that (the values are torch.topk's either way)."""
    values, indices = torch.sort(x[0], dim=a["dim"], descending=a["largest"], stable=True)
    k, d = a["k"], a["dim"]
    if x[0].dim() > 0:
        values, indices = values.narrow(d, 0, k), indices.narrow(d, 0, k)
    assert torch.equal(values.nan_to_num(7.5), torch.topk(x[0], k, dim=d, largest=a["largest"]).values.nan_to_num(7.5))
    return [values, indices]


TORCH = {"sort": _sort, "topk": _topk}
