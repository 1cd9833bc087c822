#!/usr/bin/env python3
"""PyTorch golden values for fuseConvBnEval / fuseLinearBnEval / fuseForInference
(torch.nn.utils.fusion.fuse_conv_bn_eval, fuse_linear_bn_eval):

    /opt/torch-venv/bin/python scripts/fixtures_fusion.py

test/fixtures/fusion.safetensors holds, per pair case, the layer's and the batch norm's state
dicts (`<case>.layer.<key>`, `<case>.bn.<key>`, running statistics and γ/β set away from their
defaults) and the fused layer's (`<case>.fused.weight`, `<case>.fused.bias`); metadata `cases` is
JSON: per case the nutshell spec of the layer and of the batch norm ({"cls", "args"}). The `cnn`
case is a small CNN (conv-bn-relu twice, pooling, linear-bn1d-relu, linear): `cnn.sd.<key>`, an
input `cnn.input` and PyTorch's eval output `cnn.output`.

Kept apart from fixtures_nn.py, from its own seed, so the fixtures written there do not change.
"""
import json
import os

import torch
import torch.nn as nn
from safetensors.torch import save_file
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures")


def trained_stats(bn, affine=True):
    """Running statistics (and γ, β) as training leaves them, not PyTorch's zeros/ones."""
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn_like(bn.running_mean))
        bn.running_var.copy_(torch.rand_like(bn.running_var) + 0.25)
        if affine:
            bn.weight.copy_(torch.rand_like(bn.weight) + 0.5)
            bn.bias.copy_(torch.randn_like(bn.bias))
    return bn.eval()


def pair_cases():
    return [
        ("conv2d", nn.Conv2d(3, 4, 3, padding=1), {"cls": "Conv2d", "args": [3, 4, 3, {"padding": 1}]}, nn.BatchNorm2d(4), {"cls": "BatchNorm2d", "args": [4]}),
        (
            "conv2d_nobias_groups_eps",
            nn.Conv2d(4, 6, (3, 2), stride=2, groups=2, bias=False),
            {"cls": "Conv2d", "args": [4, 6, [3, 2], {"stride": 2, "groups": 2, "bias": False}]},
            nn.BatchNorm2d(6, eps=1e-3),
            {"cls": "BatchNorm2d", "args": [6, {"eps": 1e-3}]},
        ),
        ("conv2d_bn_no_affine", nn.Conv2d(2, 3, 1), {"cls": "Conv2d", "args": [2, 3, 1]}, nn.BatchNorm2d(3, affine=False), {"cls": "BatchNorm2d", "args": [3, {"affine": False}]}),
        ("conv1d", nn.Conv1d(3, 5, 3), {"cls": "Conv1d", "args": [3, 5, 3]}, nn.BatchNorm1d(5), {"cls": "BatchNorm1d", "args": [5]}),
        ("linear", nn.Linear(6, 4), {"cls": "Linear", "args": [6, 4]}, nn.BatchNorm1d(4), {"cls": "BatchNorm1d", "args": [4]}),
        ("linear_nobias", nn.Linear(5, 3, bias=False), {"cls": "Linear", "args": [5, 3, {"bias": False}]}, nn.BatchNorm1d(3, eps=1e-4), {"cls": "BatchNorm1d", "args": [3, {"eps": 1e-4}]}),
        ("conv3d", nn.Conv3d(2, 4, (2, 3, 3), padding=1), {"cls": "Conv3d", "args": [2, 4, [2, 3, 3], {"padding": 1}]}, nn.BatchNorm3d(4), {"cls": "BatchNorm3d", "args": [4]}),
    ]


def cnn():
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(2), nn.Flatten(),
        nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(),
        nn.Linear(32, 10),
    )
    for m in model:
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            trained_stats(m)
    return model.eval()


def main():
    torch.manual_seed(31)
    t, meta = {}, {}
    for name, layer, layer_spec, bn, bn_spec in pair_cases():
        trained_stats(bn, affine=bn.affine)
        layer.eval()
        fuse = fuse_linear_bn_eval if isinstance(layer, nn.Linear) else fuse_conv_bn_eval
        fused = fuse(layer, bn)
        for k, v in layer.state_dict().items():
            t[f"{name}.layer.{k}"] = v
        for k, v in bn.state_dict().items():
            t[f"{name}.bn.{k}"] = v
        t[f"{name}.fused.weight"] = fused.weight.detach()
        t[f"{name}.fused.bias"] = fused.bias.detach()
        meta[name] = {"layer": layer_spec, "bn": bn_spec}

    model = cnn()
    for k, v in model.state_dict().items():
        t[f"cnn.sd.{k}"] = v
    x = torch.randn(4, 3, 8, 8)
    with torch.no_grad():
        t["cnn.input"] = x
        t["cnn.output"] = model(x)

    path = os.path.join(OUT, "fusion.safetensors")
    save_file({k: v.detach().contiguous() for k, v in t.items()}, path, metadata={"cases": json.dumps(meta)})
    print(f"wrote {path}: {len(meta)} pairs and the cnn")


if __name__ == "__main__":
    main()
