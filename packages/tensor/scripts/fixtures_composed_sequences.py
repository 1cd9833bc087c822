#!/usr/bin/env python3
"""PyTorch golden values for the sequence functions (test/composed-sequences.test.ts): Tensor.unfold,
diff, quantile, nanquantile, nansum, nanmean, searchsorted, bucketize.

    /opt/torch-venv/bin/python scripts/fixtures_composed_sequences.py

Writes test/fixtures/composed-sequences.safetensors: per case `<case>.input.<i>`, `<case>.output.<j>`,
the upstream gradients `<case>.upstream.<j>` (float outputs that require grad) and the input
gradients `<case>.grad.<i>`; metadata `cases` is JSON {case: {"inputs": n, "grad": [...]}} naming
which inputs are differentiated. The TS test pairs each case name with the nutshell call.
scripts/golden_cases.py records the cases (test/golden-cases.ts reads them).
"""
import torch

from golden_cases import fixture_path, inf, nan, randn, write_cases

OUT = fixture_path("composed-sequences")
torch.manual_seed(0)


def spaced(*shape):
    """Distinct values 0.3 apart, shuffled: no ties, so sort's order (and its gradient) is unambiguous."""
    n = 1
    for s in shape:
        n *= s
    return ((torch.randperm(n).float() - n / 2) * 0.3).reshape(shape)


def with_nans(x, mask):
    x = x.clone()
    x[torch.tensor(mask, dtype=torch.bool).reshape(x.shape)] = nan
    return x


T = torch.tensor
SEQ = T([1.0, 2, 2, 2, 5])
LONG, I32, U8, BOOL = torch.int64, torch.int32, torch.uint8, torch.bool
QS = T([0.0, 0.33, 0.5, 0.9, 1.0])

# (case, function of the inputs → tensor or list of tensors, inputs, which inputs get gradients)
CASES = [
    # unfold: windows along the last, a middle and the first dim; overlapping (gradients add up),
    # with gaps (elements in no window get 0), the whole dim, a 0-d input, size 0, empty, integers.
    ("unfoldLast", lambda x: x.unfold(-1, 3, 2), [randn(2, 10)], [True]),
    ("unfoldMiddle", lambda x: x.unfold(1, 4, 1), [randn(2, 7, 3)], [True]),
    ("unfoldFirstGaps", lambda x: x.unfold(0, 2, 3), [randn(8, 2)], [True]),
    ("unfoldWhole", lambda x: x.unfold(0, 6, 1), [randn(6)], [True]),
    ("unfoldStepPastEnd", lambda x: x.unfold(0, 4, 5), [randn(6)], [True]),
    ("unfoldScalar", lambda x: x.unfold(0, 1, 1), [randn(())], [True]),
    ("unfoldScalarSizeZero", lambda x: x.unfold(-1, 0, 1), [randn(())], [False]),
    ("unfoldSizeZero", lambda x: x.unfold(0, 0, 1), [randn(3)], [True]),
    ("unfoldEmptyBatch", lambda x: x.unfold(1, 2, 2), [torch.zeros(0, 5)], [True]),
    ("unfoldInt", lambda x: x.unfold(1, 2, 2), [torch.arange(10).reshape(2, 5)], [False]),
    # diff
    ("diff", torch.diff, [randn(3, 5)], [True]),
    ("diffN2Dim0", lambda x: torch.diff(x, n=2, dim=0), [randn(5, 3)], [True]),
    ("diffPrependAppend", lambda x, p, a: torch.diff(x, n=3, dim=1, prepend=p, append=a), [randn(2, 4), randn(2, 1), randn(2, 2)], [True, True, True]),
    ("diffPrepend", lambda x, p: torch.diff(x, dim=0, prepend=p), [randn(3, 2), randn(2, 2)], [True, True]),
    ("diffAppend", lambda x, a: torch.diff(x, append=a), [randn(4), randn(1)], [True, True]),
    ("diffNLarge", lambda x: torch.diff(x, n=5), [randn(4)], [True]),
    ("diffNZero", lambda x: torch.diff(x, n=0), [randn(3)], [True]),
    ("diffBool", torch.diff, [T([[True, False, False, True], [False, False, True, True]])], [False]),
    ("diffBoolN2", lambda x: torch.diff(x, n=2), [T([True, False, False, True, True])], [False]),
    ("diffInt", torch.diff, [T([1, 5, 2, 8], dtype=I32)], [False]),
    ("diffUint8Wraps", torch.diff, [T([1, 5, 2], dtype=U8)], [False]),
    ("diffPromotes", lambda x, p: torch.diff(x, prepend=p), [T([1, 5, 2], dtype=I32), T([1.5])], [False, True]),
    ("diffEmpty", torch.diff, [torch.zeros(0)], [False]),
    # quantile: all elements, a dim, keepdim, a list of q, every interpolation, q at 0 and 1,
    # ties, NaN (the slice's result is NaN), infinities, a 0-d input, an empty q, q's gradient.
    ("quantileAll", lambda x: torch.quantile(x, 0.3), [spaced(3, 4)], [True]),
    ("quantileDim", lambda x, q: torch.quantile(x, q, dim=1), [spaced(3, 5), T([0.0, 0.25, 1.0])], [True, False]),
    ("quantileDimKeep", lambda x, q: torch.quantile(x, q, dim=1, keepdim=True), [spaced(2, 3, 4), T([0.1, 0.9])], [True, False]),
    ("quantileDimZero", lambda x: torch.quantile(x, torch.tensor([0.2, 0.7]), dim=0), [spaced(4, 3)], [True]),
    ("quantileScalarKeep", lambda x: torch.quantile(x, 0.5, dim=-1, keepdim=True), [spaced(2, 3, 4)], [True]),
    ("quantileScalarMiddle", lambda x: torch.quantile(x, 0.75, dim=1), [spaced(2, 3, 4)], [True]),
    ("quantileAllKeep", lambda x: torch.quantile(x, torch.tensor([0.2, 0.8]), keepdim=True), [spaced(2, 3)], [True]),
    ("quantileZeroDimQ", lambda x, q: torch.quantile(x, q, dim=0), [spaced(5, 2), T(0.4)], [True, False]),
    ("quantileLower", lambda x: torch.quantile(x, QS, dim=1, interpolation="lower"), [spaced(2, 6)], [True]),
    ("quantileHigher", lambda x: torch.quantile(x, QS, dim=1, interpolation="higher"), [spaced(2, 6)], [True]),
    ("quantileNearest", lambda x: torch.quantile(x, QS, dim=1, interpolation="nearest"), [spaced(2, 6)], [True]),
    ("quantileMidpoint", lambda x: torch.quantile(x, QS, dim=1, interpolation="midpoint"), [spaced(2, 6)], [True]),
    ("quantileLinearQs", lambda x: torch.quantile(x, QS, dim=1), [spaced(2, 6)], [True]),
    ("quantileNearestHalves", lambda x: torch.quantile(x, torch.tensor([0.125, 0.375, 0.625, 0.875]), interpolation="nearest"), [T([3.0, 0, 4, 1, 2])], [True]),
    ("quantileTies", lambda x: torch.quantile(x, torch.tensor([0.3, 0.6])), [T([1.0, 2, 2, 2, 3])], [True]),
    ("quantileNaN", lambda x: torch.quantile(x, 0.5, dim=1), [T([[2.0, nan, 1, nan], [2, 0, 5, 4]])], [True]),
    ("quantileNaNAll", lambda x: torch.quantile(x, torch.tensor([0.0, 1.0])), [T([1.0, nan, 3])], [True]),
    ("quantileInf", lambda x: torch.quantile(x, torch.tensor([0.25, 0.5, 1.0]), dim=1), [T([[-inf, inf], [inf, inf], [1, inf]])], [False]),
    ("quantileScalarInput", lambda x: torch.quantile(x, torch.tensor([0.5, 0.2]), keepdim=True), [T(3.0)], [True]),
    ("quantileScalarInputDim", lambda x: torch.quantile(x, 0.5, dim=0, keepdim=True), [T(3.0)], [True]),
    ("quantileEmptyQ", lambda x, q: torch.quantile(x, q, dim=1), [randn(2, 3), torch.zeros(0)], [False, False]),
    ("quantileQGrad", lambda x, q: torch.quantile(x, q), [spaced(6), T([0.3, 0.7, 0.05])], [True, True]),
    ("quantileQGradNaNRow", lambda x, q: torch.quantile(x, q, dim=1), [with_nans(spaced(2, 4), [0, 0, 1, 0, 0, 0, 0, 0]), T([0.4, 0.6])], [True, True]),
    # nanquantile: NaN ignored; all NaN gives NaN (at the slice's first NaN).
    ("nanquantile", lambda x: torch.nanquantile(x, torch.tensor([0.0, 0.5, 1.0]), dim=1), [T([[nan, 1, 4, 2], [nan, nan, nan, nan], [3, nan, 0, 1]])], [True]),
    ("nanquantileAll", lambda x: torch.nanquantile(x, 0.4), [with_nans(spaced(3, 3), [0, 1, 0, 0, 0, 1, 0, 0, 0])], [True]),
    ("nanquantileLower", lambda x: torch.nanquantile(x, QS, dim=0, interpolation="lower"), [with_nans(spaced(5, 2), [1, 0, 0, 0, 0, 1, 0, 0, 1, 0])], [True]),
    ("nanquantileMidpointKeep", lambda x: torch.nanquantile(x, 0.6, dim=-1, keepdim=True, interpolation="midpoint"), [with_nans(spaced(2, 5), [1, 0, 0, 0, 0, 0, 0, 1, 0, 0])], [True]),
    ("nanquantileNoNaN", lambda x: torch.nanquantile(x, torch.tensor([0.1, 0.5]), dim=1, interpolation="nearest"), [spaced(3, 4)], [True]),
    # nansum, nanmean
    ("nansum", torch.nansum, [with_nans(randn(3, 4), [0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0])], [True]),
    ("nansumDims", lambda x: torch.nansum(x, [0, 2]), [with_nans(randn(2, 3, 4), [i % 5 == 0 for i in range(24)])], [True]),
    ("nansumKeep", lambda x: torch.nansum(x, 1, keepdim=True), [with_nans(randn(2, 3), [1, 1, 1, 0, 1, 0])], [True]),
    ("nansumInt", lambda x: torch.nansum(x, 0), [T([[1, 2], [3, -4]], dtype=I32)], [False]),
    ("nansumBool", torch.nansum, [T([True, False, True])], [False]),
    ("nansumEmpty", torch.nansum, [torch.zeros(0)], [False]),
    ("nansumScalar", lambda x: torch.nansum(x, 0), [T(nan)], [False]),
    ("nanmean", torch.nanmean, [with_nans(randn(3, 4), [0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0])], [True]),
    ("nanmeanKeep", lambda x: torch.nanmean(x, -1, keepdim=True), [with_nans(randn(2, 2, 3), [1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0])], [True]),
    ("nanmeanDims", lambda x: torch.nanmean(x, [0, 1]), [with_nans(randn(2, 3, 2), [i % 4 == 1 for i in range(12)])], [True]),
    ("nanmeanAllNaN", lambda x: torch.nanmean(x, 1), [T([[1.0, nan, 3], [nan, nan, nan]])], [False]),
    ("nanmeanEmpty", lambda x: torch.nanmean(x, 1), [torch.zeros(2, 0)], [False]),
    # searchsorted: ties left and right, below the first and above the last, NaN values (last),
    # infinities, N-d sequences, mixed dtypes, empty, 0-d values, numbers, int32 results.
    ("searchsortedLeft", lambda s, v: torch.searchsorted(s, v), [SEQ, T([[2.0, 0, 6], [1, 5, nan]])], [False, False]),
    ("searchsortedRight", lambda s, v: torch.searchsorted(s, v, right=True), [SEQ, T([[2.0, 0, 6], [1, 5, nan]])], [False, False]),
    ("searchsortedSideRight", lambda s, v: torch.searchsorted(s, v, side="right"), [SEQ, T([2.0, 1.5, 5])], [False, False]),
    ("searchsortedSideLeft", lambda s, v: torch.searchsorted(s, v, side="left", right=False), [SEQ, T([2.0, 1.5, 5])], [False, False]),
    ("searchsortedInt32", lambda s, v: torch.searchsorted(s, v, out_int32=True), [SEQ, T([2.0, 7])], [False, False]),
    ("searchsortedND", lambda s, v: torch.searchsorted(s, v, right=True), [T([[1.0, 3, 5, 7], [2, 2, 4, 6]]), T([[3.0, 8], [2, 0]])], [False, False]),
    ("searchsortedNDLeft", lambda s, v: torch.searchsorted(s, v), [T([[[1.0, 3, 5], [2, 2, 4]]]), T([[[3.0, 8, 1, 1]], [[2, 0, 4, 5]]]).reshape(1, 2, 4)], [False, False]),
    ("searchsortedInf", lambda s, v: torch.searchsorted(s, v), [T([-inf, 0, inf]), T([-inf, inf, 0, 1])], [False, False]),
    ("searchsortedInfRight", lambda s, v: torch.searchsorted(s, v, right=True), [T([-inf, 0, inf]), T([-inf, inf, 0, 1])], [False, False]),
    ("searchsortedMixed", lambda s, v: torch.searchsorted(s, v), [T([1, 2, 2, 4]), T([2.5, 2, -1])], [False, False]),
    ("searchsortedInt", lambda s, v: torch.searchsorted(s, v, right=True), [T([1, 2, 3], dtype=U8), T([[2, 0], [3, 9]], dtype=I32)], [False, False]),
    # int64 (graph offsets, ids past 2**24): sorted together with the values, exact; ties both sides.
    ("searchsortedInt64", lambda s, v: torch.searchsorted(s, v), [T([0, 3, 3, 7, 2**40, 2**40 + 1], dtype=LONG), T([[3, 2**40 + 1, -5], [2**40, 8, 3]], dtype=LONG)], [False, False]),
    ("searchsortedInt64Right", lambda s, v: torch.searchsorted(s, v, right=True), [T([0, 3, 3, 7, 2**40, 2**40 + 1], dtype=LONG), T([[3, 2**40 + 1, -5], [2**40, 8, 3]], dtype=LONG)], [False, False]),
    ("searchsortedInt64Rows", lambda s, v: torch.searchsorted(s, v, right=True), [T([[1, 4, 4, 9], [0, 0, 2, 5]], dtype=LONG), T([[4, 10], [0, 3]], dtype=I32)], [False, False]),
    ("searchsortedEmptySeq", lambda s, v: torch.searchsorted(s, v), [torch.zeros(0), T([1.0, -1])], [False, False]),
    ("searchsortedEmptyValues", lambda s, v: torch.searchsorted(s, v), [SEQ, torch.zeros(2, 0)], [False, False]),
    ("searchsortedZeroDim", lambda s, v: torch.searchsorted(s, v, right=True), [SEQ, T(2.0)], [False, False]),
    ("searchsortedNumber", lambda s: torch.searchsorted(s, 2, side="right"), [SEQ], [False]),
    ("searchsortedNumberLeft", lambda s: torch.searchsorted(s, 2.5), [SEQ], [False]),
    # bucketize
    ("bucketize", lambda x, b: torch.bucketize(x, b), [T([[2.0, 3], [6, 0], [1, nan]]), SEQ], [False, False]),
    ("bucketizeRight", lambda x, b: torch.bucketize(x, b, right=True, out_int32=True), [T([[2.0, 3], [6, 0], [1, 5]]), SEQ], [False, False]),
    ("bucketizeNumber", lambda b: torch.bucketize(3, b, right=True), [SEQ], [False]),
    ("bucketizeInt", lambda x, b: torch.bucketize(x, b), [T([0, 2, 5, 9]), SEQ], [False, False]),
]


if __name__ == "__main__":
    write_cases(CASES, OUT, zero_unreached=True)
