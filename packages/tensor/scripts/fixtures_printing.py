"""PyTorch's str(tensor) for test/printing.test.ts (Note [printing like PyTorch] in src/format.ts).

    /opt/torch-venv/bin/python scripts/fixtures_printing.py

Writes test/fixtures/printing.safetensors: one tensor per case, and metadata `cases`, JSON
{case: str(tensor)} with PyTorch's dtype suffix left out (ours spells dtypes our way).
"""
import json
import re

import torch
from safetensors.torch import save_file

from golden_cases import fixture_path

torch.manual_seed(0)
inf, nan = float("inf"), float("nan")
cases = {
    "whole numbers": torch.tensor([[1.0, 2, 3], [4, 5, 6]]),
    "fractions padded": torch.tensor([0.1, -1.25, 3.14159]),
    "small gradients": torch.tensor([1e-6, 2e-6]),
    "small among larger": torch.tensor([[1e-5, 3e-7], [2e-4, 1]]),
    "over 1e8": torch.tensor([1e8, 1.5]),
    "whole and wide": torch.tensor([100000.0, 2.0]),
    "whole not wide": torch.tensor([5000000.0, 12345.0]),
    "int64": torch.tensor([1, 2, -3]),
    "int32 wraps at 80 columns": torch.arange(100, dtype=torch.int32),
    "uint8 padded": torch.tensor([1, 20, 3], dtype=torch.uint8),
    "bool": torch.tensor([True, False]),
    "scalar": torch.tensor(3.5),
    "scalar tiny": torch.tensor(1e-7),
    "scalar whole": torch.tensor(3.0),
    "nan and inf": torch.tensor([nan, inf, -inf, 1.5]),
    "nan among whole": torch.tensor([nan, 2.0]),
    "negative zero": torch.tensor([-0.0, 1.0]),
    "negative zero fraction": torch.tensor([-0.0, 1.5]),
    "all zero": torch.zeros(3),
    "abridged vector": torch.arange(2000.0),
    "abridged matrix": torch.arange(10000.0).reshape(100, 100),
    "3-d": torch.arange(12.0).reshape(2, 2, 3),
    "3-d abridged": torch.randn(20, 10, 10),
    "normal values": torch.randn(5, 5),
    "long vector wraps": torch.randn(40),
    "abridged int64": torch.arange(3000).reshape(3, 1000),
}
meta = {name: re.sub(r", dtype=torch\.\w+", "", str(t)) for name, t in cases.items()}
save_file({name: t.contiguous() for name, t in cases.items()}, fixture_path("printing"), metadata={"cases": json.dumps(meta)})
print(f"{len(cases)} cases")
