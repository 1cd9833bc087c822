#!/usr/bin/env python3
"""PyTorch golden values for max_pool2d's and max_pool3d's indices, max_unpool2d, max_unpool3d
and bincount
(test/composed-unpool.test.ts, src/ops/table/composed-unpool.ts).

    /opt/torch-venv/bin/python scripts/fixtures_composed_unpool.py

Writes test/fixtures/composed-unpool.safetensors: per case `<case>.input.<i>`, `<case>.output.<j>`,
the upstream gradients `<case>.upstream.<j>` (float outputs that require grad) and the input
gradients `<case>.grad.<i>`; metadata `cases` is JSON {case: {"inputs": n, "grad": [...],
"outputs": m}}. The TS test pairs each case name with the nutshell call.
scripts/golden_cases.py records the cases (test/golden-cases.ts reads them).
"""
import torch
import torch.nn.functional as F

from golden_cases import fixture_path, inf, nan, randn, write_cases

OUT = fixture_path("composed-unpool")
torch.manual_seed(0)


def ties(*shape, levels=3):
    """Small integers: windows with several equal maxima."""
    return torch.randint(0, levels, shape).float()


def specials(*shape):
    """Ties, -inf (whole windows of it, next to the padding) and NaN (several in some windows)."""
    x = ties(*shape)
    flat = x.view(-1)
    n = flat.numel()
    g = torch.Generator().manual_seed(3)
    pick = torch.randperm(n, generator=g)
    flat[pick[: n // 6]] = nan
    flat[pick[n // 6: n // 3]] = -inf
    x[..., :2, :2] = -inf  # a top-left corner of -inf: padded windows of nothing else
    return x


def pool(k, **kw):
    return lambda x: list(F.max_pool2d(x, k, return_indices=True, **kw))


def pool_indices(x, k, **kw):
    return F.max_pool2d(x, k, return_indices=True, **kw)[1]


# max_unpool2d's inputs: values x and the indices a pooling of `source` gave.
def unpool_inputs(shape, k, **kw):
    src = ties(*shape, levels=4)
    idx = pool_indices(src, k, **kw)
    return [randn(*idx.shape), idx]


def pool3d(k, **kw):
    return lambda x: list(F.max_pool3d(x, k, return_indices=True, **kw))


def unpool3d_inputs(shape, k, **kw):
    src = ties(*shape, levels=4)
    idx = F.max_pool3d(src, k, return_indices=True, **kw)[1]
    return [randn(*idx.shape), idx]


def roundtrip3d(k, **kw):
    def f(x):
        y, i = F.max_pool3d(x, k, return_indices=True, **kw)
        return F.max_unpool3d(y, i, k, stride=kw.get("stride"), padding=kw.get("padding", 0), output_size=x.shape[-3:])
    return f


def roundtrip(k, **kw):
    def f(x):
        y, i = F.max_pool2d(x, k, return_indices=True, **kw)
        return F.max_unpool2d(y, i, k, stride=kw.get("stride"), padding=kw.get("padding", 0), output_size=x.shape[-2:])
    return f


# (case, function of the inputs → tensor or list of tensors, inputs, which inputs get gradients)
CASES = [
    ("poolBasic", pool(2), [randn(2, 3, 6, 8)], [True]),
    ("poolTies", pool(2), [ties(1, 2, 6, 6)], [True]),
    ("poolOverlapPadding", pool(3, stride=2, padding=1), [ties(2, 2, 7, 7)], [True]),
    ("poolStrideOne", pool(3, stride=1, padding=1), [ties(1, 2, 5, 6)], [True]),
    ("poolRectDilation", pool((2, 3), stride=(1, 2), dilation=(2, 1)), [ties(1, 2, 7, 8)], [True]),
    ("poolDilationPadding", pool(3, stride=2, padding=1, dilation=2), [ties(1, 1, 9, 8)], [True]),
    ("poolCeilMode", pool(2, ceil_mode=True), [ties(1, 2, 5, 7)], [True]),
    ("poolCeilOverlap", pool(3, stride=2, padding=1, ceil_mode=True), [ties(1, 1, 6, 8)], [True]),
    ("poolRectPadding", pool((3, 2), stride=(2, 1), padding=(1, 0)), [randn(2, 1, 6, 5)], [True]),
    ("poolSpecials", pool(2), [specials(2, 2, 6, 6)], [False]),
    ("poolSpecialsPadded", pool(3, stride=2, padding=1), [specials(1, 3, 7, 7)], [False]),
    ("poolNaNWindows", pool(2), [torch.tensor([[[[nan, 5.0, 1.0, nan], [nan, 1.0, nan, nan], [-inf, -inf, 2.0, 2.0], [-inf, -inf, 2.0, nan]]]])], [False]),
    ("poolUnbatched", pool(2, stride=1), [ties(3, 4, 5)], [True]),
    ("poolGlobal", pool(16), [randn(1, 2, 16, 16)], [True]),
    ("poolEmptyBatch", pool(2), [randn(0, 2, 4, 4)], [False]),
    ("unpoolBasic", lambda x, i: F.max_unpool2d(x, i, 2), unpool_inputs((2, 3, 6, 8), 2), [True, False]),
    ("unpoolStridePadding", lambda x, i: F.max_unpool2d(x, i, 3, stride=2, padding=1), unpool_inputs((1, 2, 7, 7), 3, stride=2, padding=1), [True, False]),
    ("unpoolOverlap", lambda x, i: F.max_unpool2d(x, i, 3, stride=1, padding=1), unpool_inputs((1, 2, 5, 6), 3, stride=1, padding=1), [True, False]),
    ("unpoolRect", lambda x, i: F.max_unpool2d(x, i, (3, 2), stride=(2, 1), padding=(1, 0)), unpool_inputs((2, 1, 6, 5), (3, 2), stride=(2, 1), padding=(1, 0)), [True, False]),
    ("unpoolOutputSize", lambda x, i: F.max_unpool2d(x, i, 2, output_size=[7, 9]), unpool_inputs((1, 2, 7, 9), 2), [True, False]),
    ("unpoolOutputSizeFull", lambda x, i: F.max_unpool2d(x, i, 3, stride=2, output_size=[2, 2, 8, 6]), unpool_inputs((2, 2, 8, 6), 3, stride=2), [True, False]),
    ("unpoolUnbatched", lambda x, i: F.max_unpool2d(x, i, 2), unpool_inputs((3, 4, 6), 2), [True, False]),
    # Repeated indices (as overlapping windows give them) write equal values: the value, exactly;
    # each write gets the whole gradient there. (Unequal values at one index: undefined in PyTorch.)
    ("unpoolRepeated", lambda x, i: F.max_unpool2d(x, i, 3, stride=1, padding=1), [torch.tensor([[[[0.1, -0.7, 0.1], [1.3, 0.1, -0.7]]]]), torch.tensor([[[[4, 0, 4], [5, 4, 0]]]])], [True, False]),
    ("roundTrip", roundtrip(2), [randn(2, 3, 6, 8)], [True]),
    ("roundTripOverlap", roundtrip(3, stride=2, padding=1), [ties(1, 2, 7, 7)], [True]),
    ("roundTripOdd", roundtrip(2), [randn(1, 2, 5, 7)], [True]),
    # 3-d: the op's own windows (cpu: pool_loops.cc; cuda: pool_kernels.cu), PyTorch's picks.
    ("pool3dBasic", pool3d(2), [randn(2, 2, 4, 6, 6)], [True]),
    ("pool3dTies", pool3d(2), [ties(1, 2, 4, 4, 6)], [True]),
    ("pool3dOverlapPadding", pool3d(3, stride=2, padding=1), [ties(1, 2, 5, 7, 6)], [True]),
    ("pool3dRectDilationCeil", pool3d((2, 3, 2), stride=(2, 1, 2), padding=(1, 1, 0), dilation=(2, 1, 2), ceil_mode=True), [ties(1, 1, 7, 6, 8)], [True]),
    ("pool3dSpecials", pool3d(2), [specials(1, 2, 4, 6, 6)], [False]),
    ("pool3dSpecialsPadded", pool3d(3, stride=2, padding=1), [specials(1, 2, 5, 7, 7)], [False]),
    ("pool3dUnbatched", pool3d(2, stride=1), [ties(2, 3, 4, 5)], [True]),
    ("pool3dEmptyBatch", pool3d(2), [randn(0, 2, 4, 4, 4)], [False]),
    ("unpool3dBasic", lambda x, i: F.max_unpool3d(x, i, 2), unpool3d_inputs((2, 2, 4, 6, 6), 2), [True, False]),
    ("unpool3dStridePadding", lambda x, i: F.max_unpool3d(x, i, 3, stride=2, padding=1), unpool3d_inputs((1, 2, 5, 7, 7), 3, stride=2, padding=1), [True, False]),
    ("unpool3dOutputSize", lambda x, i: F.max_unpool3d(x, i, 2, output_size=[5, 7, 9]), unpool3d_inputs((1, 2, 5, 7, 9), 2), [True, False]),
    ("unpool3dUnbatched", lambda x, i: F.max_unpool3d(x, i, (2, 2, 1)), unpool3d_inputs((3, 4, 6, 5), (2, 2, 1)), [True, False]),
    ("roundTrip3d", roundtrip3d(2), [randn(1, 2, 4, 6, 8)], [True]),
    ("roundTrip3dOverlap", roundtrip3d(3, stride=2, padding=1), [ties(1, 2, 5, 5, 7)], [True]),
    ("bincount", torch.bincount, [torch.tensor([1, 3, 3, 0, 7, 3])], [False]),
    ("bincountMinlength", lambda x: torch.bincount(x, minlength=12), [torch.tensor([1, 3, 3, 0, 7, 3])], [False]),
    ("bincountMinlengthSmall", lambda x: torch.bincount(x, minlength=2), [torch.tensor([4, 4, 2], dtype=torch.int32)], [False]),
    ("bincountWeights", lambda x, w: torch.bincount(x, weights=w), [torch.tensor([2, 0, 2, 5, 0]), randn(5)], [False, False]),
    ("bincountWeightsMinlength", lambda x, w: torch.bincount(x, weights=w, minlength=9), [torch.tensor([2, 0, 2, 5, 0], dtype=torch.int32), randn(5)], [False, False]),
    ("bincountUint8", torch.bincount, [torch.tensor([255, 0, 3, 3], dtype=torch.uint8)], [False]),
    ("bincountLarge", torch.bincount, [torch.randint(0, 50, (1000,))], [False]),
    ("bincountEmpty", lambda x: torch.bincount(x, minlength=4), [torch.tensor([], dtype=torch.int64)], [False]),
    ("bincountEmptyWeights", lambda x, w: torch.bincount(x, weights=w, minlength=3), [torch.tensor([], dtype=torch.int64), torch.tensor([])], [False, False]),
    ("bincountEmptyNoMinlength", torch.bincount, [torch.tensor([], dtype=torch.int64)], [False]),
]


if __name__ == "__main__":
    write_cases(CASES, OUT)
