#!/usr/bin/env python3
"""PyTorch golden values for MultivariateNormal (test/multivariate-normal.test.ts,
src/distributions/multivariate-normal.ts): log_prob, entropy, mean, mode, variance, stddev,
scale_tril, covariance_matrix, precision_matrix for each parameterisation (covariance_matrix,
precision_matrix, scale_tril), batched and broadcast, and kl_divergence between two, each with the
gradients of sum(upstream * result) with respect to loc, the matrix and the value.

    /opt/torch-venv/bin/python scripts/fixtures_multivariate_normal.py

Writes test/fixtures/multivariate-normal.safetensors (layout: scripts/golden_cases.py). Every
case is a function of its inputs, which build the distributions: the TS test's table of calls
builds the same ones from the same inputs.
"""
import torch
import torch.distributions as D

from golden_cases import fixture_path, randn, write_cases

OUT = fixture_path("multivariate-normal")
torch.manual_seed(0)
# The inputs are valid; nutshell does not validate by default either.
D.Distribution.set_default_validate_args(False)


def spd(*shape):
    """Symmetric positive-definite, exactly symmetric in float32: sym(B·Bᵀ) + n/2·I."""
    *batch, n, _ = shape
    b = torch.randn(*batch, n, n) * 0.8
    a = b @ b.mT + 0.5 * n * torch.eye(n)
    return (a + a.mT) / 2


def lower(*shape):
    """Lower-triangular with a positive diagonal (0.5 to 1.5): a scale_tril."""
    *batch, n, _ = shape
    return torch.tril(torch.randn(*batch, n, n) * 0.4, -1) + torch.diag_embed(torch.rand(*batch, n) + 0.5)


def mvn(given):
    return lambda loc, m: D.MultivariateNormal(loc, **{given: m})


cov, prec, tril = mvn("covariance_matrix"), mvn("precision_matrix"), mvn("scale_tril")
T, F = True, False
loc3, x3 = randn(3), randn(5, 3)
cov3, prec3, tril3 = spd(3, 3), spd(3, 3), lower(3, 3)
loc_b, cov_b, x_b = randn(2, 3), spd(4, 1, 3, 3), randn(6, 1, 2, 3)  # batchShape [4, 2]
tril_b = lower(2, 3, 3)
loc5, prec5 = randn(2, 5), spd(2, 5, 5)

CASES = [
    ("logProbCov", lambda lo, m, x: cov(lo, m).log_prob(x), [loc3, cov3, x3], [T, T, T]),
    ("logProbPrecision", lambda lo, m, x: prec(lo, m).log_prob(x), [loc3, prec3, x3], [T, T, T]),
    ("logProbScaleTril", lambda lo, m, x: tril(lo, m).log_prob(x), [loc3, tril3, x3], [T, T, T]),
    ("logProbBatched", lambda lo, m, x: cov(lo, m).log_prob(x), [loc_b, cov_b, x_b], [T, T, T]),
    ("logProbBroadcastValue", lambda lo, m, x: tril(lo, m).log_prob(x), [loc3, tril_b, randn(3)], [T, T, T]),
    ("logProbPrecisionBatched", lambda lo, m, x: prec(lo, m).log_prob(x), [loc5, prec5, randn(4, 1, 5)], [T, T, T]),
    ("logProbOneDim", lambda lo, m, x: cov(lo, m).log_prob(x), [randn(1), spd(1, 1), randn(4, 1)], [T, T, T]),
    ("entropyCov", lambda lo, m: cov(lo, m).entropy(), [loc3, cov3], [F, T]),
    ("entropyPrecision", lambda lo, m: prec(lo, m).entropy(), [loc3, prec3], [F, T]),
    ("entropyScaleTril", lambda lo, m: tril(lo, m).entropy(), [loc3, tril3], [F, T]),
    ("entropyBatched", lambda lo, m: cov(lo, m).entropy(), [loc_b, cov_b], [F, T]),
    ("meanBatched", lambda lo, m: cov(lo, m).mean, [loc3, cov_b], [T, F]),
    ("modeBatched", lambda lo, m: tril(lo, m).mode, [loc_b, tril3], [T, F]),
    ("varianceCov", lambda lo, m: cov(lo, m).variance, [loc3, cov3], [F, T]),
    ("variancePrecision", lambda lo, m: prec(lo, m).variance, [loc5, prec5], [F, T]),
    ("varianceScaleTrilBatched", lambda lo, m: tril(lo, m).variance, [loc_b, tril3], [F, T]),
    ("stddevCov", lambda lo, m: cov(lo, m).stddev, [loc_b, cov_b], [F, T]),
    ("scaleTrilFromCov", lambda lo, m: cov(lo, m).scale_tril, [loc3, cov3], [F, T]),
    ("scaleTrilFromPrecision", lambda lo, m: prec(lo, m).scale_tril, [loc3, prec3], [F, T]),
    ("scaleTrilGivenBroadcast", lambda lo, m: tril(lo, m).scale_tril, [loc_b, tril3], [F, T]),
    ("covarianceFromScaleTril", lambda lo, m: tril(lo, m).covariance_matrix, [loc3, tril_b], [F, T]),
    ("covarianceFromPrecision", lambda lo, m: prec(lo, m).covariance_matrix, [loc3, prec3], [F, T]),
    ("covarianceGivenBroadcast", lambda lo, m: cov(lo, m).covariance_matrix, [loc_b, cov3], [F, T]),
    ("precisionFromCov", lambda lo, m: cov(lo, m).precision_matrix, [loc3, cov3], [F, T]),
    ("precisionFromScaleTril", lambda lo, m: tril(lo, m).precision_matrix, [loc3, tril3], [F, T]),
    ("precisionGiven", lambda lo, m: prec(lo, m).precision_matrix, [loc3, prec3], [F, T]),
    ("klCovCov", lambda a, b, c, d: D.kl_divergence(cov(a, b), cov(c, d)), [loc3, cov3, randn(3), spd(3, 3)], [T, T, T, T]),
    ("klPrecisionScaleTril", lambda a, b, c, d: D.kl_divergence(prec(a, b), tril(c, d)), [loc3, prec3, randn(3), tril3], [T, T, T, T]),
    # p: batchShape [2]; q: batchShape [3, 1] (loc) with one shared matrix: KL of [3, 2].
    ("klBatched", lambda a, b, c, d: D.kl_divergence(tril(a, b), cov(c, d)), [loc_b, tril_b, randn(3, 1, 3), cov3], [T, T, T, T]),
    ("klSelf", lambda a, b: D.kl_divergence(cov(a, b), cov(a, b)), [loc_b, cov_b], [F, F]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
