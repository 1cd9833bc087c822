// The Cauchy (Lorentz) distribution (torch.distributions.Cauchy): density
// 1 / (π·scale·(1 + ((x − loc)/scale)²)), the ratio of two centred normals; PyTorch's formulas.
// Its tails are so heavy that it has no mean (NaN) and an infinite variance, as PyTorch reports.
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { full } from '../ops/table/creation.js';
import { atan, log1p, tan } from '../ops/table/math.js';
import { rand } from '../ops/table/random.js';
import { clamp, log } from '../ops/table/unary.js';
import type { DistributionOptions, SampleOptions } from './distribution.js';
import { LocScaleDistribution } from './loc-scale.js';
import type { Param } from './params.js';
import { type Violation, notProbability, notReal } from './validation.js';
import { type Constraint, positive, real } from './transforms/constraint.js';

const LOG_PI = Math.log(Math.PI);

export class Cauchy extends LocScaleDistribution {
  /** The location (median and mode), broadcast to batchShape. */
  declare readonly loc: Tensor;
  /** The scale (> 0, the half width at half maximum), broadcast to batchShape. */
  declare readonly scale: Tensor;

  constructor(loc: Param, scale: Param, options: DistributionOptions = {}) {
    super('Cauchy', loc, scale, options);
  }

  /**
   * loc + scale·tan(π·(u − ½)), u uniform from the generator (PyTorch's cauchy_): gradients reach
   * loc and scale. u is rand's [0, 1 − 2⁻²⁴] with 0 raised to 2⁻²⁴, so u − ½ is symmetric about 0
   * and π·(u − ½) stays inside (−π/2, π/2): at u = 0 itself, π/2 rounded in float32 lies past
   * the pole and tan would give a large value of the wrong sign.
   */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const u = clamp(rand(shape, { device: this.device, generator }), { min: 2 ** -24 });
      return add(this.loc, mul(tan(mul(sub(u, 0.5), Math.PI)), this.scale));
    });
  }

  /** −log π − log scale − log1p(((value − loc)/scale)²). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      return sub(sub(-LOG_PI, log(this.scale)), log1p(square(div(sub(v, this.loc), this.scale))));
    });
  }

  /** atan((value − loc)/scale)/π + ½. */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('cdf', value);
      return add(div(atan(div(sub(v, this.loc), this.scale)), Math.PI), 0.5);
    });
  }

  /** tan(π·(value − ½))·scale + loc. */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return add(mul(tan(mul(sub(v, 0.5), Math.PI)), this.scale), this.loc);
    });
  }

  /** log(4π) + log scale. */
  override entropy(): Tensor {
    return scope(() => add(log(this.scale), Math.log(4 * Math.PI)));
  }

  /** Undefined: NaN of batchShape, as PyTorch's. */
  override get mean(): Tensor {
    return full(this.batchShape, NaN, { device: this.device });
  }

  /** The most likely value: loc. */
  get mode(): Tensor {
    return this.loc;
  }

  /** +∞ of batchShape, as PyTorch's (stddev is its square root, +∞ too). */
  override get variance(): Tensor {
    return full(this.batchShape, Infinity, { device: this.device });
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
