// A location-scale distribution folded at 0: |X| for X ~ Base(0, scale) (HalfNormal, HalfCauchy).
// PyTorch builds these as TransformedDistributions of the base by AbsTransform; here each holds
// its base (baseDist) and writes out what PyTorch's own overrides give: twice the base's density
// on [0, ∞) and logProb −∞ below, cdf = 2·base cdf − 1, entropy = base entropy − log 2.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub, where } from '../ops/table/binary.js';
import { ge } from '../ops/table/compare.js';
import { zeros } from '../ops/table/creation.js';
import { abs } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type LocScaleDistribution, locScaleParams } from './loc-scale.js';
import type { Param } from './params.js';
import { type Violation, notNonNegative } from './validation.js';
import { type Constraint, nonnegative, positive } from './transforms/constraint.js';

export abstract class FoldedDistribution<B extends LocScaleDistribution> extends Distribution {
  /** Base(0, scale): the distribution folded at 0 (PyTorch's base_dist). */
  readonly baseDist: B;

  protected constructor(cls: string, scale: Param, options: DistributionOptions, makeBase: (loc: Tensor, scale: Tensor) => B) {
    const p = locScaleParams(cls, 0, scale, options);
    super(p.batchShape, [], p.checks);
    // Checked here, under this class's name; the base takes the broadcast tensors as they are.
    this.baseDist = makeBase(p.loc, p.scale);
  }

  /** The scale of the folded distribution (> 0), broadcast to batchShape. */
  get scale(): Tensor {
    return this.baseDist.scale;
  }

  get device(): Device {
    return this.baseDist.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** |the base's draw| for the same generator: gradients reach scale. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('rsample', sampleShape, options);
    return scope(() => abs(this.baseDist.rsample(sampleShape, options)));
  }

  /** The base's logProb + log 2 at values >= 0, −∞ below. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      return where(ge(v, 0), add(this.baseDist.logProb(v), Math.LN2), -Infinity);
    });
  }

  /** 2·the base's cdf − 1 (below 0 too, where it is negative, as PyTorch's). */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => sub(mul(this.baseDist.cdf(this.valueArg('cdf', value)), 2), 1));
  }

  /** The base's entropy − log 2. */
  override entropy(): Tensor {
    return scope(() => sub(this.baseDist.entropy(), Math.LN2));
  }

  /** The most likely value: 0 (no gradient, as PyTorch's zeros_like). */
  get mode(): Tensor {
    return zeros(this.scale.shape, { device: this.device });
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
    return { scale: positive };
  }
}
