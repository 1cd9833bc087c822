"""Helpers shared by the per-family PyTorch references."""
import torch

DTYPES = {"float32": torch.float32, "int32": torch.int32, "int64": torch.int64, "uint8": torch.uint8, "bool": torch.bool}


def dims(a):
    return tuple(a["dims"]) if a["dims"] else None


def reduce_all(fn):
    """Calls a torch reduction over the sample's dims (all when empty)."""
    def run(x, a):
        d = dims(a)
        if d is None and not a["keepdim"]:
            return [fn(x[0])]
        return [fn(x[0], dim=d if d is not None else tuple(range(x[0].dim())), keepdim=a["keepdim"])]
    return run
