// The beta distribution on [0, 1] (torch.distributions.Beta): density x^(α−1)·(1 − x)^(β−1)/B(α, β)
// with α = concentration1, β = concentration0: the Dirichlet over the pair (x, 1 − x), which is how
// PyTorch builds it. Here the two concentrations are held broadcast to batchShape and the
// Dirichlet's formulas are written out for K = 2. rsample is g₁/(g₁ + g₀) for Gamma(α, 1) and
// Gamma(β, 1) draws, differentiable w.r.t. both (implicit reparameterisation).
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { select } from '../ops/table/composed-shape.js';
import { xlogy } from '../ops/table/composed-log-math.js';
import { digamma, lgamma } from '../ops/table/gamma-functions.js';
import { sum } from '../ops/table/reduce.js';
import { stack } from '../ops/table/shape.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { dirichletMode } from './dirichlet.js';
import { gammaDraws } from './gamma.js';
import { positiveParams } from './params.js';
import type { Param } from './params.js';
import { type Violation, notProbability } from './validation.js';
import { type Constraint, positive, unitInterval } from './transforms/constraint.js';

export class Beta extends Distribution {
  /** α (> 0), the exponent of x, broadcast to batchShape. */
  readonly concentration1: Tensor;
  /** β (> 0), the exponent of 1 − x, broadcast to batchShape. */
  readonly concentration0: Tensor;

  constructor(concentration1: Param, concentration0: Param, options: DistributionOptions = {}) {
    const p = positiveParams('Beta', [['concentration1', concentration1], ['concentration0', concentration0]], options);
    super(p.batchShape, [], p.checks);
    [this.concentration1, this.concentration0] = p.tensors;
  }

  get device(): Device {
    return this.concentration1.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /**
   * g₁/(g₁ + g₀) for the Gamma(α, 1), Gamma(β, 1) pair drawn as one standardGamma of the stacked
   * [α, β] (…, 2) from the generator, each clamped to float32's smallest normal as PyTorch's
   * Dirichlet clamps them: gradients reach both concentrations.
   */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const g = gammaDraws(stack([this.concentration1, this.concentration0], -1), 1, [...shape, 2], generator);
      return div(select(g, -1, 0), sum(g, -1));
    });
  }

  /** (α − 1)·log x + (β − 1)·log(1 − x) + log Γ(α + β) − log Γ(α) − log Γ(β) (xlogy: an exponent of 0 at x = 0 or 1 adds 0). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const [a, b] = [this.concentration1, this.concentration0];
      const powers = add(xlogy(sub(a, 1), v), xlogy(sub(b, 1), sub(1, v)));
      return sub(add(powers, lgamma(add(a, b))), add(lgamma(a), lgamma(b)));
    });
  }

  /** The Dirichlet's entropy for K = 2: log B(α, β) − (2 − α₀)·ψ(α₀) − (α − 1)·ψ(α) − (β − 1)·ψ(β), α₀ = α + β. */
  override entropy(): Tensor {
    return scope(() => {
      const [a, b] = [this.concentration1, this.concentration0];
      const a0 = add(a, b);
      const t = sub(sub(add(lgamma(a), lgamma(b)), lgamma(a0)), mul(sub(2, a0), digamma(a0)));
      return sub(t, add(mul(sub(a, 1), digamma(a)), mul(sub(b, 1), digamma(b))));
    });
  }

  /** α / (α + β). */
  override get mean(): Tensor {
    return scope(() => div(this.concentration1, add(this.concentration1, this.concentration0)));
  }

  /**
   * The most likely value, PyTorch's (the Dirichlet's mode's first entry): (α − 1)/(α + β − 2)
   * with α − 1 and β − 1 clamped at 0, so 0 where α <= 1 < β and 1 where β <= 1 < α; 1 where
   * both are < 1 (the density is infinite at both ends; PyTorch picks the first vertex); NaN
   * where both are <= 1 and one is 1.
   */
  get mode(): Tensor {
    return scope(() => select(dirichletMode(stack([this.concentration1, this.concentration0], -1)), -1, 0));
  }

  /** αβ / ((α + β)²·(α + β + 1)). */
  override get variance(): Tensor {
    return scope(() => {
      const total = add(this.concentration1, this.concentration0);
      return div(mul(this.concentration1, this.concentration0), mul(square(total), add(total, 1)));
    });
  }

  /** PyTorch's support: the unit interval [0, 1]. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notProbability(value), expected: 'values in [0, 1]' }];
  }

  /** PyTorch's support: unitInterval. */
  override get support(): Constraint {
    return unitInterval;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { concentration1: positive, concentration0: positive };
  }
}
