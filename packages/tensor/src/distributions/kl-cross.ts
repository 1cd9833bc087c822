// The KL divergences PyTorch registers (torch/distributions/kl.py's formulas) between classes
// nutshell has that kl.ts, kl-more.ts, kl-third.ts and kl-gamma.ts leave out: Gumbel‖Gumbel and
// the pairs across the gamma family and the Exponential, Gumbel and Pareto classes (now that lgamma
// and digamma exist), Uniform with itself and Normal, and TransformedDistribution with itself.
// Registered after kl-gamma.ts's pairs, in kl.py's order. Chi2 uses Gamma's pairs (a subclass).
// Not here, as in PyTorch: the ExponentialFamily‖ExponentialFamily Bregman form (every such class
// here has its own same-family pair already). LowRankMultivariateNormal's pairs are in kl-lowrank.ts.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, pow, sub, where } from '../ops/table/binary.js';
import { gt, le, lt, logicalOr } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { full } from '../ops/table/creation.js';
import { digamma, lgamma } from '../ops/table/gamma-functions.js';
import { expand } from '../ops/table/shape.js';
import { exp, log, neg } from '../ops/table/unary.js';
import { Beta } from './beta.js';
import type { Distribution } from './distribution.js';
import { Exponential } from './exponential.js';
import { Gamma } from './gamma.js';
import { EULER_GAMMA, Gumbel } from './gumbel.js';
import { klDivergence, registerKl } from './kl.js';
import { Normal } from './normal.js';
import { Pareto } from './pareto.js';
import { TransformedDistribution } from './transformed-distribution.js';
import { transformsEqual } from './transforms/transform.js';
import { Uniform } from './uniform.js';

/** +∞ of p's batch shape: q gives no mass to some of what p draws (PyTorch's _infinite_like). */
const infiniteLike = (t: Tensor): Tensor => full(t.shape, Infinity, { device: t.device });
type DistributionClass<D extends Distribution> = abstract new (...args: never[]) => D;

/** Registers P‖Q as +∞ (of `param`'s shape) for each Q of `qs`. */
function registerInfinite<P extends Distribution>(P: DistributionClass<P>, qs: readonly DistributionClass<Distribution>[], param: (p: P) => Tensor): void {
  for (const Q of qs) registerKl(P, Q, (p: P) => infiniteLike(param(p)));
}

// Same families.

registerKl(Gumbel, Gumbel, (p: Gumbel, q: Gumbel) => {
  const ct1 = div(p.scale, q.scale);
  const ct2 = div(q.loc, q.scale);
  const ct3 = div(p.loc, q.scale);
  const t1 = add(sub(neg(log(ct1)), ct2), ct3);
  const t2 = mul(ct1, EULER_GAMMA);
  const t3 = exp(sub(add(ct2, lgamma(add(ct1, 1))), ct3));
  return sub(add(add(t1, t2), t3), 1 + EULER_GAMMA);
});

// PyTorch's TransformedDistribution‖TransformedDistribution: the same transforms and eventShape, so
// the bases' KL (refused otherwise, as PyTorch's NotImplementedError).
registerKl(TransformedDistribution, TransformedDistribution, (p: TransformedDistribution, q: TransformedDistribution) => {
  if (!transformsEqual(p.transforms, q.transforms)) {
    throw new ValueError(`klDivergence: TransformedDistribution p and q expected equal transforms (PyTorch has no KL otherwise), got [${p.transforms.join(', ')}] and [${q.transforms.join(', ')}]`);
  }
  const [pe, qe] = [p.eventShape, q.eventShape];
  if (pe.length !== qe.length || pe.some((d, i) => d !== qe[i])) {
    throw new ShapeError(`klDivergence: TransformedDistribution p and q expected the same eventShape, got ${fmtShape(pe)} and ${fmtShape(qe)}`);
  }
  for (const [name, d] of [['p', p], ['q', q]] as const) {
    // The bases are not expanded (transformed-distribution.ts): a broadcast of their event dims would be miscounted.
    const { base, reinterpreted, drawBatch } = d.baseAndReinterpreted;
    const batch = base.batchShape;
    const tail = (s: readonly number[]) => s.slice(s.length - reinterpreted);
    if (reinterpreted > 0 && tail(drawBatch).some((n, i) => n !== tail(batch)[i])) {
      throw new ShapeError(`klDivergence: TransformedDistribution ${name}'s transforms broadcast its base's batchShape ${fmtShape(batch)} into event dims (${fmtShape(drawBatch)}); give the base parameters of that shape`);
    }
  }
  const kl = klDivergence(p.baseDist, q.baseDist);
  const shape = broadcastShapes('klDivergence', p.batchShape, q.batchShape);
  return kl.shape.length === shape.length && kl.shape.every((n, i) => n === shape[i]) ? kl : expand(kl, shape);
});

// +∞ where q's interval does not cover p's.
registerKl(Uniform, Uniform, (p: Uniform, q: Uniform) => {
  const result = log(div(sub(q.high, q.low), sub(p.high, p.low)));
  return where(logicalOr(gt(q.low, p.low), lt(q.high, p.high)), Infinity, result);
});

// Different families.

registerInfinite(Beta, [Pareto], (p) => p.concentration1);

registerKl(Beta, Exponential, (p: Beta, q: Exponential) => {
  const mean = div(p.concentration1, add(p.concentration1, p.concentration0));
  return add(sub(neg(p.entropy()), log(q.rate)), mul(q.rate, mean));
});

registerInfinite(Exponential, [Beta], (p) => p.rate);

registerKl(Exponential, Gamma, (p: Exponential, q: Gamma) => {
  const ratio = div(q.rate, p.rate);
  const t1 = neg(mul(q.concentration, log(ratio)));
  return sub(add(add(add(t1, ratio), lgamma(q.concentration)), mul(q.concentration, EULER_GAMMA)), 1 + EULER_GAMMA);
});

registerInfinite(Gamma, [Pareto], (p) => p.concentration);

registerKl(Gamma, Exponential, (p: Gamma, q: Exponential) => add(sub(neg(p.entropy()), log(q.rate)), div(mul(q.rate, p.concentration), p.rate)));

registerKl(Gamma, Gumbel, (p: Gamma, q: Gumbel) => {
  const a = p.concentration;
  const betaScaleProd = mul(p.rate, q.scale);
  const locScaleRatio = div(q.loc, q.scale);
  const t1 = sub(sub(mul(sub(a, 1), digamma(a)), lgamma(a)), a);
  const t2 = add(log(betaScaleProd), div(a, betaScaleProd));
  const t3 = sub(mul(exp(locScaleRatio), pow(add(div(1, betaScaleProd), 1), neg(a))), locScaleRatio);
  return add(add(t1, t2), t3);
});

registerInfinite(Gumbel, [Beta, Gamma], (p) => p.loc);
registerInfinite(Normal, [Uniform], (p) => p.loc);
registerInfinite(Pareto, [Beta], (p) => p.scale);

// +∞ where alpha <= 1: p's mean, which the KL weighs by q.rate, is infinite there.
registerKl(Pareto, Gamma, (p: Pareto, q: Gamma) => {
  const common = add(log(p.scale), div(1, p.alpha));
  const t1 = sub(log(p.alpha), common);
  const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
  const t3 = mul(sub(1, q.concentration), common);
  const t4 = div(mul(mul(q.rate, p.alpha), p.scale), sub(p.alpha, 1));
  return where(le(p.alpha, 1), Infinity, sub(add(add(add(t1, t2), t3), t4), 1));
});

registerKl(Uniform, Normal, (p: Uniform, q: Normal) => {
  const width = sub(p.high, p.low);
  const t1 = log(div(mul(q.scale, Math.sqrt(2 * Math.PI)), width));
  const t2 = div(square(width), 12);
  const t3 = square(div(sub(add(p.high, p.low), mul(q.loc, 2)), 2));
  return add(t1, div(mul(add(t2, t3), 0.5), square(q.scale)));
});
