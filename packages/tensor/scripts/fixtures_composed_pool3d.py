#!/usr/bin/env python3
"""PyTorch golden values for the 3-d pooling functions and 5-d interpolation
(test/composed-pool3d.test.ts): max_pool3d, avg_pool3d, adaptive_avg_pool3d, adaptive_max_pool3d
and F.interpolate on [N, C, D, H, W] ('nearest', 'nearest-exact', 'trilinear', 'area').

    /opt/torch-venv/bin/python scripts/fixtures_composed_pool3d.py

Writes test/fixtures/composed-pool3d.safetensors in golden_cases.py's layout (per case
`<case>.input.0`, `<case>.output.0`, `<case>.upstream.0`, `<case>.grad.0`); the TS test pairs each
case name with the nutshell call. Inputs are normal draws (no ties) except the `...Ties` cases,
small integers whose windows hold several equal maxima (Note [separable 3-d pooling]).
"""
import torch
import torch.nn.functional as F

from golden_cases import fixture_path, randn, write_cases

OUT = fixture_path("composed-pool3d")
torch.manual_seed(0)


def ties(*shape):
    """Small integers as floats: most windows hold several equal maxima."""
    return torch.randint(0, 3, shape).float()


def case(name, fn, x):
    return (name, fn, [x], [x.numel() > 0])


CASES = [
    # max_pool3d
    case("maxBasic", lambda x: F.max_pool3d(x, 2), randn(2, 3, 4, 4, 4)),
    case("maxStridePad", lambda x: F.max_pool3d(x, 3, stride=2, padding=1), randn(1, 2, 5, 6, 7)),
    case("maxRect", lambda x: F.max_pool3d(x, (2, 3, 1), stride=(1, 2, 1)), randn(2, 2, 6, 5, 7)),
    case("maxDilation", lambda x: F.max_pool3d(x, (3, 2, 3), stride=(2, 1, 2), padding=1, dilation=(2, 3, 1)), randn(1, 2, 7, 7, 8)),
    case("maxCeil", lambda x: F.max_pool3d(x, 2, ceil_mode=True), randn(1, 3, 5, 6, 7)),
    case("maxCeilPad", lambda x: F.max_pool3d(x, 3, stride=2, padding=1, ceil_mode=True), randn(2, 1, 6, 7, 5)),
    case("maxCeilDilation", lambda x: F.max_pool3d(x, (2, 3, 2), stride=(3, 2, 2), padding=(1, 1, 0), dilation=(2, 1, 2), ceil_mode=True), randn(1, 2, 8, 7, 9)),
    case("maxUnbatched", lambda x: F.max_pool3d(x, (2, 2, 3), stride=1), randn(2, 4, 5, 6)),
    case("maxTies", lambda x: F.max_pool3d(x, (2, 3, 2), stride=1, padding=(1, 1, 0)), ties(1, 2, 4, 5, 6)),
    case("maxTiesCube", lambda x: F.max_pool3d(x, 2), ties(1, 2, 4, 6, 8)),  # (H, W) by cpu's 2×2 kernel
    case("maxEmptyBatch", lambda x: F.max_pool3d(x, 2), randn(0, 2, 4, 4, 4)),
    # avg_pool3d
    case("avgBasic", lambda x: F.avg_pool3d(x, 2), randn(2, 3, 4, 4, 4)),
    case("avgPadInclude", lambda x: F.avg_pool3d(x, 3, stride=2, padding=1), randn(1, 2, 5, 6, 7)),
    case("avgPadExclude", lambda x: F.avg_pool3d(x, 3, stride=2, padding=1, count_include_pad=False), randn(1, 2, 5, 6, 7)),
    case("avgCeilPadInclude", lambda x: F.avg_pool3d(x, 3, stride=2, padding=1, ceil_mode=True), randn(1, 2, 6, 6, 6)),
    case("avgCeilPadExclude", lambda x: F.avg_pool3d(x, (3, 2, 3), stride=2, padding=1, ceil_mode=True, count_include_pad=False), randn(2, 1, 6, 7, 5)),
    case("avgCeilOverhang", lambda x: F.avg_pool3d(x, 2, ceil_mode=True), randn(1, 1, 5, 5, 7)),
    case("avgCeilOverhangPad", lambda x: F.avg_pool3d(x, (4, 3, 3), stride=3, padding=(2, 1, 1), ceil_mode=True), randn(1, 2, 8, 7, 7)),
    case("avgCeilOverhangPadExclude", lambda x: F.avg_pool3d(x, (4, 3, 3), stride=3, padding=(2, 1, 1), ceil_mode=True, count_include_pad=False), randn(1, 2, 8, 7, 7)),
    case("avgDivisor", lambda x: F.avg_pool3d(x, 3, stride=2, padding=1, divisor_override=5), randn(1, 2, 5, 6, 7)),
    case("avgDivisorCeil", lambda x: F.avg_pool3d(x, (3, 2, 3), stride=2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=-4), randn(1, 1, 6, 7, 5)),
    case("avgRect", lambda x: F.avg_pool3d(x, (1, 2, 3), stride=(1, 2, 1)), randn(2, 2, 5, 6, 7)),
    case("avgUnbatched", lambda x: F.avg_pool3d(x, 2, stride=1, padding=1), randn(3, 4, 5, 6)),
    case("avgEmptyBatch", lambda x: F.avg_pool3d(x, 2), randn(0, 2, 4, 4, 4)),
    # adaptive_avg_pool3d
    case("adaptiveAvgEven", lambda x: F.adaptive_avg_pool3d(x, (2, 3, 4)), randn(2, 3, 4, 6, 8)),
    case("adaptiveAvgUneven", lambda x: F.adaptive_avg_pool3d(x, (3, 4, 5)), randn(1, 2, 5, 7, 6)),
    case("adaptiveAvgUpsample", lambda x: F.adaptive_avg_pool3d(x, (3, 4, 5)), randn(1, 2, 2, 3, 2)),
    case("adaptiveAvgGlobal", lambda x: F.adaptive_avg_pool3d(x, 1), randn(2, 3, 3, 4, 5)),
    case("adaptiveAvgNone", lambda x: F.adaptive_avg_pool3d(x, (None, 3, None)), randn(1, 2, 5, 6, 7)),
    case("adaptiveAvgUnbatched", lambda x: F.adaptive_avg_pool3d(x, (2, 3, 4)), randn(2, 5, 4, 7)),
    # adaptive_max_pool3d
    case("adaptiveMaxEven", lambda x: F.adaptive_max_pool3d(x, (2, 3, 4)), randn(2, 3, 4, 6, 8)),
    case("adaptiveMaxUneven", lambda x: F.adaptive_max_pool3d(x, (3, 4, 5)), randn(1, 2, 5, 7, 6)),
    case("adaptiveMaxUpsample", lambda x: F.adaptive_max_pool3d(x, (3, 4, 5)), randn(1, 2, 2, 3, 2)),
    case("adaptiveMaxGlobal", lambda x: F.adaptive_max_pool3d(x, 1), randn(2, 3, 3, 4, 5)),
    case("adaptiveMaxNone", lambda x: F.adaptive_max_pool3d(x, (2, None, 3)), randn(1, 2, 5, 6, 7)),
    case("adaptiveMaxUnbatched", lambda x: F.adaptive_max_pool3d(x, (2, 3, 4)), randn(2, 5, 4, 7)),
    case("adaptiveMaxTies", lambda x: F.adaptive_max_pool3d(x, (3, 4, 5)), ties(1, 2, 5, 6, 7)),
    # interpolate on [N, C, D, H, W]
    case("nearestSize", lambda x: F.interpolate(x, size=(5, 7, 3)), randn(1, 2, 3, 4, 5)),
    case("nearestScale", lambda x: F.interpolate(x, scale_factor=2), randn(2, 1, 2, 3, 4)),
    case("nearestScaleMixed", lambda x: F.interpolate(x, scale_factor=(1.5, 0.5, 2.3)), randn(1, 2, 4, 5, 6)),
    case("nearestExact", lambda x: F.interpolate(x, size=(5, 7, 3), mode="nearest-exact"), randn(1, 2, 3, 4, 5)),
    case("trilinearSize", lambda x: F.interpolate(x, size=(5, 7, 3), mode="trilinear"), randn(1, 2, 3, 4, 5)),
    case("trilinearAlign", lambda x: F.interpolate(x, size=(5, 7, 3), mode="trilinear", align_corners=True), randn(1, 2, 3, 4, 5)),
    case("trilinearScale", lambda x: F.interpolate(x, scale_factor=(2, 1.5, 0.5), mode="trilinear"), randn(1, 2, 3, 4, 6)),
    case("trilinearScaleAlign", lambda x: F.interpolate(x, scale_factor=2, mode="trilinear", align_corners=True), randn(2, 1, 2, 3, 4)),
    case("trilinearDown", lambda x: F.interpolate(x, size=(3, 4, 5), mode="trilinear"), randn(2, 2, 6, 7, 8)),
    case("areaSize", lambda x: F.interpolate(x, size=(2, 3, 2), mode="area"), randn(1, 2, 5, 7, 4)),
    case("areaScale", lambda x: F.interpolate(x, scale_factor=0.5, mode="area"), randn(1, 2, 4, 6, 8)),
]


if __name__ == "__main__":
    write_cases(CASES, OUT)
