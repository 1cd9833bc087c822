// The half-Cauchy distribution (torch.distributions.HalfCauchy): |X| for X ~ Cauchy(0, scale), a
// common prior for scales (Gelman 2006). PyTorch builds it as a TransformedDistribution of
// Cauchy(0, scale) by AbsTransform; here it holds that Cauchy (baseDist) and writes out what
// PyTorch's own overrides give: twice the base's density on [0, ∞), logProb −∞ below.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { ge } from '../ops/table/compare.js';
import { full, zeros } from '../ops/table/creation.js';
import { abs } from '../ops/table/unary.js';
import { Cauchy } from './cauchy.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { locScaleParams } from './loc-scale.js';
import type { Param } from './params.js';
import { type Violation, notNonNegative, notProbability } from './validation.js';

export class HalfCauchy extends Distribution {
  /** Cauchy(0, scale): the distribution folded at 0 (PyTorch's base_dist). */
  readonly baseDist: Cauchy;

  constructor(scale: Param, options: DistributionOptions = {}) {
    const p = locScaleParams('HalfCauchy', 0, scale, options);
    super(p.batchShape, [], p.checks);
    // Checked here, under this class's name; the base takes the broadcast tensors as they are.
    this.baseDist = new Cauchy(p.loc, p.scale, { validateArgs: false });
  }

  /** The scale of the folded Cauchy (> 0), broadcast to batchShape. */
  get scale(): Tensor {
    return this.baseDist.scale;
  }

  get device(): Device {
    return this.baseDist.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** |Cauchy(0, scale)'s draw| for the same generator: gradients reach scale. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('rsample', sampleShape, options);
    return scope(() => abs(this.baseDist.rsample(sampleShape, options)));
  }

  /** Cauchy's logProb + log 2 at values >= 0, −∞ below. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      return where(ge(v, 0), add(this.baseDist.logProb(v), Math.LN2), -Infinity);
    });
  }

  /** 2·Cauchy's cdf − 1 (below 0 too, where it is negative, as PyTorch's). */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => sub(mul(this.baseDist.cdf(this.valueArg('cdf', value)), 2), 1));
  }

  /** Cauchy's icdf at (value + 1)/2. */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return this.baseDist.icdf(div(add(v, 1), 2));
    });
  }

  /** Cauchy's entropy − log 2. */
  override entropy(): Tensor {
    return scope(() => sub(this.baseDist.entropy(), Math.LN2));
  }

  /** +∞ of batchShape, as PyTorch's. */
  override get mean(): Tensor {
    return full(this.batchShape, Infinity, { device: this.device });
  }

  /** The most likely value: 0 (no gradient, as PyTorch's zeros_like). */
  get mode(): Tensor {
    return zeros(this.scale.shape, { device: this.device });
  }

  /** Cauchy's: +∞ of batchShape. */
  override get variance(): Tensor {
    return this.baseDist.variance;
  }

  /** PyTorch's support: values >= 0. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notNonNegative(value), expected: 'values >= 0' }];
  }
}
