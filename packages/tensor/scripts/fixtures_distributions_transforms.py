#!/usr/bin/env python3
"""PyTorch golden values for the transforms, TransformedDistribution and the KL pairs of
src/distributions/kl-cross.ts (test/distributions-transforms.test.ts): each transform's forward,
inverse and log_abs_det_jacobian; TransformedDistribution's log_prob (SAC's tanh-squashed Gaussian
among them, cached and not), cdf and icdf; kl_divergence for Gumbel‖Gumbel, Uniform‖Uniform,
Uniform‖Normal, the gamma family against Exponential, Gumbel and Pareto, the +∞ pairs, and
TransformedDistribution‖TransformedDistribution — each with the gradients of sum(upstream * result)
with respect to the float inputs.

    /opt/torch-venv/bin/python scripts/fixtures_distributions_transforms.py

Writes test/fixtures/distributions-transforms.safetensors (layout: scripts/golden_cases.py). Every
case is a function of its inputs, which build the transforms and distributions: the TS test's table
of calls builds the same ones from the same inputs. PyTorch's rsample draws from its own generator,
so the SAC cases take the noise as an input and form the draw as its Normal.rsample does,
loc + eps * scale, then squash it with the transform.
"""
import torch
import torch.distributions as D
from torch.distributions.transforms import (
    AbsTransform,
    AffineTransform,
    ComposeTransform,
    ExpTransform,
    PowerTransform,
    SigmoidTransform,
    SoftmaxTransform,
    TanhTransform,
)

from golden_cases import f32, fixture_path, positive, randn, unit, write_cases

OUT = fixture_path("distributions-transforms")
torch.manual_seed(0)
# Values outside the support are part of some cases; nutshell does not validate by default either.
D.Distribution.set_default_validate_args(False)


def ladj(t, x):
    """log|det J| at (x, t(x))."""
    return t.log_abs_det_jacobian(x, t(x))


def inv_ladj(t, y):
    """The inverse's log|det J| at (y, t.inv(y))."""
    return t.inv.log_abs_det_jacobian(y, t.inv(y))


def td(base, transforms):
    return D.TransformedDistribution(base, transforms)


def sac(mu, sigma, eps, cache):
    """log_prob of a tanh-squashed draw mu + eps * sigma (SAC's policy)."""
    t = TanhTransform(cache_size=cache)
    y = t(mu + eps * sigma)
    return td(D.Normal(mu, sigma), [t]).log_prob(y)


def sac_independent(mu, sigma, eps):
    """The same with the action's dims one event (Independent): one log-density per state."""
    t = TanhTransform(cache_size=1)
    y = t(mu + eps * sigma)
    return td(D.Independent(D.Normal(mu, sigma), 1), t).log_prob(y)


def sac_scaled(mu, sigma, eps, bias, scale):
    """Squashed and rescaled to the action bounds: tanh then bias + scale·y over vector events."""
    ts = [TanhTransform(cache_size=1), AffineTransform(bias, scale, event_dim=1, cache_size=1)]
    d = td(D.Normal(mu, sigma), ts)
    y = ts[1](ts[0](mu + eps * sigma))
    return d.log_prob(y)


def logistic(a, b):
    return td(D.Uniform(0.0, 1.0), [SigmoidTransform().inv, AffineTransform(a, b)])


def weibull(lam, k):
    return td(D.Exponential(torch.ones_like(lam)), [PowerTransform(1 / k), AffineTransform(0.0, lam)])


def exp_affine(lo, sc):
    return [ExpTransform(), AffineTransform(1.0, 2.0)]


T, F = True, False
x23, pos23 = randn(2, 3), positive(2, 3)
e3 = f32([0.5, 2.0, -1.5])
sig_x = f32([[-30.0, -5.0, -0.5], [0.0, 3.0, 30.0]])
sig_y = f32([[0.0, 1e-3, 0.2], [0.5, 0.999, 1.0]])
tanh_x = f32([[-50.0, -9.0, -1.0], [0.0, 2.0, 20.0]])
tanh_y = f32([[-0.99, -0.5, -0.1], [0.0, 0.7, 0.995]])
aff_loc, aff_scale = randn(3), f32([[1.5, -0.5, 2.0], [-3.0, 0.8, 1.0]])
sm_x = randn(2, 4)
sm_y = torch.softmax(randn(2, 4), -1)
n_loc, n_scale = randn(2, 3), positive(2, 3)
# SAC: a batch of 4 states, 2 action dims. The cached case reaches |x| ≈ 12, where atanh(tanh(x))
# is ±∞ in float32: finite only through the cache.
mu, sigma = randn(4, 2), positive(4, 2)
eps_mod = randn(4, 2).clamp(-2, 2)
mu_far = f32([[0.2, -1.0], [3.0, 0.5], [-2.0, 1.0], [0.0, 0.3]])
eps_far = f32([[0.5, -1.0], [6.0, 0.1], [-7.0, 2.0], [1.0, -0.4]])
sigma_far = f32([[1.0, 0.5], [1.5, 1.0], [1.5, 0.8], [0.6, 1.2]])
act_bias, act_scale = f32([0.5, -1.0]), f32([2.0, 0.5])
lg_a, lg_b = randn(3), positive(3)
wb_lam, wb_k = positive(3), positive(3) + 0.3
mixed_scale = f32([1.5, -0.7, -2.0])

CASES = [
    ("expForward", lambda x: ExpTransform()(x), [x23], [T]),
    ("expInverse", lambda y: ExpTransform().inv(y), [pos23], [T]),
    ("expLadj", lambda x: ladj(ExpTransform(), x), [x23], [T]),
    ("expInverseLadj", lambda y: inv_ladj(ExpTransform(), y), [pos23], [T]),
    ("powerForward", lambda e, x: PowerTransform(e)(x), [e3, pos23], [T, T]),
    ("powerInverse", lambda e, y: PowerTransform(e).inv(y), [e3, pos23], [T, T]),
    ("powerLadj", lambda e, x: ladj(PowerTransform(e), x), [e3, pos23], [T, T]),
    ("powerLadjNumber", lambda x: ladj(PowerTransform(2.5), x), [pos23], [T]),
    ("sigmoidForward", lambda x: SigmoidTransform()(x), [sig_x], [T]),
    ("sigmoidInverse", lambda y: SigmoidTransform().inv(y), [sig_y], [T]),
    ("sigmoidLadj", lambda x: ladj(SigmoidTransform(), x), [sig_x], [T]),
    ("tanhForward", lambda x: TanhTransform()(x), [tanh_x], [T]),
    ("tanhInverse", lambda y: TanhTransform().inv(y), [tanh_y], [T]),
    # Finite at |x| = 50, where log(1 - tanh(x)^2) is -inf in float32.
    ("tanhLadj", lambda x: ladj(TanhTransform(), x), [tanh_x], [T]),
    ("tanhInverseLadj", lambda y: inv_ladj(TanhTransform(), y), [tanh_y], [T]),
    ("absForward", lambda x: AbsTransform()(x), [x23], [T]),
    ("affineForward", lambda lo, sc, x: AffineTransform(lo, sc)(x), [aff_loc, aff_scale, x23], [T, T, T]),
    ("affineInverse", lambda lo, sc, y: AffineTransform(lo, sc).inv(y), [aff_loc, aff_scale, x23], [T, T, T]),
    ("affineLadj", lambda lo, sc, x: ladj(AffineTransform(lo, sc), x), [aff_loc, aff_scale, x23], [T, T, T]),
    ("affineLadjNumber", lambda x: ladj(AffineTransform(1.5, -2.0), x), [x23], [T]),
    ("affineLadjEvent", lambda sc, x: ladj(AffineTransform(0.0, sc, event_dim=1), x), [aff_scale, randn(4, 2, 3)], [T, T]),
    ("affineLadjNumberEvent", lambda x: ladj(AffineTransform(0.0, 3.0, event_dim=2), x), [randn(4, 2, 3)], [T]),
    ("softmaxForward", lambda x: SoftmaxTransform()(x), [sm_x], [T]),
    ("softmaxInverse", lambda y: SoftmaxTransform().inv(y), [sm_y], [T]),
    ("composeForward", lambda lo, sc, e, x: ComposeTransform([AffineTransform(lo, sc), ExpTransform(), PowerTransform(e)])(x), [aff_loc, aff_scale, e3, x23], [T, T, T, T]),
    ("composeLadj", lambda lo, sc, e, x: ladj(ComposeTransform([AffineTransform(lo, sc), ExpTransform(), PowerTransform(e)]), x), [aff_loc, aff_scale, e3, x23], [T, T, T, T]),
    ("composeInverse", lambda lo, sc, y: ComposeTransform([ExpTransform(), AffineTransform(lo, sc)]).inv(y), [aff_loc, f32([2.0, 0.5, 1.0]), x23 + 3], [T, T, T]),
    ("composeInverseLadj", lambda lo, sc, y: inv_ladj(ComposeTransform([ExpTransform(), AffineTransform(lo, sc)]), y), [aff_loc, f32([2.0, 0.5, 1.0]), x23 + 3], [T, T, T]),
    # The affine part's event dim makes the composition's domain one of vectors: exp's term is summed over it.
    ("composeEventLadj", lambda x: ladj(ComposeTransform([AffineTransform(0.0, 2.0, event_dim=1), ExpTransform()]), x), [x23], [T]),
    # PyTorch's docstring: tanh is this composition, less stable.
    ("tanhAsCompose", lambda x: (lambda t: [t(x), ladj(t, x)])(ComposeTransform([AffineTransform(0.0, 2.0), SigmoidTransform(), AffineTransform(-1.0, 2.0)])), [f32([-3.0, -0.5, 0.0, 1.0, 4.0])], [T]),
    ("composeEmptyLadj", lambda x: ladj(ComposeTransform([]), x), [x23], [F]),
    # TransformedDistribution.
    ("tdLogNormalLogProb", lambda lo, sc, x: td(D.Normal(lo, sc), ExpTransform()).log_prob(x), [n_loc, n_scale, positive(4, 2, 3)], [T, T, T]),
    ("tdLogNormalCdf", lambda lo, sc, x: td(D.Normal(lo, sc), ExpTransform()).cdf(x), [n_loc, n_scale, positive(2, 3)], [T, T, T]),
    # icdf needs the base's: Laplace's and Cauchy's (nutshell's Normal and Uniform have none).
    ("tdLaplaceExpIcdf", lambda lo, sc, u: td(D.Laplace(lo, sc), ExpTransform()).icdf(u), [n_loc, n_scale, unit(2, 3)], [T, T, T]),
    ("tdSacLogProb", lambda m, s, e: sac(m, s, e, 0), [mu, sigma, eps_mod], [T, T, F]),
    ("tdSacLogProbCached", lambda m, s, e: sac(m, s, e, 1), [mu_far, sigma_far, eps_far], [T, T, F]),
    ("tdSacIndependentLogProb", sac_independent, [mu_far, sigma_far, eps_far], [T, T, F]),
    ("tdSacScaledLogProb", sac_scaled, [mu, sigma, eps_mod, act_bias, act_scale], [T, T, F, T, T]),
    ("tdLogisticLogProb", lambda a, b, x: logistic(a, b).log_prob(x), [lg_a, lg_b, randn(4, 3) * 2], [T, T, T]),
    ("tdLogisticCdf", lambda a, b, x: logistic(a, b).cdf(x), [lg_a, lg_b, randn(4, 3) * 2], [T, T, T]),
    ("tdCauchySigmoidIcdf", lambda lo, sc, a, b, u: td(D.Cauchy(lo, sc), [SigmoidTransform(), AffineTransform(a, b)]).icdf(u), [randn(3), positive(3), lg_a, lg_b, unit(4, 3)], [T, T, T, T, T]),
    ("tdWeibullLogProb", lambda lam, k, x: weibull(lam, k).log_prob(x), [wb_lam, wb_k, positive(4, 3)], [T, T, T]),
    ("tdWeibullCdf", lambda lam, k, x: weibull(lam, k).cdf(x), [wb_lam, wb_k, positive(4, 3)], [T, T, T]),
    ("tdWeibullIcdf", lambda lam, k, u: weibull(lam, k).icdf(u), [wb_lam, wb_k, unit(4, 3)], [T, T, T]),
    # A decreasing map: cdf is 1 − the base's (a tensor sign per element, and a number one).
    ("tdSignedAffineCdf", lambda lo, sc, s, x: td(D.Normal(lo, sc), AffineTransform(1.0, s)).cdf(x), [n_loc, n_scale, mixed_scale, randn(2, 3)], [T, T, T, T]),
    ("tdSignedAffineIcdf", lambda lo, sc, s, u: td(D.Laplace(lo, sc), AffineTransform(1.0, s)).icdf(u), [n_loc, n_scale, mixed_scale, unit(2, 3)], [T, T, T, T]),
    ("tdNegativeAffineCdf", lambda lo, sc, x: td(D.Normal(lo, sc), AffineTransform(0.5, -2.0)).cdf(x), [n_loc, n_scale, randn(2, 3)], [T, T, T]),
    ("tdNegativeAffineLogProb", lambda lo, sc, x: td(D.Normal(lo, sc), AffineTransform(0.5, -2.0)).log_prob(x), [n_loc, n_scale, randn(2, 3)], [T, T, T]),
    ("tdInversePowerLogProb", lambda r, x: td(D.Exponential(r), PowerTransform(-1.0)).log_prob(x), [pos23, positive(2, 3)], [T, T]),
    ("tdInversePowerCdf", lambda r, x: td(D.Exponential(r), PowerTransform(-1.0)).cdf(x), [pos23, positive(2, 3)], [T, T]),
    ("tdInversePowerIcdf", lambda r, u: td(D.Exponential(r), PowerTransform(-1.0)).icdf(u), [pos23, unit(2, 3)], [T, T]),
    # The affine map's event dim reads the base's last batch dim as an event dim (Independent).
    ("tdAffineEventLogProb", lambda lo, sc, l2, s2, x: td(D.Normal(lo, sc), AffineTransform(l2, s2, event_dim=1)).log_prob(x), [n_loc, n_scale, randn(3), positive(3), randn(5, 2, 3)], [T, T, T, T, T]),
    # The transforms broadcast the base's batch shape [] to [3]; PyTorch expands the base.
    ("tdBroadcastLogProb", lambda lo, sc, x: td(D.Normal(0.0, 1.0), AffineTransform(lo, sc)).log_prob(x), [randn(3), positive(3), randn(4, 3)], [T, T, T]),
    ("tdBroadcastCdf", lambda lo, sc, x: td(D.Normal(0.0, 1.0), AffineTransform(lo, sc)).cdf(x), [randn(3), positive(3), randn(4, 3)], [T, T, T]),
    ("tdNoTransformsLogProb", lambda lo, sc, x: td(D.Normal(lo, sc), []).log_prob(x), [n_loc, n_scale, randn(2, 3)], [T, T, T]),
    ("tdComposeLogProb", lambda lo, sc, l2, s2, x: td(D.Normal(lo, sc), ComposeTransform([AffineTransform(l2, s2), ExpTransform()])).log_prob(x), [n_loc, n_scale, randn(3), positive(3), positive(2, 3)], [T, T, T, T, T]),
    ("tdComposeCdf", lambda lo, sc, l2, s2, x: td(D.Normal(lo, sc), ComposeTransform([AffineTransform(l2, s2), ExpTransform()])).cdf(x), [n_loc, n_scale, randn(3), positive(3), positive(2, 3)], [T, T, T, T, T]),
    # KL divergences: p's parameters, then q's.
    ("klGumbelGumbel", lambda a, b, c, d: D.kl_divergence(D.Gumbel(a, b), D.Gumbel(c, d)), [n_loc, n_scale, randn(3), positive(2, 1)], [T, T, T, T]),
    # +∞ where q's interval misses part of p's (the first two columns).
    ("klUniformUniform", lambda a, b, c, d: D.kl_divergence(D.Uniform(a, b), D.Uniform(c, d)), [f32([-1.0, 0.0, 0.2, 0.5]), f32([1.0, 2.5, 0.9, 3.0]), f32([-0.5, -1.0, 0.0, -2.0]), f32([3.0, 2.0, 1.0, 4.0])], [T, T, T, T]),
    ("klUniformNormal", lambda a, b, c, d: D.kl_divergence(D.Uniform(a, b), D.Normal(c, d)), [f32([-1.0, 0.2, 1.0]), f32([1.0, 0.7, 4.0]), randn(3), positive(2, 1)], [T, T, T, T]),
    ("klBetaExponential", lambda a, b, r: D.kl_divergence(D.Beta(a, b), D.Exponential(r)), [pos23 + 0.2, positive(3) + 0.2, positive(3)], [T, T, T]),
    ("klExponentialGamma", lambda r, a, b: D.kl_divergence(D.Exponential(r), D.Gamma(a, b)), [pos23, positive(3) + 0.2, positive(3)], [T, T, T]),
    ("klGammaExponential", lambda a, b, r: D.kl_divergence(D.Gamma(a, b), D.Exponential(r)), [pos23 + 0.2, positive(3), positive(3)], [T, T, T]),
    ("klGammaGumbel", lambda a, b, lo, sc: D.kl_divergence(D.Gamma(a, b), D.Gumbel(lo, sc)), [pos23 + 0.2, positive(3), randn(3), positive(2, 1) + 0.5], [T, T, T, T]),
    ("klChi2Exponential", lambda df, r: D.kl_divergence(D.Chi2(df), D.Exponential(r)), [f32([0.5, 1.0, 3.0, 7.5]), positive(4)], [T, T]),
    # +∞ where alpha <= 1 (the first column; 0.7 and 0.9, not exactly 1, keep the gradients finite).
    ("klParetoGamma", lambda s, al, a, b: D.kl_divergence(D.Pareto(s, al), D.Gamma(a, b)), [positive(2, 3), f32([0.7, 1.5, 3.0]), positive(3) + 0.2, positive(3)], [T, T, T, T]),
    ("klParetoGammaBelowOne", lambda s, al, a, b: D.kl_divergence(D.Pareto(s, al), D.Gamma(a, b)), [f32([1.0]), f32([0.5, 0.9, 2.0]), f32([1.5]), f32([2.0])], [F, F, F, F]),
    ("klInfinite", lambda a, b, c: [
        D.kl_divergence(D.Beta(a, b), D.Pareto(c, a)),
        D.kl_divergence(D.Exponential(a), D.Beta(b, c)),
        D.kl_divergence(D.Gamma(a, b), D.Pareto(c, a)),
        D.kl_divergence(D.Gumbel(a, b), D.Beta(b, c)),
        D.kl_divergence(D.Gumbel(a, b), D.Gamma(b, c)),
        D.kl_divergence(D.Normal(a, b), D.Uniform(-c, c)),
        D.kl_divergence(D.Pareto(a, b), D.Beta(b, c)),
    ], [positive(2, 3), positive(3), positive(3)], [T, T, T]),
    ("klTransformedTransformed", lambda a, b, c, d: D.kl_divergence(td(D.Normal(a, b), exp_affine(a, b)), td(D.Normal(c, d), exp_affine(c, d))), [n_loc, n_scale, randn(3), positive(3)], [T, T, T, T]),
    # Equal tensor parameters in distinct tensors: PyTorch compares the values.
    ("klTransformedTensorParams", lambda a, b, c, d, lo: D.kl_divergence(td(D.Normal(a, b), AffineTransform(lo, 2.0)), td(D.Normal(c, d), AffineTransform(lo.clone(), 2.0))), [n_loc, n_scale, randn(3), positive(3), randn(3)], [T, T, T, T, F]),
    ("klTransformedIndependent", lambda a, b, c, d: D.kl_divergence(td(D.Normal(a, b), AffineTransform(0.0, 2.0, event_dim=1)), td(D.Normal(c, d), AffineTransform(0.0, 2.0, event_dim=1))), [n_loc, n_scale, randn(3), positive(3)], [T, T, T, T]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
