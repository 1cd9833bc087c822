// The KL divergences PyTorch registers between Exponential, Cauchy, HalfNormal, HalfCauchy,
// Gumbel, Geometric, Pareto and the distributions before them (torch/distributions/kl.py's
// formulas). Registered after kl-more.ts's pairs; Gumbel‖Gumbel and the pairs with the gamma
// family are in kl-cross.ts.
// PyTorch's RelaxedBernoulli and RelaxedOneHotCategorical pairs go through their bases
// (LogitRelaxedBernoulli, ExpRelaxedCategorical), for which it registers none.
import type { Tensor } from '../tensor.js';
import { add, div, mul, pow, sub, where } from '../ops/table/binary.js';
import { le, lt } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { full } from '../ops/table/creation.js';
import { log1p } from '../ops/table/math.js';
import { exp, log, neg } from '../ops/table/unary.js';
import { Cauchy } from './cauchy.js';
import { ContinuousBernoulli } from './continuous-bernoulli.js';
import type { Distribution } from './distribution.js';
import { Exponential } from './exponential.js';
import { Geometric } from './geometric.js';
import { EULER_GAMMA, Gumbel } from './gumbel.js';
import { HalfCauchy } from './half-cauchy.js';
import { HalfNormal } from './half-normal.js';
import { klDivergence, registerKl } from './kl.js';
import { Laplace } from './laplace.js';
import { Normal } from './normal.js';
import { Pareto } from './pareto.js';
import { Uniform } from './uniform.js';

/** +∞ of p's batch shape: q gives no mass to some of what p draws (PyTorch's _infinite_like). */
const infiniteLike = (t: Tensor): Tensor => full(t.shape, Infinity, { device: t.device });
type DistributionClass<D extends Distribution> = abstract new (...args: never[]) => D;

/** Registers P‖Q as +∞ (of `param`'s shape) for each Q of `qs`. */
function registerInfinite<P extends Distribution>(P: DistributionClass<P>, qs: readonly DistributionClass<Distribution>[], param: (p: P) => Tensor): void {
  for (const Q of qs) registerKl(P, Q, (p: P) => infiniteLike(param(p)));
}
/** x·log x, NaN at 0 as PyTorch's _x_log_x (Uniform‖Pareto is finite only where p.low >= q.scale > 0). */
const xLogX = (x: Tensor): Tensor => mul(x, log(x));

// Same family.

registerKl(Exponential, Exponential, (p: Exponential, q: Exponential) => {
  const rateRatio = div(q.rate, p.rate);
  return sub(add(neg(log(rateRatio)), rateRatio), 1);
});

registerKl(Geometric, Geometric, (p: Geometric, q: Geometric) => sub(sub(neg(p.entropy()), div(log1p(neg(q.probs)), p.probs)), q.logits));

// PyTorch's: the folded normals' KL is that of the normals folded.
registerKl(HalfNormal, HalfNormal, (p: HalfNormal, q: HalfNormal) => klDivergence(p.baseDist, q.baseDist));

// PyTorch's TransformedDistribution‖TransformedDistribution: the same AbsTransform, so the bases' KL.
registerKl(HalfCauchy, HalfCauchy, (p: HalfCauchy, q: HalfCauchy) => klDivergence(p.baseDist, q.baseDist));

// +∞ where p's support starts below q's (p.scale < q.scale).
registerKl(Pareto, Pareto, (p: Pareto, q: Pareto) => {
  const scaleRatio = div(p.scale, q.scale);
  const alphaRatio = div(q.alpha, p.alpha);
  const result = sub(add(add(mul(q.alpha, log(scaleRatio)), neg(log(alphaRatio))), alphaRatio), 1);
  return where(lt(p.scale, q.scale), Infinity, result);
});

// Chyzak & Nielsen (2019): log(((s_p + s_q)² + (l_p − l_q)²) / (4·s_p·s_q)).
registerKl(Cauchy, Cauchy, (p: Cauchy, q: Cauchy) => {
  const t1 = log(add(square(add(p.scale, q.scale)), square(sub(p.loc, q.loc))));
  const t2 = log(mul(mul(p.scale, q.scale), 4));
  return sub(t1, t2);
});

// Across families: +∞ where q gives no mass to some of what p draws.

registerInfinite(Exponential, [ContinuousBernoulli, Pareto, Uniform], (p) => p.rate);

registerKl(Exponential, Gumbel, (p: Exponential, q: Gumbel) => {
  const scaleRateProd = mul(p.rate, q.scale);
  const locScaleRatio = div(q.loc, q.scale);
  const t1 = sub(log(scaleRateProd), 1);
  const t2 = div(mul(exp(locScaleRatio), scaleRateProd), add(scaleRateProd, 1));
  const t3 = div(1, scaleRateProd);
  return add(add(sub(t1, locScaleRatio), t2), t3);
});

registerKl(Exponential, Normal, (p: Exponential, q: Normal) => {
  const varNormal = square(q.scale);
  const rateSqr = square(p.rate);
  const t1 = mul(log(mul(mul(rateSqr, varNormal), 2 * Math.PI)), 0.5);
  const t2 = div(1, rateSqr);
  const t3 = div(q.loc, p.rate);
  const t4 = mul(square(q.loc), 0.5);
  return add(sub(t1, 1), div(add(sub(t2, t3), t4), varNormal));
});

registerInfinite(Gumbel, [ContinuousBernoulli, Exponential, Pareto, Uniform], (p) => p.loc);

registerKl(Gumbel, Normal, (p: Gumbel, q: Normal) => {
  const paramRatio = div(p.scale, q.scale);
  const t1 = log(div(paramRatio, Math.sqrt(2 * Math.PI)));
  const t2 = div(square(mul(paramRatio, Math.PI * 0.5)), 3);
  const t3 = mul(square(div(sub(add(p.loc, mul(p.scale, EULER_GAMMA)), q.loc), q.scale)), 0.5);
  return sub(add(add(neg(t1), t2), t3), EULER_GAMMA + 1);
});

registerInfinite(Laplace, [Exponential, Pareto], (p) => p.loc);
registerInfinite(Normal, [Exponential, Pareto], (p) => p.loc);

registerKl(Normal, Gumbel, (p: Normal, q: Gumbel) => {
  const meanScaleRatio = div(p.loc, q.scale);
  const varScaleSqrRatio = square(div(p.scale, q.scale));
  const locScaleRatio = div(q.loc, q.scale);
  const t1 = mul(log(varScaleSqrRatio), 0.5);
  const t2 = sub(meanScaleRatio, locScaleRatio);
  const t3 = exp(add(add(neg(meanScaleRatio), mul(varScaleSqrRatio, 0.5)), locScaleRatio));
  return sub(add(add(neg(t1), t2), t3), 0.5 * (1 + Math.log(2 * Math.PI)));
});

registerInfinite(Pareto, [ContinuousBernoulli, Uniform], (p) => p.scale);

// +∞ where alpha <= 1: p's mean, which the KL weighs by q.rate, is infinite there.
registerKl(Pareto, Exponential, (p: Pareto, q: Exponential) => {
  const scaleRateProd = mul(p.scale, q.rate);
  const t1 = log(div(p.alpha, scaleRateProd));
  const t2 = div(1, p.alpha);
  const t3 = div(mul(p.alpha, scaleRateProd), sub(p.alpha, 1));
  return where(le(p.alpha, 1), Infinity, sub(add(sub(t1, t2), t3), 1));
});

// +∞ where alpha <= 2: p's variance, which the KL weighs, is infinite there.
registerKl(Pareto, Normal, (p: Pareto, q: Normal) => {
  const varNormal = mul(square(q.scale), 2);
  const commonTerm = div(p.scale, sub(p.alpha, 1));
  const t1 = log(div(mul(mul(q.scale, Math.sqrt(2 * Math.PI)), p.alpha), p.scale));
  const t2 = div(1, p.alpha);
  const t3 = div(mul(p.alpha, square(commonTerm)), sub(p.alpha, 2));
  const t4 = square(sub(mul(p.alpha, commonTerm), q.loc));
  return where(le(p.alpha, 2), Infinity, sub(add(sub(t1, t2), div(add(t3, t4), varNormal)), 1));
});

// +∞ where p.low < 0, below Exponential's support.
registerKl(Uniform, Exponential, (p: Uniform, q: Exponential) => {
  const result = sub(div(mul(q.rate, add(p.high, p.low)), 2), log(mul(sub(p.high, p.low), q.rate)));
  return where(lt(p.low, 0), Infinity, result);
});

registerKl(Uniform, Gumbel, (p: Uniform, q: Gumbel) => {
  const commonTerm = div(q.scale, sub(p.high, p.low));
  const highLocDiff = div(sub(p.high, q.loc), q.scale);
  const lowLocDiff = div(sub(p.low, q.loc), q.scale);
  const t1 = add(log(commonTerm), mul(add(highLocDiff, lowLocDiff), 0.5));
  const t2 = mul(commonTerm, sub(exp(neg(highLocDiff)), exp(neg(lowLocDiff))));
  return sub(t1, t2);
});

// +∞ where p.low < q.scale, below Pareto's support.
registerKl(Uniform, Pareto, (p: Uniform, q: Pareto) => {
  const supportUniform = sub(p.high, p.low);
  const t1 = log(mul(mul(q.alpha, pow(q.scale, q.alpha)), supportUniform));
  const t2 = div(sub(sub(xLogX(p.high), xLogX(p.low)), supportUniform), supportUniform);
  return where(lt(p.low, q.scale), Infinity, sub(mul(t2, add(q.alpha, 1)), t1));
});

registerKl(ContinuousBernoulli, Exponential, (p: ContinuousBernoulli, q: Exponential) => add(sub(neg(p.entropy()), log(q.rate)), mul(q.rate, p.mean)));
registerInfinite(ContinuousBernoulli, [Pareto], (p) => p.probs);
