// The Kumaraswamy distribution on [0, 1] (torch.distributions.Kumaraswamy): density
// a·b·x^(a−1)·(1 − x^a)^(b−1), shaped like Beta(a, b) but with a closed-form cdf and quantile, so
// its draws are cheap and reparameterised (a stand-in for Beta in variational inference). PyTorch
// builds it as a TransformedDistribution of Uniform(0, 1) by u ↦ u^(1/b), u ↦ 1 − u, u ↦ u^(1/a);
// here those are written out: rsample is (1 − u^(1/b))^(1/a), logProb, cdf and icdf closed forms.
// Its moments are PyTorch's, E[xⁿ] = b·B(1 + n/a, b); mode: Note [Weibull and Kumaraswamy modes].
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, pow, sub, where } from '../ops/table/binary.js';
import { logicalOr, lt } from '../ops/table/compare.js';
import { reciprocal } from '../ops/table/composed-elementwise.js';
import { square } from '../ops/table/composed-ops.js';
import { digamma, lgamma } from '../ops/table/gamma-functions.js';
import { expm1, log1p } from '../ops/table/math.js';
import { rand } from '../ops/table/random.js';
import { exp, log, neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { positiveParams } from './params.js';
import type { Param } from './params.js';
import { type Violation, notProbability } from './validation.js';
import { EULER_GAMMA } from './weibull.js';
import { type Constraint, positive, unitInterval } from './transforms/constraint.js';

/** E[xⁿ] = b·Γ(1 + n/a)·Γ(b)/Γ(1 + n/a + b) (PyTorch's _moments). */
function moment(a: Tensor, b: Tensor, n: number): Tensor {
  const arg = add(div(n, a), 1);
  return mul(b, exp(sub(add(lgamma(arg), lgamma(b)), lgamma(add(arg, b)))));
}

export class Kumaraswamy extends Distribution {
  /** a (> 0), the exponent of x, broadcast to batchShape. */
  readonly concentration1: Tensor;
  /** b (> 0), the exponent of 1 − x^a, broadcast to batchShape. */
  readonly concentration0: Tensor;

  constructor(concentration1: Param, concentration0: Param, options: DistributionOptions = {}) {
    const p = positiveParams('Kumaraswamy', [['concentration1', concentration1], ['concentration0', concentration0]], options);
    super(p.batchShape, [], p.checks);
    [this.concentration1, this.concentration0] = p.tensors;
  }

  get device(): Device {
    return this.concentration1.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** (1 − u^(1/b))^(1/a) for u ~ U[0, 1) from the generator (PyTorch's transforms of its uniform draw): gradients reach a and b. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const u = rand(shape, { device: this.device, generator });
      return pow(sub(1, pow(u, reciprocal(this.concentration0))), reciprocal(this.concentration1));
    });
  }

  /** log a + log b + (a − 1)·log x + (b − 1)·log1p(−x^a). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const x = this.valueArg('logProb', value);
      const [a, b] = [this.concentration1, this.concentration0];
      return add(add(add(log(a), log(b)), mul(sub(a, 1), log(x))), mul(sub(b, 1), log1p(neg(pow(x, a)))));
    });
  }

  /** 1 − (1 − x^a)^b. */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const x = this.valueArg('cdf', value);
      return neg(expm1(mul(this.concentration0, log1p(neg(pow(x, this.concentration1))))));
    });
  }

  /** (1 − (1 − u)^(1/b))^(1/a). */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const u = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return pow(sub(1, pow(sub(1, u), reciprocal(this.concentration0))), reciprocal(this.concentration1));
    });
  }

  /** (1 − 1/b) + (1 − 1/a)·(ψ(b + 1) + γ) − log a − log b. */
  override entropy(): Tensor {
    return scope(() => {
      const [a, b] = [this.concentration1, this.concentration0];
      const t1 = sub(1, reciprocal(a));
      const t0 = sub(1, reciprocal(b));
      const h0 = add(digamma(add(b, 1)), EULER_GAMMA);
      return sub(sub(add(t0, mul(t1, h0)), log(a)), log(b));
    });
  }

  /** b·B(1 + 1/a, b). */
  override get mean(): Tensor {
    return scope(() => moment(this.concentration1, this.concentration0, 1));
  }

  /** The most likely value: ((a − 1)/(ab − 1))^(1/a) for a, b >= 1, NaN where a < 1 or b < 1 or a = b = 1 (Note [Weibull and Kumaraswamy modes]). */
  get mode(): Tensor {
    return scope(() => {
      const below = logicalOr(lt(this.concentration1, 1), lt(this.concentration0, 1));
      const a = where(below, 2, this.concentration1);
      const b = where(below, 2, this.concentration0);
      return where(below, NaN, pow(div(sub(a, 1), sub(mul(a, b), 1)), reciprocal(a)));
    });
  }

  /** E[x²] − E[x]². */
  override get variance(): Tensor {
    return scope(() => {
      const [a, b] = [this.concentration1, this.concentration0];
      return sub(moment(a, b, 2), square(moment(a, b, 1)));
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
