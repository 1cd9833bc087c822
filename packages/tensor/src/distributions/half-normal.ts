// The half-normal distribution (torch.distributions.HalfNormal): |X| for X ~ Normal(0, scale);
// what it shares with HalfCauchy is in folded.ts.
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { mul } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { erfinv } from '../ops/table/math.js';
import type { DistributionOptions } from './distribution.js';
import { FoldedDistribution } from './folded.js';
import { Normal } from './normal.js';
import type { Param } from './params.js';
import { notProbability } from './validation.js';

export class HalfNormal extends FoldedDistribution<Normal> {
  constructor(scale: Param, options: DistributionOptions = {}) {
    super('HalfNormal', scale, options, (loc, s) => new Normal(loc, s, { validateArgs: false }));
  }

  /** Normal's icdf at (value + 1)/2, simplified to scale·√2·erfinv(value) (PyTorch's rounds (value + 1)/2 first, losing digits of a small value). */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return mul(mul(erfinv(v), this.scale), Math.SQRT2);
    });
  }

  /** scale·√(2/π). */
  override get mean(): Tensor {
    return mul(this.scale, Math.sqrt(2 / Math.PI));
  }

  /** scale²·(1 − 2/π). */
  override get variance(): Tensor {
    return scope(() => mul(square(this.scale), 1 - 2 / Math.PI));
  }
}
