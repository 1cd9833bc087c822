// The exponential distribution (torch.distributions.Exponential): density rate·exp(−rate·x) on
// [0, ∞), the waiting time between the events of a Poisson process of that rate; PyTorch's
// formulas. rsample is the inverse cdf of a uniform draw, so gradients reach rate. Outside the
// support the formulas go on as PyTorch's do (cdf(−1) is 1 − e^rate, below 0): values there are
// refused only with validateArgs, as PyTorch refuses them only when validating.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { div, mul, pow, sub } from '../ops/table/binary.js';
import { zeros } from '../ops/table/creation.js';
import { log1p } from '../ops/table/math.js';
import { rand } from '../ops/table/random.js';
import { exp, log, neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type Param, positiveParams } from './params.js';
import { type Violation, notNonNegative, notProbability } from './validation.js';
import { type Constraint, nonnegative, positive } from './transforms/constraint.js';

export class Exponential extends Distribution {
  /** The rate (> 0, 1 / the mean), broadcast to batchShape. */
  readonly rate: Tensor;

  constructor(rate: Param, options: DistributionOptions = {}) {
    const p = positiveParams('Exponential', [['rate', rate]], options);
    super(p.batchShape, [], p.checks);
    [this.rate] = p.tensors;
  }

  get device(): Device {
    return this.rate.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** −log1p(−u)/rate with u ~ U[0, 1) from the generator (the inverse cdf; finite, as u < 1): gradients reach rate. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => div(neg(log1p(neg(rand(shape, { device: this.device, generator })))), this.rate));
  }

  /** log(rate) − rate·value. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      return sub(log(this.rate), mul(this.rate, v));
    });
  }

  /** 1 − exp(−rate·value). */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('cdf', value);
      return sub(1, exp(mul(neg(this.rate), v)));
    });
  }

  /** −log1p(−value)/rate. */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return div(neg(log1p(neg(v))), this.rate);
    });
  }

  /** 1 − log(rate). */
  override entropy(): Tensor {
    return scope(() => sub(1, log(this.rate)));
  }

  /** 1 / rate. */
  override get mean(): Tensor {
    return div(1, this.rate);
  }

  /** The most likely value: 0 (no gradient, as PyTorch's zeros_like). */
  get mode(): Tensor {
    return zeros(this.rate.shape, { device: this.device });
  }

  /** 1 / rate. */
  override get stddev(): Tensor {
    return div(1, this.rate);
  }

  /** rate⁻². */
  override get variance(): Tensor {
    return pow(this.rate, -2);
  }

  /** PyTorch's support: values >= 0. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notNonNegative(value), expected: 'values >= 0' }];
  }

  /** PyTorch's support: nonnegative. */
  override get support(): Constraint {
    return nonnegative;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { rate: positive };
  }
}
