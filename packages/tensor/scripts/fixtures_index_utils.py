#!/usr/bin/env python3
"""PyTorch golden values for histc, unique with dim, unique_consecutive, triu_indices /
tril_indices and fill_diagonal_ (test/index-utils.test.ts; src/ops/table/composed-histc.ts,
data-dependent.ts, composed-creation.ts, src/inplace-methods.ts), found missing by a user trial
(graph learning and SimCLR: deduplicating edge lists, masking a similarity matrix's diagonal).

    /opt/torch-venv/bin/python scripts/fixtures_index_utils.py

Writes test/fixtures/index-utils.safetensors in scripts/golden_cases.py's layout; none of these
has a gradient (PyTorch's neither), so no case differentiates an input.
"""
import torch

from golden_cases import fixture_path, nan, inf, randn, write_cases

OUT = fixture_path("index-utils")
torch.manual_seed(0)


def unique_dim(dim):
    return lambda x: list(torch.unique(x, dim=dim, return_inverse=True, return_counts=True))


def consecutive(dim=None):
    return lambda x: list(torch.unique_consecutive(x, dim=dim, return_inverse=True, return_counts=True))


def fill(value, wrap=False):
    return lambda x: x.clone().fill_diagonal_(value, wrap=wrap)


# An edge list [2, E] with repeated edges, as a graph loader makes it.
edges = torch.randint(0, 6, (2, 40))
# Values on the bin edges of [0, 1] in 10 bins (0.1·k in float32), and the range's ends.
on_edges = torch.tensor([0.1 * k for k in range(11)] + [0.05, 0.95, 1.0, 0.0, 0.3, 0.7], dtype=torch.float32)
# A slice holding NaN equals no other; placed after those sharing its prefix. (A NaN in a slice's
# first element is left out: PyTorch's order there is that of a comparison that is not a strict
# weak ordering, its std::sort's accident.)
rows = torch.tensor([[1.0, 2.0], [0.0, 5.0], [1.0, 2.0], [1.0, -1.0], [0.0, 5.0], [1.0, nan], [0.0, 5.0], [1.0, nan]])

CASES = [
    ("histc", lambda x: torch.histc(x, bins=10), [randn(200)], [False]),
    ("histcDefaultBins", torch.histc, [randn(1000)], [False]),
    ("histcRange", lambda x: torch.histc(x, bins=8, min=-1, max=2), [randn(3, 50)], [False]),
    ("histcOnEdges", lambda x: torch.histc(x, bins=10, min=0, max=1), [on_edges], [False]),
    ("histcOnEdgesData", lambda x: torch.histc(x, bins=10), [on_edges], [False]),
    ("histcEqualRange", lambda x: torch.histc(x, bins=4, min=5, max=5), [torch.tensor([1.0, 2.0, 3.0])], [False]),
    ("histcConstant", lambda x: torch.histc(x, bins=4), [torch.full((5,), 2.0)], [False]),
    ("histcNaNOutside", lambda x: torch.histc(x, bins=4, min=0, max=4), [torch.tensor([1.0, 2.0, 3.0, nan, -inf, inf, 4.0, 0.0, -0.5, 4.5])], [False]),
    ("histcOneBin", lambda x: torch.histc(x, bins=1, min=-3, max=3), [randn(30)], [False]),
    ("histcEmpty", lambda x: torch.histc(x, bins=3), [torch.tensor([])], [False]),
    ("histcWide", lambda x: torch.histc(x, bins=7), [randn(100) * 1000 + 3],  [False]),
    ("uniqueEdges", unique_dim(1), [edges], [False]),
    ("uniqueRows", unique_dim(0), [torch.randint(0, 3, (12, 3)).float()], [False]),
    ("uniqueLastDim", unique_dim(-1), [torch.randint(0, 2, (2, 3, 9), dtype=torch.int32)], [False]),
    ("uniqueMiddleDim", unique_dim(1), [torch.randint(0, 2, (2, 8, 2))], [False]),
    ("uniqueNaNRows", unique_dim(0), [rows], [False]),
    ("uniqueBoolColumns", unique_dim(1), [torch.tensor([[True, False, True, True], [False, False, False, False]])], [False]),
    ("uniqueOneSlice", unique_dim(0), [torch.tensor([[3, 1, 2]])], [False]),
    ("uniqueNoSlices", unique_dim(0), [torch.zeros(0, 3)], [False]),
    ("uniqueDistinct", unique_dim(1), [torch.randperm(10).reshape(2, 5)], [False]),
    ("consecutive", consecutive(), [torch.tensor([1, 1, 2, 2, 3, 1, 1, 2])], [False]),
    ("consecutiveFlat2d", consecutive(), [torch.tensor([[1, 1, 2], [2, 2, 0]])], [False]),
    ("consecutiveRows", consecutive(0), [torch.tensor([[1, 1, 2], [1, 1, 2], [0, 1, 1], [0, 1, 1], [1, 1, 2]])], [False]),
    ("consecutiveColumns", consecutive(1), [torch.tensor([[1.0, 1.0, 2.0, 2.0], [3.0, 3.0, 0.0, 1.0]])], [False]),
    ("consecutiveNaN", consecutive(), [torch.tensor([nan, nan, 1.0, 1.0, nan, 2.0])], [False]),
    ("consecutiveBool", consecutive(), [torch.tensor([True, True, False, True])], [False]),
    ("consecutiveEmpty", consecutive(), [torch.tensor([], dtype=torch.int64)], [False]),
    ("consecutiveSorted", consecutive(), [torch.sort(torch.randint(0, 20, (100,)))[0]], [False]),
    ("triu", lambda: torch.triu_indices(3, 4, 1), [], []),
    ("triuSquare", lambda: torch.triu_indices(5, 5), [], []),
    ("triuNegative", lambda: torch.triu_indices(4, 3, -1), [], []),
    ("triuAll", lambda: torch.triu_indices(3, 3, -10), [], []),
    ("triuNone", lambda: torch.triu_indices(3, 3, 10), [], []),
    ("triuInt32", lambda: torch.triu_indices(2, 6, 2, dtype=torch.int32), [], []),
    ("triuEmpty", lambda: torch.triu_indices(0, 3), [], []),
    ("tril", lambda: torch.tril_indices(4, 3, -1), [], []),
    ("trilSquare", lambda: torch.tril_indices(5, 5), [], []),
    ("trilPositive", lambda: torch.tril_indices(3, 5, 2), [], []),
    ("trilAll", lambda: torch.tril_indices(3, 4, 10), [], []),
    ("trilNone", lambda: torch.tril_indices(3, 4, -3), [], []),
    ("fillDiagonal", fill(5.0), [randn(4, 4)], [False]),
    ("fillDiagonalTall", fill(-1.0), [randn(7, 3)], [False]),
    ("fillDiagonalTallWrap", fill(-1.0, True), [randn(7, 3)], [False]),
    ("fillDiagonalTallWrapOneMore", fill(2.0, True), [randn(4, 3)], [False]),
    ("fillDiagonalLongWrap", fill(9.0, True), [randn(11, 2)], [False]),
    ("fillDiagonalWideWrap", fill(0.5, True), [randn(3, 7)], [False]),
    ("fillDiagonalCube", fill(2.0), [randn(3, 3, 3)], [False]),
    ("fillDiagonal4d", fill(-3.0), [randn(2, 2, 2, 2)], [False]),
    ("fillDiagonalInt", fill(2.7), [torch.randint(-5, 5, (3, 4))], [False]),
    ("fillDiagonalBool", fill(1), [torch.zeros(3, 3, dtype=torch.bool)], [False]),
    ("fillDiagonalNaN", fill(nan), [randn(2, 3)], [False]),
    ("fillDiagonalNegInf", fill(-inf, True), [randn(5, 2)], [False]),
]


if __name__ == "__main__":
    write_cases(CASES, OUT)
