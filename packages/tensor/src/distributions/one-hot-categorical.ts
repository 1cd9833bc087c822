// The one-hot categorical distribution (torch.distributions.OneHotCategorical): Categorical's
// draws as one-hot float32 vectors over the last dim, so eventShape is [K]. Given probs (need not
// sum to 1) or logits (unnormalised), normalised as Categorical's.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { mul, sub } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { eq, logicalNot, logicalOr, ne } from '../ops/table/compare.js';
import { arange } from '../ops/table/creation.js';
import { gather } from '../ops/table/index-ops.js';
import { argmax, max, sum } from '../ops/table/reduce.js';
import { expand, squeeze, unsqueeze } from '../ops/table/shape.js';
import { categoricalEntropy, categoricalParams, sampleCategorical } from './categorical.js';
import { Distribution, type DistributionOptions, type EnumerateSupportOptions, type SampleOptions } from './distribution.js';
import { broadcastAll } from './params.js';
import { type ProbsOrLogits, probsOrLogits } from './probs-or-logits.js';
import { type Violation, checksOf } from './validation.js';
import { type Constraint, oneHot, real, simplex } from './transforms/constraint.js';

/** float32 one-hot rows of `indices` (int64) over `k` classes, without reading the indices. */
const oneHotOf = (indices: Tensor, k: number): Tensor => cast(eq(unsqueeze(indices, -1), arange(k, { dtype: 'int64', device: indices.device })), 'float32');

export class OneHotCategorical extends Distribution {
  /** The probabilities over the last dim, normalised to sum to 1. */
  readonly probs: Tensor;
  /** The log-probabilities over the last dim (normalised; from probs clamped to [eps, 1 − eps] when probs were given). */
  readonly logits: Tensor;

  constructor(probs: Tensor, options?: DistributionOptions);
  constructor(params: ProbsOrLogits<Tensor>);
  constructor(first: Tensor | ProbsOrLogits<Tensor>, second?: DistributionOptions) {
    const { given, value, options } = probsOrLogits('OneHotCategorical', first, second);
    const checks = checksOf('OneHotCategorical', options.validateArgs);
    const { probs, logits, batchShape } = categoricalParams('OneHotCategorical', given, value, checks);
    super(batchShape, [probs.shape[probs.shape.length - 1]], checks);
    this.probs = probs;
    this.logits = logits;
  }

  get device(): Device {
    return this.probs.device;
  }

  /** The number of categories K (the last dim, the event's size). */
  get numCategories(): number {
    return this.probs.shape[this.probs.shape.length - 1];
  }

  override get hasEnumerateSupport(): boolean {
    return true;
  }

  /** The K one-hot rows (float32, the identity's) along a new first dim: [K, ...batchShape, K], or [K, 1, …, K] without expand. */
  override enumerateSupport(expand: boolean | EnumerateSupportOptions = true): Tensor {
    const e = this.enumerateArgs(expand);
    const k = this.numCategories;
    return scope(() => this.enumerated(oneHotOf(arange(k, { dtype: 'int64', device: this.device }), k), e));
  }

  /** One-hot float32 rows of shape sampleShape + batchShape + [K], from Categorical's draws. */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    return noGrad(() => scope(() => oneHotOf(sampleCategorical(this.probs, this.batchShape, shape.slice(0, -1), generator, this.checks.numbers), this.numCategories)));
  }

  /** The log-probability of the category where each one-hot `value` is largest (PyTorch's value.max(-1) index). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const index = unsqueeze(max(v, -1).indices, -1);
      const shape = broadcastAll('OneHotCategorical.logProb', [['value', index.shape], ['logits', this.logits.shape]]);
      return squeeze(gather(expand(this.logits, shape), -1, expand(index, [...shape.slice(0, -1), 1])), -1);
    });
  }

  override entropy(): Tensor {
    return categoricalEntropy(this.logits, this.probs);
  }

  /** probs. */
  override get mean(): Tensor {
    return this.probs;
  }

  /** The one-hot row of the most likely category (the first of equals), float32. */
  get mode(): Tensor {
    return scope(() => oneHotOf(argmax(this.probs, -1), this.numCategories));
  }

  /** probs·(1 − probs). */
  override get variance(): Tensor {
    return scope(() => mul(this.probs, sub(1, this.probs)));
  }

  /** PyTorch's one_hot support: every value 0 or 1, each row summing to 1. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [
      { name: 'value', bad: logicalNot(logicalOr(eq(value, 0), eq(value, 1))), expected: 'one-hot vectors (values 0 or 1)' },
      { name: 'value', bad: ne(sum(value, -1), 1), expected: 'one-hot vectors (a single 1 in the last dim)' },
    ];
  }

  /** PyTorch's support: oneHot. */
  override get support(): Constraint {
    return oneHot;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { probs: simplex, logits: real.independent(1) };
  }
}
