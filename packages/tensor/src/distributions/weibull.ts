// The Weibull distribution (torch.distributions.Weibull): scale·E^(1/concentration) for E ~
// Exponential(1), density (k/λ)·(x/λ)^(k−1)·e^(−(x/λ)^k) on (0, ∞) with λ = scale and
// k = concentration; the lifetime model whose hazard rises (k > 1) or falls (k < 1) with time.
// PyTorch builds it as a TransformedDistribution of Exponential(1) by x ↦ x^(1/k) then x ↦ λ·x;
// here the transforms are written out: logProb, cdf and icdf in closed form, rsample the transforms
// applied to −log1p(−u) for u uniform in [0, 1) (an Exponential(1) draw; finite as u < 1).
//
// Note [Weibull and Kumaraswamy modes]: PyTorch 2.x's Weibull.mode, λ·((k − 1)/k)^(1/k), is NaN or
// a wrong value for k < 1 (a negative base: k = 0.5 gives λ), and its Kumaraswamy.mode is NaN for
// every b > 1 (its formula takes log1p(−b)); both are open PyTorch issues (#198186, #173912). Here
// the modes are the closed forms those issues give: Weibull's λ·((k − 1)/k)^(1/k) for k >= 1 and
// NaN for k < 1 (the density has no maximum, growing without bound at 0); Kumaraswamy's
// ((a − 1)/(ab − 1))^(1/a) for a, b >= 1 and NaN for a < 1 or b < 1.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, pow, sub, where } from '../ops/table/binary.js';
import { lt } from '../ops/table/compare.js';
import { reciprocal } from '../ops/table/composed-elementwise.js';
import { xlogy } from '../ops/table/composed-log-math.js';
import { square } from '../ops/table/composed-ops.js';
import { lgamma } from '../ops/table/gamma-functions.js';
import { expm1, log1p } from '../ops/table/math.js';
import { rand } from '../ops/table/random.js';
import { exp, log, neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type Param, positiveParams } from './params.js';
import { type Violation, notPositive, notProbability } from './validation.js';
import { type Constraint, positive } from './transforms/constraint.js';

/** The Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

export class Weibull extends Distribution {
  /** λ (> 0), broadcast to batchShape. */
  readonly scale: Tensor;
  /** k (> 0), the shape, broadcast to batchShape. */
  readonly concentration: Tensor;

  constructor(scale: Param, concentration: Param, options: DistributionOptions = {}) {
    const p = positiveParams('Weibull', [['scale', scale], ['concentration', concentration]], options);
    super(p.batchShape, [], p.checks);
    [this.scale, this.concentration] = p.tensors;
  }

  get device(): Device {
    return this.scale.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** λ·E^(1/k) with E = −log1p(−u), u ~ U[0, 1) from the generator: gradients reach scale and concentration. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => this.quantileOfExponential(neg(log1p(neg(rand(shape, { device: this.device, generator }))))));
  }

  /** log(k/λ) + (k − 1)·log(x/λ) − (x/λ)^k. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const x = div(this.valueArg('logProb', value), this.scale);
      const k = this.concentration;
      return sub(add(sub(log(k), log(this.scale)), xlogy(sub(k, 1), x)), pow(x, k));
    });
  }

  /** 1 − e^(−(x/λ)^k). */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => neg(expm1(neg(pow(div(this.valueArg('cdf', value), this.scale), this.concentration)))));
  }

  /** λ·(−log1p(−u))^(1/k). */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const u = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return this.quantileOfExponential(neg(log1p(neg(u))));
    });
  }

  /** γ·(1 − 1/k) + log(λ/k) + 1. */
  override entropy(): Tensor {
    return scope(() => {
      const r = reciprocal(this.concentration);
      return add(add(mul(sub(1, r), EULER_GAMMA), log(mul(this.scale, r))), 1);
    });
  }

  /** λ·Γ(1 + 1/k). */
  override get mean(): Tensor {
    return scope(() => mul(this.scale, exp(lgamma(add(reciprocal(this.concentration), 1)))));
  }

  /** The most likely value: λ·((k − 1)/k)^(1/k) for k >= 1, NaN for k < 1 (Note [Weibull and Kumaraswamy modes]). */
  get mode(): Tensor {
    return scope(() => {
      const below = lt(this.concentration, 1);
      const k = where(below, 1, this.concentration);
      return where(below, NaN, mul(this.scale, pow(div(sub(k, 1), k), reciprocal(k))));
    });
  }

  /** λ²·(Γ(1 + 2/k) − Γ(1 + 1/k)²). */
  override get variance(): Tensor {
    return scope(() => {
      const r = reciprocal(this.concentration);
      return mul(square(this.scale), sub(exp(lgamma(add(mul(r, 2), 1))), exp(mul(lgamma(add(r, 1)), 2))));
    });
  }

  /** PyTorch's support: values > 0. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notPositive(value), expected: 'values > 0' }];
  }

  /** λ·E^(1/k): an Exponential(1) value E carried through PyTorch's two transforms. */
  private quantileOfExponential(e: Tensor): Tensor {
    return mul(this.scale, pow(e, reciprocal(this.concentration)));
  }

  /** PyTorch's support: positive. */
  override get support(): Constraint {
    return positive;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { scale: positive, concentration: positive };
  }
}
