// The multinomial distribution (torch.distributions.Multinomial): counts of totalCount draws over
// K categories (the last dim of probs or logits), so eventShape is [K]. Given as
// new Multinomial(totalCount, probs) or new Multinomial(totalCount, { probs | logits,
// validateArgs }); probs need not sum to 1 (Categorical's normalisation). PyTorch's formulas.
//
// Note [multinomial draws]: up to SMALL_COUNT trials a draw counts that many Categorical draws
// (PyTorch's way); past it, one binomial draw per category: the k-th count is
// Binomial(trials left, p_k / (p_k + … + p_K)), the last takes what is left — K ops whatever
// totalCount is, where counting draws would hold totalCount · K values.
import type { Device } from '../device.js';
import { ValueError } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { eq, gt, logicalAnd } from '../ops/table/compare.js';
import { arange, full } from '../ops/table/creation.js';
import { flip } from '../ops/table/composed-ops.js';
import { select } from '../ops/table/composed-shape.js';
import { lgamma } from '../ops/table/gamma-functions.js';
import { isinf } from '../ops/table/composed-elementwise.js';
import { binomial } from '../ops/table/random-rejection.js';
import { sum } from '../ops/table/reduce.js';
import { cumsum } from '../ops/table/scan.js';
import { reshape, stack, unsqueeze } from '../ops/table/shape.js';
import { clamp, exp } from '../ops/table/unary.js';
import { numelOf } from '../shape.js';
import { Binomial } from './binomial.js';
import { categoricalEntropy, categoricalParams, sampleCategorical } from './categorical.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { notCount } from './poisson.js';
import { type ProbsOrLogits, probsOrLogits } from './probs-or-logits.js';
import { type Violation, checksOf } from './validation.js';
import { type Constraint, multinomial, real, simplex } from './transforms/constraint.js';

/** The most trials a draw counts one by one (Note [multinomial draws]). */
const SMALL_COUNT = 32;

export class Multinomial extends Distribution {
  /** The number of draws counted (an integer >= 0; PyTorch's total_count, an int there too). */
  readonly totalCount: number;
  /** The probabilities over the last dim, normalised to sum to 1. */
  readonly probs: Tensor;
  /** The log-probabilities over the last dim (normalised). */
  readonly logits: Tensor;

  constructor(totalCount: number, probs: Tensor, options?: DistributionOptions);
  constructor(totalCount: number, params: ProbsOrLogits<Tensor>);
  constructor(totalCount: number, first: Tensor | ProbsOrLogits<Tensor>, second?: DistributionOptions) {
    if (!(typeof totalCount === 'number' && Number.isInteger(totalCount) && totalCount >= 0)) {
      const got = (totalCount as unknown as Tensor | null)?.isTensor ? 'a tensor' : typeof totalCount === 'number' ? String(totalCount) : typeof totalCount;
      throw new ValueError(`Multinomial: totalCount expected an integer >= 0 (a number, as PyTorch's int total_count), got ${got}`);
    }
    const { given, value, options } = probsOrLogits('Multinomial', first, second);
    const checks = checksOf('Multinomial', options.validateArgs);
    const { probs, logits, batchShape } = categoricalParams('Multinomial', given, value, checks);
    super(batchShape, [probs.shape[probs.shape.length - 1]], checks);
    this.totalCount = totalCount;
    this.probs = probs;
    this.logits = logits;
  }

  get device(): Device {
    return this.probs.device;
  }

  /** Counts (float32) of shape sampleShape + batchShape + [K], each row summing to totalCount (Note [multinomial draws]). */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    const n = this.totalCount;
    const k = shape[shape.length - 1];
    const rows = shape.slice(0, -1);
    return noGrad(() =>
      scope(() => {
        if (n === 0 || numelOf(shape) === 0) return full(shape, 0, { device: this.device });
        if (n <= SMALL_COUNT) {
          const draws = sampleCategorical(this.probs, this.batchShape, [n, ...rows], generator, this.checks.numbers);
          const hits = eq(unsqueeze(draws, -1), arange(k, { dtype: 'int64', device: this.device }));
          return sum(cast(hits, 'float32'), 0);
        }
        // p_k over the mass of categories k … K: the chance a trial left at k lands on k (once per
        // batch row; binomial broadcasts it over the sample dims).
        const tail = flip(cumsum(flip(this.probs, -1), -1), -1);
        const conditional = clamp(where(gt(tail, 0), div(this.probs, tail), 0), { min: 0, max: 1 });
        let left: Tensor = full(rows, n, { device: this.device });
        const counts: Tensor[] = [];
        for (let c = 0; c < k - 1; c++) {
          const count = binomial(left, select(conditional, -1, c), { generator });
          counts.push(count);
          left = sub(left, count);
        }
        counts.push(left);
        return stack(counts, -1);
      }),
    );
  }

  /** log n! − Σ log x_k! + Σ x_k·logits_k (PyTorch's, a zero count at a −∞ logit adding nothing). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const logFactorialN = lgamma(add(sum(v, -1), 1));
      const logFactorialXs = sum(lgamma(add(v, 1)), -1);
      const logits = where(logicalAnd(eq(v, 0), isinf(this.logits)), 0, this.logits);
      return add(sub(logFactorialN, logFactorialXs), sum(mul(logits, v), -1));
    });
  }

  /**
   * PyTorch's: n·H(Categorical) − log n! + Σ_k Σ_{x=1..n} Binomial(n, p_k)(x)·log x!, the inner
   * sum over the support 1 … totalCount.
   */
  override entropy(): Tensor {
    const n = this.totalCount;
    return scope(() => {
      const term1 = sub(mul(categoricalEntropy(this.logits, this.probs), n), lgamma(full([], n + 1, { device: this.device })));
      if (n === 0) return term1;
      const support = reshape(arange(1, n + 1, { device: this.device }), [n, ...this.probs.shape.map(() => 1)]);
      const binomialProbs = exp(new Binomial(n, this.probs, { validateArgs: false }).logProb(support));
      return add(term1, sum(sum(mul(binomialProbs, lgamma(add(support, 1))), -1), 0));
    });
  }

  /** totalCount·probs. */
  override get mean(): Tensor {
    return scope(() => mul(this.probs, this.totalCount));
  }

  /** totalCount·probs·(1 − probs). */
  override get variance(): Tensor {
    return scope(() => mul(mul(this.probs, sub(1, this.probs)), this.totalCount));
  }

  /** PyTorch's support: counts (integers >= 0) summing to at most totalCount over the last dim. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [
      { name: 'value', bad: notCount(value), expected: 'counts (integers >= 0)' },
      { name: 'value', bad: gt(sum(value, -1), this.totalCount), expected: `counts summing to at most totalCount (${this.totalCount}) over the last dim`, unit: ['event', 'events'] },
    ];
  }

  override toString(): string {
    return `Multinomial(totalCount: ${this.totalCount}, batchShape: [${this.batchShape}], eventShape: [${this.eventShape}])`;
  }

  /** PyTorch's support: counts summing to at most totalCount. */
  override get support(): Constraint {
    return multinomial(this.totalCount);
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { probs: simplex, logits: real.independent(1) };
  }
}
