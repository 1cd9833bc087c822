// The geometric distribution (torch.distributions.Geometric): the number of failures before the
// first success of Bernoulli(probs) trials, P(k) = (1 − p)^k·p for k = 0, 1, … (PyTorch's; its
// Tensor.geometric_ counts the trials instead, from 1). Given probs in (0, 1] or logits; the other
// is derived once, here, as Bernoulli's.
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { sigmoid } from '../ops/table/activation.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { eq, gt, le, logicalAnd, logicalNot, logicalOr, lt, ne } from '../ops/table/compare.js';
import { zeros } from '../ops/table/creation.js';
import { binaryCrossEntropyWithLogits } from '../ops/table/loss.js';
import { log1p } from '../ops/table/math.js';
import { uniform } from '../ops/table/random.js';
import { floor, log, neg, trunc } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { probsToLogits } from './logits.js';
import { type Param, broadcastParams } from './params.js';
import { type ProbsOrLogits, probsOrLogits } from './probs-or-logits.js';
import { type Violation, checkNumber, checksOf, notReal, refuseViolations } from './validation.js';
import { type Constraint, nonnegativeInteger, real, unitInterval } from './transforms/constraint.js';

/** float32's smallest normal number: the uniform draw's floor, so that its log is finite. */
const FLOAT32_TINY = 2 ** -126;

export class Geometric extends Distribution {
  /** The probability of success of each trial, in (0, 1]. */
  readonly probs: Tensor;
  /** log(probs / (1 − probs)), from probs clamped to [eps, 1 − eps] when probs were given. */
  readonly logits: Tensor;

  constructor(probs: Param, options?: DistributionOptions);
  constructor(params: ProbsOrLogits);
  constructor(first: Param | ProbsOrLogits, second?: DistributionOptions) {
    const { given, value, options } = probsOrLogits('Geometric', first, second);
    const checks = checksOf('Geometric', options.validateArgs);
    // PyTorch checks probs in [0, 1] and then, apart, > 0: a success probability of 0 never ends.
    if (given === 'probs') checkNumber('Geometric', 'probs', value, (v) => v > 0 && v <= 1, 'a probability in (0, 1]', checks);
    else checkNumber('Geometric', 'logits', value, (v) => !Number.isNaN(v), 'a real number', checks);
    const { tensors: [param], batchShape } = broadcastParams('Geometric', [[given, value as Param]]);
    super(batchShape, [], checks);
    if (checks.tensors) {
      refuseViolations('Geometric', () => [
        given === 'probs'
          ? { name: 'probs', bad: logicalNot(logicalAnd(gt(param, 0), le(param, 1))), expected: 'probabilities in (0, 1]' }
          : { name: 'logits', bad: notReal(param), expected: 'real values (not NaN)' },
      ]);
    }
    if (given === 'probs') {
      this.probs = param;
      this.logits = scope(() => probsToLogits(param, true));
    } else {
      this.logits = param;
      this.probs = sigmoid(param);
    }
  }

  get device(): Device {
    return this.probs.device;
  }

  /** floor(log u / log1p(−probs)), u ~ U[tiny, 1) from the generator (the inverse cdf), float32; no gradients. */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    return noGrad(() => scope(() => floor(div(log(uniform(shape, FLOAT32_TINY, 1, { device: this.device, generator })), log1p(neg(this.probs))))));
  }

  /**
   * value·log1p(−probs) + log probs. Where probs is 1 and value 0 the first term is 0·(−∞): PyTorch
   * takes that probs as 0 there, so P(0) = 1 (log 0), and so does this.
   */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const given = this.valueArg('logProb', value);
      const v = given.dtype === 'float32' ? given : cast(given, 'float32');
      const probs = where(logicalAnd(eq(this.probs, 1), eq(v, 0)), 0, this.probs);
      return add(mul(v, log1p(neg(probs))), log(this.probs));
    });
  }

  /** BCE(logits, probs)/probs: the Bernoulli trial's entropy over the success probability. */
  override entropy(): Tensor {
    return scope(() => div(binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: 'none' }), this.probs));
  }

  /** 1/probs − 1. */
  override get mean(): Tensor {
    return scope(() => sub(div(1, this.probs), 1));
  }

  /** The most likely value: 0 (no gradient, as PyTorch's zeros_like). */
  get mode(): Tensor {
    return zeros(this.probs.shape, { device: this.device });
  }

  /** (1/probs − 1)/probs. */
  override get variance(): Tensor {
    return scope(() => div(sub(div(1, this.probs), 1), this.probs));
  }

  /** PyTorch's support: non-negative integers. */
  protected override outsideSupport(value: Tensor): Violation[] {
    const fractional = value.dtype === 'float32' ? ne(value, trunc(value)) : null;
    const negative = lt(value, 0);
    return [{ name: 'value', bad: fractional ? logicalOr(negative, fractional) : negative, expected: 'non-negative integers' }];
  }

  /** PyTorch's support: nonnegativeInteger. */
  override get support(): Constraint {
    return nonnegativeInteger;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { probs: unitInterval, logits: real };
  }
}
