// The negative binomial distribution (torch.distributions.NegativeBinomial): the number of
// successes before totalCount failures, each trial succeeding with probability probs; totalCount
// need not be an integer (the gamma–Poisson mixture below is defined for any totalCount >= 0),
// which makes it the over-dispersed count model of regression on counts. Given as
// new NegativeBinomial(totalCount, probs) or new NegativeBinomial(totalCount, { probs | logits }).
// PyTorch's formulas; sample is PyTorch's gamma–Poisson mixture: Poisson(λ) with
// λ ~ Gamma(totalCount, e^−logits), both drawn from the generator (no gradients: no rsample).
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { sigmoid } from '../ops/table/activation.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { eq, ge, gt, logicalAnd, logicalNot, lt } from '../ops/table/compare.js';
import { logSigmoid } from '../ops/table/composed-activations.js';
import { lgamma } from '../ops/table/gamma-functions.js';
import { poisson } from '../ops/table/random-rejection.js';
import { clamp, exp, floor, neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { gammaDraws } from './gamma.js';
import { trialParams } from './binomial.js';
import type { Param } from './params.js';
import { asFloat, notCount } from './poisson.js';
import type { ProbsOrLogits } from './probs-or-logits.js';
import { type Violation, notNonNegative } from './validation.js';
import { type Constraint, halfOpenInterval, nonnegative, nonnegativeInteger, real } from './transforms/constraint.js';

export class NegativeBinomial extends Distribution {
  /** The number of failures to stop at (>= 0, need not be an integer), broadcast to batchShape. */
  readonly totalCount: Tensor;
  /** The probability of success of each trial, in [0, 1). */
  readonly probs: Tensor;
  /** log(probs / (1 − probs)), from probs clamped to [eps, 1 − eps] when probs were given. */
  readonly logits: Tensor;

  constructor(totalCount: Param, probs: Param, options?: DistributionOptions);
  constructor(totalCount: Param, params: ProbsOrLogits);
  constructor(totalCount: Param, first: Param | ProbsOrLogits, second?: DistributionOptions) {
    const p = trialParams('NegativeBinomial', totalCount, first, second, {
      count: { ok: (v) => v >= 0, expectedNumber: 'a number >= 0', bad: notNonNegative, expected: 'values >= 0' },
      probs: { ok: (v) => v >= 0 && v < 1, expectedNumber: 'a probability in [0, 1)', bad: (t) => logicalNot(logicalAnd(ge(t, 0), lt(t, 1))), expected: 'probabilities in [0, 1)' },
    });
    super(p.batchShape, [], p.checks);
    this.totalCount = p.totalCount;
    this.probs = p.probs;
    this.logits = p.logits;
  }

  get device(): Device {
    return this.probs.device;
  }

  /**
   * Counts (float32) of shape sampleShape + batchShape: Poisson draws at rates drawn from
   * Gamma(totalCount, e^−logits), both from the generator, gamma first (as PyTorch's). A
   * totalCount of 0 gives 0 (the gamma op takes concentrations > 0 only: 1 stands in, then 0).
   */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    return noGrad(() =>
      scope(() => {
        const positive = gt(this.totalCount, 0);
        const rate = gammaDraws(where(positive, this.totalCount, 1), exp(neg(this.logits)), shape, generator);
        return poisson(where(positive, rate, 0), { generator });
      }),
    );
  }

  /**
   * totalCount·log σ(−logits) + value·log σ(logits) + log Γ(totalCount + value) − log Γ(1 + value)
   * − log Γ(totalCount); the Γ terms count 0 where totalCount + value = 0 (probability 1).
   */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = asFloat(this.valueArg('logProb', value));
      const n = this.totalCount;
      const unnormalized = add(mul(n, logSigmoid(neg(this.logits))), mul(v, logSigmoid(this.logits)));
      const normalization = add(add(neg(lgamma(add(n, v))), lgamma(add(v, 1))), lgamma(n));
      return sub(unnormalized, where(eq(add(n, v), 0), 0, normalization));
    });
  }

  /** totalCount·e^logits. */
  override get mean(): Tensor {
    return scope(() => mul(this.totalCount, exp(this.logits)));
  }

  /** The most likely count: floor((totalCount − 1)·e^logits), at least 0. */
  get mode(): Tensor {
    return scope(() => clamp(floor(mul(sub(this.totalCount, 1), exp(this.logits))), { min: 0 }));
  }

  /** mean / σ(−logits) = mean / (1 − probs). */
  override get variance(): Tensor {
    return scope(() => div(mul(this.totalCount, exp(this.logits)), sigmoid(neg(this.logits))));
  }

  /** PyTorch's support: integers >= 0. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notCount(value), expected: 'counts (integers >= 0)' }];
  }

  /** PyTorch's support: nonnegativeInteger. */
  override get support(): Constraint {
    return nonnegativeInteger;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { totalCount: nonnegative, probs: halfOpenInterval(0, 1), logits: real };
  }
}
