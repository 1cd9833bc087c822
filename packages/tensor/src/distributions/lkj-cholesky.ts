// The LKJ distribution over Cholesky factors of correlation matrices
// (torch.distributions.LKJCholesky): L with L·Lᵀ a dim×dim correlation matrix of density
// ∝ det(L·Lᵀ)^(η − 1), η the concentration (1: uniform over correlation matrices; larger: nearer
// the identity). PyTorch's (after NumPyro): sample is the onion method of Lewandowski, Kurowicka
// and Joe (2009, §3.2), vectorised: row i's squared length below the diagonal is a Beta draw,
// its direction a normalised Gaussian, its diagonal what is left; logProb is Stan's density of
// the Cholesky factor, normalised with the multivariate log-gamma (special.ts). No rsample, as
// in PyTorch (the Beta draws' gradients do not reach η through the normalisation).
//
// Note [LKJ onion draws]: in the onion method, row k (k entries below the diagonal) has squared
// length y ~ Beta(k/2, β − (k − 1)/2), β = η + (dim − 2)/2, as NumPyro draws it. PyTorch 2.13's
// sampler gives its Beta concentration1 = (k − 1) + ½ instead of k/2 (the same for k = 1 only), so
// that for dim >= 3 its draws are not LKJ-distributed: every off-diagonal correlation of an LKJ
// matrix has variance 1/(2η + dim − 1), and PyTorch's rows past the second have more (dim 4,
// η = 1: 0.25 where 0.2 is due). Here the onion method's concentrations; logProb is PyTorch's
// (the LKJ density, which was right all along).
import type { Device } from '../device.js';
import { ValueError } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { gt } from '../ops/table/compare.js';
import { tril } from '../ops/table/composed-ops.js';
import { diagonal } from '../ops/table/composed-shape.js';
import { arange } from '../ops/table/creation.js';
import { gammaDraws } from './gamma.js';
import { lgamma } from '../ops/table/gamma-functions.js';
import { vectorNorm } from '../ops/table/linalg-norms.js';
import { diagEmbed } from '../ops/table/linalg-norms.js';
import { randn } from '../ops/table/random.js';
import { sum } from '../ops/table/reduce.js';
import { expand, narrow, pad, unsqueeze } from '../ops/table/shape.js';
import { clamp, log, sqrt } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type Param, broadcastParams } from './params.js';
import { mvlgamma } from './special.js';
import { type Constraint, corrCholesky, positive } from './transforms/constraint.js';
import { type Violation, checkNumber, checksOf, notPositive, refuseViolations } from './validation.js';

const CLS = 'LKJCholesky';
/** float32's smallest positive normal number (PyTorch's torch.finfo(float32).tiny). */
const FLOAT32_TINY = 2 ** -126;

export class LKJCholesky extends Distribution {
  /** The matrices' size (>= 2). */
  readonly dim: number;
  /** η (> 0), broadcast to batchShape. */
  readonly concentration: Tensor;
  /** The Beta(offset + ½, η + (dim − 2)/2 − offset/2) concentrations [..., dim] of the rows' squared lengths (PyTorch's _beta). */
  private readonly betaConcentration1: Tensor;
  private readonly betaConcentration0: Tensor;

  /** LKJCholesky(dim, concentration η = 1): eventShape [dim, dim], batchShape η's shape. */
  constructor(dim: number, concentration: Param = 1, options: DistributionOptions = {}) {
    checkOptions(CLS, options, ['validateArgs']);
    if (!Number.isSafeInteger(dim) || dim < 2) throw new ValueError(`${CLS}: dim expected an integer >= 2, got ${typeof dim === 'number' ? dim : typeof dim}`);
    const checks = checksOf(CLS, options.validateArgs);
    checkNumber(CLS, 'concentration', concentration, (v) => v > 0, 'a number > 0', checks);
    const { tensors, batchShape } = broadcastParams(CLS, [['concentration', concentration]]);
    super(batchShape, [dim, dim], checks);
    this.dim = dim;
    [this.concentration] = tensors;
    if (checks.tensors) refuseViolations(CLS, () => [{ name: 'concentration', bad: notPositive(this.concentration), expected: 'values > 0' }]);
    [this.betaConcentration1, this.betaConcentration0] = scope(() => {
      // offset [0, 0, 1, …, dim − 2]: row 0 has nothing below the diagonal (its draw is unused);
      // row k >= 1 draws Beta(k/2, η + (dim − 2)/2 − (k − 1)/2) (Note [LKJ onion draws]).
      const offset = pad(arange(dim - 1, { device: this.device }), [1, 0]);
      const marginal = add(this.concentration, 0.5 * (dim - 2));
      return [add(mul(offset, 0.5), 0.5), sub(unsqueeze(marginal, -1), mul(offset, 0.5))];
    });
  }

  get device(): Device {
    return this.concentration.device;
  }

  /**
   * The onion method: y ~ Beta per row (from two gamma draws), then a standard normal draw of
   * sampleShape + batchShape + [dim, dim] from the generator whose strict lower triangle,
   * normalised per row, is each row's direction; w = √y·direction, and the diagonal
   * √(1 − Σ w²) (at least √tiny) makes each row of unit length.
   */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    return noGrad(() =>
      scope(() => {
        const rows = shape.slice(0, -1);
        const g = gammaDraws(this.betaConcentration1, 1, rows, generator);
        const h = gammaDraws(this.betaConcentration0, 1, rows, generator);
        const y = unsqueeze(div(g, add(g, h)), -1);
        const u = tril(randn(shape, { device: this.device, generator }), -1);
        const norm = vectorNorm(u, { dim: -1, keepdim: true });
        // Row 0 is all zeros (0/0): PyTorch fills it with zeros.
        const firstRow = unsqueeze(gt(arange(this.dim, { device: this.device }), 0), -1);
        const direction = where(firstRow, div(u, where(firstRow, norm, 1)), 0);
        const w = mul(sqrt(y), direction);
        const diag = sqrt(clamp(sub(1, sum(mul(w, w), -1)), { min: FLOAT32_TINY }));
        return add(w, diagEmbed(diag));
      }),
    );
  }

  /**
   * Σ_{i≥1} (2(η − 1) + dim − i − 1)·log L_ii minus the normaliser (dim − 1)·log(π)/2 +
   * log Γ_{dim−1}(η + (dim − 1)/2 − ½) − (dim − 1)·log Γ(η + (dim − 1)/2).
   */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const d = this.dim;
      const diagElems = narrow(diagonal(v), -1, 1, d - 1);
      const order = add(unsqueeze(mul(sub(this.concentration, 1), 2), -1), sub(d, arange(2, d + 1, { device: this.device })));
      const unnormalized = sum(mul(order, log(diagElems)), -1);
      const dm1 = d - 1;
      const alpha = add(this.concentration, 0.5 * dm1);
      const normalize = add(sub(mvlgamma(sub(alpha, 0.5), dm1), mul(lgamma(alpha), dm1)), 0.5 * dm1 * Math.log(Math.PI));
      return sub(unnormalized, normalize);
    });
  }

  /** PyTorch's support: Cholesky factors of correlation matrices. */
  override get support(): Constraint {
    return corrCholesky;
  }

  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { concentration: positive };
  }

  /** LKJCholesky again with η expanded (PyTorch's expand). */
  protected override expandTo(batchShape: number[]): Distribution {
    return scope(() => new LKJCholesky(this.dim, expand(this.concentration, batchShape), { validateArgs: this.validateArgs }));
  }

  protected override outsideSupport(value: Tensor): Violation[] {
    return corrCholesky.violations(value);
  }
}
