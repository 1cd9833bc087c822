// The normal distribution N(loc, scale²) (torch.distributions.Normal), with PyTorch's formulas.
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { erf, erfinv } from '../ops/table/math.js';
import { randn } from '../ops/table/random.js';
import { log } from '../ops/table/unary.js';
import type { DistributionOptions, SampleOptions } from './distribution.js';
import { LocScaleDistribution } from './loc-scale.js';
import type { Param } from './params.js';
import { type Violation, notProbability, notReal } from './validation.js';
import { type Constraint, positive, real } from './transforms/constraint.js';

const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));

export class Normal extends LocScaleDistribution {
  /** The mean, broadcast to batchShape. */
  declare readonly loc: Tensor;
  /** The standard deviation (> 0), broadcast to batchShape. */
  declare readonly scale: Tensor;

  constructor(loc: Param, scale: Param, options: DistributionOptions = {}) {
    super('Normal', loc, scale, options);
  }

  /** loc + ε·scale with ε ~ N(0, 1) from the generator: gradients reach loc and scale. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => add(this.loc, mul(randn(shape, { device: this.device, generator }), this.scale)));
  }

  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const variance = square(this.scale);
      return sub(sub(div(square(sub(v, this.loc)), mul(variance, -2)), log(this.scale)), LOG_SQRT_2PI);
    });
  }

  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('cdf', value);
      return mul(add(erf(div(div(sub(v, this.loc), this.scale), Math.SQRT2)), 1), 0.5);
    });
  }

  /** loc + scale·√2·erfinv(2·value − 1) (PyTorch's formula). */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return add(this.loc, mul(mul(erfinv(sub(mul(v, 2), 1)), this.scale), Math.SQRT2));
    });
  }

  override entropy(): Tensor {
    return scope(() => add(log(this.scale), 0.5 + 0.5 * Math.log(2 * Math.PI)));
  }

  override get mean(): Tensor {
    return this.loc;
  }

  /** The most likely value: loc. */
  get mode(): Tensor {
    return this.loc;
  }

  override get stddev(): Tensor {
    return this.scale;
  }

  override get variance(): Tensor {
    return square(this.scale);
  }

  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notReal(value), expected: 'real values (not NaN)' }];
  }

  /** PyTorch's support: real. */
  override get support(): Constraint {
    return real;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { loc: real, scale: positive };
  }
}
