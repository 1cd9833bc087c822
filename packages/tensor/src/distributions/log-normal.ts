// The log-normal distribution (torch.distributions.LogNormal): exp(X) for X ~ Normal(loc, scale).
// PyTorch builds it as a TransformedDistribution of Normal by ExpTransform; here it holds that
// Normal (baseDist) and writes out what the transform gives: logProb(y) = Normal's logProb(log y)
// − log y (the log-Jacobian), rsample = exp of Normal's rsample, cdf = Normal's cdf of log y.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { expm1 } from '../ops/table/math.js';
import { exp, log } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { locScaleParams } from './loc-scale.js';
import { Normal } from './normal.js';
import type { Param } from './params.js';
import { type Violation, notPositive, notProbability } from './validation.js';
import { type Constraint, positive, real } from './transforms/constraint.js';

export class LogNormal extends Distribution {
  /** Normal(loc, scale): the distribution of log of a draw (PyTorch's base_dist). */
  readonly baseDist: Normal;

  constructor(loc: Param, scale: Param, options: DistributionOptions = {}) {
    const p = locScaleParams('LogNormal', loc, scale, options);
    super(p.batchShape, [], p.checks);
    // Checked here, under this class's name; the base takes the broadcast tensors as they are.
    this.baseDist = new Normal(p.loc, p.scale, { validateArgs: false });
  }

  /** The mean of log of a draw, broadcast to batchShape. */
  get loc(): Tensor {
    return this.baseDist.loc;
  }

  /** The standard deviation of log of a draw (> 0), broadcast to batchShape. */
  get scale(): Tensor {
    return this.baseDist.scale;
  }

  get device(): Device {
    return this.baseDist.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** exp(loc + ε·scale), ε ~ N(0, 1) from the generator: gradients reach loc and scale. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('rsample', sampleShape, options);
    return scope(() => exp(this.baseDist.rsample(sampleShape, options)));
  }

  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const x = log(v);
      return sub(this.baseDist.logProb(x), x);
    });
  }

  override cdf(value: Tensor | number): Tensor {
    return scope(() => this.baseDist.cdf(log(this.valueArg('cdf', value))));
  }

  /** exp of the base's icdf (PyTorch's, through its ExpTransform). */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => exp(this.baseDist.icdf(this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]))));
  }

  /** PyTorch's: the base's entropy + loc. */
  override entropy(): Tensor {
    return scope(() => add(this.baseDist.entropy(), this.loc));
  }

  /** exp(loc + scale²/2). */
  override get mean(): Tensor {
    return scope(() => exp(add(this.loc, div(square(this.scale), 2))));
  }

  /** The most likely value: exp(loc − scale²). */
  get mode(): Tensor {
    return scope(() => exp(sub(this.loc, square(this.scale))));
  }

  /** (exp(scale²) − 1)·exp(2·loc + scale²). */
  override get variance(): Tensor {
    return scope(() => {
      const s2 = square(this.scale);
      return mul(expm1(s2), exp(add(mul(this.loc, 2), s2)));
    });
  }

  /** PyTorch's support: values > 0. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notPositive(value), expected: 'values > 0' }];
  }

  /** PyTorch's support: positive. */
  override get support(): Constraint {
    return positive;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { loc: real, scale: positive };
  }
}
