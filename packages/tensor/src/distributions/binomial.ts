// The binomial distribution (torch.distributions.Binomial): the number of successes in totalCount
// independent trials that each succeed with probability probs. Given as
// new Binomial(totalCount, probs) or new Binomial(totalCount, { probs | logits, validateArgs });
// the other of probs and logits is derived once, here (Bernoulli's rule). PyTorch's formulas.
//
// Draws come from the binomial op (torch.binomial: waiting times for small counts, Hörmann's BTRS
// for large ones, Note [rejection sampling]), any totalCount. Gradients do not flow through draws
// of a discrete distribution (there is no rsample).
import type { Device } from '../device.js';
import { ValueError } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { sigmoid } from '../ops/table/activation.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { gt, logicalOr } from '../ops/table/compare.js';
import { arange } from '../ops/table/creation.js';
import { log1p } from '../ops/table/math.js';
import { binomial } from '../ops/table/random-rejection.js';
import { sum } from '../ops/table/reduce.js';
import { expand, reshape } from '../ops/table/shape.js';
import { lgamma } from '../ops/table/gamma-functions.js';
import { abs, clamp, exp, floor, neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type EnumerateSupportOptions, type SampleOptions } from './distribution.js';
import { probsToLogits } from './logits.js';
import { type Param, broadcastParams } from './params.js';
import { asFloat, notCount } from './poisson.js';
import { type ProbsOrLogits, probsOrLogits } from './probs-or-logits.js';
import { type Checks, type Violation, checkNumber, checksOf, notProbability, notReal, refuseViolations } from './validation.js';
import { type Constraint, integerInterval, nonnegativeInteger, real, unitInterval } from './transforms/constraint.js';

/** What Binomial and NegativeBinomial accept of totalCount and probs beyond their types. */
export interface TrialRules {
  count: { ok: (v: number) => boolean; expectedNumber: string; bad: (t: Tensor) => Tensor; expected: string };
  probs: { ok: (v: number) => boolean; expectedNumber: string; bad: (t: Tensor) => Tensor; expected: string };
}

/** totalCount and probs (or logits) checked, broadcast together, the other of probs and logits derived. */
export interface TrialParams {
  totalCount: Tensor;
  probs: Tensor;
  logits: Tensor;
  batchShape: number[];
  checks: Checks;
}

/** Binomial's and NegativeBinomial's constructor: (totalCount, probs, options?) or (totalCount, { probs | logits, validateArgs }). */
export function trialParams(cls: string, totalCount: unknown, first: unknown, second: DistributionOptions | undefined, rules: TrialRules): TrialParams {
  const { given, value, options } = probsOrLogits(cls, first, second);
  const checks = checksOf(cls, options.validateArgs);
  checkNumber(cls, 'totalCount', totalCount, rules.count.ok, rules.count.expectedNumber, checks);
  if (given === 'probs') checkNumber(cls, 'probs', value, rules.probs.ok, rules.probs.expectedNumber, checks);
  else checkNumber(cls, 'logits', value, (v) => !Number.isNaN(v), 'a real number', checks);
  const { tensors: [count, param], batchShape } = broadcastParams(cls, [['totalCount', totalCount as Param], [given, value as Param]]);
  if (checks.tensors) {
    refuseViolations(cls, () => [
      { name: 'totalCount', bad: rules.count.bad(count), expected: rules.count.expected },
      given === 'probs' ? { name: 'probs', bad: rules.probs.bad(param), expected: rules.probs.expected } : { name: 'logits', bad: notReal(param), expected: 'real values (not NaN)' },
    ]);
  }
  if (given === 'probs') return { totalCount: count, probs: param, logits: scope(() => probsToLogits(param, true)), batchShape, checks };
  return { totalCount: count, probs: sigmoid(param), logits: param, batchShape, checks };
}

/** max(x, 0) whose gradient at 0 is ½ (PyTorch's _clamp_by_zero). */
const clampByZero = (x: Tensor): Tensor => div(sub(add(clamp(x, { min: 0 }), x), clamp(x, { max: 0 })), 2);

export class Binomial extends Distribution {
  /** The number of trials (an integer >= 0), broadcast to batchShape. */
  readonly totalCount: Tensor;
  /** The probability of success of each trial, in [0, 1]. */
  readonly probs: Tensor;
  /** log(probs / (1 − probs)), from probs clamped to [eps, 1 − eps] when probs were given. */
  readonly logits: Tensor;
  /** totalCount where it was given as a number: entropy needs it without a read. */
  private readonly countNumber: number | undefined;

  constructor(totalCount: Param, probs: Param, options?: DistributionOptions);
  constructor(totalCount: Param, params: ProbsOrLogits);
  constructor(totalCount: Param, first: Param | ProbsOrLogits, second?: DistributionOptions) {
    const p = trialParams('Binomial', totalCount, first, second, {
      count: { ok: (v) => Number.isInteger(v) && v >= 0, expectedNumber: 'an integer >= 0', bad: notCount, expected: 'integers >= 0' },
      probs: { ok: (v) => v >= 0 && v <= 1, expectedNumber: 'a probability in [0, 1]', bad: notProbability, expected: 'probabilities in [0, 1]' },
    });
    super(p.batchShape, [], p.checks);
    this.totalCount = p.totalCount;
    this.probs = p.probs;
    this.logits = p.logits;
    this.countNumber = typeof totalCount === 'number' ? totalCount : undefined;
  }

  get device(): Device {
    return this.probs.device;
  }

  /** Counts (float32) of shape sampleShape + batchShape from the binomial op on the generator's stream. */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    return noGrad(() => scope(() => binomial(expand(this.totalCount, shape), expand(this.probs, shape), { generator })));
  }

  /** log C(n, k) + k·logits − n·log1p(e^logits), written as PyTorch's (stable for logits of either sign). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => this.logProbOf(asFloat(this.valueArg('logProb', value))));
  }

  /**
   * −Σ p(k)·log p(k) over k = 0 … totalCount (PyTorch enumerates the support). PyTorch reads a
   * tensor totalCount to check it is one number for the whole batch; here it must be given as a
   * number (no read).
   */
  override entropy(): Tensor {
    const n = this.countNumber;
    if (n === undefined) {
      throw new ValueError('Binomial.entropy: totalCount expected a number (entropy sums over the support 0 … totalCount, one size for the whole batch), got a tensor');
    }
    // PyTorch's int(totalCount): a count given with validateArgs: false may be fractional.
    const size = Math.max(Math.trunc(n), -1) + 1;
    return scope(() => {
      const values = reshape(arange(size, { device: this.device }), [size, ...this.batchShape.map(() => 1)]);
      const lp = this.logProbOf(values);
      return neg(sum(mul(exp(lp), lp), 0));
    });
  }

  override get hasEnumerateSupport(): boolean {
    return true;
  }

  /**
   * The counts 0 … totalCount (float32, as the draws) along a new first dim: [totalCount + 1,
   * ...batchShape], or [totalCount + 1, 1, …] without expand. One size for the whole batch, so,
   * as for entropy, totalCount must have been given as a number (PyTorch reads a tensor's to
   * check it is homogeneous; a read here would wait for the device).
   */
  override enumerateSupport(expand: boolean | EnumerateSupportOptions = true): Tensor {
    const e = this.enumerateArgs(expand);
    const n = this.countNumber;
    if (n === undefined) {
      throw new ValueError('Binomial.enumerateSupport: totalCount expected a number (the support 0 … totalCount is one size for the whole batch), got a tensor');
    }
    // PyTorch's int(totalCount), as entropy's.
    const size = Math.max(Math.trunc(n), -1) + 1;
    return scope(() => this.enumerated(arange(size, { dtype: 'float32', device: this.device }), e));
  }

  /** totalCount·probs. */
  override get mean(): Tensor {
    return scope(() => mul(this.totalCount, this.probs));
  }

  /** The most likely count: floor((totalCount + 1)·probs), at most totalCount. */
  get mode(): Tensor {
    return scope(() => clamp(floor(mul(add(this.totalCount, 1), this.probs)), { max: this.totalCount }));
  }

  /** totalCount·probs·(1 − probs). */
  override get variance(): Tensor {
    return scope(() => mul(mul(this.totalCount, this.probs), sub(1, this.probs)));
  }

  /** PyTorch's support: integers in [0, totalCount]. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: logicalOr(notCount(value), gt(asFloat(value), this.totalCount)), expected: 'integers in [0, totalCount]' }];
  }

  private logProbOf(v: Tensor): Tensor {
    const n = this.totalCount;
    const logFactorialN = lgamma(add(n, 1));
    const logFactorialK = lgamma(add(v, 1));
    const logFactorialNmK = lgamma(add(sub(n, v), 1));
    const normalizer = sub(add(mul(n, clampByZero(this.logits)), mul(n, log1p(exp(neg(abs(this.logits)))))), logFactorialN);
    return sub(sub(sub(mul(v, this.logits), logFactorialK), logFactorialNmK), normalizer);
  }

  /** PyTorch's support: integers 0 … totalCount. */
  override get support(): Constraint {
    return integerInterval(0, this.totalCount);
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { totalCount: nonnegativeInteger, probs: unitInterval, logits: real };
  }
}
