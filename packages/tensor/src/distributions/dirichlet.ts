// The Dirichlet distribution over the probability simplex (torch.distributions.Dirichlet): vectors
// of K values >= 0 summing to 1, density Γ(Σα)/ΠΓ(α_k)·Π x_k^(α_k − 1), given the concentration
// α [...batchShape, K] (all > 0); eventShape is [K]. PyTorch's formulas. rsample normalises K
// independent Gamma(α_k, 1) draws; each is differentiable w.r.t. its α_k (implicit
// reparameterisation), so gradients reach α through the normalisation. PyTorch's own _Dirichlet
// backward uses a different implicit reparameterisation of the same draw distribution: the
// gradients of one draw differ, their expectations agree.
import type { Device } from '../device.js';
import { ShapeError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { eq, ge, logicalNot, lt } from '../ops/table/compare.js';
import { all, square } from '../ops/table/composed-ops.js';
import { xlogy } from '../ops/table/composed-log-math.js';
import { arange } from '../ops/table/creation.js';
import { digamma, lgamma } from '../ops/table/gamma-functions.js';
import { sum } from '../ops/table/reduce.js';
import { unsqueeze } from '../ops/table/shape.js';
import { abs, clamp } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { gammaDraws } from './gamma.js';
import { checkParam } from './params.js';
import { type Violation, checksOf, notPositive, refuseViolations } from './validation.js';
import { type Constraint, positive, simplex } from './transforms/constraint.js';

const VECTOR_UNIT = ['vector', 'vectors'] as const;

/** PyTorch's simplex tolerance: a value's sum may miss 1 by less than this. */
const SIMPLEX_TOLERANCE = 1e-6;

/** The mode of Dirichlet(α) over the last dim of α (Beta's is its first entry): PyTorch's, see Dirichlet.mode. */
export function dirichletMode(concentration: Tensor): Tensor {
  const k = concentration.shape[concentration.shape.length - 1];
  const above = clamp(sub(concentration, 1), { min: 0 });
  const mode = div(above, sum(above, { dim: -1, keepdim: true }));
  const firstVertex = cast(eq(arange(k, { device: concentration.device }), 0), 'float32');
  return where(unsqueeze(all(lt(concentration, 1), -1), -1), firstVertex, mode);
}

export class Dirichlet extends Distribution {
  /** α [...batchShape, K], every value > 0. */
  readonly concentration: Tensor;

  constructor(concentration: Tensor, options: DistributionOptions = {}) {
    checkOptions('Dirichlet', options, ['validateArgs']);
    const checks = checksOf('Dirichlet', options.validateArgs);
    checkParam('Dirichlet', 'concentration', concentration);
    if (typeof concentration === 'number' || concentration.shape.length === 0) {
      const got = typeof concentration === 'number' ? 'a number' : fmtShape(concentration.shape);
      throw new ShapeError(`Dirichlet: concentration expected a tensor of at least 1 dimension (the last holds the K concentrations), got ${got}`);
    }
    super(concentration.shape.slice(0, -1), concentration.shape.slice(-1), checks);
    this.concentration = concentration;
    if (checks.tensors) refuseViolations('Dirichlet', () => [{ name: 'concentration', bad: notPositive(concentration), expected: 'values > 0' }]);
  }

  get device(): Device {
    return this.concentration.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** Gamma(α, 1) draws (clamped to float32's smallest normal, as PyTorch's) over their sum: gradients reach concentration. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const g = gammaDraws(this.concentration, 1, shape, generator);
      return div(g, sum(g, { dim: -1, keepdim: true }));
    });
  }

  /** Σ (α − 1)·log(value) + log Γ(Σα) − Σ log Γ(α) (xlogy: α = 1 at a value of 0 adds 0). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const a = this.concentration;
      return sub(add(sum(xlogy(sub(a, 1), v), -1), lgamma(sum(a, -1))), sum(lgamma(a), -1));
    });
  }

  /** Σ log Γ(α) − log Γ(α₀) − (K − α₀)·ψ(α₀) − Σ (α − 1)·ψ(α), α₀ = Σα. */
  override entropy(): Tensor {
    return scope(() => {
      const a = this.concentration;
      const k = a.shape[a.shape.length - 1];
      const a0 = sum(a, -1);
      const t = sub(sub(sum(lgamma(a), -1), lgamma(a0)), mul(sub(k, a0), digamma(a0)));
      return sub(t, sum(mul(sub(a, 1), digamma(a)), -1));
    });
  }

  /** α / Σα. */
  override get mean(): Tensor {
    return scope(() => div(this.concentration, sum(this.concentration, { dim: -1, keepdim: true })));
  }

  /**
   * The most likely vector: (α − 1)/Σ(α − 1) with α − 1 clamped at 0, PyTorch's. Where every α < 1
   * (the density is infinite at each vertex) it is the first vertex [1, 0, …, 0], which is what
   * PyTorch's one_hot(argmax) of that row's 0/0 = NaN gives; where the clamped sum is 0 otherwise
   * (all α <= 1, some = 1), NaN.
   */
  get mode(): Tensor {
    return scope(() => dirichletMode(this.concentration));
  }

  /** α·(α₀ − α) / (α₀²·(α₀ + 1)). */
  override get variance(): Tensor {
    return scope(() => {
      const a = this.concentration;
      const a0 = sum(a, { dim: -1, keepdim: true });
      return div(mul(a, sub(a0, a)), mul(square(a0), add(a0, 1)));
    });
  }

  /** PyTorch's simplex: values >= 0 whose sum over the last dim is within 1e-6 of 1. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [
      { name: 'value', bad: logicalNot(all(ge(value, 0), -1)), expected: 'vectors on the simplex (values >= 0)', unit: VECTOR_UNIT },
      { name: 'value', bad: logicalNot(lt(abs(sub(sum(value, -1), 1)), SIMPLEX_TOLERANCE)), expected: 'vectors on the simplex (a sum of 1 over the last dim)', unit: VECTOR_UNIT },
    ];
  }

  /** PyTorch's support: simplex. */
  override get support(): Constraint {
    return simplex;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { concentration: positive.independent(1) };
  }
}
