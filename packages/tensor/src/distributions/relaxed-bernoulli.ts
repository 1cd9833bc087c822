// The relaxed Bernoulli distribution (torch.distributions.RelaxedBernoulli; the binary Concrete of
// Maddison et al. 2017, Gumbel-softmax of Jang et al. 2017): values in (0, 1) that approach
// Bernoulli(probs)'s 0 and 1 as the temperature goes to 0, with reparameterised draws — a
// differentiable stand-in for a discrete choice. PyTorch builds it as a TransformedDistribution
// of LogitRelaxedBernoulli by SigmoidTransform; here that is written out: rsample is sigmoid of
// the logit draw (logistic noise plus logits, over the temperature), logProb the logit's density
// at logit(value) plus the sigmoid's log-Jacobian. As in PyTorch there is no mean, variance,
// entropy or cdf (the transformed distribution has none in closed form).
import type { Device } from '../device.js';
import { ValueError } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { sigmoid, softplus } from '../ops/table/activation.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { log1p } from '../ops/table/math.js';
import { rand } from '../ops/table/random.js';
import { clamp, log, neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { clampProbs, probsToLogits } from './logits.js';
import { type Param, broadcastParams, checkParam } from './params.js';
import { type ProbsOrLogits, probsOrLogits } from './probs-or-logits.js';
import { type Checks, type Violation, checkNumber, checksOf, notPositive, notProbability, notReal, refuseViolations } from './validation.js';
import { type Constraint, real, unitInterval } from './transforms/constraint.js';

/** float32's smallest normal number and machine epsilon: PyTorch's bounds for the sigmoid's output. */
const FLOAT32_TINY = 2 ** -126;
const FLOAT32_EPS = 2 ** -23;

/**
 * The arguments of the relaxed distributions, (temperature, probs[, options]) or
 * (temperature, { probs | logits, validateArgs }): which parameter was given, its value, the
 * checks; the temperature checked to be a number > 0 (free) or a float32 tensor (read with
 * validateArgs, by the caller). PyTorch does not check the temperature; a temperature <= 0 gives
 * NaN draws and densities.
 */
export function relaxedArgs(cls: string, temperature: unknown, second: unknown, third: unknown): { given: 'probs' | 'logits'; value: unknown; checks: Checks } {
  if (second === undefined) {
    throw new ValueError(`${cls}: expected (temperature, probs) or (temperature, { probs | logits }), got ${temperature === undefined ? 'no arguments' : 'only the temperature'}`);
  }
  const isObject = second !== null && typeof second === 'object' && !(second as Tensor).isTensor && !Array.isArray(second);
  if (isObject && third !== undefined) {
    throw new ValueError(`${cls}: options go in the object with probs or logits (new ${cls}(temperature, { logits, validateArgs })), not in a third argument`);
  }
  const { given, value, options } = probsOrLogits(cls, second, third as DistributionOptions | undefined);
  const checks = checksOf(cls, options.validateArgs);
  checkParam(cls, 'temperature', temperature);
  checkNumber(cls, 'temperature', temperature, (v) => v > 0, 'a number > 0', checks);
  return { given, value, checks };
}

export class RelaxedBernoulli extends Distribution {
  /** The temperature (> 0), broadcast to batchShape: the lower, the nearer the draws lie to 0 and 1. */
  readonly temperature: Tensor;
  /** The probability that the limiting Bernoulli gives 1, in [0, 1]. */
  readonly probs: Tensor;
  /** log(probs / (1 − probs)), from probs clamped to [eps, 1 − eps] when probs were given. */
  readonly logits: Tensor;

  constructor(temperature: Param, probs: Param, options?: DistributionOptions);
  constructor(temperature: Param, params: ProbsOrLogits);
  constructor(temperature: Param, second: Param | ProbsOrLogits, third?: DistributionOptions) {
    const { given, value, checks } = relaxedArgs('RelaxedBernoulli', temperature, second, third);
    if (given === 'probs') checkNumber('RelaxedBernoulli', 'probs', value, (v) => v >= 0 && v <= 1, 'a probability in [0, 1]', checks);
    else checkNumber('RelaxedBernoulli', 'logits', value, (v) => !Number.isNaN(v), 'a real number', checks);
    // PyTorch's batch shape is the parameter's; the temperature broadcasts with it here too (a
    // larger temperature gives PyTorch draws of a shape other than its batch shape says).
    const { tensors: [t, param], batchShape } = broadcastParams('RelaxedBernoulli', [['temperature', temperature], [given, value as Param]]);
    super(batchShape, [], checks);
    if (checks.tensors) {
      refuseViolations('RelaxedBernoulli', () => [
        { name: 'temperature', bad: notPositive(t), expected: 'values > 0' },
        given === 'probs'
          ? { name: 'probs', bad: notProbability(param), expected: 'probabilities in [0, 1]' }
          : { name: 'logits', bad: notReal(param), expected: 'real values (not NaN)' },
      ]);
    }
    this.temperature = t;
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

  override get hasRsample(): boolean {
    return true;
  }

  /**
   * sigmoid((logit(u) + logit(probs))/temperature), u ~ U[0, 1) from the generator, u and probs
   * clamped to [eps, 1 − eps] and the result to [tiny, 1 − eps] (PyTorch's): gradients reach the
   * temperature and probs (or logits).
   */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const probs = clampProbs(this.probs);
      const u = clampProbs(rand(shape, { device: this.device, generator }));
      const logit = div(sub(add(sub(log(u), log1p(neg(u))), log(probs)), log1p(neg(probs))), this.temperature);
      return clamp(sigmoid(logit), { min: FLOAT32_TINY, max: 1 - FLOAT32_EPS });
    });
  }

  /**
   * With x = logit(value) (value clamped to [tiny, 1 − eps], as PyTorch's inverse sigmoid) and
   * d = logits − x·temperature: log temperature + d − 2·softplus(d), the logit's density, plus
   * softplus(x) + softplus(−x), the sigmoid's log-Jacobian taken off. PyTorch writes softplus(d)
   * as log1p(exp(d)), which overflows to +∞ for d > 88 (a value near 0 at a low temperature) and
   * gives −∞ there; softplus gives the same values below that and the finite limit above.
   */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const y = clamp(v.dtype === 'float32' ? v : cast(v, 'float32'), { min: FLOAT32_TINY, max: 1 - FLOAT32_EPS });
      const x = sub(log(y), log1p(neg(y)));
      const diff = sub(this.logits, mul(x, this.temperature));
      const logitDensity = sub(add(log(this.temperature), diff), mul(softplus(diff), 2));
      return add(add(softplus(neg(x)), softplus(x)), logitDensity);
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
    return { probs: unitInterval, logits: real };
  }
}
