"""Writes the ONNX models ONNX Runtime runs in the bench (called by scripts/setup-peers.sh):
one Conv node per conv layer shape of the ops suite, and LeNet for inference; LeNet's weights go
to a safetensors file too, so nutshell can run the very same network and compare outputs.

usage: python export_onnx.py OUT_DIR"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from models import LeNet  # noqa: E402
from shapes import CONV_SHAPES  # noqa: E402


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    written = []
    for s in CONV_SHAPES:
        spatial = [s["d"], s["h"], s["w"]] if "d" in s else [s["h"], s["w"]]
        layer = torch.nn.Conv3d if "d" in s else torch.nn.Conv2d
        conv = layer(s["c"], s["o"], s["k"], padding=s["pad"], bias=True).eval()
        x = torch.randn(s["n"], s["c"], *spatial)
        path = os.path.join(out, f"conv_{s['name']}.onnx")
        torch.onnx.export(conv, (x,), path, dynamo=False, input_names=["x"], output_names=["y"], opset_version=17)
        written.append(path)
    net = LeNet().eval()
    x = torch.randn(1000, 1, 28, 28)
    path = os.path.join(out, "lenet.onnx")
    torch.onnx.export(net, (x,), path, dynamo=False, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}}, opset_version=17)
    written.append(path)
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, os.path.join(out, "lenet.safetensors"))
    # A reference batch: nutshell's forward pass over it must match these logits.
    torch.manual_seed(1)
    ref_x = torch.rand(16, 1, 28, 28)
    with torch.no_grad():
        ref_y = net(ref_x)
    save_file({"x": ref_x, "logits": ref_y}, os.path.join(out, "lenet-reference.safetensors"))
    print(json.dumps({"written": written}))


if __name__ == "__main__":
    main(sys.argv[1])
