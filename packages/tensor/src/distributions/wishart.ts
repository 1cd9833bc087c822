// The Wishart distribution (torch.distributions.Wishart) over symmetric positive-definite p×p
// matrices: the scatter matrix Σ_{k≤ν} x_k·x_kᵀ of ν draws of N(0, Σ), for real degrees of
// freedom df = ν > p − 1, given Σ as one of covarianceMatrix, precisionMatrix or scaleTril (as
// MultivariateNormal: Note [multivariate normal's matrices]). PyTorch's formulas, with the
// multivariate log-gamma composed here (special.ts). rsample is PyTorch's Bartlett decomposition:
// L·A·Aᵀ·Lᵀ for A lower-triangular with √χ²(ν − i) on its diagonal (at least float32's eps) and
// N(0, 1) below it, differentiable w.r.t. df (through the gamma draws) and the matrix. PyTorch
// then checks each draw for positive-definiteness (a read) and draws again where one is singular,
// which happens for ν < p; that check is left out here, so that a draw never waits for the
// device: give ν >= p.
import type { Device } from '../device.js';
import { ShapeError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { le } from '../ops/table/compare.js';
import { square, tril } from '../ops/table/composed-ops.js';
import { diagonal } from '../ops/table/composed-shape.js';
import { arange, full } from '../ops/table/creation.js';
import { matmul } from '../ops/table/linalg.js';
import { choleskyInverse, choleskySolve } from '../ops/table/linalg-decomp.js';
import { slogdet } from '../ops/table/linalg-lu.js';
import { diagEmbed } from '../ops/table/linalg-norms.js';
import { randn } from '../ops/table/random.js';
import { sum } from '../ops/table/reduce.js';
import { expand, reshape, transpose, unsqueeze } from '../ops/table/shape.js';
import { clamp, log, neg, sqrt } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { gammaDraws } from './gamma.js';
import { type MultivariateNormalMatrix, givenMatrix, matrixFactor } from './multivariate-normal.js';
import { type Param, checkParam, deviceOf } from './params.js';
import { mvdigamma, mvlgamma } from './special.js';
import { type Constraint, greaterThan, lowerCholesky, positiveDefinite } from './transforms/constraint.js';
import { type Violation, checkNumber, checksOf } from './validation.js';

/** Wishart's options: exactly one of covarianceMatrix, precisionMatrix or scaleTril, and validateArgs. */
export type WishartOptions = DistributionOptions &
  (
    | { covarianceMatrix: Tensor; precisionMatrix?: undefined; scaleTril?: undefined }
    | { precisionMatrix: Tensor; covarianceMatrix?: undefined; scaleTril?: undefined }
    | { scaleTril: Tensor; covarianceMatrix?: undefined; precisionMatrix?: undefined }
  );

const CLS = 'Wishart';
const USAGE = 'new Wishart(df, { covarianceMatrix | precisionMatrix | scaleTril })';
const LOG_2 = Math.LN2;
/** float32's machine epsilon (PyTorch's _clamp_above_eps). */
const FLOAT32_EPS = 2 ** -23;
const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

export class Wishart extends Distribution {
  /** The degrees of freedom ν (> p − 1), broadcast to batchShape. */
  readonly df: Tensor;
  /** @internal L with Σ = L·Lᵀ, of the batch dims of the matrix given (PyTorch's _unbroadcasted_scale_tril). */
  readonly unbroadcastedScaleTril: Tensor;
  /** Which matrix the distribution was given, and that matrix as given. */
  private readonly given: { name: MultivariateNormalMatrix; matrix: Tensor };

  /**
   * Wishart(df, Σ) over p×p matrices for exactly one of `covarianceMatrix` Σ, `precisionMatrix`
   * Σ⁻¹ or `scaleTril` L, [..., p, p]; df a number or a tensor whose shape broadcasts with the
   * matrix's batch dims. eventShape is [p, p].
   */
  constructor(df: Param, options: WishartOptions) {
    const given = givenMatrix(options, CLS, USAGE);
    const checks = checksOf(CLS, options.validateArgs);
    const matrix: unknown = options[given];
    checkParam(CLS, 'df', df);
    checkParam(CLS, given, matrix);
    const m = matrix as Tensor | number;
    if (typeof m === 'number' || m.shape.length < 2 || m.shape[m.shape.length - 1] !== m.shape[m.shape.length - 2]) {
      throw new ShapeError(`${CLS}: ${given} expected a square matrix or a batch of them [..., p, p], got ${typeof m === 'number' ? 'a number' : fmtShape(m.shape)}`);
    }
    const device = deviceOf(CLS, [[given, m], ['df', df]]);
    const p = m.shape[m.shape.length - 1];
    checkNumber(CLS, 'df', df, (v) => v > p - 1, `a number > ${p - 1} (p − 1 for ${p}×${p} matrices)`, checks);
    const matrixBatch = m.shape.slice(0, -2);
    let batchShape: number[];
    try {
      batchShape = broadcastShapes(CLS, matrixBatch, typeof df === 'number' ? [] : df.shape);
    } catch {
      throw new ShapeError(`${CLS}: df ${fmtShape((df as Tensor).shape)} and ${given} ${fmtShape(m.shape)} expected batch dims that broadcast together, got ${fmtShape((df as Tensor).shape)} and ${fmtShape(matrixBatch)}`);
    }
    const dfT = typeof df === 'number' ? full(batchShape, df, { device }) : expand(df, batchShape);
    const dfViolation = (): Violation[] => [{ name: 'df', bad: le(dfT, p - 1), expected: `values > ${p - 1} (p − 1 for ${p}×${p} matrices)` }];
    const L = matrixFactor(CLS, given, m, checks, dfViolation);
    super(batchShape, [p, p], checks);
    this.df = dfT;
    this.unbroadcastedScaleTril = L;
    this.given = { name: given, matrix: m };
  }

  get device(): Device {
    return this.df.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** p, the matrices' size. */
  private get size(): number {
    return this.eventShape[0];
  }

  private matrixShape(): number[] {
    return [...this.batchShape, this.size, this.size];
  }

  /**
   * Bartlett's L·A·Aᵀ·Lᵀ: A's diagonal √χ²(ν − i) (gamma draws, then at least eps), then N(0, 1)
   * draws below it, from the generator in that order. Gradients reach df and the matrix.
   */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const p = this.size;
      const outer = shape.slice(0, -2);
      const chi2Df = sub(unsqueeze(this.df, -1), arange(p, { device: this.device }));
      const chi2 = gammaDraws(mul(chi2Df, 0.5), 0.5, [...outer, p], generator);
      const below = tril(randn(shape, { device: this.device, generator }), -1);
      const A = add(diagEmbed(clamp(sqrt(chi2), { min: FLOAT32_EPS })), below);
      const LA = matmul(this.unbroadcastedScaleTril, A);
      return matmul(LA, mT(LA));
    });
  }

  /** −ν·(p·log 2/2 + log det L) − log Γ_p(ν/2) + (ν − p − 1)/2·log|det X| − tr(Σ⁻¹·X)/2. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const nu = this.df;
      const p = this.size;
      const L = this.unbroadcastedScaleTril;
      const t1 = mul(neg(nu), add(sum(log(diagonal(L)), -1), (p * LOG_2) / 2));
      const t3 = mul(div(sub(nu, p + 1), 2), slogdet(v).logabsdet);
      const trace = sum(diagonal(choleskySolve(v, L)), -1);
      return sub(add(sub(t1, mvlgamma(div(nu, 2), p)), t3), div(trace, 2));
    });
  }

  /** (p + 1)·(p·log 2/2 + log det L) + log Γ_p(ν/2) − (ν − p − 1)/2·ψ_p(ν/2) + ν·p/2. */
  override entropy(): Tensor {
    return scope(() => {
      const nu = this.df;
      const p = this.size;
      const half = div(nu, 2);
      const t1 = mul(add(sum(log(diagonal(this.unbroadcastedScaleTril)), -1), (p * LOG_2) / 2), p + 1);
      const t2 = sub(mvlgamma(half, p), mul(div(sub(nu, p + 1), 2), mvdigamma(half, p)));
      return expand(add(add(t1, t2), mul(nu, p / 2)), this.batchShape);
    });
  }

  /** ν·Σ. */
  override get mean(): Tensor {
    return scope(() => mul(this.dfAsMatrices(this.df), this.sigma()));
  }

  /** The most likely matrix: (ν − p − 1)·Σ where ν > p + 1, NaN elsewhere. */
  get mode(): Tensor {
    return scope(() => {
      const factor = sub(this.df, this.size + 1);
      return mul(this.dfAsMatrices(where(le(factor, 0), NaN, factor)), this.sigma());
    });
  }

  /** ν·(Σ_ij² + Σ_ii·Σ_jj). */
  override get variance(): Tensor {
    return scope(() => {
      const V = this.sigma();
      const d = diagonal(V);
      return mul(this.dfAsMatrices(this.df), add(square(V), mul(unsqueeze(d, -1), unsqueeze(d, -2))));
    });
  }

  /** L, lower-triangular with Σ = L·Lᵀ, of batchShape + [p, p]. */
  get scaleTril(): Tensor {
    return expand(this.unbroadcastedScaleTril, this.matrixShape());
  }

  /** Σ (the matrix given, or L·Lᵀ), of batchShape + [p, p]. */
  get covarianceMatrix(): Tensor {
    if (this.given.name === 'covarianceMatrix') return expand(this.given.matrix, this.matrixShape());
    return scope(() => this.sigma());
  }

  /** Σ⁻¹ (the matrix given, or from L), of batchShape + [p, p]. */
  get precisionMatrix(): Tensor {
    if (this.given.name === 'precisionMatrix') return expand(this.given.matrix, this.matrixShape());
    return scope(() => expand(choleskyInverse(this.unbroadcastedScaleTril), this.matrixShape()));
  }

  /** PyTorch's support: symmetric positive-definite matrices. */
  override get support(): Constraint {
    return positiveDefinite;
  }

  /** PyTorch's: the matrices' constraints and df > p − 1. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { covarianceMatrix: positiveDefinite, precisionMatrix: positiveDefinite, scaleTril: lowerCholesky, df: greaterThan(this.size - 1) };
  }

  /** Wishart again with df expanded and the factor L as scaleTril. */
  protected override expandTo(batchShape: number[]): Distribution {
    return scope(() => new Wishart(expand(this.df, batchShape), { scaleTril: this.unbroadcastedScaleTril, validateArgs: this.validateArgs }));
  }

  /** PyTorch's support, read (a Cholesky factorisation of each matrix). */
  protected override outsideSupport(value: Tensor): Violation[] {
    return positiveDefinite.violations(value);
  }

  /** L·Lᵀ of batchShape + [p, p]. */
  private sigma(): Tensor {
    const L = this.unbroadcastedScaleTril;
    return expand(matmul(L, mT(L)), this.matrixShape());
  }

  /** A tensor of batchShape as [...batchShape, 1, 1]. */
  private dfAsMatrices(t: Tensor): Tensor {
    return reshape(t, [...this.batchShape, 1, 1]);
  }
}
