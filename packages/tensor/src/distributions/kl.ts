// KL(p ‖ q) = E_p[log p(x) − log q(x)] in closed form (torch.distributions.kl_divergence), looked
// up by the classes of p and q as PyTorch's register_kl table: the most specific registered pair
// along both prototype chains wins (a subclass of Normal uses Normal‖Normal unless it registers
// its own). Infinite where q gives no mass to something p can draw.
import { ShapeError, ValueError } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { eq } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { softplus } from '../ops/table/activation.js';
import { sum } from '../ops/table/reduce.js';
import { log, neg } from '../ops/table/unary.js';
import { Bernoulli } from './bernoulli.js';
import { Categorical } from './categorical.js';
import { Distribution } from './distribution.js';
import { Independent, sumRightmost } from './independent.js';
import { Normal } from './normal.js';

type DistributionClass<D extends Distribution> = abstract new (...args: never[]) => D;
type KlFunction<P extends Distribution, Q extends Distribution> = (p: P, q: Q) => Tensor;

const registry = new Map<DistributionClass<Distribution>, Map<DistributionClass<Distribution>, KlFunction<Distribution, Distribution>>>();
/** The registered pairs' names in the order first registered (for the refusal's list). */
const registeredNames: string[] = [];

/** Registers KL(p ‖ q) for p of class P and q of class Q (PyTorch's @register_kl(P, Q)); a later registration of the same pair replaces it. */
export function registerKl<P extends Distribution, Q extends Distribution>(P: DistributionClass<P>, Q: DistributionClass<Q>, fn: KlFunction<P, Q>): void {
  for (const [name, cls] of [['P', P], ['Q', Q]] as const) {
    if (typeof cls !== 'function' || !(cls.prototype instanceof Distribution)) {
      throw new ValueError(`registerKl: ${name} expected a Distribution class, got ${typeof cls === 'function' ? cls.name || 'a function' : typeof cls}`);
    }
  }
  if (typeof fn !== 'function') throw new ValueError(`registerKl: fn expected a function (p, q) => Tensor, got ${typeof fn}`);
  if (!registry.has(P)) registry.set(P, new Map());
  if (!registry.get(P)!.has(Q)) registeredNames.push(`${P.name}‖${Q.name}`);
  registry.get(P)!.set(Q, fn as KlFunction<Distribution, Distribution>);
}

/** The classes of `d`'s prototype chain, most specific first, down to Distribution. */
function classChain(d: Distribution): DistributionClass<Distribution>[] {
  const chain: DistributionClass<Distribution>[] = [];
  for (let proto = Object.getPrototypeOf(d); proto && proto !== Distribution.prototype; proto = Object.getPrototypeOf(proto)) chain.push(proto.constructor);
  return chain;
}

/** The registered function for the pair whose classes are nearest to p's and q's (fewest steps up both chains). */
function lookup(p: Distribution, q: Distribution): KlFunction<Distribution, Distribution> | undefined {
  const ps = classChain(p);
  const qs = classChain(q);
  let best: { fn: KlFunction<Distribution, Distribution>; distance: number } | undefined;
  ps.forEach((P, i) =>
    qs.forEach((Q, j) => {
      const fn = registry.get(P)?.get(Q);
      if (fn && (!best || i + j < best.distance)) best = { fn, distance: i + j };
    }),
  );
  return best?.fn;
}

/** KL(p ‖ q), of the broadcast batch shape of p and q. */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  for (const [name, d] of [['p', p], ['q', q]] as const) {
    if (!(d instanceof Distribution)) throw new ValueError(`klDivergence: ${name} expected a Distribution, got ${d === null ? 'null' : (d as object)?.constructor?.name ?? typeof d}`);
  }
  const fn = lookup(p, q);
  if (!fn) {
    // Only the pairs that involve p's or q's class: the whole list runs to dozens.
    const classes = [p.constructor.name, q.constructor.name];
    const related = registeredNames.filter((pair) => pair.split('‖').some((c) => classes.includes(c)));
    const known = related.length > 0 ? `registered with ${[...new Set(classes)].join(' or ')}: ${related.join(', ')}` : `none registered with ${[...new Set(classes)].join(' or ')}`;
    throw new ValueError(`klDivergence: no KL divergence is registered for ${p.constructor.name}‖${q.constructor.name} (${known}; add one with registerKl)`);
  }
  return scope(() => fn(p, q));
}

registerKl(Normal, Normal, (p: Normal, q: Normal) => {
  const varianceRatio = square(div(p.scale, q.scale));
  const meanTerm = square(div(sub(p.loc, q.loc), q.scale));
  return mul(sub(sub(add(varianceRatio, meanTerm), 1), log(varianceRatio)), 0.5);
});

// PyTorch's form through softplus of the logits (stable for probabilities near 0 and 1); a term
// with p's weight 0 counts 0, one where q gives 0 to what p can draw counts +∞.
registerKl(Bernoulli, Bernoulli, (p: Bernoulli, q: Bernoulli) => {
  const ones = mul(p.probs, sub(softplus(neg(q.logits)), softplus(neg(p.logits))));
  const onesTerm = where(eq(p.probs, 0), 0, where(eq(q.probs, 0), Infinity, ones));
  const zeros = mul(sub(1, p.probs), sub(softplus(q.logits), softplus(p.logits)));
  const zerosTerm = where(eq(p.probs, 1), 0, where(eq(q.probs, 1), Infinity, zeros));
  return add(onesTerm, zerosTerm);
});

registerKl(Categorical, Categorical, (p: Categorical, q: Categorical) => {
  if (p.numCategories !== q.numCategories) {
    throw new ShapeError(`klDivergence: p has ${p.numCategories} categories but q has ${q.numCategories}`);
  }
  const terms = mul(p.probs, sub(p.logits, q.logits));
  return sum(where(eq(p.probs, 0), 0, where(eq(q.probs, 0), Infinity, terms)), -1);
});

registerKl(Independent, Independent, (p: Independent, q: Independent) => {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
    throw new ValueError(
      `klDivergence: Independent p and q expected the same reinterpretedBatchNdims, got ${p.reinterpretedBatchNdims} and ${q.reinterpretedBatchNdims}`,
    );
  }
  return sumRightmost(klDivergence(p.baseDist, q.baseDist), p.reinterpretedBatchNdims);
});
