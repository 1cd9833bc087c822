#!/usr/bin/env python3
"""PyTorch golden values for InverseGamma, FisherSnedecor, VonMises, GeneralizedPareto,
LowRankMultivariateNormal, LogisticNormal, Wishart and LKJCholesky, the transforms
StickBreaking, CorrCholesky, LowerCholesky, PositiveDefinite, Softplus, Reshape, Cat, Stack,
Independent and CumulativeDistribution, biject_to / transform_to of each constraint, and the KL
pairs of LowRankMultivariateNormal (test/distributions-fourth.test.ts, src/distributions/):
log_prob, cdf, icdf, entropy, mean, mode, variance, the transforms' forward, inverse and
log_abs_det_jacobian, each with the gradients of sum(upstream * result) with respect to the
float inputs.

    /opt/torch-venv/bin/python scripts/fixtures_distributions_fourth.py

Writes test/fixtures/distributions-fourth.safetensors (layout: scripts/golden_cases.py). Every
case is a function of its inputs, which build the distributions: the TS test's table of calls
builds the same ones from the same inputs. Matrices enter through an unconstrained input made
into a Cholesky factor or an SPD matrix inside the case, so that the gradients are those of a
free parameter.
"""
import torch
import torch.distributions as D
from torch.distributions import constraints as C
from torch.distributions.transforms import (
    AffineTransform,
    CatTransform,
    CorrCholeskyTransform,
    CumulativeDistributionTransform,
    ExpTransform,
    IndependentTransform,
    LowerCholeskyTransform,
    PositiveDefiniteTransform,
    ReshapeTransform,
    SoftplusTransform,
    StackTransform,
    StickBreakingTransform,
    identity_transform,
)

from golden_cases import f32, fixture_path, positive, randn, unit, write_cases

OUT = fixture_path("distributions-fourth")
torch.manual_seed(0)
# Values outside the support are part of some cases; nutshell does not validate by default either.
D.Distribution.set_default_validate_args(False)
T, F = True, False


def ladj(t, x):
    """log|det J| at (x, t(x))."""
    return t.log_abs_det_jacobian(x, t(x))


def tril_pos(a):
    """A Cholesky factor from an unconstrained square matrix: strictly lower part, exp of the diagonal."""
    return a.tril(-1) + a.diagonal(dim1=-2, dim2=-1).exp().diag_embed()


def spd(b):
    """An SPD matrix from any square one: B·Bᵀ + I/2."""
    return b @ b.mT + 0.5 * torch.eye(b.shape[-1])


# InverseGamma, FisherSnedecor.
ig_c, ig_r = positive(2, 3) + 2.2, positive(3)
fs_d1, fs_d2 = positive(2, 3) * 4 + 2.5, positive(3) * 4 + 4.5
# VonMises: concentrations either side of 3.75, where log I0 switches branch.
vm_loc, vm_conc = randn(2, 3), f32([0.2, 2.0, 8.0])
# GeneralizedPareto: concentration 0 (the exponential limit), > 0 and < 0.
gp_loc, gp_scale, gp_conc = randn(3), positive(2, 3), f32([[0.0, 0.3, -0.25], [0.2, -0.1, 0.0]])
gp_x = gp_loc + gp_scale * unit(4, 2, 3) * 1.5
# LowRankMultivariateNormal: d = 4, rank 2; p's loc batched, W shared, D batched.
lr_loc, lr_W, lr_D = randn(2, 4), randn(4, 2) * 0.7, positive(2, 4)
lr_loc2, lr_W2, lr_D2 = randn(4), randn(3, 1, 4, 2) * 0.5, positive(4)
mvn_b = randn(4, 4) * 0.5
# LogisticNormal: K = 3 logits, the simplex of 4.
ln_loc, ln_scale = randn(2, 3), positive(2, 3)
ln_x = torch.softmax(randn(5, 2, 4), -1)
# Wishart: 3×3, df > 2.
w_df = f32([3.5, 6.0])
w_A, w_B = randn(3, 3) * 0.4, randn(2, 3, 3) * 0.5
w_X = spd(randn(4, 2, 3, 3))
# LKJCholesky: values drawn by PyTorch's own sampler.
lkj_conc = f32([0.5, 1.0, 3.0])
lkj_x = D.LKJCholesky(4, lkj_conc).sample((2,))
# Transforms.
sb_x, sb_y = randn(2, 3), torch.softmax(randn(2, 4), -1)
cc_x = randn(2, 6)
cc_y = CorrCholeskyTransform()(randn(2, 6))
mat_x, mat_y = randn(2, 3, 3), tril_pos(randn(2, 3, 3))
pd_y = spd(randn(2, 3, 3))
cat_t = lambda l, s: CatTransform([ExpTransform(), identity_transform, AffineTransform(l, s)], dim=-1, lengths=[2, 1, 2])  # noqa: E731
cat_vec_t = lambda: CatTransform([IndependentTransform(ExpTransform(), 1), AffineTransform(0.0, 2.0, event_dim=1)], dim=-1, lengths=[2, 3])  # noqa: E731
stack_t = lambda: StackTransform([ExpTransform(), SoftplusTransform(), AffineTransform(1.0, -2.0)], dim=1)  # noqa: E731
cdt = lambda lo, sc: CumulativeDistributionTransform(D.Normal(lo, sc))  # noqa: E731
bij = lambda c: lambda x: [D.biject_to(c)(x), ladj(D.biject_to(c), x)]  # noqa: E731

CASES = [
    ("invGammaLogProb", lambda c, r, x: D.InverseGamma(c, r).log_prob(x), [ig_c, ig_r, positive(4, 2, 3)], [T, T, T]),
    # PyTorch's gammainc has no gradient w.r.t. the concentration: none recorded for it.
    ("invGammaCdf", lambda c, r, x: D.InverseGamma(c, r).cdf(x), [ig_c, ig_r, positive(2, 3)], [F, T, T]),
    ("invGammaEntropy", lambda c, r: D.InverseGamma(c, r).entropy(), [ig_c, ig_r], [T, T]),
    ("invGammaMean", lambda c, r: D.InverseGamma(c, r).mean, [ig_c, ig_r], [T, T]),
    ("invGammaMode", lambda c, r: D.InverseGamma(c, r).mode, [ig_c, ig_r], [T, T]),
    ("invGammaVariance", lambda c, r: D.InverseGamma(c, r).variance, [ig_c, ig_r], [T, T]),
    ("invGammaMomentsInfinite", lambda c, r: [D.InverseGamma(c, r).mean, D.InverseGamma(c, r).variance], [f32([0.5, 1.0, 1.5, 2.0, 2.5]), f32(1.5)], [F, F]),
    ("fisherLogProb", lambda a, b, x: D.FisherSnedecor(a, b).log_prob(x), [fs_d1, fs_d2, positive(4, 2, 3)], [T, T, T]),
    ("fisherMean", lambda a, b: D.FisherSnedecor(a, b).mean, [fs_d1, fs_d2], [T, T]),
    ("fisherMode", lambda a, b: D.FisherSnedecor(a, b).mode, [fs_d1, fs_d2], [T, T]),
    ("fisherVariance", lambda a, b: D.FisherSnedecor(a, b).variance, [fs_d1, fs_d2], [T, T]),
    ("fisherMomentsUndefined", lambda a, b: [D.FisherSnedecor(a, b).mean, D.FisherSnedecor(a, b).mode, D.FisherSnedecor(a, b).variance],
     [f32([1.0, 2.0, 3.0, 5.0]), f32([1.5, 2.0, 3.0, 6.0])], [F, F]),
    ("vonMisesLogProb", lambda lo, k, x: D.VonMises(lo, k).log_prob(x), [vm_loc, vm_conc, randn(4, 2, 3) * 3], [T, T, T]),
    ("vonMisesVariance", lambda lo, k: D.VonMises(lo, k).variance, [f32(0.3), f32([0.05, 0.5, 2.0, 3.7, 3.8, 10.0, 50.0])], [F, T]),
    ("vonMisesMean", lambda lo, k: D.VonMises(lo, k).mean, [vm_loc, vm_conc], [T, T]),
    ("genParetoLogProb", lambda lo, s, c, x: D.GeneralizedPareto(lo, s, c).log_prob(x), [gp_loc, gp_scale, gp_conc, gp_x], [T, T, T, T]),
    ("genParetoCdf", lambda lo, s, c, x: D.GeneralizedPareto(lo, s, c).cdf(x), [gp_loc, gp_scale, gp_conc, gp_x], [T, T, T, T]),
    ("genParetoLogCdf", lambda lo, s, c, x: D.GeneralizedPareto(lo, s, c).log_cdf(x), [gp_loc, gp_scale, gp_conc, gp_x], [T, T, T, T]),
    ("genParetoLogSurvival", lambda lo, s, c, x: D.GeneralizedPareto(lo, s, c).log_survival_function(x), [gp_loc, gp_scale, gp_conc, gp_x], [T, T, T, T]),
    ("genParetoIcdf", lambda lo, s, c, u: D.GeneralizedPareto(lo, s, c).icdf(u), [gp_loc, gp_scale, gp_conc, unit(4, 2, 3)], [T, T, T, T]),
    ("genParetoEntropy", lambda lo, s, c: D.GeneralizedPareto(lo, s, c).entropy(), [gp_loc, gp_scale, gp_conc], [T, T, T]),
    ("genParetoMean", lambda lo, s, c: D.GeneralizedPareto(lo, s, c).mean, [gp_loc, gp_scale, gp_conc], [T, T, T]),
    ("genParetoVariance", lambda lo, s, c: D.GeneralizedPareto(lo, s, c).variance, [gp_loc, gp_scale, gp_conc], [T, T, T]),
    ("genParetoMomentsUndefined", lambda lo, s, c: [D.GeneralizedPareto(lo, s, c).mean, D.GeneralizedPareto(lo, s, c).variance],
     [f32(0.5), f32(2.0), f32([-0.5, 0.4, 0.5, 0.9, 1.0, 1.5])], [F, F, F]),
    ("lowRankLogProb", lambda lo, w, d, x: D.LowRankMultivariateNormal(lo, w, d).log_prob(x), [lr_loc, lr_W, lr_D, randn(3, 2, 4)], [T, T, T, T]),
    ("lowRankLogProbBatchedFactor", lambda lo, w, d, x: D.LowRankMultivariateNormal(lo, w, d).log_prob(x), [lr_loc2, lr_W2, lr_D2, randn(5, 1, 1, 4)], [T, T, T, T]),
    ("lowRankEntropy", lambda lo, w, d: D.LowRankMultivariateNormal(lo, w, d).entropy(), [lr_loc, lr_W, lr_D], [F, T, T]),
    ("lowRankVariance", lambda lo, w, d: D.LowRankMultivariateNormal(lo, w, d).variance, [lr_loc, lr_W, lr_D], [F, T, T]),
    ("lowRankMatrices", lambda lo, w, d: [D.LowRankMultivariateNormal(lo, w, d).covariance_matrix, D.LowRankMultivariateNormal(lo, w, d).precision_matrix,
                                          D.LowRankMultivariateNormal(lo, w, d).scale_tril], [lr_loc, lr_W, lr_D], [F, T, T]),
    ("logisticNormalLogProb", lambda lo, s, x: D.LogisticNormal(lo, s).log_prob(x), [ln_loc, ln_scale, ln_x], [T, T, T]),
    ("logisticNormalLogProbScalar", lambda lo, s, x: D.LogisticNormal(lo, s).log_prob(x), [f32(0.3), f32(1.5), f32([[0.2, 0.8], [0.6, 0.4]])], [T, T, T]),
    ("wishartLogProbTril", lambda df, a, x: D.Wishart(df, scale_tril=tril_pos(a)).log_prob(x), [w_df, w_A, w_X], [T, T, T]),
    ("wishartLogProbCovariance", lambda df, b, x: D.Wishart(df, covariance_matrix=spd(b)).log_prob(x), [w_df, w_B, w_X], [T, T, T]),
    ("wishartLogProbPrecision", lambda df, b, x: D.Wishart(df, precision_matrix=spd(b)).log_prob(x), [w_df, w_B, w_X], [T, T, T]),
    ("wishartEntropy", lambda df, a: D.Wishart(df, scale_tril=tril_pos(a)).entropy(), [w_df, w_A], [T, T]),
    ("wishartMean", lambda df, a: D.Wishart(df, scale_tril=tril_pos(a)).mean, [w_df, w_A], [T, T]),
    ("wishartMode", lambda df, a: D.Wishart(df, scale_tril=tril_pos(a)).mode, [f32([3.5, 5.0]), w_A], [F, T]),
    ("wishartVariance", lambda df, a: D.Wishart(df, scale_tril=tril_pos(a)).variance, [w_df, w_A], [T, T]),
    ("lkjLogProb", lambda c, x: D.LKJCholesky(4, c).log_prob(x), [lkj_conc, lkj_x], [T, T]),
    ("lkjLogProbDim2", lambda c, x: D.LKJCholesky(2, c).log_prob(x), [f32(1.7), D.LKJCholesky(2, 1.7).sample((3,))], [T, T]),
    ("stickBreakingForward", lambda x: StickBreakingTransform()(x), [sb_x], [T]),
    ("stickBreakingInverse", lambda y: StickBreakingTransform().inv(y), [sb_y], [T]),
    ("stickBreakingLadj", lambda x: ladj(StickBreakingTransform(), x), [sb_x], [T]),
    ("corrCholeskyForward", lambda x: CorrCholeskyTransform()(x), [cc_x], [T]),
    ("corrCholeskyInverse", lambda y: CorrCholeskyTransform().inv(y), [cc_y], [T]),
    ("corrCholeskyLadj", lambda x: ladj(CorrCholeskyTransform(), x), [cc_x], [T]),
    ("corrCholeskyForward2", lambda x: CorrCholeskyTransform()(x), [randn(3, 1)], [T]),
    ("lowerCholeskyForward", lambda x: LowerCholeskyTransform()(x), [mat_x], [T]),
    ("lowerCholeskyInverse", lambda y: LowerCholeskyTransform().inv(y), [mat_y], [T]),
    ("positiveDefiniteForward", lambda x: PositiveDefiniteTransform()(x), [mat_x], [T]),
    ("positiveDefiniteInverse", lambda y: PositiveDefiniteTransform().inv(spd(y)), [randn(2, 3, 3)], [T]),
    ("softplusForward", lambda x: SoftplusTransform()(x), [randn(2, 3) * 3], [T]),
    ("softplusInverse", lambda y: SoftplusTransform().inv(y), [positive(2, 3)], [T]),
    ("softplusLadj", lambda x: ladj(SoftplusTransform(), x), [randn(2, 3) * 3], [T]),
    ("reshapeForward", lambda x: [ReshapeTransform((2, 3), (3, 2))(x), ladj(ReshapeTransform((2, 3), (3, 2)), x)], [randn(4, 2, 3)], [T]),
    ("catForward", lambda lo, s, x: cat_t(lo, s)(x), [f32(0.5), f32(-2.0), randn(3, 5)], [T, T, T]),
    ("catInverse", lambda lo, s, y: cat_t(lo, s).inv(y), [f32(0.5), f32(-2.0), positive(3, 5)], [T, T, T]),
    ("catLadj", lambda lo, s, x: ladj(cat_t(lo, s), x), [f32(0.5), f32(-2.0), randn(3, 5)], [T, T, T]),
    ("catLadjVectors", lambda x: [cat_vec_t()(x), ladj(cat_vec_t(), x)], [randn(3, 5)], [T]),
    ("stackForward", lambda x: [stack_t()(x), ladj(stack_t(), x)], [randn(2, 3, 4)], [T]),
    ("stackInverse", lambda y: stack_t().inv(y), [positive(2, 3, 4)], [T]),
    ("independentLadj", lambda x: ladj(IndependentTransform(ExpTransform(), 2), x), [randn(2, 3, 4)], [T]),
    ("cdtForward", lambda lo, s, x: [cdt(lo, s)(x), ladj(cdt(lo, s), x)], [randn(3), positive(3), randn(2, 3)], [T, T, T]),
    ("cdtInverse", lambda lo, s, u: cdt(lo, s).inv(u), [randn(3), positive(3), unit(2, 3)], [T, T, T]),
    ("bijectGreaterThan", bij(C.greater_than(2.0)), [randn(2, 3)], [T]),
    ("bijectPositive", bij(C.positive), [randn(2, 3)], [T]),
    ("bijectLessThan", bij(C.less_than(-1.0)), [randn(2, 3)], [T]),
    ("bijectInterval", bij(C.interval(-1.0, 2.0)), [randn(2, 3)], [T]),
    ("bijectUnitInterval", bij(C.unit_interval), [randn(2, 3)], [T]),
    ("bijectHalfOpen", bij(C.half_open_interval(0.5, 3.0)), [randn(2, 3)], [T]),
    ("bijectSimplex", bij(C.simplex), [randn(2, 3)], [T]),
    ("bijectCorrCholesky", bij(C.corr_cholesky), [randn(2, 3)], [T]),
    ("bijectIndependent", bij(C.independent(C.positive, 1)), [randn(2, 3)], [T]),
    ("bijectCat", bij(C.cat([C.real, C.positive, C.interval(0.0, 5.0)], -1, [1, 2, 1])), [randn(2, 4)], [T]),
    ("bijectStack", bij(C.stack([C.positive, C.real, C.greater_than(1.0)], 0)), [randn(3, 2)], [T]),
    ("transformToSimplex", lambda x: D.transform_to(C.simplex)(x), [randn(2, 4)], [T]),
    ("transformToLowerCholesky", lambda x: D.transform_to(C.lower_cholesky)(x), [mat_x], [T]),
    ("transformToPositiveDefinite", lambda x: D.transform_to(C.positive_definite)(x), [mat_x], [T]),
    ("klLowRankLowRank", lambda a, w, d, b, w2, d2: D.kl_divergence(D.LowRankMultivariateNormal(a, w, d), D.LowRankMultivariateNormal(b, w2, d2)),
     [lr_loc, lr_W, lr_D, lr_loc2, lr_W2, lr_D2], [T, T, T, T, T, T]),
    ("klMvnLowRank", lambda a, m, b, w, d: D.kl_divergence(D.MultivariateNormal(a, covariance_matrix=spd(m)), D.LowRankMultivariateNormal(b, w, d)),
     [lr_loc, mvn_b, lr_loc2, lr_W2, lr_D2], [T, T, T, T, T]),
    ("klLowRankMvn", lambda a, w, d, b, m: D.kl_divergence(D.LowRankMultivariateNormal(a, w, d), D.MultivariateNormal(b, scale_tril=tril_pos(m))),
     [lr_loc, lr_W, lr_D2, lr_loc2, randn(3, 1, 4, 4) * 0.3], [T, T, T, T, T]),
    ("klInverseGamma", lambda a, b, c, d: D.kl_divergence(D.InverseGamma(a, b), D.InverseGamma(c, d)), [ig_c, ig_r, positive(3) + 1, positive(2, 1)], [T, T, T, T]),
    ("klLogisticNormal", lambda a, b, c, d: D.kl_divergence(D.LogisticNormal(a, b), D.LogisticNormal(c, d)), [ln_loc, ln_scale, randn(3), positive(3)], [T, T, T, T]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
