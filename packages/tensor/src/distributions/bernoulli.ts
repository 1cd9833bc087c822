// The Bernoulli distribution (torch.distributions.Bernoulli): 1 with probability probs, else 0.
// Given probs or logits; the other is derived once, here, so both live as long as the
// distribution (PyTorch derives it lazily, which would make it in whichever scope first asks).
import type { Device } from '../device.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { sigmoid } from '../ops/table/activation.js';
import { mul, sub } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { logicalAnd, ne } from '../ops/table/compare.js';
import { arange } from '../ops/table/creation.js';
import { binaryCrossEntropyWithLogits } from '../ops/table/loss.js';
import { bernoulli } from '../ops/table/random.js';
import { expand } from '../ops/table/shape.js';
import { neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type EnumerateSupportOptions, type SampleOptions } from './distribution.js';
import { type Param, broadcastAll, broadcastParams } from './params.js';
import { probsToLogits } from './logits.js';
import { type ProbsOrLogits, probsOrLogits } from './probs-or-logits.js';
import { type Violation, checkNumber, checksOf, notProbability, notReal, refuseViolations } from './validation.js';
import { type Constraint, boolean, real, unitInterval } from './transforms/constraint.js';

export class Bernoulli extends Distribution {
  /** The probability of 1, in [0, 1]. */
  readonly probs: Tensor;
  /** log(probs / (1 − probs)), from probs clamped to [eps, 1 − eps] when probs were given. */
  readonly logits: Tensor;

  constructor(probs: Param, options?: DistributionOptions);
  constructor(params: ProbsOrLogits);
  constructor(first: Param | ProbsOrLogits, second?: DistributionOptions) {
    const { given, value, options } = probsOrLogits('Bernoulli', first, second);
    const checks = checksOf('Bernoulli', options.validateArgs);
    if (given === 'probs') checkNumber('Bernoulli', 'probs', value, (v) => v >= 0 && v <= 1, 'a probability in [0, 1]', checks);
    else checkNumber('Bernoulli', 'logits', value, (v) => !Number.isNaN(v), 'a real number', checks);
    const { tensors: [param], batchShape } = broadcastParams('Bernoulli', [[given, value as Param]]);
    super(batchShape, [], checks);
    if (given === 'probs') {
      this.probs = param;
      this.logits = scope(() => probsToLogits(param, true));
    } else {
      this.logits = param;
      this.probs = sigmoid(param);
    }
    if (checks.tensors) {
      refuseViolations('Bernoulli', () => [
        given === 'probs'
          ? { name: 'probs', bad: notProbability(this.probs), expected: 'probabilities in [0, 1]' }
          : { name: 'logits', bad: notReal(this.logits), expected: 'real values (not NaN)' },
      ]);
    }
  }

  get device(): Device {
    return this.probs.device;
  }

  override get hasEnumerateSupport(): boolean {
    return true;
  }

  /** [0, 1] (float32, as the draws) along a new first dim: [2, ...batchShape], or [2, 1, …] without expand. */
  override enumerateSupport(expand: boolean | EnumerateSupportOptions = true): Tensor {
    const e = this.enumerateArgs(expand);
    return scope(() => this.enumerated(arange(2, { dtype: 'float32', device: this.device }), e));
  }

  /** 0/1 draws (float32) from the generator's stream; no gradients (there is no rsample). */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    return noGrad(() => scope(() => bernoulli(expand(this.probs, shape), { generator })));
  }

  /** −BCE(logits, value): log probs where value is 1, log(1 − probs) where it is 0. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const shape = broadcastAll('Bernoulli.logProb', [['logits', this.logits.shape], ['value', v.shape]]);
      const target = v.dtype === 'float32' ? v : cast(v, 'float32');
      return neg(binaryCrossEntropyWithLogits(expand(this.logits, shape), expand(target, shape), { reduction: 'none' }));
    });
  }

  override entropy(): Tensor {
    return binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: 'none' });
  }

  override get mean(): Tensor {
    return this.probs;
  }

  override get variance(): Tensor {
    return scope(() => mul(this.probs, sub(1, this.probs)));
  }

  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: logicalAnd(ne(value, 0), ne(value, 1)), expected: '0 or 1' }];
  }

  /** PyTorch's support: boolean. */
  override get support(): Constraint {
    return boolean;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { probs: unitInterval, logits: real };
  }
}
