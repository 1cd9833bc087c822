// The relaxed one-hot categorical distribution (torch.distributions.RelaxedOneHotCategorical; the
// Concrete of Maddison et al. 2017, Gumbel-softmax of Jang et al. 2017): points of the simplex
// over the last dim that approach OneHotCategorical's one-hot rows as the temperature goes to 0,
// with reparameterised draws. PyTorch builds it as a TransformedDistribution of
// ExpRelaxedCategorical by ExpTransform; here that is written out: rsample is softmax of
// (logits + Gumbel noise)/temperature (as exp of its log-softmax, PyTorch's), logProb the
// log-simplex density at log(value) less Σ log(value), the exp's log-Jacobian. As in PyTorch
// there is no mean, variance, entropy or cdf. Given probs (need not sum to 1) or logits
// (unnormalised), normalised as Categorical's; eventShape is [K].
import type { Device } from '../device.js';
import { ShapeError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { logicalNot, lt } from '../ops/table/compare.js';
import { full } from '../ops/table/creation.js';
import { logsumexp, sum } from '../ops/table/reduce.js';
import { rand } from '../ops/table/random.js';
import { expand, unsqueeze } from '../ops/table/shape.js';
import { abs, exp, log, neg } from '../ops/table/unary.js';
import { categoricalParams } from './categorical.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { clampProbs } from './logits.js';
import { type Param, checkParam, deviceOf } from './params.js';
import type { ProbsOrLogits } from './probs-or-logits.js';
import { relaxedArgs } from './relaxed-bernoulli.js';
import { type Violation, notNonNegative, notPositive, refuseViolations } from './validation.js';
import { type Constraint, real, simplex } from './transforms/constraint.js';

/** log Γ(k) = log (k − 1)! for an integer k >= 1, in float64. */
const logFactorialBelow = (k: number): number => Array.from({ length: k - 1 }, (_, i) => Math.log(i + 1)).reduce((a, b) => a + b, 0);

export class RelaxedOneHotCategorical extends Distribution {
  /**
   * The temperature (> 0), broadcast to batchShape (a tensor's shape lines up with the batch
   * dims, not the categories): the lower, the nearer the draws lie to one-hot rows.
   */
  readonly temperature: Tensor;
  /** The probabilities of the limiting OneHotCategorical over the last dim, normalised to sum to 1, [...batchShape, K]. */
  readonly probs: Tensor;
  /** The log-probabilities over the last dim (normalised; from probs clamped to [eps, 1 − eps] when probs were given). */
  readonly logits: Tensor;

  constructor(temperature: Param, probs: Tensor, options?: DistributionOptions);
  constructor(temperature: Param, params: ProbsOrLogits<Tensor>);
  constructor(temperature: Param, second: Tensor | ProbsOrLogits<Tensor>, third?: DistributionOptions) {
    const cls = 'RelaxedOneHotCategorical';
    const { given, value, checks } = relaxedArgs(cls, temperature, second, third);
    checkParam(cls, given, value);
    const device = deviceOf(cls, [[given, value], ['temperature', temperature]]);
    // The batch shape is the parameter's without its last dim, broadcast with the temperature's
    // (PyTorch keeps the parameter's and divides [..., K] scores by the temperature, so a
    // temperature of the batch's shape would line up with the categories there).
    const made = scope(() => {
      const c = categoricalParams(cls, given, value, checks);
      const t = typeof temperature === 'number' ? [] : temperature.shape;
      let batchShape: number[];
      try {
        batchShape = broadcastShapes(cls, t, c.batchShape);
      } catch {
        const paramShape = (value as Tensor).shape;
        throw new ShapeError(`${cls}: temperature ${fmtShape(t)} expected a shape that broadcasts with the batchShape ${fmtShape(c.batchShape)} (${given} ${fmtShape(paramShape)} without its last dim, the categories)`);
      }
      const k = c.probs.shape[c.probs.shape.length - 1];
      const tensor = typeof temperature === 'number' ? full([], temperature, { device }) : temperature;
      return { probs: expand(c.probs, [...batchShape, k]), logits: expand(c.logits, [...batchShape, k]), temperature: expand(tensor, batchShape), batchShape, k };
    });
    super(made.batchShape, [made.k], checks);
    if (checks.tensors) refuseViolations(cls, () => [{ name: 'temperature', bad: notPositive(made.temperature), expected: 'values > 0' }]);
    this.temperature = made.temperature;
    this.probs = made.probs;
    this.logits = made.logits;
  }

  get device(): Device {
    return this.probs.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** The number of categories K (the last dim, the event's size). */
  get numCategories(): number {
    return this.probs.shape[this.probs.shape.length - 1];
  }

  /**
   * softmax((logits + g)/temperature) over the last dim, g = −log(−log u) Gumbel noise from
   * u ~ U[0, 1) of the generator clamped to [eps, 1 − eps] (PyTorch's): gradients reach the
   * temperature and probs (or logits).
   */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const u = clampProbs(rand(shape, { device: this.device, generator }));
      const scores = div(add(this.logits, neg(log(neg(log(u))))), unsqueeze(this.temperature, -1));
      return exp(sub(scores, logsumexp(scores, { dim: -1, keepdim: true })));
    });
  }

  /**
   * With x = log(value): log Γ(K) + (K − 1)·log temperature + Σ log_softmax(logits − x·temperature),
   * the density of x, less Σ x (the exp's log-Jacobian).
   */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const x = log(v.dtype === 'float32' ? v : cast(v, 'float32'));
      const k = this.numCategories;
      const logScale = add(mul(log(this.temperature), k - 1), logFactorialBelow(k));
      const score = sub(this.logits, mul(x, unsqueeze(this.temperature, -1)));
      const logDensity = add(sum(sub(score, logsumexp(score, { dim: -1, keepdim: true })), -1), logScale);
      return add(neg(sum(x, -1)), logDensity);
    });
  }

  /** PyTorch's simplex: values >= 0 in the last dim, summing to 1 within 1e-6. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [
      { name: 'value', bad: notNonNegative(value), expected: 'points of the simplex (values >= 0)' },
      { name: 'value', bad: logicalNot(lt(abs(sub(sum(value, -1), 1)), 1e-6)), expected: 'points of the simplex (summing to 1 over the last dim, within 1e-6)' },
    ];
  }

  /** PyTorch's support: simplex. */
  override get support(): Constraint {
    return simplex;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { probs: simplex, logits: real.independent(1) };
  }
}
