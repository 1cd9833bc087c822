"""References for the fused recurrent layers (lstm, gru, rnn and their backward ops).

Each op runs one layer of a stack (Note [rnn layer ops] in src/ops/table/rnn.ts): here that layer is
a one-layer torch.nn.LSTM/GRU/RNN called with the sample's weights through
torch.func.functional_call. Its initial states are rows layer·D … layer·D+D-1 of hx (and cx), and
the returned states are hx (cx) with those rows replaced (Note [rnn state threading]).
"""
import torch
from torch.func import functional_call

PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
MODULES = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}


def _layer(cell, x, a):
    has_c = cell == "lstm"
    base = 3 if has_c else 2
    inp, hx = x[0], x[1]
    d_count = 2 if a["bidirectional"] else 1
    hidden = x[base + 1].shape[1]
    kwargs = dict(batch_first=a["batchFirst"], bidirectional=a["bidirectional"], bias=a["hasBiases"])
    if cell == "rnn":
        kwargs["nonlinearity"] = a["nonlinearity"]
    module = MODULES[cell](inp.shape[2], hidden, **kwargs)
    params = {}
    for d in range(d_count):
        for k in range(4 if a["hasBiases"] else 2):
            params[f"{PARAMS[k]}_l0{'_reverse' if d else ''}"] = x[base + 4 * d + k]
    lo, hi = a["layer"] * d_count, (a["layer"] + 1) * d_count
    state = (hx[lo:hi], x[2][lo:hi]) if has_c else hx[lo:hi]
    y, final = functional_call(module, params, (inp, state))

    def thread(full, mine):
        return torch.cat([full[:lo], mine, full[hi:]])

    if has_c:
        return [y, thread(hx, final[0]), thread(x[2], final[1])]
    return [y, thread(hx, final)]


def _forward(cell):
    return lambda x, a: _layer(cell, x, a)


def _backward(cell):
    """Gradients of the layer's inputs for the given output gradients (the workspace is ignored)."""

    def run(x, a):
        n_state = 2 if cell == "lstm" else 1
        n_in = 1 + n_state + 8
        leaves = [t.detach().clone().requires_grad_(True) for t in x[:n_in]]
        outs = _layer(cell, leaves, a)
        ups = x[n_in + n_state + 2:]
        grads = torch.autograd.grad(outs, leaves, ups, allow_unused=True)
        return [g if g is not None else torch.zeros_like(t) for g, t in zip(grads, leaves)]

    return run


TORCH = {
    "lstm": _forward("lstm"),
    "gru": _forward("gru"),
    "rnn": _forward("rnn"),
    "lstmBackward": _backward("lstm"),
    "gruBackward": _backward("gru"),
    "rnnBackward": _backward("rnn"),
}


# ---- module-level goldens for test/rnn.test.ts (stacks, directions, batch-first, initial states) ----
# Run from packages/tensor/scripts: /opt/torch-venv/bin/python -m torch_refs.rnn (as a module: a
# sibling file, random.py, would shadow the standard library as a script)
# Writes test/fixtures/rnn-modules.safetensors: per case C, C/x, C/h0, C/c0 (when given), C/<param>
# (PyTorch's names), the outputs C/output, C/h, C/c, their upstream gradients C/up_output …, and the
# gradients C/grad_x, C/grad_h0, C/grad_c0, C/grad_<param>. The cases travel in the metadata.

CASES = [
    dict(name="lstm-one-layer-with-states", cell="lstm", T=5, N=3, I=4, H=6, layers=1, bidirectional=False, batch_first=False, bias=True, states=True),
    dict(name="lstm-two-layers-bidirectional", cell="lstm", T=4, N=2, I=3, H=5, layers=2, bidirectional=True, batch_first=False, bias=True, states=False),
    dict(name="lstm-two-layers-bidirectional-batch-first-states", cell="lstm", T=3, N=4, I=5, H=3, layers=2, bidirectional=True, batch_first=True, bias=True, states=True),
    dict(name="lstm-three-layers-no-bias-batch-first", cell="lstm", T=4, N=2, I=3, H=4, layers=3, bidirectional=False, batch_first=True, bias=False, states=True),
    dict(name="lstm-unbatched-bidirectional", cell="lstm", T=4, N=0, I=3, H=4, layers=2, bidirectional=True, batch_first=False, bias=True, states=True),
    dict(name="gru-one-layer", cell="gru", T=6, N=2, I=3, H=4, layers=1, bidirectional=False, batch_first=False, bias=True, states=False),
    dict(name="gru-two-layers-bidirectional-states", cell="gru", T=4, N=3, I=2, H=5, layers=2, bidirectional=True, batch_first=False, bias=True, states=True),
    dict(name="gru-batch-first-no-bias", cell="gru", T=3, N=2, I=4, H=3, layers=2, bidirectional=False, batch_first=True, bias=False, states=True),
    dict(name="rnn-tanh-two-layers-states", cell="rnn", nonlinearity="tanh", T=5, N=2, I=3, H=4, layers=2, bidirectional=False, batch_first=False, bias=True, states=True),
    dict(name="rnn-relu-bidirectional-batch-first", cell="rnn", nonlinearity="relu", T=4, N=3, I=2, H=3, layers=2, bidirectional=True, batch_first=True, bias=True, states=False),
]


def _module_case(case, seed):
    torch.manual_seed(seed)
    kwargs = dict(num_layers=case["layers"], bias=case["bias"], batch_first=case["batch_first"], bidirectional=case["bidirectional"])
    if case["cell"] == "rnn":
        kwargs["nonlinearity"] = case["nonlinearity"]
    module = MODULES[case["cell"]](case["I"], case["H"], **kwargs)
    rows = case["layers"] * (2 if case["bidirectional"] else 1)
    unbatched = case["N"] == 0
    if unbatched:
        x = torch.randn(case["T"], case["I"])
        state_shape = (rows, case["H"])
    else:
        x = torch.randn(*((case["N"], case["T"]) if case["batch_first"] else (case["T"], case["N"])), case["I"])
        state_shape = (rows, case["N"], case["H"])
    x.requires_grad_(True)
    out = {"x": x}
    leaves = [x]
    if case["states"]:
        out["h0"] = torch.randn(*state_shape, requires_grad=True)
        leaves.append(out["h0"])
        if case["cell"] == "lstm":
            out["c0"] = torch.randn(*state_shape, requires_grad=True)
            leaves.append(out["c0"])
    params = dict(module.named_parameters())
    for name, p in params.items():
        out[name] = p
        leaves.append(p)
    if case["cell"] == "lstm":
        state = (out["h0"], out["c0"]) if case["states"] else None
        y, (h, c) = module(x, state)
        results = {"output": y, "h": h, "c": c}
    else:
        y, h = module(x, out.get("h0"))
        results = {"output": y, "h": h}
    loss = 0
    for k, v in results.items():
        up = torch.randn_like(v)
        out[f"up_{k}"] = up
        out[k] = v
        loss = loss + (v * up).sum()
    names = [k for k in out if k in ("x", "h0", "c0") or k in params]
    grads = torch.autograd.grad(loss, [out[k] for k in names])
    for k, g in zip(names, grads):
        out[f"grad_{k}"] = g
    return {k: v.detach().clone().contiguous() for k, v in out.items()}, sorted(params)


def main():
    import json
    import os

    from safetensors.torch import save_file

    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "test", "fixtures", "rnn-modules.safetensors")
    tensors, cases = {}, []
    for seed, case in enumerate(CASES):
        values, params = _module_case(case, seed)
        tensors.update({f"{case['name']}/{k}": v for k, v in values.items()})
        cases.append({**case, "params": params})
    save_file(tensors, path, metadata={"cases": json.dumps(cases), "torch": torch.__version__})
    print(f"wrote {os.path.relpath(path)} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
