#!/usr/bin/env python3
"""PyTorch golden values for Laplace, LogNormal, OneHotCategorical and ContinuousBernoulli
(test/distributions-more.test.ts, src/distributions/): log_prob, cdf, icdf, entropy, mean, mode,
variance, stddev and the kl_divergence pairs PyTorch registers between them and Normal, Uniform,
each with the gradients of sum(upstream * result) with respect to the float parameters (and the
value, where it is differentiable).

    /opt/torch-venv/bin/python scripts/fixtures_distributions_more.py

Writes test/fixtures/distributions-more.safetensors (layout: scripts/golden_cases.py). Every case
is a function of its inputs, which build the distributions: the TS test's table of calls builds
the same ones from the same inputs.
"""
import torch
import torch.distributions as D

from golden_cases import f32, fixture_path, positive, randn, unit, write_cases

OUT = fixture_path("distributions-more")
torch.manual_seed(0)
# Values outside the support are part of some cases; nutshell does not validate by default either.
D.Distribution.set_default_validate_args(False)


def one_hot(indices, k):
    return torch.nn.functional.one_hot(torch.tensor(indices), k).float()


T, F = True, False
loc, scale = randn(2, 3), positive(3)
lap = lambda lo, sc: D.Laplace(lo, sc)  # noqa: E731
logn = lambda lo, sc: D.LogNormal(lo, sc)  # noqa: E731
# probs across the range, the Taylor region (0.499, 0.501] (0.501 rounds into it in float32), and
# the clamp's ends. Not just outside the region: there the closed forms cancel nearly all their
# digits in float32 and PyTorch's own values are noise (probs 0.4989 gives mean 0.5, variance 0.246
# where float64 gives 0.49963 and 0.08333), gradients more so; cbLimsEdges takes the edges with
# lims exact in float32, where the branches are well conditioned.
CB_PROBS = f32([[0.02, 0.3, 0.42, 0.45, 0.4995, 0.5], [0.5005, 0.501, 0.57, 0.7, 0.97, 0.0]])
CB_VALUES = f32([[0.0, 0.25, 0.5, 0.9, 1.0, 0.3], [0.6, 0.1, 0.75, 0.33, 0.999, 0.5]])
CB_LOGITS = f32([[-4.0, -0.5, -0.002, 0.0, 0.003, 3.0]])
cb = lambda p: D.ContinuousBernoulli(probs=p)  # noqa: E731
cbl = lambda lg: D.ContinuousBernoulli(logits=lg)  # noqa: E731
oh_probs = torch.rand(2, 4) + 0.1
oh_logits = randn(3, 4)

CASES = [
    ("laplaceLogProb", lambda lo, sc, x: lap(lo, sc).log_prob(x), [loc, scale, randn(4, 2, 3)], [T, T, T]),
    ("laplaceCdf", lambda lo, sc, x: lap(lo, sc).cdf(x), [loc, scale, randn(2, 3) * 2], [T, T, T]),
    ("laplaceIcdf", lambda lo, sc, u: lap(lo, sc).icdf(u), [loc, scale, unit(2, 3)], [T, T, T]),
    ("laplaceEntropy", lambda lo, sc: lap(lo, sc).entropy(), [loc, scale], [T, T]),
    ("laplaceMean", lambda lo, sc: lap(lo, sc).mean, [loc, scale], [T, T]),
    ("laplaceMode", lambda lo, sc: lap(lo, sc).mode, [loc, scale], [T, T]),
    ("laplaceVariance", lambda lo, sc: lap(lo, sc).variance, [loc, scale], [T, T]),
    ("laplaceStddev", lambda lo, sc: lap(lo, sc).stddev, [loc, scale], [T, T]),
    ("logNormalLogProb", lambda lo, sc, x: logn(lo, sc).log_prob(x), [loc, scale, positive(4, 2, 3)], [T, T, T]),
    ("logNormalCdf", lambda lo, sc, x: logn(lo, sc).cdf(x), [loc, scale, positive(2, 3)], [T, T, T]),
    ("logNormalEntropy", lambda lo, sc: logn(lo, sc).entropy(), [loc, scale], [T, T]),
    ("logNormalMean", lambda lo, sc: logn(lo, sc).mean, [loc, scale], [T, T]),
    ("logNormalMode", lambda lo, sc: logn(lo, sc).mode, [loc, scale], [T, T]),
    ("logNormalVariance", lambda lo, sc: logn(lo, sc).variance, [loc, scale], [T, T]),
    ("oneHotLogProbProbs", lambda p, x: D.OneHotCategorical(probs=p).log_prob(x), [oh_probs, one_hot([[0, 3], [2, 2], [1, 0]], 4)], [T, F]),
    ("oneHotLogProbLogits", lambda lg, x: D.OneHotCategorical(logits=lg).log_prob(x), [oh_logits, one_hot([3, 0, 1], 4)], [T, F]),
    ("oneHotEntropy", lambda lg: D.OneHotCategorical(logits=lg).entropy(), [oh_logits], [T]),
    ("oneHotEntropyZeroProbs", lambda p: D.OneHotCategorical(probs=p).entropy(), [f32([[0.5, 0.0, 0.5, 0.0], [0.1, 0.2, 0.3, 0.4]])], [T]),
    ("oneHotMean", lambda p: D.OneHotCategorical(probs=p).mean, [oh_probs], [T]),
    ("oneHotMode", lambda lg: D.OneHotCategorical(logits=lg).mode, [f32([[1.0, 3.0, 3.0, 0.0], [0.0, -1.0, -2.0, 5.0]])], [F]),
    ("oneHotVariance", lambda lg: D.OneHotCategorical(logits=lg).variance, [oh_logits], [T]),
    ("cbLogProb", lambda p, x: cb(p).log_prob(x), [CB_PROBS, CB_VALUES], [T, T]),
    ("cbLogProbLogits", lambda lg, x: cbl(lg).log_prob(x), [CB_LOGITS, CB_VALUES], [T, T]),
    ("cbLogProbLims", lambda p, x: D.ContinuousBernoulli(probs=p, lims=(0.4, 0.6)).log_prob(x), [CB_PROBS, CB_VALUES], [T, T]),
    ("cbLimsEdges", lambda p, x: D.ContinuousBernoulli(probs=p, lims=(0.25, 0.75)).log_prob(x), [f32([0.25, 0.75, 0.5, 0.1, 0.2500001]), f32([0.3, 0.6, 0.2, 0.9, 0.7])], [T, T]),
    ("cbLimsEdgesMean", lambda p: D.ContinuousBernoulli(probs=p, lims=(0.25, 0.75)).mean, [f32([0.25, 0.75, 0.5, 0.1, 0.2500001])], [T]),
    ("cbCdf", lambda p, x: cb(p).cdf(x), [CB_PROBS, CB_VALUES], [T, T]),
    ("cbIcdf", lambda p, u: cb(p).icdf(u), [CB_PROBS, CB_VALUES], [T, T]),
    ("cbEntropy", lambda p: cb(p).entropy(), [CB_PROBS], [T]),
    ("cbEntropyLogits", lambda lg: cbl(lg).entropy(), [CB_LOGITS], [T]),
    ("cbMean", lambda p: cb(p).mean, [CB_PROBS], [T]),
    ("cbVariance", lambda p: cb(p).variance, [CB_PROBS], [T]),
    ("cbStddev", lambda lg: cbl(lg).stddev, [CB_LOGITS], [T]),
    # KL divergences: p's parameters, then q's.
    ("klLaplaceLaplace", lambda a, b, c, d: D.kl_divergence(lap(a, b), lap(c, d)), [loc, scale, randn(3), positive(2, 1)], [T, T, T, T]),
    ("klLaplaceNormal", lambda a, b, c, d: D.kl_divergence(lap(a, b), D.Normal(c, d)), [loc, scale, randn(3), positive(2, 1)], [T, T, T, T]),
    ("klNormalLaplace", lambda a, b, c, d: D.kl_divergence(D.Normal(a, b), lap(c, d)), [loc, scale, randn(3), positive(2, 1)], [T, T, T, T]),
    ("klLaplaceUniform", lambda a, b, c, d: D.kl_divergence(lap(a, b), D.Uniform(c, d)), [loc, scale, f32([-1.0]), f32([1.0])], [F, F, F, F]),
    ("klLogNormalLogNormal", lambda a, b, c, d: D.kl_divergence(logn(a, b), logn(c, d)), [loc, scale, randn(3), positive(2, 1)], [T, T, T, T]),
    ("klOneHotOneHot", lambda p, lg: D.kl_divergence(D.OneHotCategorical(probs=p), D.OneHotCategorical(logits=lg)), [torch.rand(3, 4) + 0.1, oh_logits], [T, T]),
    ("klOneHotZeroProbs", lambda p, q: D.kl_divergence(D.OneHotCategorical(probs=p), D.OneHotCategorical(probs=q)),
     [f32([[0.5, 0.0, 0.5], [0.2, 0.3, 0.5]]), f32([[0.2, 0.3, 0.5], [0.5, 0.5, 0.0]])], [F, F]),
    ("klCbCb", lambda p, q: D.kl_divergence(cb(p), cb(q)), [CB_PROBS, CB_PROBS.flip(-1)], [T, T]),
    ("klCbNormal", lambda p, a, b: D.kl_divergence(cb(p), D.Normal(a, b)), [CB_PROBS, randn(6), positive(2, 1)], [T, T, T]),
    ("klCbUniform", lambda p, a, b: D.kl_divergence(cb(p), D.Uniform(a, b)), [CB_PROBS, f32([-0.5, -0.1, 0.2]).repeat(2).reshape(6), f32([1.5, 2.0, 1.1, 0.9, 3.0, 1.2])], [T, T, T]),
    ("klUniformCb", lambda a, b, p: D.kl_divergence(D.Uniform(a, b), cb(p)), [f32([0.1, 0.2, -0.1, 0.3, 0.05, 0.4]), f32([0.9, 0.5, 0.6, 1.2, 0.95, 0.7]), CB_PROBS], [T, T, T]),
    ("klNormalCb", lambda a, b, p: D.kl_divergence(D.Normal(a, b), cb(p)), [randn(6), positive(6), CB_PROBS], [F, F, F]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
