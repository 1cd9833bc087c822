#!/usr/bin/env python3
"""PyTorch golden values for the channel-dropout, RMSNorm, InstanceNorm, pixel-shuffle, padding
and Unflatten layers: test/fixtures/layers/<case>.safetensors in fixtures_nn.py's format (its
record()), so test/layers.test.ts checks them with every other layer (outputs, input and
parameter gradients, running statistics after a training step).

    /opt/torch-venv/bin/python scripts/fixtures_nn_norm_pad.py

Kept apart from fixtures_nn.py, from its own seed, so the fixtures written there do not change.
"""
import torch
import torch.nn as nn

from fixtures_nn import randn, record


def with_params(module, **values):
    """The module with the given parameters/buffers overwritten (PyTorch's are ones/zeros at first)."""
    with torch.no_grad():
        for name, v in values.items():
            getattr(module, name).copy_(v)
    return module


def cases():
    torch.manual_seed(11)
    return [
        ("rmsnorm", with_params(nn.RMSNorm([3, 4]), weight=torch.rand(3, 4) + 0.5), {"cls": "RMSNorm", "args": [[3, 4]]}, [randn(2, 3, 4)], {}),
        ("rmsnorm_eps_no_affine", nn.RMSNorm(5, eps=1e-3, elementwise_affine=False), {"cls": "RMSNorm", "args": [5, {"eps": 1e-3, "elementwiseAffine": False}]}, [randn(2, 3, 5)], {}),
        ("instancenorm1d", nn.InstanceNorm1d(3), {"cls": "InstanceNorm1d", "args": [3]}, [randn(2, 3, 6)], {}),
        ("instancenorm1d_unbatched_affine", with_params(nn.InstanceNorm1d(3, affine=True), weight=torch.rand(3) + 0.5, bias=randn(3)), {"cls": "InstanceNorm1d", "args": [3, {"affine": True}]}, [randn(3, 5)], {}),
        (
            "instancenorm2d_track_train",
            with_params(nn.InstanceNorm2d(3, momentum=0.2, affine=True, track_running_stats=True), weight=torch.rand(3) + 0.5, bias=randn(3), running_mean=randn(3), running_var=torch.rand(3) + 0.5),
            {"cls": "InstanceNorm2d", "args": [3, {"momentum": 0.2, "affine": True, "trackRunningStats": True}]},
            [randn(2, 3, 4, 5)],
            {},
        ),
        (
            "instancenorm2d_track_eval",
            with_params(nn.InstanceNorm2d(2, track_running_stats=True), running_mean=randn(2), running_var=torch.rand(2) + 0.5),
            {"cls": "InstanceNorm2d", "args": [2, {"trackRunningStats": True}]},
            [randn(3, 2, 3, 3)],
            {"eval": True},
        ),
        ("instancenorm3d_unbatched", nn.InstanceNorm3d(2, eps=1e-3), {"cls": "InstanceNorm3d", "args": [2, {"eps": 1e-3}]}, [randn(2, 3, 3, 2)], {}),
        ("pixelshuffle", nn.PixelShuffle(2), {"cls": "PixelShuffle", "args": [2]}, [randn(2, 8, 3, 2)], {}),
        ("pixelunshuffle", nn.PixelUnshuffle(3), {"cls": "PixelUnshuffle", "args": [3]}, [randn(2, 2, 3, 6)], {}),
        ("dropout1d_eval", nn.Dropout1d(0.5), {"cls": "Dropout1d", "args": [0.5]}, [randn(2, 3, 4)], {"eval": True}),
        ("dropout2d_p0_train", nn.Dropout2d(0.0), {"cls": "Dropout2d", "args": [0]}, [randn(2, 3, 2, 2)], {}),
        ("dropout3d_eval", nn.Dropout3d(), {"cls": "Dropout3d", "args": []}, [randn(1, 2, 2, 2, 2)], {"eval": True}),
        ("zeropad1d", nn.ZeroPad1d(2), {"cls": "ZeroPad1d", "args": [2]}, [randn(2, 3, 5)], {}),
        ("zeropad2d", nn.ZeroPad2d((1, 2, 0, 3)), {"cls": "ZeroPad2d", "args": [[1, 2, 0, 3]]}, [randn(2, 3, 4, 4)], {}),
        ("zeropad3d", nn.ZeroPad3d((1, 0, 0, 1, 1, 1)), {"cls": "ZeroPad3d", "args": [[1, 0, 0, 1, 1, 1]]}, [randn(1, 2, 2, 3, 2)], {}),
        ("constantpad1d", nn.ConstantPad1d((2, 1), 3.5), {"cls": "ConstantPad1d", "args": [[2, 1], 3.5]}, [randn(2, 4)], {}),
        ("constantpad2d", nn.ConstantPad2d(1, -1.0), {"cls": "ConstantPad2d", "args": [1, -1.0]}, [randn(1, 2, 3, 3)], {}),
        ("constantpad2d_crop", nn.ConstantPad2d((-1, 1, 0, -1), 0.5), {"cls": "ConstantPad2d", "args": [[-1, 1, 0, -1], 0.5]}, [randn(1, 2, 4, 4)], {}),
        ("constantpad3d", nn.ConstantPad3d(1, 2.0), {"cls": "ConstantPad3d", "args": [1, 2.0]}, [randn(1, 1, 2, 2, 2)], {}),
        ("reflectionpad1d", nn.ReflectionPad1d((3, 1)), {"cls": "ReflectionPad1d", "args": [[3, 1]]}, [randn(2, 3, 5)], {}),
        ("reflectionpad2d", nn.ReflectionPad2d((1, 1, 2, 0)), {"cls": "ReflectionPad2d", "args": [[1, 1, 2, 0]]}, [randn(2, 2, 4, 4)], {}),
        ("reflectionpad2d_unbatched", nn.ReflectionPad2d(1), {"cls": "ReflectionPad2d", "args": [1]}, [randn(2, 3, 3)], {}),
        ("reflectionpad3d", nn.ReflectionPad3d(1), {"cls": "ReflectionPad3d", "args": [1]}, [randn(1, 2, 3, 3, 3)], {}),
        ("replicationpad1d", nn.ReplicationPad1d((4, 1)), {"cls": "ReplicationPad1d", "args": [[4, 1]]}, [randn(2, 3, 3)], {}),
        ("replicationpad2d", nn.ReplicationPad2d((2, 1, 1, 3)), {"cls": "ReplicationPad2d", "args": [[2, 1, 1, 3]]}, [randn(1, 2, 3, 4)], {}),
        ("replicationpad3d", nn.ReplicationPad3d((1, 2, 0, 1, 1, 0)), {"cls": "ReplicationPad3d", "args": [[1, 2, 0, 1, 1, 0]]}, [randn(2, 1, 2, 2, 3)], {}),
        ("unflatten", nn.Unflatten(1, (2, 5)), {"cls": "Unflatten", "args": [1, [2, 5]]}, [randn(3, 10, 2)], {}),
    ]


def main():
    for name, module, spec, inputs, opts in cases():
        record(name, module, spec, inputs, eval_mode=opts.get("eval", False))
    print("wrote the channel-dropout, norm, pixel-shuffle, padding and unflatten fixtures")


if __name__ == "__main__":
    main()
