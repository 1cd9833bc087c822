// The Fisher–Snedecor F distribution (torch.distributions.FisherSnedecor): the ratio (X₁/df1) /
// (X₂/df2) of two chi-squared draws, the distribution of a variance ratio under the null. PyTorch's
// formulas; rsample is PyTorch's: X₁/X₂ for X₁ ~ Gamma(df1/2, df1), X₂ ~ Gamma(df2/2, df2) (X₂ and
// the ratio raised to float32's smallest normal), differentiable w.r.t. both dfs through the gamma
// draws (implicit reparameterisation). No entropy, cdf or icdf, as in PyTorch.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { gt } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { lgamma } from '../ops/table/gamma-functions.js';
import { log1p } from '../ops/table/math.js';
import { expand } from '../ops/table/shape.js';
import { log } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { clampTiny, gammaDraws } from './gamma.js';
import { type Param, positiveParams } from './params.js';
import { type Constraint, positive } from './transforms/constraint.js';
import { type Violation, notPositive } from './validation.js';

export class FisherSnedecor extends Distribution {
  /** The numerator's degrees of freedom (> 0), broadcast to batchShape. */
  readonly df1: Tensor;
  /** The denominator's degrees of freedom (> 0), broadcast to batchShape. */
  readonly df2: Tensor;

  constructor(df1: Param, df2: Param, options: DistributionOptions = {}) {
    const p = positiveParams('FisherSnedecor', [['df1', df1], ['df2', df2]], options);
    super(p.batchShape, [], p.checks);
    [this.df1, this.df2] = p.tensors;
  }

  get device(): Device {
    return this.df1.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /**
   * X₁/X₂ with X₁ ~ Gamma(df1/2, df1) then X₂ ~ Gamma(df2/2, df2) from the generator, in that order
   * (each clamped as Gamma's draws), X₂ and the ratio at least float32's smallest normal: gradients
   * reach df1 and df2.
   */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const x1 = gammaDraws(mul(this.df1, 0.5), this.df1, shape, generator);
      const x2 = gammaDraws(mul(this.df2, 0.5), this.df2, shape, generator);
      return clampTiny(div(x1, x2));
    });
  }

  /**
   * log Γ((d1 + d2)/2) − log Γ(d1/2) − log Γ(d2/2) + (d1/2)·log(d1/d2) + (d1/2 − 1)·log x
   * − ((d1 + d2)/2)·log1p(d1·x/d2).
   */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const ct1 = mul(this.df1, 0.5);
      const ct2 = mul(this.df2, 0.5);
      const ct3 = div(this.df1, this.df2);
      const both = add(ct1, ct2);
      const t1 = sub(sub(lgamma(both), lgamma(ct1)), lgamma(ct2));
      const t2 = add(mul(ct1, log(ct3)), mul(sub(ct1, 1), log(v)));
      const t3 = mul(both, log1p(mul(ct3, v)));
      return sub(add(t1, t2), t3);
    });
  }

  /** df2/(df2 − 2) where df2 > 2, NaN elsewhere. */
  override get mean(): Tensor {
    return scope(() => {
      const above = gt(this.df2, 2);
      const df2 = where(above, this.df2, 3);
      return where(above, div(df2, sub(df2, 2)), NaN);
    });
  }

  /** The most likely value: (df1 − 2)/df1·df2/(df2 + 2) where df1 > 2, NaN elsewhere. */
  get mode(): Tensor {
    return scope(() => {
      const above = gt(this.df1, 2);
      const df1 = where(above, this.df1, 3);
      return where(above, mul(div(sub(df1, 2), df1), div(this.df2, add(this.df2, 2))), NaN);
    });
  }

  /** 2·df2²·(df1 + df2 − 2)/(df1·(df2 − 2)²·(df2 − 4)) where df2 > 4, NaN elsewhere. */
  override get variance(): Tensor {
    return scope(() => {
      const above = gt(this.df2, 4);
      const df2 = where(above, this.df2, 5);
      const num = mul(mul(square(df2), 2), sub(add(this.df1, df2), 2));
      const den = mul(mul(this.df1, square(sub(df2, 2))), sub(df2, 4));
      return where(above, div(num, den), NaN);
    });
  }

  /** PyTorch's support: values > 0. */
  override get support(): Constraint {
    return positive;
  }

  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { df1: positive, df2: positive };
  }

  /** FisherSnedecor again with the dfs expanded (PyTorch's expand). */
  protected override expandTo(batchShape: number[]): Distribution {
    return scope(() => new FisherSnedecor(expand(this.df1, batchShape), expand(this.df2, batchShape), { validateArgs: this.validateArgs }));
  }

  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notPositive(value), expected: 'values > 0' }];
  }
}
