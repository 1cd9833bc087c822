"""References for ordering: sort (stable, as ours always is)."""
import torch


def _sort(x, a):
    values, indices = torch.sort(x[0], dim=a["dim"], descending=a["descending"], stable=True)
    return [values, indices]


TORCH = {"sort": _sort}
