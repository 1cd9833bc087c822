// The KL divergences PyTorch registers between Laplace, LogNormal, OneHotCategorical,
// ContinuousBernoulli and the distributions before them, and MultivariateNormal‖MultivariateNormal
// (torch/distributions/kl.py's formulas). Registered after kl.ts's pairs, in the order its refusal
// lists them.
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { eq, gt, lt, logicalOr } from '../ops/table/compare.js';
import { sum } from '../ops/table/reduce.js';
import { square } from '../ops/table/composed-ops.js';
import { full } from '../ops/table/creation.js';
import { solveTriangular } from '../ops/table/linalg-decomp.js';
import { erf, log1p } from '../ops/table/math.js';
import { broadcastShapes } from '../shape.js';
import { abs, exp, log, neg } from '../ops/table/unary.js';
import { ContinuousBernoulli } from './continuous-bernoulli.js';
import { klDivergence, registerKl } from './kl.js';
import { Laplace } from './laplace.js';
import { LogNormal } from './log-normal.js';
import { MultivariateNormal, batchMahalanobis, halfLogDet } from './multivariate-normal.js';
import { Normal } from './normal.js';
import { OneHotCategorical } from './one-hot-categorical.js';
import { Uniform } from './uniform.js';

/** +∞ of p's batch shape: q gives no mass to some of what p draws (PyTorch's _infinite_like). */
const infiniteLike = (t: Tensor): Tensor => full(t.shape, Infinity, { device: t.device });

registerKl(Laplace, Laplace, (p: Laplace, q: Laplace) => {
  const scaleRatio = div(p.scale, q.scale);
  const locAbsDiff = abs(sub(p.loc, q.loc));
  const t1 = neg(log(scaleRatio));
  const t2 = div(locAbsDiff, q.scale);
  const t3 = mul(scaleRatio, exp(div(neg(locAbsDiff), p.scale)));
  return sub(add(add(t1, t2), t3), 1);
});

registerKl(Laplace, Normal, (p: Laplace, q: Normal) => {
  const varNormal = square(q.scale);
  const scaleSqrVarRatio = div(square(p.scale), varNormal);
  const t1 = mul(log(mul(scaleSqrVarRatio, 2 / Math.PI)), 0.5);
  const t2 = mul(square(p.loc), 0.5);
  const t3 = mul(p.loc, q.loc);
  const t4 = mul(square(q.loc), 0.5);
  return sub(add(sub(scaleSqrVarRatio, t1), div(add(sub(t2, t3), t4), varNormal)), 1);
});

registerKl(Normal, Laplace, (p: Normal, q: Laplace) => {
  const locDiff = sub(p.loc, q.loc);
  const scaleRatio = div(p.scale, q.scale);
  const locDiffScaleRatio = div(locDiff, p.scale);
  const t1 = log(scaleRatio);
  const t2 = mul(p.scale, mul(exp(mul(square(locDiffScaleRatio), -0.5)), Math.sqrt(2 / Math.PI)));
  const t3 = mul(locDiff, erf(mul(locDiffScaleRatio, Math.SQRT1_2)));
  return sub(add(neg(t1), div(add(t2, t3), q.scale)), 0.5 * (1 + Math.log(0.5 * Math.PI)));
});

registerKl(Laplace, Uniform, (p: Laplace) => infiniteLike(p.loc));
registerKl(Laplace, ContinuousBernoulli, (p: Laplace) => infiniteLike(p.loc));
registerKl(Normal, ContinuousBernoulli, (p: Normal) => infiniteLike(p.loc));

// PyTorch's TransformedDistribution‖TransformedDistribution: the same transform, so the bases' KL.
registerKl(LogNormal, LogNormal, (p: LogNormal, q: LogNormal) => klDivergence(p.baseDist, q.baseDist));

// Categorical‖Categorical's formula on the same probs and logits (PyTorch's goes through _categorical).
registerKl(OneHotCategorical, OneHotCategorical, (p: OneHotCategorical, q: OneHotCategorical) => {
  if (p.numCategories !== q.numCategories) throw new ShapeError(`klDivergence: p has ${p.numCategories} categories but q has ${q.numCategories}`);
  const terms = mul(p.probs, sub(p.logits, q.logits));
  return sum(where(eq(p.probs, 0), 0, where(eq(q.probs, 0), Infinity, terms)), -1);
});

registerKl(ContinuousBernoulli, ContinuousBernoulli, (p: ContinuousBernoulli, q: ContinuousBernoulli) => {
  const t1 = mul(p.mean, sub(p.logits, q.logits));
  const t2 = add(p.logNormalizer(), log1p(neg(p.probs)));
  const t3 = sub(neg(q.logNormalizer()), log1p(neg(q.probs)));
  return add(add(t1, t2), t3);
});

registerKl(ContinuousBernoulli, Normal, (p: ContinuousBernoulli, q: Normal) => {
  const t1 = neg(p.entropy());
  const t2 = add(mul(add(square(div(q.loc, q.scale)), Math.log(2 * Math.PI)), 0.5), log(q.scale));
  const t3 = div(sub(add(p.variance, square(p.mean)), mul(mul(q.loc, p.mean), 2)), mul(square(q.scale), 2));
  return add(add(t1, t2), t3);
});

// Note [KL at the unit interval's ends]: PyTorch gives +∞ for KL(ContinuousBernoulli ‖ Uniform)
// wherever q.low >= 0 or q.high <= 1, so KL(p ‖ Uniform(0, 1)) is +∞ though Uniform(0, 1) covers
// the support [0, 1]; likewise KL(Uniform(0, 1) ‖ q) where p.low <= 0 or p.high >= 1. Here +∞ is
// where the support is not covered (q.low > 0 or q.high < 1; p.low < 0 or p.high > 1): PyTorch's
// values everywhere but at those ends, where these are the finite closed forms.
registerKl(ContinuousBernoulli, Uniform, (p: ContinuousBernoulli, q: Uniform) => {
  const result = add(neg(p.entropy()), log(sub(q.high, q.low)));
  return where(logicalOr(gt(q.low, 0), lt(q.high, 1)), Infinity, result);
});

registerKl(Uniform, ContinuousBernoulli, (p: Uniform, q: ContinuousBernoulli) => {
  const result = sub(sub(sub(neg(p.entropy()), mul(p.mean, q.logits)), log1p(neg(q.probs))), q.logNormalizer());
  return where(logicalOr(gt(p.high, 1), lt(p.low, 0)), Infinity, result);
});

// PyTorch's _kl_multivariatenormal_multivariatenormal: log det L_q − log det L_p
// + (tr(Σ_q⁻¹·Σ_p) + (μ_q − μ_p)ᵀ·Σ_q⁻¹·(μ_q − μ_p) − d)/2, the trace as |L_q⁻¹·L_p|² (Frobenius),
// the factors broadcast only to each other's batch dims (Note [multivariate normal's matrices]).
registerKl(MultivariateNormal, MultivariateNormal, (p: MultivariateNormal, q: MultivariateNormal) => {
  const [pd, qd] = [p.eventShape, q.eventShape];
  if (pd[0] !== qd[0]) throw new ShapeError(`klDivergence: MultivariateNormal p and q expected the same eventShape, got ${fmtShape(pd)} and ${fmtShape(qd)}`);
  try {
    broadcastShapes('klDivergence', p.batchShape, q.batchShape);
  } catch {
    throw new ShapeError(`klDivergence: MultivariateNormal p and q expected batch shapes that broadcast together, got ${fmtShape(p.batchShape)} and ${fmtShape(q.batchShape)}`);
  }
  const n = pd[0];
  const pL = p.unbroadcastedScaleTril;
  const qL = q.unbroadcastedScaleTril;
  const halfTerm1 = sub(halfLogDet(qL), halfLogDet(pL));
  // solveTriangular broadcasts the two factors' batch dims against each other.
  const term2 = sum(square(solveTriangular(qL, pL, { upper: false })), [-2, -1]);
  const term3 = batchMahalanobis(qL, sub(q.loc, p.loc));
  return add(halfTerm1, mul(sub(add(term2, term3), n), 0.5));
});
