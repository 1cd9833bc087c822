#!/usr/bin/env python3
"""PyTorch golden values for the seq2seq trial's additions: nn.Bilinear, weight_norm /
remove_weight_norm, unpad_sequence and unpack_sequence.

    /opt/torch-venv/bin/python scripts/fixtures_nn_seq2seq.py

- test/fixtures/layers/bilinear*.safetensors in fixtures_nn.py's format (its record()), so
  test/layers.test.ts checks them with every other layer and test/seq2seq-utils.test.ts reads them
  for the functional bilinear.
- test/fixtures/weight-norm.safetensors: per case `<case>.sd.<key>` (the weight-normed state dict,
  weight_g changed away from ‖v‖ as training leaves it), `<case>.input`, `<case>.output`,
  `<case>.upstream`, `<case>.grad.<param>` and `<case>.grad.input`, `<case>.removed` (the weight
  remove_weight_norm leaves); metadata `cases` is JSON: layer, dim and state-dict keys per case.
- test/fixtures/unpad-sequence.safetensors: padded batches and their lengths, the sequences
  unpad_sequence / unpack_sequence give, and the gradient to the padded batch of a weighted sum.

Kept apart from fixtures_nn.py, from its own seed, so the fixtures written there do not change.
"""
import json
import os
import warnings

import torch
import torch.nn as nn
from safetensors.torch import save_file
from torch.nn.utils import remove_weight_norm, weight_norm
from torch.nn.utils.rnn import pack_sequence, unpack_sequence, unpad_sequence

from fixtures_nn import OUT, record

warnings.filterwarnings("ignore", category=FutureWarning)  # weight_norm's deprecation


def bilinear_cases():
    torch.manual_seed(21)
    return [
        ("bilinear", nn.Bilinear(3, 4, 5), {"cls": "Bilinear", "args": [3, 4, 5]}, [torch.randn(6, 3), torch.randn(6, 4)]),
        ("bilinear_nobias_3d", nn.Bilinear(2, 3, 4, bias=False), {"cls": "Bilinear", "args": [2, 3, 4, {"bias": False}]}, [torch.randn(2, 3, 2), torch.randn(2, 3, 3)]),
        ("bilinear_unbatched", nn.Bilinear(4, 2, 3), {"cls": "Bilinear", "args": [4, 2, 3]}, [torch.randn(4), torch.randn(2)]),
    ]


def weight_norm_fixture():
    torch.manual_seed(22)
    t, meta = {}, {}
    cases = [
        ("linear_dim0", lambda: nn.Linear(3, 4), {"cls": "Linear", "args": [3, 4]}, 0, (5, 3)),
        ("linear_dim1", lambda: nn.Linear(3, 4), {"cls": "Linear", "args": [3, 4]}, 1, (2, 3)),
        ("linear_none", lambda: nn.Linear(3, 4, bias=False), {"cls": "Linear", "args": [3, 4, {"bias": False}]}, None, (2, 3)),
        ("linear_minus1", lambda: nn.Linear(3, 2), {"cls": "Linear", "args": [3, 2]}, -1, (2, 3)),
        ("conv1d_dim2", lambda: nn.Conv1d(2, 3, 2), {"cls": "Conv1d", "args": [2, 3, 2]}, 2, (2, 2, 5)),
        ("conv1d_dim_minus2", lambda: nn.Conv1d(2, 3, 2), {"cls": "Conv1d", "args": [2, 3, 2]}, -2, (1, 2, 4)),
    ]
    for name, make, spec, dim, in_shape in cases:
        m = weight_norm(make(), dim=dim)
        with torch.no_grad():  # g as training leaves it: no longer ‖v‖
            m.weight_g.mul_(torch.rand_like(m.weight_g) + 0.5)
        sd = m.state_dict()
        for k, v in sd.items():
            t[f"{name}.sd.{k}"] = v.detach().clone()
        x = torch.randn(*in_shape, requires_grad=True)
        y = m(x)
        u = torch.randn_like(y)
        (y * u).sum().backward()
        t[f"{name}.input"] = x.detach().clone()
        t[f"{name}.output"] = y.detach().clone()
        t[f"{name}.upstream"] = u
        t[f"{name}.grad.input"] = x.grad.clone()
        for k, p in m.named_parameters():
            t[f"{name}.grad.{k}"] = p.grad.clone()
        remove_weight_norm(m)
        t[f"{name}.removed"] = m.weight.detach().clone()
        meta[name] = {"spec": spec, "dim": dim, "keys": list(sd.keys()), "keys_removed": list(m.state_dict().keys()), "g_shape": list(sd["weight_g"].shape)}
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(OUT, "weight-norm.safetensors"), metadata={"cases": json.dumps(meta), "torch": torch.__version__})


def unpad_fixture():
    torch.manual_seed(23)
    t = {}
    lengths = torch.tensor([2, 4, 0, 3])
    # time-major [T, batch, 2] and batch-first [batch, T, 3]
    for name, shape, batch_first in [("tm", (4, 4, 2), False), ("bf", (4, 4, 3), True)]:
        padded = torch.randn(*shape, requires_grad=True)
        t[f"unpad.{name}.padded"] = padded.detach().clone()
        # unpad_sequence transposes a time-major batch in place: give it a copy
        seqs = unpad_sequence(padded.clone(), lengths, batch_first=batch_first)
        loss = 0
        for i, s in enumerate(seqs):
            t[f"unpad.{name}.out.{i}"] = s.detach().clone()
            w = torch.randn(s.shape)
            t[f"unpad.{name}.upstream.{i}"] = w
            loss = loss + (s * w).sum()
        loss.backward()
        t[f"unpad.{name}.grad"] = padded.grad.clone()
    t["unpad.lengths"] = lengths
    # unpack_sequence of an unsorted batch: back in batch order
    originals = [torch.randn(3, 2), torch.randn(5, 2), torch.randn(1, 2)]
    for i, s in enumerate(originals):
        t[f"unpack.in.{i}"] = s
    for i, s in enumerate(unpack_sequence(pack_sequence(originals, enforce_sorted=False))):
        t[f"unpack.out.{i}"] = s.clone()
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(OUT, "unpad-sequence.safetensors"), metadata={"torch": torch.__version__})


def main():
    for name, module, spec, inputs in bilinear_cases():
        record(name, module, spec, inputs)
    weight_norm_fixture()
    unpad_fixture()
    print("wrote the bilinear, weight-norm and unpad-sequence fixtures")


if __name__ == "__main__":
    main()
