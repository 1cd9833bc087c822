#!/usr/bin/env python3
"""PyTorch golden values for the 3-d layers: MaxPool3d, AvgPool3d, AdaptiveAvgPool3d,
AdaptiveMaxPool3d, BatchNorm3d (training and eval) and Upsample with mode 'trilinear'. Each is
test/fixtures/layers/<case>.safetensors in fixtures_nn.py's format (its record()), so
test/layers.test.ts checks them with every other layer (outputs, input and parameter gradients,
running statistics after a training step). And test/fixtures/batchnorm3d-steps.safetensors for
test/pool3d-batchnorm3d.test.ts: three training steps of a BatchNorm3d (momentum 0.1 and None),
its running statistics after each, then an eval-mode output.

    /opt/torch-venv/bin/python scripts/fixtures_nn_pool3d.py

Kept apart from fixtures_nn.py, from its own seed, so the fixtures written there do not change.
"""
import os

import torch
import torch.nn as nn
from safetensors.torch import save_file

from fixtures_nn import OUT, randn, record
from fixtures_nn_norm_pad import with_params


def cases():
    torch.manual_seed(13)
    return [
        ("maxpool3d", nn.MaxPool3d(2), {"cls": "MaxPool3d", "args": [2]}, [randn(2, 3, 4, 4, 4)], {}),
        (
            "maxpool3d_stride_pad_dilation_ceil",
            nn.MaxPool3d((3, 2, 3), stride=2, padding=1, dilation=(1, 2, 1), ceil_mode=True),
            {"cls": "MaxPool3d", "args": [[3, 2, 3], {"stride": 2, "padding": 1, "dilation": [1, 2, 1], "ceilMode": True}]},
            [randn(1, 2, 7, 8, 7)],
            {},
        ),
        ("maxpool3d_unbatched", nn.MaxPool3d((1, 2, 2)), {"cls": "MaxPool3d", "args": [[1, 2, 2]]}, [randn(3, 2, 5, 4)], {}),
        (
            "avgpool3d_pad_ceil_exclude_pad",
            nn.AvgPool3d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
            {"cls": "AvgPool3d", "args": [3, {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}]},
            [randn(2, 2, 6, 7, 5)],
            {},
        ),
        ("avgpool3d_divisor", nn.AvgPool3d(2, stride=1, divisor_override=3), {"cls": "AvgPool3d", "args": [2, {"stride": 1, "divisorOverride": 3}]}, [randn(1, 2, 3, 4, 3)], {}),
        ("adaptiveavgpool3d", nn.AdaptiveAvgPool3d((2, None, 3)), {"cls": "AdaptiveAvgPool3d", "args": [[2, None, 3]]}, [randn(2, 3, 5, 4, 7)], {}),
        ("adaptivemaxpool3d", nn.AdaptiveMaxPool3d((3, 2, 4)), {"cls": "AdaptiveMaxPool3d", "args": [[3, 2, 4]]}, [randn(2, 2, 5, 5, 6)], {}),
        (
            "batchnorm3d_train",
            with_params(nn.BatchNorm3d(3, momentum=0.2), weight=torch.rand(3) + 0.5, bias=randn(3), running_mean=randn(3), running_var=torch.rand(3) + 0.5),
            {"cls": "BatchNorm3d", "args": [3, {"momentum": 0.2}]},
            [randn(2, 3, 4, 3, 5)],
            {},
        ),
        (
            "batchnorm3d_eval",
            with_params(nn.BatchNorm3d(3), weight=torch.rand(3) + 0.5, bias=randn(3), running_mean=randn(3), running_var=torch.rand(3) + 0.5),
            {"cls": "BatchNorm3d", "args": [3]},
            [randn(2, 3, 3, 4, 2)],
            {"eval": True},
        ),
        ("batchnorm3d_no_affine", nn.BatchNorm3d(2, affine=False, eps=1e-3), {"cls": "BatchNorm3d", "args": [2, {"affine": False, "eps": 1e-3}]}, [randn(3, 2, 2, 3, 3)], {}),
        (
            "upsample_trilinear",
            nn.Upsample(scale_factor=2, mode="trilinear"),
            {"cls": "Upsample", "args": [{"scaleFactor": 2, "mode": "trilinear"}]},
            [randn(1, 2, 2, 3, 4)],
            {},
        ),
        (
            "upsample_trilinear_align_size",
            nn.Upsample(size=(3, 5, 4), mode="trilinear", align_corners=True),
            {"cls": "Upsample", "args": [{"size": [3, 5, 4], "mode": "trilinear", "alignCorners": True}]},
            [randn(2, 1, 2, 3, 5)],
            {},
        ),
    ]


def batchnorm3d_steps():
    """Three training steps then eval, for momentum 0.1 and None (the cumulative average)."""
    torch.manual_seed(14)
    t = {f"input.{i}": randn(2, 3, 3, 2, 4) * (i + 1) + i for i in range(3)}
    t["eval_input"] = randn(2, 3, 3, 2, 4)
    for name, momentum in [("momentum", 0.1), ("cumulative", None)]:
        bn = with_params(nn.BatchNorm3d(3, momentum=momentum), weight=torch.rand(3) + 0.5, bias=randn(3))
        t[f"{name}.weight"], t[f"{name}.bias"] = bn.weight.detach().clone(), bn.bias.detach().clone()
        bn.train()
        for i in range(3):
            t[f"{name}.output.{i}"] = bn(t[f"input.{i}"]).detach().clone()
            t[f"{name}.running_mean.{i}"] = bn.running_mean.clone()
            t[f"{name}.running_var.{i}"] = bn.running_var.clone()
        bn.eval()
        t[f"{name}.eval_output"] = bn(t["eval_input"]).detach().clone()
        t[f"{name}.num_batches_tracked"] = bn.num_batches_tracked.clone()
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(OUT, "batchnorm3d-steps.safetensors"))


def main():
    for name, module, spec, inputs, opts in cases():
        record(name, module, spec, inputs, eval_mode=opts.get("eval", False))
    batchnorm3d_steps()
    print("wrote the 3-d pooling, BatchNorm3d and trilinear Upsample fixtures")


if __name__ == "__main__":
    main()
