#!/usr/bin/env python3
"""PyTorch golden values for F.embedding_bag (test/composed-embedding-bag.test.ts,
src/ops/table/composed-embedding-bag.ts): the three modes over 2-D inputs and over 1-D inputs
with offsets (empty bags, include_last_offset, positions past the last offset), padding_idx,
per_sample_weights, int32 indices.

    /opt/torch-venv/bin/python scripts/fixtures_embedding_bag.py

Writes test/fixtures/embedding-bag.safetensors in scripts/golden_cases.py's layout. Inputs of
each case: the indices, the weight, then (where the case has them) the offsets and the
per-sample weights; the weight and the per-sample weights are differentiated.
"""
import torch
import torch.nn.functional as F

from golden_cases import fixture_path, randn, write_cases

OUT = fixture_path("embedding-bag")
torch.manual_seed(0)


def ids(*shape, rows=10, dtype=torch.int64):
    return torch.randint(0, rows, shape, dtype=dtype)


def offs(*values):
    return torch.tensor(values, dtype=torch.int64)


def with_offsets(mode, **kw):
    return lambda i, w, o: F.embedding_bag(i, w, o, mode=mode, **kw)


def weighted(**kw):
    return lambda i, w, o, p: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=p, **kw)


def weighted_2d(**kw):
    return lambda i, w, p: F.embedding_bag(i, w, mode="sum", per_sample_weights=p, **kw)


def fixed(mode, **kw):
    return lambda i, w: F.embedding_bag(i, w, mode=mode, **kw)


# A 1-D input of 12 positions cut into bags 0..2, 2..2 (empty), 2..7, 7..12.
FLAT = ids(12)
CUTS = offs(0, 2, 2, 7)
W = randn(10, 5)
PAD_2D = ids(4, 6)
PAD_2D[0, :] = 3   # a bag of nothing but padding
PAD_2D[1, ::2] = 3
PAD_FLAT = FLAT.clone()
PAD_FLAT[2:4] = 3


CASES = [
    ("fixedSum", fixed("sum"), [ids(4, 6), W], [False, True]),
    ("fixedMean", fixed("mean"), [ids(4, 6), W], [False, True]),
    ("fixedMax", fixed("max"), [ids(4, 6), W], [False, True]),
    ("fixedInt32", fixed("mean"), [ids(3, 4, dtype=torch.int32), W], [False, True]),
    ("fixedWeighted", weighted_2d(), [ids(4, 6), W, torch.rand(4, 6)], [False, True, True]),
    ("fixedPaddingSum", fixed("sum", padding_idx=3), [PAD_2D, W], [False, True]),
    ("fixedPaddingMean", fixed("mean", padding_idx=3), [PAD_2D, W], [False, True]),
    ("fixedPaddingMax", fixed("max", padding_idx=3), [PAD_2D, W], [False, True]),
    ("offsetsSum", with_offsets("sum"), [FLAT, W, CUTS], [False, True, False]),
    ("offsetsMean", with_offsets("mean"), [FLAT, W, CUTS], [False, True, False]),
    ("offsetsMax", with_offsets("max"), [FLAT, W, CUTS], [False, True, False]),
    ("offsetsInt32", with_offsets("mean"), [FLAT.int(), W, CUTS.int()], [False, True, False]),
    ("offsetsLastIncluded", with_offsets("sum", include_last_offset=True), [FLAT, W, offs(0, 2, 2, 7, 10)], [False, True, False]),
    ("offsetsLastIncludedMax", with_offsets("max", include_last_offset=True), [FLAT, W, offs(0, 3, 9, 12)], [False, True, False]),
    ("offsetsLastIncludedMean", with_offsets("mean", include_last_offset=True), [FLAT, W, offs(0, 5, 12)], [False, True, False]),
    ("offsetsTrailingEmpty", with_offsets("mean"), [FLAT, W, offs(0, 4, 12, 12)], [False, True, False]),
    ("offsetsPaddingSum", with_offsets("sum", padding_idx=3), [PAD_FLAT, W, CUTS], [False, True, False]),
    ("offsetsPaddingMean", with_offsets("mean", padding_idx=3), [PAD_FLAT, W, CUTS], [False, True, False]),
    ("offsetsPaddingMax", with_offsets("max", padding_idx=3), [PAD_FLAT, W, CUTS], [False, True, False]),
    ("offsetsPaddingNegative", with_offsets("mean", padding_idx=-7), [PAD_FLAT, W, CUTS], [False, True, False]),
    ("offsetsWeighted", weighted(), [FLAT, W, CUTS, torch.rand(12)], [False, True, False, True]),
    ("offsetsWeightedPadding", weighted(padding_idx=3), [PAD_FLAT, W, CUTS, torch.rand(12)], [False, True, False, True]),
    ("offsetsOneBag", with_offsets("max"), [FLAT, W, offs(0)], [False, True, False]),
    ("offsetsEmptyInput", with_offsets("mean"), [ids(0), W, offs(0, 0, 0)], [False, True, False]),
]


write_cases(CASES, OUT, zero_unreached=True)
