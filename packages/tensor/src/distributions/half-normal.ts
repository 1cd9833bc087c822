// The half-normal distribution (torch.distributions.HalfNormal): |X| for X ~ Normal(0, scale).
// PyTorch builds it as a TransformedDistribution of Normal(0, scale) by AbsTransform; here it
// holds that Normal (baseDist) and writes out what PyTorch's own overrides give: the density is
// twice the base's on [0, ∞) and 0 below (logProb −∞ there), cdf = 2·Normal's cdf − 1.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub, where } from '../ops/table/binary.js';
import { ge } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { zeros } from '../ops/table/creation.js';
import { erfinv } from '../ops/table/math.js';
import { abs } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { locScaleParams } from './loc-scale.js';
import { Normal } from './normal.js';
import type { Param } from './params.js';
import { type Violation, notNonNegative, notProbability } from './validation.js';

export class HalfNormal extends Distribution {
  /** Normal(0, scale): the distribution folded at 0 (PyTorch's base_dist). */
  readonly baseDist: Normal;

  constructor(scale: Param, options: DistributionOptions = {}) {
    const p = locScaleParams('HalfNormal', 0, scale, options);
    super(p.batchShape, [], p.checks);
    // Checked here, under this class's name; the base takes the broadcast tensors as they are.
    this.baseDist = new Normal(p.loc, p.scale, { validateArgs: false });
  }

  /** The scale of the folded normal (> 0), broadcast to batchShape. */
  get scale(): Tensor {
    return this.baseDist.scale;
  }

  get device(): Device {
    return this.baseDist.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** |ε·scale|, ε ~ N(0, 1) from the generator: gradients reach scale. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('rsample', sampleShape, options);
    return scope(() => abs(this.baseDist.rsample(sampleShape, options)));
  }

  /** Normal's logProb + log 2 at values >= 0, −∞ below. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      return where(ge(v, 0), add(this.baseDist.logProb(v), Math.LN2), -Infinity);
    });
  }

  /** 2·Normal's cdf − 1 (below 0 too, where it is negative, as PyTorch's). */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => sub(mul(this.baseDist.cdf(this.valueArg('cdf', value)), 2), 1));
  }

  /** Normal's icdf at (value + 1)/2, simplified to scale·√2·erfinv(value) (PyTorch's rounds (value + 1)/2 first, losing digits of a small value). */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return mul(mul(erfinv(v), this.scale), Math.SQRT2);
    });
  }

  /** Normal's entropy − log 2. */
  override entropy(): Tensor {
    return scope(() => sub(this.baseDist.entropy(), Math.LN2));
  }

  /** scale·√(2/π). */
  override get mean(): Tensor {
    return mul(this.scale, Math.sqrt(2 / Math.PI));
  }

  /** The most likely value: 0 (no gradient, as PyTorch's zeros_like). */
  get mode(): Tensor {
    return zeros(this.scale.shape, { device: this.device });
  }

  /** scale²·(1 − 2/π). */
  override get variance(): Tensor {
    return scope(() => mul(square(this.scale), 1 - 2 / Math.PI));
  }

  /** PyTorch's support: values >= 0. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notNonNegative(value), expected: 'values >= 0' }];
  }
}
