// The logistic-normal distribution (torch.distributions.LogisticNormal): points of the simplex of
// K + 1 from a Normal(loc, scale) over K logits carried through StickBreakingTransform, as
// PyTorch's TransformedDistribution (baseDist is the Normal read as one event, Independent of
// it: a loc of shape [..., K] gives batchShape [...] and eventShape [K + 1]; a 0-d loc and scale
// are one logit, as PyTorch's base.expand([1])). rsample, logProb come through the transform;
// no mean, variance or entropy, as in PyTorch. KL‖LogisticNormal is TransformedDistribution's.
import { fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { expand } from '../ops/table/shape.js';
import type { Distribution, DistributionOptions } from './distribution.js';
import type { Independent } from './independent.js';
import { locScaleParams } from './loc-scale.js';
import { Normal } from './normal.js';
import type { Param } from './params.js';
import { TransformedDistribution } from './transformed-distribution.js';
import { type Constraint, positive, real, simplex } from './transforms/constraint.js';
import { StickBreakingTransform } from './transforms/stick-breaking.js';

export class LogisticNormal extends TransformedDistribution {
  /** Independent(Normal(loc, scale), 1): the distribution of the logits (PyTorch's base_dist). */
  declare readonly baseDist: Independent;

  constructor(loc: Param, scale: Param, options: DistributionOptions = {}) {
    // Checked here, under this class's name; the Normal takes the broadcast tensors as they are.
    const p = locScaleParams('LogisticNormal', loc, scale, options);
    let base = new Normal(p.loc, p.scale, { validateArgs: false });
    if (p.batchShape.length === 0) base = base.expand([1]) as Normal;
    super(base, new StickBreakingTransform(), options.validateArgs === undefined ? {} : { validateArgs: options.validateArgs });
  }

  /** The logits' means, [..., K] (a 0-d loc as [1]). */
  get loc(): Tensor {
    return (this.baseDist.baseDist as Normal).loc;
  }

  /** The logits' standard deviations (> 0), [..., K]. */
  get scale(): Tensor {
    return (this.baseDist.baseDist as Normal).scale;
  }

  /** PyTorch's support: the simplex. */
  override get support(): Constraint {
    return simplex;
  }

  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { loc: real, scale: positive };
  }

  override toString(): string {
    return `LogisticNormal(batchShape: ${fmtShape(this.batchShape)}, eventShape: ${fmtShape(this.eventShape)})`;
  }

  /** LogisticNormal again with loc and scale expanded (their last dim is the event's). */
  protected override expandTo(batchShape: number[]): Distribution {
    const shape = [...batchShape, this.loc.shape[this.loc.shape.length - 1]];
    return scope(() => new LogisticNormal(expand(this.loc, shape), expand(this.scale, shape), { validateArgs: this.validateArgs }));
  }
}
