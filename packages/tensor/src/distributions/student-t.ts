// Student's t distribution (torch.distributions.StudentT): loc + scale·T for T with df degrees of
// freedom, the heavy-tailed location-scale family (df → ∞ is the normal). PyTorch's formulas;
// rsample is PyTorch's: X/√(Z/df) for X ~ N(0, 1) and Z ~ Chi2(df), differentiable w.r.t. df
// through the gamma draw (implicit reparameterisation) and w.r.t. loc and scale directly.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { gt, le } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { digamma, lgamma } from '../ops/table/gamma-functions.js';
import { log1p } from '../ops/table/math.js';
import { randn } from '../ops/table/random.js';
import { log, rsqrt } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { gammaDraws } from './gamma.js';
import { type Param, broadcastParams } from './params.js';
import { type Violation, checkNumber, checksOf, notPositive, notReal, refuseViolations } from './validation.js';
import { type Constraint, positive, real } from './transforms/constraint.js';

const HALF_LOG_PI = 0.5 * Math.log(Math.PI);

export class StudentT extends Distribution {
  /** The degrees of freedom (> 0), broadcast to batchShape. */
  readonly df: Tensor;
  /** The location (median and mode; the mean where df > 1), broadcast to batchShape. */
  readonly loc: Tensor;
  /** The scale (> 0), broadcast to batchShape. */
  readonly scale: Tensor;

  constructor(df: Param, loc: Param = 0, scale: Param = 1, options: DistributionOptions = {}) {
    checkOptions('StudentT', options, ['validateArgs']);
    const checks = checksOf('StudentT', options.validateArgs);
    checkNumber('StudentT', 'df', df, (v) => v > 0, 'a number > 0', checks);
    checkNumber('StudentT', 'loc', loc, (v) => !Number.isNaN(v), 'a real number', checks);
    checkNumber('StudentT', 'scale', scale, (v) => v > 0, 'a number > 0', checks);
    const { tensors, batchShape } = broadcastParams('StudentT', [['df', df], ['loc', loc], ['scale', scale]]);
    super(batchShape, [], checks);
    [this.df, this.loc, this.scale] = tensors;
    if (checks.tensors) {
      refuseViolations('StudentT', () => [
        { name: 'df', bad: notPositive(this.df), expected: 'values > 0' },
        { name: 'loc', bad: notReal(this.loc), expected: 'real values (not NaN)' },
        { name: 'scale', bad: notPositive(this.scale), expected: 'values > 0' },
      ]);
    }
  }

  get device(): Device {
    return this.df.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /**
   * loc + scale·X/√(Z/df): X ~ N(0, 1) (randn) then Z ~ Chi2(df) (standardGamma(df/2)·2, clamped
   * as Gamma's), both from the generator in that order: gradients reach df, loc and scale.
   */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const x = randn(shape, { device: this.device, generator });
      const z = gammaDraws(mul(this.df, 0.5), 0.5, shape, generator);
      return add(this.loc, mul(this.scale, mul(x, rsqrt(div(z, this.df)))));
    });
  }

  /** −(df + 1)/2·log1p(y²/df) − log(scale) − log(df)/2 − log(π)/2 − log Γ(df/2) + log Γ((df + 1)/2), y = (value − loc)/scale. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const df = this.df;
      const y = div(sub(v, this.loc), this.scale);
      const z = sub(add(add(add(log(this.scale), mul(log(df), 0.5)), HALF_LOG_PI), lgamma(mul(df, 0.5))), lgamma(mul(add(df, 1), 0.5)));
      return sub(mul(mul(add(df, 1), -0.5), log1p(div(square(y), df))), z);
    });
  }

  /** log(scale) + (df + 1)/2·(ψ((df + 1)/2) − ψ(df/2)) + log(df)/2 + log B(df/2, 1/2). */
  override entropy(): Tensor {
    return scope(() => {
      const df = this.df;
      const half = mul(df, 0.5);
      const halfUp = mul(add(df, 1), 0.5);
      const lbeta = sub(add(lgamma(half), HALF_LOG_PI), lgamma(halfUp));
      const t = mul(halfUp, sub(digamma(halfUp), digamma(half)));
      return add(add(add(log(this.scale), t), mul(log(df), 0.5)), lbeta);
    });
  }

  /** loc where df > 1, NaN where df <= 1 (the mean does not exist). */
  override get mean(): Tensor {
    return scope(() => where(le(this.df, 1), NaN, this.loc));
  }

  /** The most likely value: loc. */
  get mode(): Tensor {
    return this.loc;
  }

  /** scale²·df/(df − 2) where df > 2, +∞ where 1 < df <= 2, NaN where df <= 1. */
  override get variance(): Tensor {
    return scope(() => {
      const above2 = gt(this.df, 2);
      // df > 2 only inside the formula, so the branches not taken give no NaN gradients.
      const df = where(above2, this.df, 3);
      const finite = div(mul(square(this.scale), df), sub(df, 2));
      return where(above2, finite, where(gt(this.df, 1), Infinity, NaN));
    });
  }

  /** PyTorch's support: real values. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notReal(value), expected: 'real values (not NaN)' }];
  }

  /** PyTorch's support: real. */
  override get support(): Constraint {
    return real;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { df: positive, loc: real, scale: positive };
  }
}
