// The categorical distribution over the last dim (torch.distributions.Categorical): the index of
// one of K categories. probs need not sum to 1 (they are divided by their sum); logits are
// normalised by their logsumexp. batchShape is the parameter's shape without its last dim.
import type { Device } from '../device.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { numelOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { ge, gt, logicalNot, logicalOr, lt, ne } from '../ops/table/compare.js';
import { isfinite } from '../ops/table/composed-ops.js';
import { argmax } from '../ops/table/reduce.js';
import { arange, zeros } from '../ops/table/creation.js';
import { gather } from '../ops/table/index-ops.js';
import { multinomial, multinomialWeightsCheck } from '../ops/table/multinomial.js';
import type { Generator } from '../ops/table/random.js';
import { logsumexp, sum } from '../ops/table/reduce.js';
import { softmax } from '../ops/table/softmax.js';
import { expand, reshape, squeeze, transpose, unsqueeze } from '../ops/table/shape.js';
import { clamp, neg, trunc } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type EnumerateSupportOptions, type SampleOptions } from './distribution.js';
import { broadcastAll, checkParam } from './params.js';
import { probsToLogits } from './logits.js';
import { type ProbsOrLogits, probsOrLogits } from './probs-or-logits.js';
import { type Checks, type Violation, checksOf, notNonNegative, notReal, refuseViolations } from './validation.js';
import { type Constraint, integerInterval, real, simplex } from './transforms/constraint.js';

/** float32's lowest finite value: entropy clamps logits of −∞ to it so that 0·log 0 counts 0. */
const FLOAT32_MIN = -3.4028234663852886e38;

/**
 * Categorical's parameters (OneHotCategorical's too): the given probs or logits checked, then
 * normalised over the last dim, the other derived; batchShape drops the last dim.
 */
export function categoricalParams(cls: string, given: 'probs' | 'logits', value: unknown, checks: Checks): { probs: Tensor; logits: Tensor; batchShape: number[] } {
  checkParam(cls, given, value);
  if (typeof value === 'number' || value.shape.length === 0 || value.shape[value.shape.length - 1] === 0) {
    const got = typeof value === 'number' ? 'a number' : fmtShape(value.shape);
    throw new ShapeError(`${cls}: ${given} expected a tensor of at least 1 dimension with at least one category in the last, got ${got}`);
  }
  if (checks.tensors) {
    refuseViolations(cls, () =>
      given === 'probs'
        ? [
            { name: 'probs', bad: logicalOr(notNonNegative(value), logicalNot(isfinite(value))), expected: 'finite values >= 0' },
            { name: 'probs', bad: logicalNot(gt(sum(value, -1), 0)), expected: 'a positive sum over the last dim' },
          ]
        : [{ name: 'logits', bad: notReal(value), expected: 'real values (not NaN)' }],
    );
  }
  const batchShape = value.shape.slice(0, -1);
  if (given === 'probs') {
    const probs = scope(() => {
      const normalised = div(value, sum(value, { dim: -1, keepdim: true }));
      if (checks.tensors || !checks.numbers) return normalised;
      // Without validateArgs, still refuse what cannot be probabilities — logits passed where
      // probs go, in a user trial — at no wait: multinomial's check runs on the device and its
      // error reaches every read of probs (Note [weights checked on the device]).
      const K = value.shape[value.shape.length - 1];
      let check: Tensor;
      try {
        check = multinomialWeightsCheck(reshape(value, [numelOf(batchShape), K]));
      } catch (e) {
        // The check ran at once (an idle queue): say it in this class's words.
        if (!(e instanceof ValueError)) throw e;
        const detail = e.message.replace(/^multinomial: weights /, 'probs ').replace(/^multinomial: (row \d+) of the weights/, 'probs $1');
        throw new ValueError(`${cls}: ${detail}${detail.includes('non-negative') ? ' (logits go in { logits })' : ''}`);
      }
      // The check's output is an int64 zero: adding it keeps the values and carries its error.
      return add(normalised, check);
    });
    return { probs, logits: scope(() => probsToLogits(probs, false)), batchShape };
  }
  const logits = scope(() => sub(value, logsumexp(value, { dim: -1, keepdim: true })));
  return { probs: softmax(logits, -1), logits, batchShape };
}

/** Category indices (int64) of `shape` (sampleShape + batchShape) drawn from `probs` [...batchShape, K]. */
export function sampleCategorical(probs: Tensor, batchShape: readonly number[], shape: number[], generator: Generator, validate: boolean): Tensor {
  const draws = numelOf(shape.slice(0, shape.length - batchShape.length));
  const rows = numelOf(batchShape);
  if (draws === 0 || rows === 0) return zeros(shape, { dtype: 'int64', device: probs.device });
  return noGrad(() =>
    scope(() => {
      // One row of weights per batch element, every draw of it in that row (PyTorch's sample).
      // The weights are checked on the device at no wait (Note [weights checked on the device]):
      // probabilities gone NaN (a diverged policy) fail the sample's read, unless validateArgs is false.
      const perRow = multinomial(reshape(probs, [rows, probs.shape[probs.shape.length - 1]]), draws, { replacement: true, generator, validate });
      return reshape(transpose(perRow, 0, 1), shape);
    }),
  );
}

/** −Σ probs·logits over the last dim, logits of −∞ clamped so that 0·log 0 counts 0. */
export const categoricalEntropy = (logits: Tensor, probs: Tensor): Tensor => scope(() => neg(sum(mul(clamp(logits, { min: FLOAT32_MIN }), probs), -1)));

export class Categorical extends Distribution {
  /** The probabilities over the last dim, normalised to sum to 1. */
  readonly probs: Tensor;
  /** The log-probabilities over the last dim (normalised; from probs clamped to [eps, 1 − eps] when probs were given). */
  readonly logits: Tensor;

  constructor(probs: Tensor, options?: DistributionOptions);
  constructor(params: ProbsOrLogits<Tensor>);
  constructor(first: Tensor | ProbsOrLogits<Tensor>, second?: DistributionOptions) {
    const { given, value, options } = probsOrLogits('Categorical', first, second);
    const checks = checksOf('Categorical', options.validateArgs);
    const { probs, logits, batchShape } = categoricalParams('Categorical', given, value, checks);
    super(batchShape, [], checks);
    this.probs = probs;
    this.logits = logits;
  }

  get device(): Device {
    return this.probs.device;
  }

  /** The most likely category (int64; the first of equals), PyTorch's Categorical.mode: a greedy policy's action. */
  get mode(): Tensor {
    return argmax(this.probs, -1);
  }

  /** The number of categories K (the last dim). */
  get numCategories(): number {
    return this.probs.shape[this.probs.shape.length - 1];
  }

  override get hasEnumerateSupport(): boolean {
    return true;
  }

  /** The categories 0 … K − 1 (int64, as the draws) along a new first dim: [K, ...batchShape], or [K, 1, …] without expand. */
  override enumerateSupport(expand: boolean | EnumerateSupportOptions = true): Tensor {
    const e = this.enumerateArgs(expand);
    return scope(() => this.enumerated(arange(this.numCategories, { dtype: 'int64', device: this.device }), e));
  }

  /** Category indices (int64) of shape sampleShape + batchShape, from the generator's stream. */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    return sampleCategorical(this.probs, this.batchShape, shape, generator, this.checks.numbers);
  }

  /** The log-probability of category `value` (integers; float values are truncated as PyTorch's .long()). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const index = unsqueeze(v.dtype === 'int64' ? v : cast(v, 'int64'), -1);
      const shape = broadcastAll('Categorical.logProb', [['value', index.shape], ['logits', this.logits.shape]]);
      const picked = gather(expand(this.logits, shape), -1, expand(index, [...shape.slice(0, -1), 1]));
      return squeeze(picked, -1);
    });
  }

  override entropy(): Tensor {
    return categoricalEntropy(this.logits, this.probs);
  }

  protected override outsideSupport(value: Tensor): Violation[] {
    const outside = logicalOr(lt(value, 0), ge(value, this.numCategories));
    const fractional = value.dtype === 'float32' ? ne(value, trunc(value)) : null;
    return [{ name: 'value', bad: fractional ? logicalOr(outside, fractional) : outside, expected: `category indices in [0, ${this.numCategories})` }];
  }

  /** PyTorch's support: category indices 0 … K − 1. */
  override get support(): Constraint {
    return integerInterval(0, this.numCategories - 1);
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { probs: simplex, logits: real.independent(1) };
  }
}
