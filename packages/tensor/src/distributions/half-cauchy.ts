// The half-Cauchy distribution (torch.distributions.HalfCauchy): |X| for X ~ Cauchy(0, scale), a
// common prior for scales (Gelman 2006); what it shares with HalfNormal is in folded.ts.
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div } from '../ops/table/binary.js';
import { full } from '../ops/table/creation.js';
import { Cauchy } from './cauchy.js';
import type { DistributionOptions } from './distribution.js';
import { FoldedDistribution } from './folded.js';
import type { Param } from './params.js';
import { notProbability } from './validation.js';

export class HalfCauchy extends FoldedDistribution<Cauchy> {
  constructor(scale: Param, options: DistributionOptions = {}) {
    super('HalfCauchy', scale, options, (loc, s) => new Cauchy(loc, s, { validateArgs: false }));
  }

  /** Cauchy's icdf at (value + 1)/2. */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('icdf', value, (x) => [{ name: 'value', bad: notProbability(x), expected: 'probabilities in [0, 1]' }]);
      return this.baseDist.icdf(div(add(v, 1), 2));
    });
  }

  /** +∞ of batchShape, as PyTorch's. */
  override get mean(): Tensor {
    return full(this.batchShape, Infinity, { device: this.device });
  }

  /** Cauchy's: +∞ of batchShape. */
  override get variance(): Tensor {
    return this.baseDist.variance;
  }
}
