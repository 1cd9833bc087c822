// The continuous uniform distribution on [low, high) (torch.distributions.Uniform).
import type { Device } from '../device.js';
import { ValueError } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { ge, gt, le, logicalAnd, logicalNot, lt } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { rand } from '../ops/table/random.js';
import { clamp, log } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type Param, broadcastParams } from './params.js';
import { type Violation, checkNumber, checksOf, notReal, refuseViolations } from './validation.js';
import { type Constraint, greaterThan, interval, lessThan } from './transforms/constraint.js';

export class Uniform extends Distribution {
  /** The lower bound (included), broadcast to batchShape. */
  readonly low: Tensor;
  /** The upper bound (excluded), broadcast to batchShape. */
  readonly high: Tensor;

  constructor(low: Param, high: Param, options: DistributionOptions = {}) {
    checkOptions('Uniform', options, ['validateArgs']);
    const checks = checksOf('Uniform', options.validateArgs);
    checkNumber('Uniform', 'low', low, (v) => Number.isFinite(v), 'a finite number', checks);
    checkNumber('Uniform', 'high', high, (v) => Number.isFinite(v), 'a finite number', checks);
    if (typeof low === 'number' && typeof high === 'number' && checks.numbers && !(low < high)) {
      throw new ValueError(`Uniform: expected low < high, got low=${low}, high=${high}`);
    }
    const { tensors, batchShape } = broadcastParams('Uniform', [['low', low], ['high', high]]);
    super(batchShape, [], checks);
    [this.low, this.high] = tensors;
    if (checks.tensors) {
      refuseViolations('Uniform', () => [
        { name: 'low', bad: notReal(this.low), expected: 'real values (not NaN)' },
        { name: 'high', bad: logicalNot(gt(this.high, this.low)), expected: 'values above low' },
      ]);
    }
  }

  get device(): Device {
    return this.low.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** low + u·(high − low) with u ~ U[0, 1) from the generator: gradients reach low and high. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => add(this.low, mul(rand(shape, { device: this.device, generator }), sub(this.high, this.low))));
  }

  /** −log(high − low) inside [low, high), −∞ outside (PyTorch's log of the 0/1 indicator). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const inside = cast(logicalAnd(le(this.low, v), lt(v, this.high)), 'float32');
      return sub(log(inside), log(sub(this.high, this.low)));
    });
  }

  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('cdf', value);
      return clamp(div(sub(v, this.low), sub(this.high, this.low)), { min: 0, max: 1 });
    });
  }

  override entropy(): Tensor {
    return scope(() => log(sub(this.high, this.low)));
  }

  override get mean(): Tensor {
    return scope(() => div(add(this.high, this.low), 2));
  }

  override get stddev(): Tensor {
    return scope(() => div(sub(this.high, this.low), Math.sqrt(12)));
  }

  override get variance(): Tensor {
    return scope(() => div(square(sub(this.high, this.low)), 12));
  }

  /** PyTorch's support: the closed interval [low, high]. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: logicalNot(logicalAnd(ge(value, this.low), le(value, this.high))), expected: 'values in [low, high]' }];
  }

  /** PyTorch's support: [low, high] (an interval of tensor bounds). */
  override get support(): Constraint {
    return interval(this.low, this.high);
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { low: lessThan(this.high), high: greaterThan(this.low) };
  }
}
