#!/usr/bin/env python3
"""PyTorch golden values for every op in the table.

Run through `npm run fixtures -w @nutshell/tensor` (which first dumps the samples from the op
declarations). Needs a virtualenv with the CPU build of PyTorch, numpy and safetensors:
    python3 -m venv /opt/torch-venv
    /opt/torch-venv/bin/pip install /opt/wheels/torch-*.whl numpy safetensors
Writes test/fixtures/ops/<op>.safetensors with, per sample S:
    S/in<i>  inputs      S/out<j>  outputs      S/up<j>  upstream grads      S/grad<i>  input grads
Tests never need PyTorch: they read these files.
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
OUT_DIR = os.path.join(HERE, "..", "test", "fixtures", "ops")
DTYPES = {"float32": torch.float32, "int32": torch.int32, "int64": torch.int64, "uint8": torch.uint8, "bool": torch.bool}


from torch_refs import TORCH  # noqa: E402  (one module per op family, merged in torch_refs/__init__.py)


def main():
    samples_path = sys.argv[1]
    with open(samples_path) as f:
        spec = json.load(f)
    os.makedirs(OUT_DIR, exist_ok=True)
    missing = []
    for op in spec["ops"]:
        fn = TORCH.get(op["torch"])
        if fn is None:
            missing.append(op["op"])
            continue
        tensors = {}
        for s in op["samples"]:
            name = s["name"]
            xs = []
            for i, inp in enumerate(s["inputs"]):
                t = torch.tensor([float(v) for v in inp["values"]], dtype=torch.float64).reshape(inp["shape"]).to(DTYPES[inp["dtype"]])
                if inp["dtype"] == "float32" and not inp["noGrad"] and op["hasGrad"]:
                    t.requires_grad_(True)
                xs.append(t)
                tensors[f"{name}/in{i}"] = t.detach().clone()
            outs = fn(xs, s["attrs"])
            loss = None
            for j, (o, up) in enumerate(zip(outs, s["upstream"])):
                tensors[f"{name}/out{j}"] = o.detach().clone().contiguous()
                u = torch.tensor(up["values"], dtype=torch.float32).reshape(up["shape"])
                tensors[f"{name}/up{j}"] = u
                if o.requires_grad:
                    term = (o * u).sum()
                    loss = term if loss is None else loss + term
            if loss is not None:
                grads = torch.autograd.grad(loss, [t for t in xs if t.requires_grad], allow_unused=True)
                it = iter(grads)
                for i, t in enumerate(xs):
                    if t.requires_grad:
                        g = next(it)
                        tensors[f"{name}/grad{i}"] = (g if g is not None else torch.zeros_like(t)).detach().clone()
        path = os.path.join(OUT_DIR, f"{op['op']}.safetensors")
        save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata={"op": op["op"], "torch": torch.__version__})
        print(f"wrote {os.path.relpath(path)} ({len(op['samples'])} samples)")
    if missing:
        print("no PyTorch reference for: " + ", ".join(missing), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
