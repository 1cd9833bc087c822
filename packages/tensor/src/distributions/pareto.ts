// The Pareto (type I) distribution (torch.distributions.Pareto): density
// alpha·scale^alpha / x^(alpha + 1) on [scale, ∞), heavy-tailed sizes (incomes, files). PyTorch
// builds it as a TransformedDistribution of Exponential(alpha) by x ↦ scale·exp(x); here it holds
// that Exponential (baseDist) and writes out what the transforms give: rsample = scale·exp of the
// base's draw, logProb(y) = the base's logProb(log(y/scale)) − log(y/scale) − log scale (the
// log-Jacobians), cdf and icdf the base's through the same map. Below scale the formulas go on as
// PyTorch's do (cdf negative, logProb finite); values there are refused only with validateArgs.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { ge, logicalNot } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { log1p } from '../ops/table/math.js';
import { clamp, exp, log, neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { Exponential } from './exponential.js';
import { type Param, positiveParams } from './params.js';
import { type Violation, notProbability } from './validation.js';
import { type Constraint, greaterThanEq, positive } from './transforms/constraint.js';

export class Pareto extends Distribution {
  /** The scale (> 0): the least value, and the mode. Broadcast to batchShape. */
  readonly scale: Tensor;
  /** Exponential(alpha): the distribution of log(draw/scale) (PyTorch's base_dist). */
  readonly baseDist: Exponential;

  constructor(scale: Param, alpha: Param, options: DistributionOptions = {}) {
    const p = positiveParams('Pareto', [['scale', scale], ['alpha', alpha]], options);
    super(p.batchShape, [], p.checks);
    this.scale = p.tensors[0];
    // Checked here, under this class's name; the base takes the broadcast tensor as it is.
    this.baseDist = new Exponential(p.tensors[1], { validateArgs: false });
  }

  /** The shape, or tail index (> 0): the smaller, the heavier the tail. Broadcast to batchShape. */
  get alpha(): Tensor {
    return this.baseDist.rate;
  }

  get device(): Device {
    return this.scale.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** scale·exp(E/alpha), E ~ Exponential(1) from the generator: gradients reach scale and alpha. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('rsample', sampleShape, options);
    return scope(() => mul(this.scale, exp(this.baseDist.rsample(sampleShape, options))));
  }

  /** −log scale − x + log alpha − alpha·x with x = log(value/scale). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const x = log(div(this.valueArg('logProb', value), this.scale));
      return add(sub(neg(log(this.scale)), x), this.baseDist.logProb(x));
    });
  }

  /** 1 − (scale/value)^alpha, as 1 − exp(−alpha·log(value/scale)). */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => this.baseDist.cdf(log(div(this.valueArg('cdf', value), this.scale))));
  }

  /** scale·exp(−log1p(−value)/alpha). */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return mul(this.scale, exp(div(neg(log1p(neg(v))), this.alpha)));
    });
  }

  /** log(scale/alpha) + 1 + 1/alpha. */
  override entropy(): Tensor {
    return scope(() => add(log(div(this.scale, this.alpha)), add(div(1, this.alpha), 1)));
  }

  /** alpha·scale/(alpha − 1); +∞ for alpha <= 1 (alpha clamped to 1 there, as PyTorch's). */
  override get mean(): Tensor {
    return scope(() => {
      const a = clamp(this.alpha, { min: 1 });
      return div(mul(a, this.scale), sub(a, 1));
    });
  }

  /** The most likely value: scale. */
  get mode(): Tensor {
    return this.scale;
  }

  /** scale²·alpha/((alpha − 1)²·(alpha − 2)); +∞ for alpha <= 2 (alpha clamped to 2 there, as PyTorch's). */
  override get variance(): Tensor {
    return scope(() => {
      const a = clamp(this.alpha, { min: 2 });
      return div(mul(square(this.scale), a), mul(square(sub(a, 1)), sub(a, 2)));
    });
  }

  /** PyTorch's support: values >= scale. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: logicalNot(ge(value, this.scale)), expected: 'values >= scale' }];
  }

  /** PyTorch's support: values >= scale. */
  override get support(): Constraint {
    return greaterThanEq(this.scale);
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { scale: positive, alpha: positive };
  }
}
