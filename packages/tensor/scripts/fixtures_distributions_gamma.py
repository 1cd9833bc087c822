#!/usr/bin/env python3
"""PyTorch golden values for the gamma family — Gamma, Chi2, Beta, Dirichlet, StudentT, Poisson,
NegativeBinomial, Binomial, Weibull, Kumaraswamy (test/distributions-gamma.test.ts,
src/distributions/): log_prob, cdf, icdf, entropy, mean, mode, variance, stddev and the
kl_divergence pairs PyTorch registers between them and the distributions before them, each with
the gradients of sum(upstream * result) with respect to the float parameters (and the value, where
it is differentiable).

    /opt/torch-venv/bin/python scripts/fixtures_distributions_gamma.py

Writes test/fixtures/distributions-gamma.safetensors (layout: scripts/golden_cases.py). Every case
is a function of its inputs, which build the distributions: the TS test's table of calls builds
the same ones from the same inputs. Two cases are not PyTorch's own values: weibullMode and
kumaraswamyMode are the closed forms of the PyTorch issues #198186 and #173912 written with torch
ops here (PyTorch 2.x's properties are NaN or wrong there; Note [Weibull and Kumaraswamy modes]).
"""
import torch
import torch.distributions as D

from golden_cases import f32, fixture_path, positive, randn, unit, write_cases

OUT = fixture_path("distributions-gamma")
torch.manual_seed(0)
# Values outside the support are part of some cases; nutshell does not validate by default either.
D.Distribution.set_default_validate_args(False)


def counts(high, *shape):
    return torch.randint(0, high + 1, shape).float()


T, F = True, False
nan = float("nan")
# Concentrations across the regimes: below 1 (density infinite at 0), 1, above 1, large.
CONC = f32([[0.3, 1.0, 2.5], [0.8, 4.0, 12.0]])
RATE = positive(3)
DF = f32([0.5, 1.0, 1.5, 2.0, 3.0, 7.5])
beta_c1, beta_c0 = positive(2, 3) + 0.2, positive(3) + 0.2
# Modes across their branches: both below 1, one below, both above, one exactly 1.
MODE_C1 = f32([0.5, 0.5, 2.0, 3.0, 1.0, 2.5])
MODE_C0 = f32([0.5, 3.0, 0.7, 1.5, 4.0, 1.0])
dir_conc = positive(2, 4) + 0.2
dir_value = torch.softmax(randn(3, 2, 4), -1)
DIR_MODE = f32([[0.5, 0.3, 0.9], [0.5, 2.0, 3.0], [0.2, 1.5, 0.9], [4.0, 4.0, 1.2]])
st_df, st_loc, st_scale = positive(2, 3) * 3, randn(3), positive(3)
rate = positive(2, 3) * 4
nb_count, nb_probs, nb_logits = positive(2, 3) * 3, unit(3), randn(2, 3)
bin_count = f32([[3.0, 10.0, 6.0], [1.0, 4.0, 8.0]])
bin_probs = f32([0.2, 0.5, 0.93])
bin_logits = f32([[-1.5, 0.0, 2.0], [0.7, -0.2, 4.0]])
wb_scale, wb_conc = positive(3), f32([[0.6, 1.0, 2.5], [1.3, 4.0, 0.9]])
ku_a, ku_b = positive(2, 3) + 0.4, positive(3) + 0.4
MODE_A = f32([0.5, 1.0, 0.5, 1.0, 3.0, 1.0, 3.0, 2.0])
MODE_B = f32([0.5, 0.5, 1.0, 1.0, 1.0, 3.0, 5.0, 2.5])


def weibull_mode(scale, k):
    """λ·((k − 1)/k)^(1/k) for k >= 1, NaN below (PyTorch issue #198186)."""
    below = k < 1
    ks = torch.where(below, torch.ones_like(k), k)
    return torch.where(below, torch.full_like(k, nan), scale * ((ks - 1) / ks) ** (1 / ks))


def kumaraswamy_mode(a, b):
    """((a − 1)/(ab − 1))^(1/a) for a, b >= 1, NaN where a < 1 or b < 1 (PyTorch issue #173912)."""
    below = (a < 1) | (b < 1)
    a2 = torch.where(below, torch.full_like(a, 2.0), a)
    b2 = torch.where(below, torch.full_like(b, 2.0), b)
    return torch.where(below, torch.full_like(a, nan), ((a2 - 1) / (a2 * b2 - 1)) ** (1 / a2))


gam = D.Gamma
beta = D.Beta
cb = lambda p: D.ContinuousBernoulli(probs=p)  # noqa: E731
CB_PROBS = f32([[0.1, 0.3, 0.45], [0.6, 0.8, 0.97]])

CASES = [
    ("gammaLogProb", lambda c, r, x: gam(c, r).log_prob(x), [CONC, RATE, positive(4, 2, 3) * 2], [T, T, T]),
    # x = 0: α = 1 gives log(rate) (xlogy), α > 1 −∞, α < 1 +∞.
    ("gammaLogProbAtZero", lambda c, r, x: gam(c, r).log_prob(x), [CONC, RATE, torch.zeros(3)], [F, F, F]),
    ("gammaCdf", lambda a, r, x: D.Gamma(a, r).cdf(x), [positive(2, 3) + 0.5, positive(3), positive(4, 2, 3) * 2], [F, T, T]),
    ("chi2Cdf", lambda df, x: D.Chi2(df).cdf(x), [positive(2, 3) * 3, positive(2, 3) * 2], [F, T]),
    ("gammaEntropy", lambda c, r: gam(c, r).entropy(), [CONC, RATE], [T, T]),
    ("gammaMean", lambda c, r: gam(c, r).mean, [CONC, RATE], [T, T]),
    ("gammaMode", lambda c, r: gam(c, r).mode, [CONC, RATE], [T, T]),
    ("gammaVariance", lambda c, r: gam(c, r).variance, [CONC, RATE], [T, T]),
    ("gammaStddev", lambda c, r: gam(c, r).stddev, [CONC, RATE], [T, T]),
    ("chi2LogProb", lambda df, x: D.Chi2(df).log_prob(x), [DF, positive(3, 6) * 3], [T, T]),
    ("chi2Entropy", lambda df: D.Chi2(df).entropy(), [DF], [T]),
    ("chi2Mean", lambda df: D.Chi2(df).mean, [DF], [T]),
    ("chi2Mode", lambda df: D.Chi2(df).mode, [DF], [T]),
    ("chi2Variance", lambda df: D.Chi2(df).variance, [DF], [T]),
    ("betaLogProb", lambda a, b, x: beta(a, b).log_prob(x), [beta_c1, beta_c0, unit(4, 2, 3)], [T, T, T]),
    # The ends: an exponent of 0 (concentration 1) adds 0 there (xlogy), others ±∞.
    ("betaLogProbEnds", lambda a, b, x: beta(a, b).log_prob(x), [f32([1.0, 1.0, 2.0, 0.5]), f32([1.0, 3.0, 1.0, 1.0]), f32([0.0, 0.0, 1.0, 1.0])], [F, F, F]),
    ("betaEntropy", lambda a, b: beta(a, b).entropy(), [beta_c1, beta_c0], [T, T]),
    ("betaMean", lambda a, b: beta(a, b).mean, [beta_c1, beta_c0], [T, T]),
    ("betaMode", lambda a, b: beta(a, b).mode, [MODE_C1, MODE_C0], [F, F]),
    ("betaModeGrad", lambda a, b: beta(a, b).mode, [beta_c1 + 1, beta_c0 + 1], [T, T]),
    ("betaVariance", lambda a, b: beta(a, b).variance, [beta_c1, beta_c0], [T, T]),
    ("dirichletLogProb", lambda c, x: D.Dirichlet(c).log_prob(x), [dir_conc, dir_value], [T, T]),
    ("dirichletEntropy", lambda c: D.Dirichlet(c).entropy(), [dir_conc], [T]),
    ("dirichletMean", lambda c: D.Dirichlet(c).mean, [dir_conc], [T]),
    ("dirichletMode", lambda c: D.Dirichlet(c).mode, [DIR_MODE], [F]),
    ("dirichletModeGrad", lambda c: D.Dirichlet(c).mode, [dir_conc + 1], [T]),
    ("dirichletVariance", lambda c: D.Dirichlet(c).variance, [dir_conc], [T]),
    ("studentTLogProb", lambda df, lo, sc, x: D.StudentT(df, lo, sc).log_prob(x), [st_df, st_loc, st_scale, randn(4, 2, 3) * 2], [T, T, T, T]),
    ("studentTEntropy", lambda df, lo, sc: D.StudentT(df, lo, sc).entropy(), [st_df, st_loc, st_scale], [T, T, T]),
    ("studentTMean", lambda df, lo: D.StudentT(df, lo).mean, [DF, randn(6)], [T, T]),
    ("studentTMode", lambda df, lo: D.StudentT(df, lo).mode, [DF, randn(6)], [T, T]),
    ("studentTVariance", lambda df, sc: D.StudentT(df, 0.0, sc).variance, [DF, positive(6)], [T, T]),
    ("poissonLogProb", lambda r, k: D.Poisson(r).log_prob(k), [rate, counts(9, 4, 2, 3)], [T, F]),
    # rate 0: a count of 0 has log-probability 0 (xlogy), others −∞.
    ("poissonLogProbZeroRate", lambda r, k: D.Poisson(r).log_prob(k), [f32([0.0, 0.0, 2.0]), f32([0.0, 3.0, 0.0])], [F, F]),
    ("poissonMode", lambda r: D.Poisson(r).mode, [f32([0.0, 0.4, 1.0, 2.7, 13.2])], [F]),
    ("nbLogProb", lambda n, p, k: D.NegativeBinomial(n, probs=p).log_prob(k), [nb_count, nb_probs, counts(12, 4, 2, 3)], [T, T, F]),
    ("nbLogProbLogits", lambda n, lg, k: D.NegativeBinomial(n, logits=lg).log_prob(k), [nb_count, nb_logits, counts(12, 2, 3)], [T, T, F]),
    # totalCount 0 with a count of 0: probability 1.
    ("nbLogProbZeroCount", lambda n, p, k: D.NegativeBinomial(n, probs=p).log_prob(k), [f32([0.0, 0.0, 2.0]), f32([0.3, 0.3, 0.0]), f32([0.0, 2.0, 0.0])], [F, F, F]),
    ("nbMean", lambda n, p: D.NegativeBinomial(n, probs=p).mean, [nb_count, nb_probs], [T, T]),
    ("nbMode", lambda n, lg: D.NegativeBinomial(n, logits=lg).mode, [nb_count, nb_logits], [F, F]),
    ("nbVariance", lambda n, lg: D.NegativeBinomial(n, logits=lg).variance, [nb_count, nb_logits], [T, T]),
    ("binomialLogProb", lambda n, p, k: D.Binomial(n, probs=p).log_prob(k), [bin_count, bin_probs, f32([[0.0, 5.0, 6.0], [1.0, 2.0, 7.0]])], [T, T, F]),
    # logits exactly 0: the gradient of PyTorch's _clamp_by_zero there is ½.
    ("binomialLogProbLogits", lambda n, lg, k: D.Binomial(n, logits=lg).log_prob(k), [bin_count, bin_logits, f32([[2.0, 5.0, 6.0], [0.0, 4.0, 8.0]])], [T, T, F]),
    ("binomialLogProbEdgeProbs", lambda n, p, k: D.Binomial(n, probs=p).log_prob(k), [f32([4.0, 4.0, 4.0, 4.0]), f32([0.0, 0.0, 1.0, 1.0]), f32([0.0, 2.0, 4.0, 1.0])], [F, F, F]),
    ("binomialEntropy", lambda p: D.Binomial(10, probs=p).entropy(), [f32([[0.02, 0.3, 0.5], [0.77, 0.9, 1.0]])], [T]),
    ("binomialEntropyLogits", lambda lg: D.Binomial(3, logits=lg).entropy(), [bin_logits], [T]),
    ("binomialMean", lambda n, p: D.Binomial(n, probs=p).mean, [bin_count, bin_probs], [T, T]),
    ("binomialMode", lambda n, p: D.Binomial(n, probs=p).mode, [bin_count, f32([0.5, 0.2, 1.0])], [F, F]),
    ("binomialVariance", lambda n, lg: D.Binomial(n, logits=lg).variance, [bin_count, bin_logits], [T, T]),
    ("weibullLogProb", lambda s, k, x: D.Weibull(s, k).log_prob(x), [wb_scale, wb_conc, positive(4, 2, 3) * 2], [T, T, T]),
    ("weibullCdf", lambda s, k, x: D.Weibull(s, k).cdf(x), [wb_scale, wb_conc, positive(2, 3) * 2], [T, T, T]),
    ("weibullIcdf", lambda s, k, u: D.Weibull(s, k).icdf(u), [wb_scale, wb_conc, unit(2, 3)], [T, T, T]),
    ("weibullEntropy", lambda s, k: D.Weibull(s, k).entropy(), [wb_scale, wb_conc], [T, T]),
    ("weibullMean", lambda s, k: D.Weibull(s, k).mean, [wb_scale, wb_conc], [T, T]),
    ("weibullMode", weibull_mode, [wb_scale, wb_conc], [T, T]),
    ("weibullVariance", lambda s, k: D.Weibull(s, k).variance, [wb_scale, wb_conc], [T, T]),
    ("kumaraswamyLogProb", lambda a, b, x: D.Kumaraswamy(a, b).log_prob(x), [ku_a, ku_b, unit(4, 2, 3)], [T, T, T]),
    ("kumaraswamyCdf", lambda a, b, x: D.Kumaraswamy(a, b).cdf(x), [ku_a, ku_b, unit(2, 3)], [T, T, T]),
    ("kumaraswamyIcdf", lambda a, b, u: D.Kumaraswamy(a, b).icdf(u), [ku_a, ku_b, unit(2, 3)], [T, T, T]),
    ("kumaraswamyEntropy", lambda a, b: D.Kumaraswamy(a, b).entropy(), [ku_a, ku_b], [T, T]),
    ("kumaraswamyMean", lambda a, b: D.Kumaraswamy(a, b).mean, [ku_a, ku_b], [T, T]),
    ("kumaraswamyMode", kumaraswamy_mode, [MODE_A, MODE_B], [F, F]),
    ("kumaraswamyModeGrad", kumaraswamy_mode, [ku_a + 1, ku_b + 1], [T, T]),
    ("kumaraswamyVariance", lambda a, b: D.Kumaraswamy(a, b).variance, [ku_a, ku_b], [T, T]),
    # KL divergences: p's parameters, then q's.
    ("klGammaGamma", lambda a, b, c, d: D.kl_divergence(gam(a, b), gam(c, d)), [CONC, RATE, positive(3) * 2, positive(2, 1)], [T, T, T, T]),
    ("klChi2Chi2", lambda a, b: D.kl_divergence(D.Chi2(a), D.Chi2(b)), [DF, DF.flip(-1)], [T, T]),
    ("klBetaBeta", lambda a, b, c, d: D.kl_divergence(beta(a, b), beta(c, d)), [beta_c1, beta_c0, positive(3) + 0.2, positive(2, 1) + 0.2], [T, T, T, T]),
    ("klDirichletDirichlet", lambda a, b: D.kl_divergence(D.Dirichlet(a), D.Dirichlet(b)), [dir_conc, positive(3, 1, 4) + 0.2], [T, T]),
    ("klPoissonPoisson", lambda a, b: D.kl_divergence(D.Poisson(a), D.Poisson(b)), [rate, positive(3) * 4], [T, T]),
    ("klBinomialBinomial", lambda n, p, m, q: D.kl_divergence(D.Binomial(n, probs=p), D.Binomial(m, probs=q)),
     [bin_count, bin_probs, f32([[3.0, 10.0, 5.0], [1.0, 2.0, 8.0]]), f32([0.4, 0.6, 0.5])], [F, T, F, T]),
    ("klBernoulliPoisson", lambda p, r: D.kl_divergence(D.Bernoulli(probs=p), D.Poisson(r)), [unit(2, 3), positive(3) * 2], [T, T]),
    ("klBetaCb", lambda a, b, p: D.kl_divergence(beta(a, b), cb(p)), [beta_c1, beta_c0, CB_PROBS], [T, T, T]),
    ("klBetaGamma", lambda a, b, c, r: D.kl_divergence(beta(a, b), gam(c, r)), [beta_c1, beta_c0, CONC, RATE], [T, T, T, T]),
    ("klBetaNormal", lambda a, b, lo, sc: D.kl_divergence(beta(a, b), D.Normal(lo, sc)), [beta_c1, beta_c0, randn(3), positive(2, 1)], [T, T, T, T]),
    ("klBetaUniform", lambda a, b, lo, hi: D.kl_divergence(beta(a, b), D.Uniform(lo, hi)),
     [beta_c1, beta_c0, f32([-0.5, 0.0, 0.1]), f32([[1.0, 2.0, 3.0], [0.9, 1.5, 1.0]])], [T, T, T, T]),
    ("klGammaNormal", lambda a, b, lo, sc: D.kl_divergence(gam(a, b), D.Normal(lo, sc)), [CONC, RATE, randn(3), positive(2, 1)], [T, T, T, T]),
    ("klUniformBeta", lambda lo, hi, a, b: D.kl_divergence(D.Uniform(lo, hi), beta(a, b)),
     [f32([0.1, 0.0, 0.3, -0.1, 0.2, 0.05]), f32([0.7, 1.0, 0.9, 0.5, 1.2, 0.6]), positive(6) + 0.2, positive(6) + 0.2], [T, T, T, T]),
    ("klUniformGamma", lambda lo, hi, a, r: D.kl_divergence(D.Uniform(lo, hi), gam(a, r)),
     [f32([0.1, 0.0, 1.3, -0.1, 2.2, 0.05]), f32([0.7, 1.0, 2.9, 0.5, 4.2, 0.6]), positive(6) + 0.2, positive(6)], [T, T, T, T]),
    ("klInfinite", lambda c, r, lo, sc, p: [
        D.kl_divergence(gam(c, r), beta(c, r)),
        D.kl_divergence(gam(c, r), cb(p)),
        D.kl_divergence(gam(c, r), D.Uniform(lo, lo + 1)),
        D.kl_divergence(D.Laplace(lo, sc), beta(c, r)),
        D.kl_divergence(D.Laplace(lo, sc), gam(c, r)),
        D.kl_divergence(D.Normal(lo, sc), beta(c, r)),
        D.kl_divergence(D.Normal(lo, sc), gam(c, r)),
        D.kl_divergence(D.Poisson(c), D.Bernoulli(probs=p)),
        D.kl_divergence(D.Poisson(c), D.Binomial(4, probs=p)),
    ], [positive(3), positive(3), randn(3), positive(3), unit(3)], [F, F, F, F, F]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
