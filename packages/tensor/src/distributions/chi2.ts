// The chi-squared distribution with df degrees of freedom (torch.distributions.Chi2): the sum of
// df squared standard normals, exactly Gamma(df/2, 1/2), whose methods it keeps (and whose KL
// pairs apply to it, as PyTorch's subclass does).
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { mul } from '../ops/table/binary.js';
import { full } from '../ops/table/creation.js';
import type { DistributionOptions } from './distribution.js';
import { Gamma, type GammaParams } from './gamma.js';
import { type Param, positiveParams } from './params.js';
import { type Constraint, positive } from './transforms/constraint.js';

export class Chi2 extends Gamma {
  /** The degrees of freedom (> 0; need not be an integer), broadcast to batchShape: 2·concentration. */
  readonly df: Tensor;

  constructor(df: Param, options: DistributionOptions = {}) {
    super(df, 0.5, options);
    this.df = mul(this.concentration, 2);
  }

  /** df checked and broadcast under Chi2's name, then concentration df/2 and rate 1/2 of its shape. */
  protected static override gammaParams(df: Param, _rate: Param, options: DistributionOptions): GammaParams {
    // In a scope: df broadcast to batchShape is a copy (unless it was already of that shape).
    return scope(() => {
      const p = positiveParams('Chi2', [['df', df]], options);
      const [dfs] = p.tensors;
      return { concentration: mul(dfs, 0.5), rate: full(p.batchShape, 0.5, { device: dfs.device }), batchShape: p.batchShape, checks: p.checks };
    });
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { df: positive };
  }
}
