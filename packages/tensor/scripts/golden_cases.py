"""The machinery the PyTorch golden-case scripts share (fixtures_composed_fourth.py,
fixtures_composed_sequences.py, fixtures_composed_unpool.py, fixtures_composed_grid_sample.py,
fixtures_losses_more.py, fixtures_composed_pool3d.py); test/golden-cases.ts reads what it writes.
A script imports it from its own directory, which Python puts on sys.path for a script run as

    /opt/torch-venv/bin/python scripts/<name>.py

Layout of a fixture test/fixtures/<name>.safetensors: per case `<case>.input.<i>`,
`<case>.output.<j>`, the upstream gradients `<case>.upstream.<j>` (one per float output that
requires grad, drawn in order from one generator seeded 1 for the whole file) and the input
gradients `<case>.grad.<i>`; metadata `cases` is JSON {case: {...}}, by default
{"inputs": n, "grad": [...], "outputs": m}, `grad` naming which inputs are differentiated.

Importing this module draws nothing from torch's global generator: each script seeds it (and
builds its inputs) itself.
"""
import json
import os

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
inf, nan = float("inf"), float("nan")


def fixture_path(name):
    """test/fixtures/<name>.safetensors."""
    return os.path.join(HERE, "..", "test", "fixtures", f"{name}.safetensors")


def randn(*shape):
    return torch.randn(*shape)


def positive(*shape):
    """Uniform in [0.3, 1.8): scales, rates, concentrations."""
    return torch.rand(shape) * 1.5 + 0.3


def unit(*shape):
    """Uniform in [0.05, 0.95): probabilities away from the ends."""
    return torch.rand(shape) * 0.9 + 0.05


def f32(values):
    return torch.tensor(values, dtype=torch.float32)


def upstream_generator():
    """The generator every file draws its upstream gradients from, case after case."""
    return torch.Generator().manual_seed(1)


def record_case(t, name, fn, inputs, grads, gen, zero_unreached=False):
    """Runs fn (a function of the inputs → tensor or list of tensors) on copies of `inputs`, those
    flagged in `grads` requiring grad, and records the case into the dict `t`: inputs, outputs,
    an upstream gradient per output that requires grad, and the gradients of sum(upstream * output)
    to the inputs that got one. zero_unreached: an input flagged in `grads` that no path reached
    gets a zero gradient. Returns the number of outputs."""
    xs = [x.clone().requires_grad_(g) for x, g in zip(inputs, grads)]
    out = fn(*xs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    loss = None
    for i, x in enumerate(inputs):
        t[f"{name}.input.{i}"] = x.clone()
    for j, o in enumerate(outs):
        t[f"{name}.output.{j}"] = o.detach().clone().contiguous()
        if o.requires_grad:
            u = torch.randn(o.shape, generator=gen)
            t[f"{name}.upstream.{j}"] = u
            loss = (o * u).sum() if loss is None else loss + (o * u).sum()
    if loss is not None:
        loss.backward()
    for i, x in enumerate(xs):
        if x.grad is not None:
            t[f"{name}.grad.{i}"] = x.grad.clone()
        elif zero_unreached and grads[i]:
            t[f"{name}.grad.{i}"] = torch.zeros_like(x)  # in the graph, but no path reached it
    return len(outs)


def save_cases(t, meta, out):
    """Writes the tensors `t` and the metadata `cases` (JSON of `meta`) to `out`."""
    save_file({k: v.contiguous() for k, v in t.items()}, out, metadata={"cases": json.dumps(meta)})


def write_cases(cases, out, zero_unreached=False):
    """Records every (case, fn, inputs, grads) of `cases` (see record_case) and writes them to
    `out` with metadata {case: {"inputs": n, "grad": [...], "outputs": m}}."""
    t, meta = {}, {}
    gen = upstream_generator()
    for name, fn, inputs, grads in cases:
        outputs = record_case(t, name, fn, inputs, grads, gen, zero_unreached)
        meta[name] = {"inputs": len(inputs), "grad": grads, "outputs": outputs}
    save_cases(t, meta, out)
    print(f"wrote {len(cases)} cases to {os.path.relpath(out)}")
