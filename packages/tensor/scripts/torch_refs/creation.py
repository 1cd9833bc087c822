"""References for the creation ops with no inputs: arange, linspace, eye."""
import torch

from .common import DTYPES

TORCH = {
    # Scalars as Python floats: PyTorch then truncates them for integer dtypes, as nutshell does.
    "arange": lambda x, a: [torch.arange(float(a["start"]), float(a["end"]), float(a["step"]), dtype=DTYPES[a["dtype"]])],
    "linspace": lambda x, a: [torch.linspace(float(a["start"]), float(a["end"]), a["steps"], dtype=DTYPES[a["dtype"]])],
    "eye": lambda x, a: [torch.eye(a["n"], a["m"], dtype=DTYPES[a["dtype"]])],
}
