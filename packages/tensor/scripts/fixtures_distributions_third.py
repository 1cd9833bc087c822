#!/usr/bin/env python3
"""PyTorch golden values for Exponential, Cauchy, HalfNormal, HalfCauchy, Gumbel, Geometric,
Pareto, RelaxedBernoulli, RelaxedOneHotCategorical and MixtureSameFamily
(test/distributions-third.test.ts, src/distributions/): log_prob, cdf, icdf, entropy, mean, mode,
variance, stddev and the kl_divergence pairs PyTorch registers between them and the distributions
before them, each with the gradients of sum(upstream * result) with respect to the float
parameters (and the value, where it is differentiable).

    /opt/torch-venv/bin/python scripts/fixtures_distributions_third.py

Writes test/fixtures/distributions-third.safetensors (layout: scripts/golden_cases.py). Every case
is a function of its inputs, which build the distributions: the TS test's table of calls builds
the same ones from the same inputs.
"""
import torch
import torch.distributions as D

from golden_cases import f32, fixture_path, positive, randn, unit, write_cases

OUT = fixture_path("distributions-third")
torch.manual_seed(0)
# Values outside the support are part of some cases; nutshell does not validate by default either.
D.Distribution.set_default_validate_args(False)


T, F = True, False
loc, scale, rate = randn(2, 3), positive(3), positive(2, 3)
exp_ = lambda r: D.Exponential(r)  # noqa: E731
cau = lambda lo, sc: D.Cauchy(lo, sc)  # noqa: E731
gum = lambda lo, sc: D.Gumbel(lo, sc)  # noqa: E731
hn = lambda sc: D.HalfNormal(sc)  # noqa: E731
hc = lambda sc: D.HalfCauchy(sc)  # noqa: E731
par = lambda sc, al: D.Pareto(sc, al)  # noqa: E731
# Geometric: probs of 1 with value 0 (PyTorch's special case, log P = 0) in the last column.
GEO_PROBS = f32([[0.2, 0.5, 1.0], [0.9, 0.05, 1.0]])
GEO_VALUES = f32([[[0, 3, 0], [1, 7, 0]], [[2, 0, 0], [0, 12, 0]]])
geo_unit = unit(2, 3)
geo_logits = randn(2, 3)
# Pareto: values at and above scale; alpha above 2 (finite mean and variance) for the gradients.
p_scale, p_alpha = positive(2, 3), positive(3) + 2.2
p_values = p_scale * (1 + torch.rand(4, 2, 3) * 3)
# Relaxed: a temperature per column for RelaxedBernoulli (it lines up with the batch dims in both
# libraries); a 0-d one for RelaxedOneHotCategorical, whose [..., K] scores PyTorch divides by it.
rb_temp = positive(3)
rohc_values = torch.softmax(randn(3, 2, 4) * 2, -1)
# MixtureSameFamily: batch [2] of 3 components.
mix_logits, comp_loc, comp_scale = randn(2, 3), randn(2, 3), positive(2, 3)
msf = lambda lg, lo, sc: D.MixtureSameFamily(D.Categorical(logits=lg), D.Normal(lo, sc))  # noqa: E731
msf_ind = lambda lg, lo, sc: D.MixtureSameFamily(D.Categorical(logits=lg), D.Independent(D.Normal(lo, sc), 1))  # noqa: E731
ind_loc, ind_scale = randn(2, 3, 2), positive(2, 3, 2)

CASES = [
    ("expLogProb", lambda r, x: exp_(r).log_prob(x), [rate, positive(4, 2, 3)], [T, T]),
    ("expCdf", lambda r, x: exp_(r).cdf(x), [rate, f32([[0.0, 0.5, 2.0], [-0.5, 1.0, 3.0]])], [T, T]),
    ("expIcdf", lambda r, u: exp_(r).icdf(u), [rate, unit(2, 3)], [T, T]),
    ("expEntropy", lambda r: exp_(r).entropy(), [rate], [T]),
    ("expMean", lambda r: exp_(r).mean, [rate], [T]),
    ("expMode", lambda r: exp_(r).mode, [rate], [T]),
    ("expStddev", lambda r: exp_(r).stddev, [rate], [T]),
    ("expVariance", lambda r: exp_(r).variance, [rate], [T]),
    ("cauchyLogProb", lambda lo, sc, x: cau(lo, sc).log_prob(x), [loc, scale, randn(4, 2, 3) * 2], [T, T, T]),
    ("cauchyCdf", lambda lo, sc, x: cau(lo, sc).cdf(x), [loc, scale, randn(2, 3) * 2], [T, T, T]),
    ("cauchyIcdf", lambda lo, sc, u: cau(lo, sc).icdf(u), [loc, scale, unit(2, 3)], [T, T, T]),
    ("cauchyEntropy", lambda lo, sc: cau(lo, sc).entropy(), [loc, scale], [T, T]),
    ("cauchyMean", lambda lo, sc: cau(lo, sc).mean, [loc, scale], [T, T]),
    ("cauchyMode", lambda lo, sc: cau(lo, sc).mode, [loc, scale], [T, T]),
    ("cauchyVariance", lambda lo, sc: cau(lo, sc).variance, [loc, scale], [T, T]),
    ("cauchyStddev", lambda lo, sc: cau(lo, sc).stddev, [loc, scale], [T, T]),
    ("halfNormalLogProb", lambda sc, x: hn(sc).log_prob(x), [rate, randn(4, 2, 3)], [T, T]),
    ("halfNormalCdf", lambda sc, x: hn(sc).cdf(x), [rate, randn(2, 3)], [T, T]),
    ("halfNormalIcdf", lambda sc, u: hn(sc).icdf(u), [rate, f32([[0.01, 0.3, 0.5], [0.9, 0.99, 0.999]])], [T, T]),
    ("halfNormalIcdfEnds", lambda sc, u: hn(sc).icdf(u), [f32([1.5]), f32([0.0, 1e-4, 0.2, 0.7, 0.95, 1.0])], [F, F]),
    # Normal.icdf (erfinv) lives here beside HalfNormal's: the first fixture predates it.
    ("normalIcdf", lambda lo, sc, u: D.Normal(lo, sc).icdf(u), [loc, scale, f32([[0.01, 0.3, 0.5], [0.9, 0.99, 0.999]])], [T, T, T]),
    ("normalIcdfEnds", lambda lo, sc, u: D.Normal(lo, sc).icdf(u), [f32([0.5]), f32([1.5]), f32([0.0, 1e-6, 0.2, 0.7, 0.999999, 1.0])], [F, F, F]),
    ("halfNormalEntropy", lambda sc: hn(sc).entropy(), [rate], [T]),
    ("halfNormalMean", lambda sc: hn(sc).mean, [rate], [T]),
    ("halfNormalMode", lambda sc: hn(sc).mode, [rate], [T]),
    ("halfNormalVariance", lambda sc: hn(sc).variance, [rate], [T]),
    ("halfCauchyLogProb", lambda sc, x: hc(sc).log_prob(x), [rate, randn(4, 2, 3) * 2], [T, T]),
    ("halfCauchyCdf", lambda sc, x: hc(sc).cdf(x), [rate, randn(2, 3) * 2], [T, T]),
    ("halfCauchyIcdf", lambda sc, u: hc(sc).icdf(u), [rate, unit(2, 3)], [T, T]),
    ("halfCauchyEntropy", lambda sc: hc(sc).entropy(), [rate], [T]),
    ("halfCauchyMean", lambda sc: hc(sc).mean, [rate], [T]),
    ("halfCauchyMode", lambda sc: hc(sc).mode, [rate], [T]),
    ("halfCauchyVariance", lambda sc: hc(sc).variance, [rate], [T]),
    ("gumbelLogProb", lambda lo, sc, x: gum(lo, sc).log_prob(x), [loc, scale, randn(4, 2, 3) * 2], [T, T, T]),
    ("gumbelCdf", lambda lo, sc, x: gum(lo, sc).cdf(x), [loc, scale, randn(4, 2, 3) * 2], [T, T, T]),
    ("gumbelIcdf", lambda lo, sc, u: gum(lo, sc).icdf(u), [loc, scale, unit(2, 3)], [T, T, T]),
    # icdf(0) and icdf(1) finite: the base uniform is [tiny, 1 - eps]. (Not far below 1e-3: PyTorch's
    # icdf rounds the probability through (p - 0.5) + 0.5 first, an error of 3e-8 that the steep
    # quantile there magnifies; nutshell's does not.)
    ("gumbelIcdfEnds", lambda lo, sc, u: gum(lo, sc).icdf(u), [f32([0.5]), f32([2.0]), f32([0.0, 1e-3, 0.5, 1.0])], [F, F, F]),
    ("gumbelEntropy", lambda lo, sc: gum(lo, sc).entropy(), [loc, scale], [T, T]),
    ("gumbelMean", lambda lo, sc: gum(lo, sc).mean, [loc, scale], [T, T]),
    ("gumbelMode", lambda lo, sc: gum(lo, sc).mode, [loc, scale], [T, T]),
    ("gumbelStddev", lambda lo, sc: gum(lo, sc).stddev, [loc, scale], [T, T]),
    ("gumbelVariance", lambda lo, sc: gum(lo, sc).variance, [loc, scale], [T, T]),
    ("geometricLogProb", lambda p, x: D.Geometric(probs=p).log_prob(x), [GEO_PROBS, GEO_VALUES], [T, T]),
    ("geometricLogProbLogits", lambda lg, x: D.Geometric(logits=lg).log_prob(x), [geo_logits, GEO_VALUES], [T, T]),
    ("geometricEntropy", lambda p: D.Geometric(probs=p).entropy(), [geo_unit], [T]),
    ("geometricEntropyLogits", lambda lg: D.Geometric(logits=lg).entropy(), [geo_logits], [T]),
    ("geometricMean", lambda p: D.Geometric(probs=p).mean, [geo_unit], [T]),
    ("geometricMode", lambda p: D.Geometric(probs=p).mode, [geo_unit], [T]),
    ("geometricVariance", lambda lg: D.Geometric(logits=lg).variance, [geo_logits], [T]),
    ("paretoLogProb", lambda sc, al, x: par(sc, al).log_prob(x), [p_scale, p_alpha, p_values], [T, T, T]),
    ("paretoCdf", lambda sc, al, x: par(sc, al).cdf(x), [p_scale, p_alpha, p_values[0]], [T, T, T]),
    ("paretoCdfBelow", lambda sc, al, x: par(sc, al).cdf(x), [f32([2.0]), f32([1.5]), f32([0.5, 1.0, 2.0, 4.0])], [T, T, T]),
    ("paretoIcdf", lambda sc, al, u: par(sc, al).icdf(u), [p_scale, p_alpha, unit(2, 3)], [T, T, T]),
    ("paretoEntropy", lambda sc, al: par(sc, al).entropy(), [p_scale, p_alpha], [T, T]),
    ("paretoMean", lambda sc, al: par(sc, al).mean, [p_scale, p_alpha], [T, T]),
    ("paretoMeanInfinite", lambda sc, al: par(sc, al).mean, [f32([1.0]), f32([0.5, 1.0, 1.5])], [F, F]),
    ("paretoMode", lambda sc, al: par(sc, al).mode, [p_scale, p_alpha], [T, T]),
    ("paretoVariance", lambda sc, al: par(sc, al).variance, [p_scale, p_alpha], [T, T]),
    ("paretoVarianceInfinite", lambda sc, al: par(sc, al).variance, [f32([1.0]), f32([1.5, 2.0, 3.0])], [F, F]),
    ("paretoStddev", lambda sc, al: par(sc, al).stddev, [p_scale, p_alpha], [T, T]),
    ("relaxedBernoulliLogProb", lambda t, p, x: D.RelaxedBernoulli(t, probs=p).log_prob(x), [rb_temp, unit(2, 3), unit(4, 2, 3)], [T, T, T]),
    ("relaxedBernoulliLogProbLogits", lambda t, lg, x: D.RelaxedBernoulli(t, logits=lg).log_prob(x), [f32(0.5), randn(2, 3), unit(2, 3)], [T, T, T]),
    # Values 0 and 1, clamped to [tiny, 1 - eps]. At a temperature of 0.5: at 2, PyTorch's
    # log1p(exp(d)) overflows at 0 and gives -inf where nutshell's softplus gives the finite limit.
    ("relaxedBernoulliLogProbEnds", lambda t, lg, x: D.RelaxedBernoulli(t, logits=lg).log_prob(x), [f32(0.5), f32([0.3]), f32([0.0, 1e-30, 0.5, 1.0])], [T, T, F]),
    ("relaxedOneHotLogProb", lambda t, p, x: D.RelaxedOneHotCategorical(t, probs=p).log_prob(x), [f32(0.7), torch.rand(2, 4) + 0.1, rohc_values], [T, T, T]),
    ("relaxedOneHotLogProbLogits", lambda t, lg, x: D.RelaxedOneHotCategorical(t, logits=lg).log_prob(x), [f32(1.5), randn(2, 4), rohc_values[0]], [T, T, T]),
    ("mixtureLogProb", lambda lg, lo, sc, x: msf(lg, lo, sc).log_prob(x), [mix_logits, comp_loc, comp_scale, randn(4, 2) * 2], [T, T, T, T]),
    ("mixtureLogProbSharedWeights", lambda p, lo, sc, x: D.MixtureSameFamily(D.Categorical(probs=p), D.Normal(lo, sc)).log_prob(x),
     [torch.rand(3) + 0.1, comp_loc, comp_scale, randn(2)], [T, T, T, T]),
    ("mixtureLogProbIndependent", lambda lg, lo, sc, x: msf_ind(lg, lo, sc).log_prob(x), [mix_logits, ind_loc, ind_scale, randn(5, 2, 2)], [T, T, T, T]),
    ("mixtureLogProbGumbel", lambda lg, lo, sc, x: D.MixtureSameFamily(D.Categorical(logits=lg), D.Gumbel(lo, sc)).log_prob(x), [mix_logits, comp_loc, comp_scale, randn(3, 2)], [T, T, T, T]),
    ("mixtureCdf", lambda lg, lo, sc, x: msf(lg, lo, sc).cdf(x), [mix_logits, comp_loc, comp_scale, randn(4, 2) * 2], [T, T, T, T]),
    ("mixtureMean", lambda lg, lo, sc: msf(lg, lo, sc).mean, [mix_logits, comp_loc, comp_scale], [T, T, T]),
    ("mixtureVariance", lambda lg, lo, sc: msf(lg, lo, sc).variance, [mix_logits, comp_loc, comp_scale], [T, T, T]),
    ("mixtureMeanIndependent", lambda lg, lo, sc: msf_ind(lg, lo, sc).mean, [mix_logits, ind_loc, ind_scale], [T, T, T]),
    ("mixtureVarianceIndependent", lambda lg, lo, sc: msf_ind(lg, lo, sc).variance, [mix_logits, ind_loc, ind_scale], [T, T, T]),
    # KL divergences: p's parameters, then q's.
    ("klExponentialExponential", lambda a, b: D.kl_divergence(exp_(a), exp_(b)), [rate, positive(3)], [T, T]),
    ("klExponentialNormal", lambda a, b, c: D.kl_divergence(exp_(a), D.Normal(b, c)), [rate, randn(3), positive(2, 1)], [T, T, T]),
    ("klExponentialGumbel", lambda a, b, c: D.kl_divergence(exp_(a), gum(b, c)), [rate, randn(3), positive(2, 1)], [T, T, T]),
    ("klGumbelNormal", lambda a, b, c, d: D.kl_divergence(gum(a, b), D.Normal(c, d)), [loc, scale, randn(3), positive(2, 1)], [T, T, T, T]),
    ("klNormalGumbel", lambda a, b, c, d: D.kl_divergence(D.Normal(a, b), gum(c, d)), [loc, scale, randn(3), positive(2, 1)], [T, T, T, T]),
    ("klCauchyCauchy", lambda a, b, c, d: D.kl_divergence(cau(a, b), cau(c, d)), [loc, scale, randn(3), positive(2, 1)], [T, T, T, T]),
    ("klHalfNormalHalfNormal", lambda a, b: D.kl_divergence(hn(a), hn(b)), [rate, positive(3)], [T, T]),
    ("klHalfCauchyHalfCauchy", lambda a, b: D.kl_divergence(hc(a), hc(b)), [rate, positive(3)], [T, T]),
    ("klGeometricGeometric", lambda p, lg: D.kl_divergence(D.Geometric(probs=p), D.Geometric(logits=lg)), [geo_unit, geo_logits], [T, T]),
    # Pareto‖Pareto: +∞ where p.scale < q.scale (the first column).
    ("klParetoPareto", lambda a, b, c, d: D.kl_divergence(par(a, b), par(c, d)), [f32([[0.5, 2.0, 1.2], [0.8, 1.5, 3.0]]), p_alpha, f32([1.0, 1.0, 0.9]), positive(3) + 0.5], [T, T, T, T]),
    ("klParetoExponential", lambda a, b, c: D.kl_divergence(par(a, b), exp_(c)), [p_scale, f32([0.5, 1.5, 3.0]), positive(3)], [T, T, T]),
    ("klParetoNormal", lambda a, b, c, d: D.kl_divergence(par(a, b), D.Normal(c, d)), [p_scale, f32([1.5, 2.5, 4.0]), randn(3), positive(2, 1)], [T, T, T, T]),
    ("klUniformExponential", lambda a, b, c: D.kl_divergence(D.Uniform(a, b), exp_(c)), [f32([-0.5, 0.2, 1.0]), f32([1.0, 0.7, 4.0]), positive(3)], [T, T, T]),
    ("klUniformGumbel", lambda a, b, c, d: D.kl_divergence(D.Uniform(a, b), gum(c, d)), [f32([-0.5, 0.2, 1.0]), f32([1.0, 0.7, 4.0]), randn(3), positive(2, 1)], [T, T, T, T]),
    ("klUniformPareto", lambda a, b, c, d: D.kl_divergence(D.Uniform(a, b), par(c, d)), [f32([0.5, 1.2, 2.0]), f32([1.0, 3.0, 2.5]), f32([0.8, 1.0, 1.5]), positive(3)], [T, T, T, T]),
    ("klContinuousBernoulliExponential", lambda p, r: D.kl_divergence(D.ContinuousBernoulli(probs=p), exp_(r)), [f32([0.1, 0.3, 0.7, 0.9]), positive(4)], [T, T]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
