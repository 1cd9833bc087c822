#!/usr/bin/env python3
"""PyTorch golden values for logaddexp, xlogy, logit, var_mean and std_mean
(test/composed-log-math.test.ts, src/ops/table/composed-log-math.ts).

    /opt/torch-venv/bin/python scripts/fixtures_log_math.py

Writes test/fixtures/composed-log-math.safetensors (layout: scripts/golden_cases.py).
"""
import torch

from golden_cases import fixture_path, inf, nan, randn, write_cases

OUT = fixture_path("composed-log-math")
torch.manual_seed(0)

probabilities = torch.rand(3, 5) * 0.98 + 0.01
with_zeros = torch.tensor([[0.0, 1.5, 0.0, 2.0], [3.0, 0.0, 0.5, 1.0]])

CASES = [
    ("logaddexp", torch.logaddexp, [randn(3, 4) * 3, randn(3, 4) * 3], [True, True]),
    ("logaddexpBroadcast", torch.logaddexp, [randn(2, 1, 3), randn(4, 1)], [True, True]),
    ("logaddexpTies", torch.logaddexp, [torch.tensor([1.0, -2.0, 0.5]), torch.tensor([1.0, -2.0, 3.0])], [True, True]),
    ("logaddexpInfinities", torch.logaddexp, [torch.tensor([-inf, inf, -inf, inf, 100.0, -100.0, nan]), torch.tensor([-inf, inf, 2.0, 3.0, -100.0, -inf, 1.0])], [False, False]),
    ("xlogy", torch.xlogy, [with_zeros, torch.rand(2, 4) + 0.1], [True, True]),
    ("xlogyZerosAndNaN", torch.xlogy, [torch.tensor([0.0, 0.0, 1.0, 0.0, 2.0]), torch.tensor([0.0, nan, 0.0, 3.0, inf])], [False, False]),
    ("xlogyNumberInput", lambda y: torch.xlogy(2.0, y), [torch.rand(5) + 0.1], [True]),
    ("logit", torch.logit, [probabilities], [True]),
    ("logitEps", lambda p: torch.logit(p, eps=0.05), [torch.tensor([0.0, 0.01, 0.3, 0.97, 1.0, 0.5])], [True]),
    # The ends and beyond: the gradient is ±∞ at 0 and 1 (by the upstream's sign), NaN outside.
    ("logitEdges", torch.logit, [torch.tensor([0.0, 1.0, 0.5, -0.5, 1.5, nan, 0.0, 1.0])], [True]),
    # With eps: 0 outside [eps, 1 − eps], the ends themselves in the formula; eps = 0 gives ±∞ at
    # 0 and 1 but 0 beyond them.
    ("logitEpsEdges", lambda p: torch.logit(p, eps=0.1), [torch.tensor([0.0, 0.05, 0.1, 0.5, 0.9, 0.95, 1.0, -0.5, 1.5, nan])], [True]),
    ("logitEpsZero", lambda p: torch.logit(p, eps=0.0), [torch.tensor([0.0, 1.0, 0.25, -0.5, 1.5, 0.0, 1.0])], [True]),
    ("varMean", lambda x: list(torch.var_mean(x, dim=1)), [randn(4, 6)], [True]),
    ("varMeanAll", lambda x: list(torch.var_mean(x)), [randn(3, 5)], [True]),
    ("varMeanCorrectionKeepdim", lambda x: list(torch.var_mean(x, dim=(0, 2), correction=0, keepdim=True)), [randn(3, 4, 5)], [True]),
    ("stdMean", lambda x: list(torch.std_mean(x, dim=-1)), [randn(4, 6)], [True]),
    ("stdMeanKeepdim", lambda x: list(torch.std_mean(x, dim=0, keepdim=True, correction=2)), [randn(5, 3)], [True]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
