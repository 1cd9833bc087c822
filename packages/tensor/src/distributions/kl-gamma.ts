// The KL divergences PyTorch registers between Gamma (so Chi2), Beta, Dirichlet, Poisson, Binomial
// and the distributions before them (torch/distributions/kl.py's formulas). Registered after
// kl-more.ts's pairs. Not here: the pairs with Exponential, Gumbel and Pareto (kl-cross.ts) and
// the ones PyTorch reaches through ExponentialFamily's Bregman form or
// TransformedDistribution (Weibull‖Weibull, Kumaraswamy‖Kumaraswamy: PyTorch gives 0 for identical
// transforms and refuses the rest). StudentT and NegativeBinomial have none in PyTorch either.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { gt, lt, logicalOr } from '../ops/table/compare.js';
import { xlogy } from '../ops/table/composed-log-math.js';
import { square } from '../ops/table/composed-ops.js';
import { full } from '../ops/table/creation.js';
import { digamma, lgamma } from '../ops/table/gamma-functions.js';
import { log1p } from '../ops/table/math.js';
import { sum } from '../ops/table/reduce.js';
import { unsqueeze } from '../ops/table/shape.js';
import { log, neg } from '../ops/table/unary.js';
import { scope } from '../memory.js';
import { Bernoulli } from './bernoulli.js';
import { Beta } from './beta.js';
import { Binomial } from './binomial.js';
import { ContinuousBernoulli } from './continuous-bernoulli.js';
import type { Distribution } from './distribution.js';
import { Dirichlet } from './dirichlet.js';
import { Gamma } from './gamma.js';
import { registerKl } from './kl.js';
import { Laplace } from './laplace.js';
import { Normal } from './normal.js';
import { Poisson } from './poisson.js';
import { Uniform } from './uniform.js';

/** +∞ of p's batch shape: q gives no mass to some of what p draws (PyTorch's _infinite_like). */
const infiniteLike = (t: Tensor): Tensor => full(t.shape, Infinity, { device: t.device });
/** x·log x, 0 at x = 0 (PyTorch's _x_log_x). */
const xLogX = (x: Tensor): Tensor => xlogy(x, x);
type DistributionClass<D extends Distribution> = abstract new (...args: never[]) => D;

// Same families.

registerKl(Gamma, Gamma, (p: Gamma, q: Gamma) => {
  const t1 = mul(q.concentration, log(div(p.rate, q.rate)));
  const t2 = sub(lgamma(q.concentration), lgamma(p.concentration));
  const t3 = mul(sub(p.concentration, q.concentration), digamma(p.concentration));
  const t4 = mul(sub(q.rate, p.rate), div(p.concentration, p.rate));
  return add(add(add(t1, t2), t3), t4);
});

registerKl(Beta, Beta, (p: Beta, q: Beta) => {
  const sumP = add(p.concentration1, p.concentration0);
  const sumQ = add(q.concentration1, q.concentration0);
  const t1 = add(add(lgamma(q.concentration1), lgamma(q.concentration0)), lgamma(sumP));
  const t2 = add(add(lgamma(p.concentration1), lgamma(p.concentration0)), lgamma(sumQ));
  const t3 = mul(sub(p.concentration1, q.concentration1), digamma(p.concentration1));
  const t4 = mul(sub(p.concentration0, q.concentration0), digamma(p.concentration0));
  const t5 = mul(sub(sumQ, sumP), digamma(sumP));
  return add(add(add(sub(t1, t2), t3), t4), t5);
});

registerKl(Dirichlet, Dirichlet, (p: Dirichlet, q: Dirichlet) => {
  const [pk, qk] = [p.eventShape, q.eventShape];
  if (pk[0] !== qk[0]) throw new ShapeError(`klDivergence: Dirichlet p and q expected the same eventShape, got ${fmtShape(pk)} and ${fmtShape(qk)}`);
  const sumP = sum(p.concentration, -1);
  const sumQ = sum(q.concentration, -1);
  const t1 = sub(lgamma(sumP), lgamma(sumQ));
  const t2 = sum(sub(lgamma(p.concentration), lgamma(q.concentration)), -1);
  const t3 = sub(p.concentration, q.concentration);
  const t4 = sub(digamma(p.concentration), unsqueeze(digamma(sumP), -1));
  return add(sub(t1, t2), sum(mul(t3, t4), -1));
});

// PyTorch's p.rate·(log p.rate − log q.rate) − (p.rate − q.rate) is NaN at p.rate = 0 (0·−∞);
// with x·log x written as xlogy it is q.rate there, the KL of the point mass at 0.
registerKl(Poisson, Poisson, (p: Poisson, q: Poisson) => sub(sub(xlogy(p.rate, p.rate), xlogy(p.rate, q.rate)), sub(p.rate, q.rate)));

// PyTorch refuses where p.totalCount < q.totalCount (no closed form: p's support lies inside q's)
// after reading the counts, as this does (one read); +∞ where p.totalCount > q.totalCount.
registerKl(Binomial, Binomial, (p: Binomial, q: Binomial) => {
  const [below, total] = noGrad(() =>
    scope(() => {
      const smaller = lt(p.totalCount, q.totalCount);
      return [sum(cast(smaller, 'int64')).itemSync(), smaller.numel];
    }),
  );
  if (below > 0) {
    throw new ValueError(`klDivergence: Binomial p.totalCount expected >= q.totalCount (PyTorch has no closed form where p's is smaller), got ${below} of ${total} values below`);
  }
  const kl = mul(p.totalCount, sub(add(mul(p.probs, sub(p.logits, q.logits)), log1p(neg(p.probs))), log1p(neg(q.probs))));
  return where(gt(p.totalCount, q.totalCount), Infinity, kl);
});

// Different families.

registerKl(Bernoulli, Poisson, (p: Bernoulli, q: Poisson) => sub(neg(p.entropy()), sub(mul(p.probs, log(q.rate)), q.rate)));

registerKl(Beta, ContinuousBernoulli, (p: Beta, q: ContinuousBernoulli) =>
  sub(sub(sub(neg(p.entropy()), mul(p.mean, q.logits)), log1p(neg(q.probs))), q.logNormalizer()),
);

registerKl(Beta, Gamma, (p: Beta, q: Gamma) => {
  const sumP = add(p.concentration1, p.concentration0);
  const t1 = neg(p.entropy());
  const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
  const t3 = mul(sub(q.concentration, 1), sub(digamma(p.concentration1), digamma(sumP)));
  const t4 = div(mul(q.rate, p.concentration1), sumP);
  return add(sub(add(t1, t2), t3), t4);
});

registerKl(Beta, Normal, (p: Beta, q: Normal) => {
  const sumP = add(p.concentration1, p.concentration0);
  const mean = div(p.concentration1, sumP);
  const varNormal = square(q.scale);
  const t1 = neg(p.entropy());
  const t2 = mul(log(mul(varNormal, 2 * Math.PI)), 0.5);
  const t3 = mul(add(div(mul(mean, sub(1, mean)), add(sumP, 1)), square(mean)), 0.5);
  const t4 = mul(q.loc, mean);
  const t5 = mul(square(q.loc), 0.5);
  return add(add(t1, t2), div(add(sub(t3, t4), t5), varNormal));
});

registerKl(Beta, Uniform, (p: Beta, q: Uniform) => {
  const result = add(neg(p.entropy()), log(sub(q.high, q.low)));
  return where(logicalOr(gt(q.low, 0), lt(q.high, 1)), Infinity, result);
});

registerKl(Gamma, Normal, (p: Gamma, q: Normal) => {
  const a = p.concentration;
  const varNormal = square(q.scale);
  const rateSquared = square(p.rate);
  const t1 = sub(sub(mul(log(mul(mul(rateSquared, varNormal), 2 * Math.PI)), 0.5), a), lgamma(a));
  const t2 = div(mul(add(square(a), a), 0.5), rateSquared);
  const t3 = div(mul(q.loc, a), p.rate);
  const t4 = mul(square(q.loc), 0.5);
  return add(add(t1, mul(sub(a, 1), digamma(a))), div(add(sub(t2, t3), t4), varNormal));
});

registerKl(Uniform, Beta, (p: Uniform, q: Beta) => {
  const width = sub(p.high, p.low);
  const t1 = log(width);
  const t2 = div(mul(sub(q.concentration1, 1), sub(sub(xLogX(p.high), xLogX(p.low)), width)), width);
  const t3 = div(mul(sub(q.concentration0, 1), add(sub(xLogX(sub(1, p.high)), xLogX(sub(1, p.low))), width)), width);
  const t4 = sub(add(lgamma(q.concentration1), lgamma(q.concentration0)), lgamma(add(q.concentration1, q.concentration0)));
  const result = sub(sub(add(t3, t4), t1), t2);
  return where(logicalOr(gt(p.high, 1), lt(p.low, 0)), Infinity, result);
});

registerKl(Uniform, Gamma, (p: Uniform, q: Gamma) => {
  const width = sub(p.high, p.low);
  const t1 = log(width);
  const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
  const t3 = div(mul(sub(1, q.concentration), sub(sub(xLogX(p.high), xLogX(p.low)), width)), width);
  const t4 = div(mul(q.rate, add(p.high, p.low)), 2);
  return where(lt(p.low, 0), Infinity, add(add(add(neg(t1), t2), t3), t4));
});

// q gives no mass to some of what p draws: +∞ of p's batch shape.
const infinite: [DistributionClass<Distribution>, DistributionClass<Distribution>, (p: never) => Tensor][] = [
  [Gamma, Beta, (p: Gamma) => infiniteLike(p.concentration)],
  [Gamma, ContinuousBernoulli, (p: Gamma) => infiniteLike(p.concentration)],
  [Gamma, Uniform, (p: Gamma) => infiniteLike(p.concentration)],
  [Laplace, Beta, (p: Laplace) => infiniteLike(p.loc)],
  [Laplace, Gamma, (p: Laplace) => infiniteLike(p.loc)],
  [Normal, Beta, (p: Normal) => infiniteLike(p.loc)],
  [Normal, Gamma, (p: Normal) => infiniteLike(p.loc)],
  [Poisson, Bernoulli, (p: Poisson) => infiniteLike(p.rate)],
  [Poisson, Binomial, (p: Poisson) => infiniteLike(p.rate)],
];
for (const [P, Q, fn] of infinite) registerKl(P, Q, fn as (p: Distribution) => Tensor);
