#!/usr/bin/env python3
"""PyTorch golden values for affineGrid and gridSample (test/composed-grid-sample.test.ts), the
composed spatial-transformer functions in src/ops/table/composed-grid-sample.ts:
F.affine_grid (2-D and 3-D) and F.grid_sample (4-D and 5-D input) in every mode × padding_mode × align_corners,
grids reaching outside [-1, 1], exact half-pixel points for nearest, exact borders, one-pixel
axes, non-finite grid values, and affine_grid feeding grid_sample.

    /opt/torch-venv/bin/python scripts/fixtures_composed_grid_sample.py

Writes test/fixtures/composed-grid-sample.safetensors in the layout of scripts/golden_cases.py,
which records the cases: per case `<case>.input.<i>`, `<case>.output.<j>`, the upstream gradients
`<case>.upstream.<j>` and the input gradients `<case>.grad.<i>`; metadata `cases` is JSON
{case: {"inputs": n, "grad": [...], "outputs": m}}. The TS test pairs each case name with the
nutshell call.
"""
import warnings

import torch
import torch.nn.functional as F

from golden_cases import fixture_path, inf, nan, write_cases

OUT = fixture_path("composed-grid-sample")
torch.manual_seed(0)
warnings.filterwarnings("ignore")


def uniform(lo, hi, *shape):
    return torch.rand(*shape) * (hi - lo) + lo


def sampler(mode, padding, align):
    return lambda x, g: F.grid_sample(x, g, mode=mode, padding_mode=padding, align_corners=align)


def affine(size, align):
    return lambda theta: F.affine_grid(theta, size, align_corners=align)


def transformer(align):
    def fn(x, theta):
        grid = F.affine_grid(theta, list(x.shape), align_corners=align)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=align)
    return fn


def halves(width, align):
    """Grid x values whose pixel coordinate is exactly k + 0.5 for k = 0 .. width-2 (and some k)."""
    ks = torch.arange(width - 1, dtype=torch.float32) + 0.5
    return ks * 2 / (width - 1) - 1 if align else (2 * ks + 1) / width - 1


CASES = []
MODES = ["bilinear", "nearest"]
PADDINGS = ["zeros", "border", "reflection"]
for mode in MODES:
    for padding in PADDINGS:
        for align in [False, True]:
            name = f"{mode}_{padding}_{'aligned' if align else 'edges'}"
            # Batch 2, non-square input and output, grid points out to ±2.6 (several reflections).
            CASES.append((name, sampler(mode, padding, align), [torch.randn(2, 3, 4, 5), uniform(-2.6, 2.6, 2, 3, 7, 2)], [True, True]))

# Nearest at exact half-pixel coordinates: round half to even (PyTorch's nearbyint).
for align in [False, True]:
    w, h = 6, 5
    xs, ys = halves(w, align), halves(h, align)
    gx = xs.repeat(len(ys)).reshape(len(ys), len(xs))
    gy = ys.repeat_interleave(len(xs)).reshape(len(ys), len(xs))
    grid = torch.stack([gx, gy], -1).unsqueeze(0)
    CASES.append((f"nearestHalves_{'aligned' if align else 'edges'}", sampler("nearest", "zeros", align), [torch.randn(1, 2, h, w), grid], [True, True]))

# Exact corners and borders (±1, 0): the clipped coordinates sit on the borders, whose gradient
# PyTorch counts as outside (0); zeros padding takes the one-sided gradient towards the zeros.
edge = torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0])
edge_grid = torch.stack(torch.meshgrid(edge, edge, indexing="xy"), -1).unsqueeze(0)
for padding in PADDINGS:
    for align in [False, True]:
        CASES.append((f"exactEdges_{padding}_{'aligned' if align else 'edges'}", sampler("bilinear", padding, align), [torch.randn(1, 2, 3, 4), edge_grid.clone()], [True, True]))

# One-pixel axes: aligned reflection over an empty span maps everything to 0.
for padding in PADDINGS:
    for align in [False, True]:
        CASES.append((f"onePixel_{padding}_{'aligned' if align else 'edges'}", sampler("bilinear", padding, align), [torch.randn(2, 2, 1, 3), uniform(-1.8, 1.8, 2, 2, 3, 2)], [True, True]))

# Non-finite grid values (forward only): NaN and ±inf clip to 0 / the border, reflect to NaN → 0.
bad = torch.tensor([[[[nan, 0.2], [0.1, nan], [inf, 0.0], [-inf, 0.3], [5.0, 0.0], [0.3, -inf]]]])
for mode in MODES:
    for padding in PADDINGS:
        CASES.append((f"nonFinite_{mode}_{padding}", sampler(mode, padding, False), [torch.randn(1, 2, 3, 4), bad.clone()], [False, False]))

# A larger one, and the rest of the shapes: one channel, a 1×1 output.
CASES.append(("bilinearLarger", sampler("bilinear", "reflection", False), [torch.randn(3, 4, 9, 7), uniform(-1.3, 1.3, 3, 8, 11, 2)], [True, True]))
CASES.append(("bilinearOnePoint", sampler("bilinear", "border", True), [torch.randn(2, 1, 3, 3), uniform(-1.2, 1.2, 2, 1, 1, 2)], [True, True]))

# affine_grid, both alignments, non-square, one-pixel axes; and affine_grid → grid_sample.
for align in [False, True]:
    tag = "aligned" if align else "edges"
    CASES.append((f"affineGrid_{tag}", affine([2, 3, 4, 5], align), [torch.randn(2, 2, 3)], [True]))
    CASES.append((f"affineGridOnePixel_{tag}", affine([1, 2, 1, 3], align), [torch.randn(1, 2, 3)], [True]))
    CASES.append((f"affineGridLong_{tag}", affine([1, 1, 11, 20], align), [torch.randn(1, 2, 3)], [True]))
    rot = torch.tensor([[[0.8, -0.5, 0.1], [0.45, 0.9, -0.2]], [[1.2, 0.1, 0.3], [-0.2, 0.7, 0.05]]])
    CASES.append((f"spatialTransformer_{tag}", transformer(align), [torch.randn(2, 3, 5, 6), rot], [True, True]))

# Volumes (5-D input, [N, D, H, W, 3] grids; trilinear under mode 'bilinear'), drawn from their
# own generator so the cases above keep their values.
torch.manual_seed(3)
for mode in MODES:
    for padding in PADDINGS:
        for align in [False, True]:
            CASES.append((f"volume_{mode}_{padding}_{'aligned' if align else 'edges'}", sampler(mode, padding, align),
                          [torch.randn(2, 2, 3, 4, 5), uniform(-1.7, 1.7, 2, 2, 3, 4, 3)], [True, True]))
for align in [False, True]:
    tag = "aligned" if align else "edges"
    CASES.append((f"affineGrid3d_{tag}", affine([2, 3, 2, 4, 5], align), [torch.randn(2, 3, 4)], [True]))
    rot3 = torch.tensor([[[0.9, -0.3, 0.1, 0.05], [0.3, 0.95, -0.1, -0.1], [-0.1, 0.1, 1.1, 0.2]]])
    CASES.append((f"volumeTransformer_{tag}", transformer(align), [torch.randn(1, 2, 4, 5, 6), rot3], [True, True]))


if __name__ == "__main__":
    write_cases(CASES, OUT)
