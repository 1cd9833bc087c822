"""Conv2d padding_mode (reflect, replicate, circular; fixed and "same" padding) and F.pad circular
against PyTorch: outputs and gradients, for packages/nn/test/layers.test.ts.

    /opt/torch-venv/bin/python scripts/fixtures_padding_mode.py
"""
import torch, json
torch.manual_seed(0)
out = {}
x = torch.arange(2*2*4*5, dtype=torch.float32).reshape(2,2,4,5).sin()
for mode in ["reflect", "replicate", "circular"]:
    for padding in [1, "same"]:
        conv = torch.nn.Conv2d(2, 3, 3, padding=padding, padding_mode=mode, dilation=1 if padding == 1 else 2)
        with torch.no_grad():
            conv.weight.copy_(torch.arange(3*2*3*3, dtype=torch.float32).reshape(3,2,3,3).cos() * 0.3)
            conv.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
        xi = x.clone().requires_grad_()
        y = conv(xi)
        (y * y.detach().cos()).sum().backward()
        out[f"{mode}-{padding}"] = {"y": y.detach().flatten().tolist(), "shape": list(y.shape), "dx": xi.grad.flatten().tolist(), "dw": conv.weight.grad.flatten().tolist()}
out["pad-circular"] = torch.nn.functional.pad(torch.arange(2*3*4, dtype=torch.float32).reshape(2,3,4), (1, 2, 3, 0), mode="circular").flatten().tolist()
import os
round7 = lambda v: [float(f"{a:.7g}") for a in v] if isinstance(v, list) else v
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "padding-mode.json")
with open(path, "w") as f:
    json.dump({k: ({kk: round7(vv) for kk, vv in v.items()} if isinstance(v, dict) else round7(v)) for k, v in out.items()}, f)
print("wrote", os.path.relpath(path))
