// The Gumbel distribution (torch.distributions.Gumbel): the law of the maximum of many draws,
// cdf exp(−exp(−(x − loc)/scale)). PyTorch builds it as a TransformedDistribution of
// Uniform(tiny, 1 − eps) (float32's smallest normal number and machine epsilon) by
// x ↦ loc − scale·log(−log x), and overrides logProb with the closed form for precision; here
// that is written out: rsample and icdf map a uniform in [tiny, 1 − eps] through it, so
// icdf(0) = loc − 4.47·scale and icdf(1) = loc + 15.9·scale are finite (the range of the
// draws), and cdf is that of the draws, (F − tiny)/(1 − eps − tiny) clamped to [0, 1] — PyTorch's
// values (F the closed form; it differs from F by at most float32's eps). PyTorch also passes
// probabilities through (p − ½) + ½ (its generic cdf sign flip, here a flip by +1), which rounds
// them to multiples of 2⁻²⁵ near 0; that rounding is left out: Gumbel(0.5, 2).icdf(1e-6) is
// −4.7516 here (the exact value), −4.7497 there.
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { uniform } from '../ops/table/random.js';
import { clamp, exp, log, neg } from '../ops/table/unary.js';
import type { DistributionOptions, SampleOptions } from './distribution.js';
import { LocScaleDistribution } from './loc-scale.js';
import type { Param } from './params.js';
import { type Violation, notProbability, notReal } from './validation.js';
import { type Constraint, positive, real } from './transforms/constraint.js';

/** float32's smallest normal number and machine epsilon: the base uniform's bounds. */
const FLOAT32_TINY = 2 ** -126;
const FLOAT32_EPS = 2 ** -23;
/** The Euler–Mascheroni constant γ: the mean of the standard Gumbel. */
export const EULER_GAMMA = 0.5772156649015329;

export class Gumbel extends LocScaleDistribution {
  /** The location (the mode), broadcast to batchShape. */
  declare readonly loc: Tensor;
  /** The scale (> 0), broadcast to batchShape. */
  declare readonly scale: Tensor;

  constructor(loc: Param, scale: Param, options: DistributionOptions = {}) {
    super('Gumbel', loc, scale, options);
  }

  /** loc − scale·log(−log u), u ~ U[tiny, 1 − eps) from the generator: gradients reach loc and scale. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => this.fromUniform(uniform(shape, FLOAT32_TINY, 1 - FLOAT32_EPS, { device: this.device, generator })));
  }

  /** PyTorch's closed form: y − exp(y) − log scale with y = (loc − value)/scale. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const y = div(sub(this.loc, v), this.scale);
      return sub(sub(y, exp(y)), log(this.scale));
    });
  }

  /** The draws' cdf: (exp(−exp(−(value − loc)/scale)) − tiny)/(1 − eps − tiny), clamped to [0, 1]. */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('cdf', value);
      const f = exp(neg(exp(div(sub(v, this.loc), neg(this.scale)))));
      return clamp(div(sub(f, FLOAT32_TINY), 1 - FLOAT32_EPS - FLOAT32_TINY), { min: 0, max: 1 });
    });
  }

  /** The draws' quantile: the map of rsample at tiny + value·(1 − eps − tiny). */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return this.fromUniform(add(mul(v, 1 - FLOAT32_EPS - FLOAT32_TINY), FLOAT32_TINY));
    });
  }

  /** log scale + 1 + γ. */
  override entropy(): Tensor {
    return scope(() => add(log(this.scale), 1 + EULER_GAMMA));
  }

  /** loc + scale·γ. */
  override get mean(): Tensor {
    return scope(() => add(this.loc, mul(this.scale, EULER_GAMMA)));
  }

  /** The most likely value: loc. */
  get mode(): Tensor {
    return this.loc;
  }

  /** scale·π/√6. */
  override get stddev(): Tensor {
    return mul(this.scale, Math.PI / Math.sqrt(6));
  }

  /** (scale·π/√6)². */
  override get variance(): Tensor {
    return scope(() => square(this.stddev));
  }

  /** loc − scale·log(−log u): PyTorch's transforms (log, negate, log, loc − scale·x) in one. */
  private fromUniform(u: Tensor): Tensor {
    return add(this.loc, mul(neg(this.scale), log(neg(log(u)))));
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
