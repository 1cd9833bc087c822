// The continuous Bernoulli distribution (torch.distributions.ContinuousBernoulli; Loaiza-Ganem &
// Cunningham, NeurIPS 2019): density C(λ)·λ^x·(1 − λ)^(1 − x) on [0, 1], the likelihood a VAE on
// [0, 1]-valued pixels should use where it would use Bernoulli's (whose BCE lacks the normaliser
// C(λ)). Given probs λ or logits (λ = sigmoid(logits)): neither is a probability, the names follow
// Bernoulli's. PyTorch's formulas throughout, continuous_bernoulli.py line for line: near λ = ½,
// inside `lims` (default [0.499, 0.501]), where the closed forms divide 0 by 0, log C, the mean and
// the variance are Taylor expansions in λ − ½, and cdf and icdf are those of the uniform; the
// closed forms are then evaluated at lims[0] instead, so neither branch's gradient is NaN.
import type { Device } from '../device.js';
import { ValueError } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { sigmoid } from '../ops/table/activation.js';
import { add, div, mul, pow, sub, where } from '../ops/table/binary.js';
import { cast } from '../ops/table/cast.js';
import { ge, gt, le, logicalOr } from '../ops/table/compare.js';
import { square } from '../ops/table/composed-ops.js';
import { binaryCrossEntropyWithLogits } from '../ops/table/loss.js';
import { log1p } from '../ops/table/math.js';
import { rand } from '../ops/table/random.js';
import { expand } from '../ops/table/shape.js';
import { abs, log, neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { clampProbs, probsToLogits } from './logits.js';
import { type Param, broadcastAll, broadcastParams } from './params.js';
import { type ProbsOrLogits, probsOrLogits } from './probs-or-logits.js';
import { type Violation, checkNumber, checksOf, notProbability, notReal, refuseViolations } from './validation.js';
import { type Constraint, real, unitInterval } from './transforms/constraint.js';

export interface ContinuousBernoulliOptions extends DistributionOptions {
  /** The interval of probs around ½ where the Taylor expansions stand in for the closed forms (default [0.499, 0.501]). */
  lims?: readonly [number, number];
}

const LOG_2 = Math.log(2);

export class ContinuousBernoulli extends Distribution {
  /** λ, clamped to [eps, 1 − eps] (float32's eps), as PyTorch keeps it. */
  readonly probs: Tensor;
  /** log(λ / (1 − λ)). */
  readonly logits: Tensor;
  /** The unstable region's bounds. */
  readonly lims: readonly [number, number];

  constructor(probs: Param, options?: ContinuousBernoulliOptions);
  constructor(params: ProbsOrLogits & { lims?: readonly [number, number] });
  constructor(first: Param | (ProbsOrLogits & { lims?: readonly [number, number] }), second?: ContinuousBernoulliOptions) {
    const { given, value, options } = probsOrLogits<ContinuousBernoulliOptions>('ContinuousBernoulli', first, second, ['lims']);
    const checks = checksOf('ContinuousBernoulli', options.validateArgs);
    const lims = options.lims ?? [0.499, 0.501];
    if (!Array.isArray(lims) || lims.length !== 2 || !lims.every((v) => typeof v === 'number' && v > 0 && v < 1) || !(lims[0] < lims[1])) {
      const got = Array.isArray(lims) ? `[${lims.map((v) => (typeof v === 'number' ? v : typeof v)).join(', ')}]` : lims === null ? 'null' : typeof lims;
      throw new ValueError(`ContinuousBernoulli: option 'lims' expected [low, high] with 0 < low < high < 1, got ${got}`);
    }
    if (given === 'probs') checkNumber('ContinuousBernoulli', 'probs', value, (v) => v >= 0 && v <= 1, 'a number in [0, 1]', checks);
    else checkNumber('ContinuousBernoulli', 'logits', value, (v) => !Number.isNaN(v), 'a real number', checks);
    const { tensors: [param], batchShape } = broadcastParams('ContinuousBernoulli', [[given, value as Param]]);
    super(batchShape, [], checks);
    // probs are checked before the clamp (PyTorch's order: the clamped ones would always pass).
    if (checks.tensors) {
      refuseViolations('ContinuousBernoulli', () => [
        given === 'probs'
          ? { name: 'probs', bad: notProbability(param), expected: 'values in [0, 1]' }
          : { name: 'logits', bad: notReal(param), expected: 'real values (not NaN)' },
      ]);
    }
    this.lims = Object.freeze([lims[0], lims[1]]) as readonly [number, number];
    if (given === 'probs') {
      this.probs = clampProbs(param);
      this.logits = scope(() => probsToLogits(this.probs, true));
    } else {
      this.logits = param;
      this.probs = scope(() => clampProbs(sigmoid(param)));
    }
  }

  get device(): Device {
    return this.probs.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** icdf(u), u ~ U[0, 1) from the generator: gradients reach probs (or logits). */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => this.quantile(rand(shape, { device: this.device, generator })));
  }

  /** −BCE(logits, value) + log C(probs). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const shape = broadcastAll('ContinuousBernoulli.logProb', [['logits', this.logits.shape], ['value', v.shape]]);
      const target = v.dtype === 'float32' ? v : cast(v, 'float32');
      const bce = binaryCrossEntropyWithLogits(expand(this.logits, shape), expand(target, shape), { reduction: 'none' });
      return add(neg(bce), this.logNormalizer());
    });
  }

  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('cdf', value);
      const cut = this.cutProbs();
      const cdfs = div(add(mul(pow(cut, v), pow(sub(1, cut), sub(1, v))), sub(cut, 1)), sub(mul(cut, 2), 1));
      const unbounded = where(this.outsideUnstableRegion(), cdfs, v);
      return where(le(v, 0), 0, where(ge(v, 1), 1, unbounded));
    });
  }

  override icdf(value: Tensor | number): Tensor {
    return scope(() => this.quantile(this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }])));
  }

  override entropy(): Tensor {
    return scope(() => {
      const logProbs0 = log1p(neg(this.probs));
      const logProbs1 = log(this.probs);
      return sub(sub(mul(this.mean, sub(logProbs0, logProbs1)), this.logNormalizer()), logProbs0);
    });
  }

  override get mean(): Tensor {
    return scope(() => {
      const cut = this.cutProbs();
      const mus = add(div(cut, sub(mul(cut, 2), 1)), div(1, sub(log1p(neg(cut)), log(cut))));
      const x = sub(this.probs, 0.5);
      const taylor = add(mul(add(mul(square(x), 16 / 45), 1 / 3), x), 0.5);
      return where(this.outsideUnstableRegion(), mus, taylor);
    });
  }

  override get variance(): Tensor {
    return scope(() => {
      const cut = this.cutProbs();
      const vars = add(div(mul(cut, sub(cut, 1)), square(sub(1, mul(cut, 2)))), div(1, square(sub(log1p(neg(cut)), log(cut)))));
      const x = square(sub(this.probs, 0.5));
      const taylor = sub(1 / 12, mul(sub(1 / 15, mul(x, 128 / 945)), x));
      return where(this.outsideUnstableRegion(), vars, taylor);
    });
  }

  /** log C(probs), the log of the normalising constant (PyTorch's _cont_bern_log_norm): log 2 + … near ½. */
  logNormalizer(): Tensor {
    return scope(() => {
      const cut = this.cutProbs();
      const belowHalf = where(le(cut, 0.5), cut, 0);
      const aboveHalf = where(ge(cut, 0.5), cut, 1);
      const logNorm = sub(log(abs(sub(log1p(neg(cut)), log(cut)))), where(le(cut, 0.5), log1p(mul(belowHalf, -2)), log(sub(mul(aboveHalf, 2), 1))));
      const x = square(sub(this.probs, 0.5));
      const taylor = add(mul(add(mul(x, 104 / 45), 4 / 3), x), LOG_2);
      return where(this.outsideUnstableRegion(), logNorm, taylor);
    });
  }

  /** Where probs lie outside (lims[0], lims[1]]: the closed forms hold there. */
  private outsideUnstableRegion(): Tensor {
    return logicalOr(le(this.probs, this.lims[0]), gt(this.probs, this.lims[1]));
  }

  /** probs outside the unstable region, lims[0] inside it. */
  private cutProbs(): Tensor {
    return where(this.outsideUnstableRegion(), this.probs, this.lims[0]);
  }

  private quantile(u: Tensor): Tensor {
    const cut = this.cutProbs();
    const closed = div(sub(log1p(add(neg(cut), mul(u, sub(mul(cut, 2), 1)))), log1p(neg(cut))), sub(log(cut), log1p(neg(cut))));
    return where(this.outsideUnstableRegion(), closed, u);
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
