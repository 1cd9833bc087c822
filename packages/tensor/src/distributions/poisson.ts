// The Poisson distribution (torch.distributions.Poisson): counts k = 0, 1, 2 … with probability
// rate^k·e^(−rate)/k!, the number of events in a unit of time at that rate. PyTorch's formulas;
// draws come from the poisson op (float32 counts) and carry no gradient (there is no rsample).
// PyTorch defines no entropy for it, nor here.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, sub } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { logicalOr, lt, ne } from '../ops/table/compare.js';
import { isinf } from '../ops/table/composed-elementwise.js';
import { xlogy } from '../ops/table/composed-log-math.js';
import { lgamma } from '../ops/table/gamma-functions.js';
import { poisson } from '../ops/table/random-rejection.js';
import { expand } from '../ops/table/shape.js';
import { floor } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type Param, broadcastParams } from './params.js';
import { type Violation, checkNumber, checksOf, notNonNegative, refuseViolations } from './validation.js';
import { type Constraint, nonnegative, nonnegativeInteger } from './transforms/constraint.js';

/** A count value for logProb as float32 (integer tensors are cast, as PyTorch's promotion does). */
export const asFloat = (v: Tensor): Tensor => (v.dtype === 'float32' ? v : cast(v, 'float32'));

/** Where `value` is not a count: an integer >= 0 (NaN and ∞ are not). */
export function notCount(value: Tensor): Tensor {
  const v = asFloat(value);
  return logicalOr(logicalOr(lt(v, 0), ne(v, floor(v))), isinf(v));
}

export class Poisson extends Distribution {
  /** The rate (>= 0): the mean and the variance, broadcast to batchShape. */
  readonly rate: Tensor;

  constructor(rate: Param, options: DistributionOptions = {}) {
    checkOptions('Poisson', options, ['validateArgs']);
    const checks = checksOf('Poisson', options.validateArgs);
    checkNumber('Poisson', 'rate', rate, (v) => v >= 0, 'a number >= 0', checks);
    const { tensors: [r], batchShape } = broadcastParams('Poisson', [['rate', rate]]);
    super(batchShape, [], checks);
    this.rate = r;
    if (checks.tensors) refuseViolations('Poisson', () => [{ name: 'rate', bad: notNonNegative(r), expected: 'values >= 0' }]);
  }

  get device(): Device {
    return this.rate.device;
  }

  /** Counts (float32) of shape sampleShape + batchShape from the poisson op on the generator's stream; no gradients. */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    return noGrad(() => scope(() => poisson(expand(this.rate, shape), { generator })));
  }

  /** value·log(rate) − rate − log(value!) (xlogy: a count of 0 at rate 0 has log-probability 0). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = asFloat(this.valueArg('logProb', value));
      return sub(sub(xlogy(v, this.rate), this.rate), lgamma(add(v, 1)));
    });
  }

  /** rate. */
  override get mean(): Tensor {
    return this.rate;
  }

  /** The most likely count: floor(rate) (rate itself ties with rate − 1 where it is an integer). */
  get mode(): Tensor {
    return floor(this.rate);
  }

  /** rate. */
  override get variance(): Tensor {
    return this.rate;
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
    return { rate: nonnegative };
  }
}
