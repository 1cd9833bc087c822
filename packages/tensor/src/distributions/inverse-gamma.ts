// The inverse gamma distribution (torch.distributions.InverseGamma): 1/X for X ~ Gamma(α, rate),
// density rate^α·y^(−α−1)·e^(−rate/y)/Γ(α) on (0, ∞). As PyTorch's, a TransformedDistribution of
// the Gamma (baseDist) by PowerTransform(−1): logProb, cdf, rsample (differentiable w.r.t. both
// parameters through the gamma draw) come through the transform; mean, mode, variance and
// entropy are PyTorch's closed forms. KL‖InverseGamma is TransformedDistribution's: the Gammas'.
import { fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { gt } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { digamma, lgamma } from '../ops/table/gamma-functions.js';
import { expand } from '../ops/table/shape.js';
import { log } from '../ops/table/unary.js';
import type { Distribution, DistributionOptions } from './distribution.js';
import { Gamma } from './gamma.js';
import { type Param, positiveParams } from './params.js';
import { TransformedDistribution } from './transformed-distribution.js';
import { type Constraint, positive } from './transforms/constraint.js';
import { PowerTransform } from './transforms/elementwise.js';

export class InverseGamma extends TransformedDistribution {
  /** Gamma(concentration, rate): the distribution of 1/draw (PyTorch's base_dist). */
  declare readonly baseDist: Gamma;

  /** InverseGamma(concentration α > 0, rate > 0); 1/rate is the Gamma's scale. */
  constructor(concentration: Param, rate: Param, options: DistributionOptions = {}) {
    // Checked here, under this class's name; the Gamma takes the broadcast tensors as they are.
    const p = positiveParams('InverseGamma', [['concentration', concentration], ['rate', rate]], options);
    super(new Gamma(p.tensors[0], p.tensors[1], { validateArgs: false }), new PowerTransform(-1), options.validateArgs === undefined ? {} : { validateArgs: options.validateArgs });
  }

  /** α (> 0), broadcast to batchShape. */
  get concentration(): Tensor {
    return this.baseDist.concentration;
  }

  /** The rate (> 0), broadcast to batchShape. */
  get rate(): Tensor {
    return this.baseDist.rate;
  }

  /** rate/(α − 1) where α > 1, +∞ elsewhere. */
  override get mean(): Tensor {
    return scope(() => {
      const above = gt(this.concentration, 1);
      return where(above, div(this.rate, sub(where(above, this.concentration, 2), 1)), Infinity);
    });
  }

  /** The most likely value: rate/(α + 1). */
  get mode(): Tensor {
    return scope(() => div(this.rate, add(this.concentration, 1)));
  }

  /** rate²/((α − 1)²·(α − 2)) where α > 2, +∞ elsewhere. */
  override get variance(): Tensor {
    return scope(() => {
      const above = gt(this.concentration, 2);
      const a = where(above, this.concentration, 3);
      return where(above, div(square(this.rate), mul(square(sub(a, 1)), sub(a, 2))), Infinity);
    });
  }

  /** α + log(rate) + log Γ(α) − (1 + α)·ψ(α). */
  override entropy(): Tensor {
    return scope(() => {
      const a = this.concentration;
      return sub(add(add(a, log(this.rate)), lgamma(a)), mul(add(a, 1), digamma(a)));
    });
  }

  /** PyTorch's support: values > 0. */
  override get support(): Constraint {
    return positive;
  }

  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { concentration: positive, rate: positive };
  }

  override toString(): string {
    return `InverseGamma(batchShape: ${fmtShape(this.batchShape)}, eventShape: [])`;
  }

  /** InverseGamma again with the parameters expanded (PyTorch's expand). */
  protected override expandTo(batchShape: number[]): Distribution {
    return scope(() => new InverseGamma(expand(this.concentration, batchShape), expand(this.rate, batchShape), { validateArgs: this.validateArgs }));
  }
}
