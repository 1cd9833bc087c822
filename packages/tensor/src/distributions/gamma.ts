// The gamma distribution (torch.distributions.Gamma): density rate^α·x^(α−1)·e^(−rate·x)/Γ(α) on
// [0, ∞), with PyTorch's formulas. rsample is standardGamma(α)/rate: the draw is differentiable
// w.r.t. α by implicit reparameterisation (Note [gamma reparameterisation] in
// ops/table/random-rejection.ts), so gradients reach both parameters. cdf is PyTorch's
// gammainc(α, rate·x), differentiable in α too here (PyTorch's is not).
// Chi2 is Gamma(df/2, 1/2) and shares everything here.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { xlogy } from '../ops/table/composed-log-math.js';
import { square } from '../ops/table/composed-ops.js';
import { digamma, gammainc, lgamma } from '../ops/table/gamma-functions.js';
import type { Generator } from '../ops/table/random.js';
import { standardGamma } from '../ops/table/random-rejection.js';
import { expand } from '../ops/table/shape.js';
import { clamp, log } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type Param, positiveParams } from './params.js';
import { type Checks, type Violation, notNonNegative } from './validation.js';
import { type Constraint, nonnegative, positive } from './transforms/constraint.js';


/** float32's smallest positive normal number (PyTorch's torch.finfo(float32).tiny). */
export const FLOAT32_TINY = 2 ** -126;

/**
 * x with values below float32's smallest normal raised to it, the gradient passing as if
 * unclamped: PyTorch's value.detach().clamp_(min=tiny) after a gamma draw, which keeps draws of a
 * small concentration (that underflow to 0) inside the support and their logProb finite.
 */
export const clampTiny = (x: Tensor): Tensor => add(x, noGrad(() => sub(clamp(x, { min: FLOAT32_TINY }), x)));

/**
 * Gamma(concentration, rate) draws of `shape` (the parameters expanded to it): standardGamma / rate,
 * clamped as clampTiny. Gradients reach both parameters.
 */
export function gammaDraws(concentration: Tensor, rate: Tensor | number, shape: readonly number[], generator: Generator): Tensor {
  const draws = standardGamma(expand(concentration, shape), { generator });
  return clampTiny(rate === 1 ? draws : div(draws, rate));
}

/** What Gamma's constructor makes of its arguments (Chi2 makes them of df). */
export interface GammaParams {
  concentration: Tensor;
  rate: Tensor;
  batchShape: number[];
  checks: Checks;
}

export class Gamma extends Distribution {
  /** The shape α (> 0), broadcast to batchShape. */
  readonly concentration: Tensor;
  /** The rate (> 0, 1 / the scale), broadcast to batchShape. */
  readonly rate: Tensor;

  constructor(concentration: Param, rate: Param, options: DistributionOptions = {}) {
    // A subclass reads its own arguments (Chi2's df) through its own static gammaParams.
    const p = (new.target as typeof Gamma).gammaParams(concentration, rate, options);
    super(p.batchShape, [], p.checks);
    this.concentration = p.concentration;
    this.rate = p.rate;
  }

  /** Checks and broadcasts the constructor's arguments, naming this class. */
  protected static gammaParams(concentration: Param, rate: Param, options: DistributionOptions): GammaParams {
    const p = positiveParams('Gamma', [['concentration', concentration], ['rate', rate]], options);
    return { concentration: p.tensors[0], rate: p.tensors[1], batchShape: p.batchShape, checks: p.checks };
  }

  get device(): Device {
    return this.concentration.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** standardGamma(concentration)/rate from the generator, at least float32's smallest normal: gradients reach concentration and rate. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => gammaDraws(this.concentration, this.rate, shape, generator));
  }

  /** α·log(rate) + (α − 1)·log(value) − rate·value − log Γ(α) (xlogy: α = 1 at value 0 gives log(rate)). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const a = this.concentration;
      return sub(sub(add(xlogy(a, this.rate), xlogy(sub(a, 1), v)), mul(this.rate, v)), lgamma(a));
    });
  }

  /** α − log(rate) + log Γ(α) + (1 − α)·ψ(α). */
  override entropy(): Tensor {
    return scope(() => {
      const a = this.concentration;
      return add(add(sub(a, log(this.rate)), lgamma(a)), mul(sub(1, a), digamma(a)));
    });
  }

  /** P(α, rate·value), the regularised lower incomplete gamma function (PyTorch's formula). */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('cdf', value);
      return gammainc(this.concentration, mul(this.rate, v));
    });
  }

  /** α / rate. */
  override get mean(): Tensor {
    return scope(() => div(this.concentration, this.rate));
  }

  /** The most likely value: (α − 1)/rate, 0 for α ≤ 1. */
  get mode(): Tensor {
    return scope(() => clamp(div(sub(this.concentration, 1), this.rate), { min: 0 }));
  }

  /** α / rate². */
  override get variance(): Tensor {
    return scope(() => div(this.concentration, square(this.rate)));
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
    return { concentration: positive, rate: positive };
  }
}
