// The generalized Pareto distribution (torch.distributions.GeneralizedPareto, PyTorch 2.6+): the
// tails of other distributions, survival (1 + ξ·z)^(−1/ξ) for z = (x − loc)/scale (e^(−z) at
// ξ = 0), on [loc, ∞) for ξ >= 0 and [loc, loc − scale/ξ] for ξ < 0. Exponential (loc 0, ξ 0),
// Pareto (ξ > 0, loc = scale/ξ) and Uniform (ξ = −1) are special cases. PyTorch's formulas, after
// TensorFlow Probability's: ξ within 1e-8 of 0 (PyTorch's isclose) takes the exponential limit,
// and the other branch sees ξ = 1 there so that its gradients stay finite. rsample is icdf(u) for
// u ~ U[0, 1), differentiable w.r.t. every parameter.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { eq, ge, le, logicalAnd, logicalNot, lt } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { expm1, log1p } from '../ops/table/math.js';
import { rand } from '../ops/table/random.js';
import { expand } from '../ops/table/shape.js';
import { abs, exp, log, neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type Param, broadcastParams } from './params.js';
import { type Constraint, interval, positive, real } from './transforms/constraint.js';
import { type Violation, checkNumber, checksOf, notPositive, notProbability, notReal, refuseViolations } from './validation.js';

export class GeneralizedPareto extends Distribution {
  /** The location: the least value. Broadcast to batchShape. */
  readonly loc: Tensor;
  /** The scale (> 0), broadcast to batchShape. */
  readonly scale: Tensor;
  /** The shape ξ (any real; > 0 heavy-tailed, < 0 bounded above), broadcast to batchShape. */
  readonly concentration: Tensor;
  /** The support's upper end: loc − scale/ξ where ξ < 0, +∞ elsewhere (made once: support reads it). */
  private readonly upper: Tensor;

  constructor(loc: Param, scale: Param, concentration: Param, options: DistributionOptions = {}) {
    const cls = 'GeneralizedPareto';
    checkOptions(cls, options, ['validateArgs']);
    const checks = checksOf(cls, options.validateArgs);
    checkNumber(cls, 'loc', loc, (v) => !Number.isNaN(v), 'a real number', checks);
    checkNumber(cls, 'scale', scale, (v) => v > 0, 'a number > 0', checks);
    checkNumber(cls, 'concentration', concentration, (v) => !Number.isNaN(v), 'a real number', checks);
    const { tensors, batchShape } = broadcastParams(cls, [['loc', loc], ['scale', scale], ['concentration', concentration]]);
    super(batchShape, [], checks);
    [this.loc, this.scale, this.concentration] = tensors;
    if (checks.tensors) {
      refuseViolations(cls, () => [
        { name: 'loc', bad: notReal(this.loc), expected: 'real values (not NaN)' },
        { name: 'scale', bad: notPositive(this.scale), expected: 'values > 0' },
        { name: 'concentration', bad: notReal(this.concentration), expected: 'real values (not NaN)' },
      ]);
    }
    this.upper = scope(() => {
      const negative = lt(this.concentration, 0);
      return where(negative, sub(this.loc, div(this.scale, where(negative, this.concentration, -1))), Infinity);
    });
  }

  get device(): Device {
    return this.loc.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** icdf(u) for u ~ U[0, 1) from the generator: gradients reach loc, scale and concentration. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => this.quantile(rand(shape, { device: this.device, generator })));
  }

  /** −log scale − z where ξ ≈ 0, else −log scale − (1/ξ + 1)·log1p(ξ·z) (0 where 1/ξ + 1 = 0), z = (value − loc)/scale. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const z = this.z(this.valueArg('logProb', value));
      const { zero, safe } = this.safeConcentration();
      const y = add(div(1, safe), 1);
      const nonzero = where(eq(y, 0), y, mul(y, log1p(mul(safe, z))));
      return sub(neg(log(this.scale)), where(zero, z, nonzero));
    });
  }

  /** log P(X > value): −z where ξ ≈ 0, else −log1p(ξ·z)/ξ (PyTorch's log_survival_function). */
  logSurvivalFunction(value: Tensor | number): Tensor {
    return scope(() => this.logSurvival(this.valueArg('logSurvivalFunction', value)));
  }

  /** log P(X <= value) = log1p(−e^(log survival)) (PyTorch's log_cdf). */
  logCdf(value: Tensor | number): Tensor {
    return scope(() => log1p(neg(exp(this.logSurvival(this.valueArg('logCdf', value))))));
  }

  /** exp(logCdf(value)). */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => exp(log1p(neg(exp(this.logSurvival(this.valueArg('cdf', value)))))));
  }

  /** loc − scale·log1p(−u) where ξ ≈ 0, else loc + scale/ξ·expm1(−ξ·log1p(−u)). */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => this.quantile(this.valueArg('icdf', value, (v) => [{ name: 'value', bad: notProbability(v), expected: 'probabilities in [0, 1]' }])));
  }

  /** loc + scale/(1 − ξ) where ξ < 1, NaN elsewhere. */
  override get mean(): Tensor {
    return scope(() => {
      const valid = lt(this.concentration, 1);
      const c = where(valid, this.concentration, 0.5);
      return where(valid, add(this.loc, div(this.scale, sub(1, c))), NaN);
    });
  }

  /** scale²/((1 − ξ)²·(1 − 2ξ)) where ξ < ½, NaN elsewhere. */
  override get variance(): Tensor {
    return scope(() => {
      const valid = lt(this.concentration, 0.5);
      const c = where(valid, this.concentration, 0.25);
      return where(valid, div(square(this.scale), mul(square(sub(1, c)), sub(1, mul(c, 2)))), NaN);
    });
  }

  /** log(scale) + ξ + 1. */
  override entropy(): Tensor {
    return scope(() => expand(add(add(log(this.scale), this.concentration), 1), this.batchShape));
  }

  /** The most likely value: loc. */
  get mode(): Tensor {
    return this.loc;
  }

  /** PyTorch's support: interval(loc, upper), upper = loc − scale/ξ where ξ < 0, +∞ elsewhere. */
  override get support(): Constraint {
    return interval(this.loc, this.upper);
  }

  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { loc: real, scale: positive, concentration: real };
  }

  /** GeneralizedPareto again with the parameters expanded (PyTorch's expand). */
  protected override expandTo(batchShape: number[]): Distribution {
    return scope(() => new GeneralizedPareto(expand(this.loc, batchShape), expand(this.scale, batchShape), expand(this.concentration, batchShape), { validateArgs: this.validateArgs }));
  }

  /** Values in [loc, upper]. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: logicalNot(logicalAnd(ge(value, this.loc), le(value, this.upper))), expected: 'values in [loc, upper] (upper = loc − scale/concentration where concentration < 0, else +∞)' }];
  }

  private z(x: Tensor): Tensor {
    return div(sub(x, this.loc), this.scale);
  }

  /** Where ξ is within 1e-8 of 0 (PyTorch's isclose(ξ, 0)), and ξ with 1 there. */
  private safeConcentration(): { zero: Tensor; safe: Tensor } {
    const zero = le(abs(this.concentration), 1e-8);
    return { zero, safe: where(zero, 1, this.concentration) };
  }

  private logSurvival(value: Tensor): Tensor {
    const z = this.z(value);
    const { zero, safe } = this.safeConcentration();
    return where(zero, neg(z), div(neg(log1p(mul(safe, z))), safe));
  }

  private quantile(u: Tensor): Tensor {
    const { zero, safe } = this.safeConcentration();
    const logu = log1p(neg(u));
    const nonzero = add(this.loc, mul(div(this.scale, safe), expm1(mul(neg(safe), logu))));
    return where(zero, sub(this.loc, mul(this.scale, logu)), nonzero);
  }
}
