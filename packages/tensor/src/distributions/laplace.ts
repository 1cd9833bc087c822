// The Laplace distribution (torch.distributions.Laplace): density exp(−|x − loc| / scale) / (2·scale),
// with PyTorch's formulas; rsample is its inverse cdf of a uniform draw in (−1, 1).
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { expm1, log1p } from '../ops/table/math.js';
import { uniform } from '../ops/table/random.js';
import { abs, log, neg, sign } from '../ops/table/unary.js';
import type { DistributionOptions, SampleOptions } from './distribution.js';
import { LocScaleDistribution } from './loc-scale.js';
import type { Param } from './params.js';
import { type Violation, notProbability, notReal } from './validation.js';
import { type Constraint, positive, real } from './transforms/constraint.js';

/** float32's machine epsilon: the uniform draw lies in [eps − 1, 1), so log1p(−|u|) stays finite. */
const FLOAT32_EPS = 2 ** -23;

export class Laplace extends LocScaleDistribution {
  /** The location (mean, median and mode), broadcast to batchShape. */
  declare readonly loc: Tensor;
  /** The scale (> 0), broadcast to batchShape: the variance is 2·scale². */
  declare readonly scale: Tensor;

  constructor(loc: Param, scale: Param, options: DistributionOptions = {}) {
    super('Laplace', loc, scale, options);
  }

  /** loc − scale·sign(u)·log1p(−|u|) with u uniform in [eps − 1, 1) from the generator: gradients reach loc and scale. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const u = uniform(shape, FLOAT32_EPS - 1, 1, { device: this.device, generator });
      return sub(this.loc, mul(this.scale, mul(sign(u), log1p(neg(abs(u))))));
    });
  }

  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      return sub(neg(log(mul(this.scale, 2))), div(abs(sub(v, this.loc)), this.scale));
    });
  }

  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('cdf', value);
      const d = sub(v, this.loc);
      return sub(0.5, mul(mul(sign(d), expm1(div(neg(abs(d)), this.scale))), 0.5));
    });
  }

  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      const term = sub(v, 0.5);
      return sub(this.loc, mul(mul(this.scale, sign(term)), log1p(mul(abs(term), -2))));
    });
  }

  override entropy(): Tensor {
    return scope(() => add(log(mul(this.scale, 2)), 1));
  }

  override get mean(): Tensor {
    return this.loc;
  }

  /** The most likely value: loc. */
  get mode(): Tensor {
    return this.loc;
  }

  override get stddev(): Tensor {
    return mul(this.scale, Math.SQRT2);
  }

  override get variance(): Tensor {
    return scope(() => mul(square(this.scale), 2));
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
