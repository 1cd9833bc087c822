// The multivariate normal with a low-rank-plus-diagonal covariance Σ = W·Wᵀ + diag(D)
// (torch.distributions.LowRankMultivariateNormal): loc [..., d], covFactor W [..., d, r] and
// covDiag D [..., d] (> 0), for r ≪ d. Nothing d×d is factored: logProb and entropy go through
// the r×r capacitance matrix C = I + Wᵀ·D⁻¹·W (its Cholesky factor made once, in the
// constructor), by the matrix determinant lemma and the Woodbury identity, as PyTorch's.
// rsample is loc + W·ε_W + √D·ε_D. The parameters are held as given (their batch dims broadcast
// where used: Note [multivariate normal's matrices]) and loc broadcast to batchShape + [d];
// covFactor, covDiag, scaleTril, covarianceMatrix and precisionMatrix are made on each read.
import type { Device } from '../device.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { diagonal } from '../ops/table/composed-shape.js';
import { eye } from '../ops/table/creation.js';
import { matmul } from '../ops/table/linalg.js';
import { cholesky, solveTriangular } from '../ops/table/linalg-decomp.js';
import { diagEmbed } from '../ops/table/linalg-norms.js';
import { randn } from '../ops/table/random.js';
import { sum } from '../ops/table/reduce.js';
import { expand, transpose, unsqueeze } from '../ops/table/shape.js';
import { reciprocal } from '../ops/table/composed-elementwise.js';
import { log, sqrt } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { batchMahalanobis, batchMv } from './multivariate-normal.js';
import { checkParam, deviceOf } from './params.js';
import { type Constraint, positive, real } from './transforms/constraint.js';
import { type Violation, checksOf, notPositive, notReal, refuseViolations } from './validation.js';

const CLS = 'LowRankMultivariateNormal';
const LOG_2PI = Math.log(2 * Math.PI);
const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

/** Wᵀ·D⁻¹ [..., r, d]. */
const wtDinv = (W: Tensor, D: Tensor): Tensor => div(mT(W), unsqueeze(D, -2));

/** The Cholesky factor of the capacitance I + Wᵀ·D⁻¹·W (PyTorch's _batch_capacitance_tril). */
export function capacitanceTril(W: Tensor, D: Tensor): Tensor {
  return scope(() => {
    const r = W.shape[W.shape.length - 1];
    const K = add(matmul(wtDinv(W, D), W), eye(r, { device: W.device }));
    try {
      return cholesky(K);
    } catch (e) {
      if (!(e instanceof ValueError) || !e.message.startsWith('cholesky:')) throw e;
      throw new ValueError(`${CLS}: covDiag expected values > 0 (the capacitance I + Wᵀ·D⁻¹·W is then positive-definite), got a capacitance that is not (${e.message})`);
    }
  });
}

/** log det(W·Wᵀ + D) = 2·Σ log diag C + Σ log D (the matrix determinant lemma; PyTorch's _batch_lowrank_logdet). */
export function lowrankLogdet(W: Tensor, D: Tensor, C: Tensor): Tensor {
  return add(mul(sum(log(diagonal(C)), -1), 2), sum(log(D), -1));
}

/** xᵀ·(W·Wᵀ + D)⁻¹·x = Σ x²/D − |C⁻¹·Wᵀ·D⁻¹·x|² (the Woodbury identity; PyTorch's _batch_lowrank_mahalanobis). */
export function lowrankMahalanobis(W: Tensor, D: Tensor, x: Tensor, C: Tensor): Tensor {
  const wtx = batchMv(wtDinv(W, D), x);
  return sub(sum(div(square(x), D), -1), batchMahalanobis(C, wtx));
}

/** A = C⁻¹·Wᵀ·D⁻¹, with (W·Wᵀ + D)⁻¹ = D⁻¹ − Aᵀ·A (Woodbury). */
export function woodburyFactor(W: Tensor, D: Tensor, C: Tensor): Tensor {
  return solveTriangular(C, wtDinv(W, D), { upper: false });
}

export class LowRankMultivariateNormal extends Distribution {
  /** The mean, broadcast to batchShape + [d]. */
  readonly loc: Tensor;
  /** @internal W as given (PyTorch's _unbroadcasted_cov_factor). */
  readonly unbroadcastedCovFactor: Tensor;
  /** @internal D as given (PyTorch's _unbroadcasted_cov_diag). */
  readonly unbroadcastedCovDiag: Tensor;
  /** @internal The Cholesky factor of I + Wᵀ·D⁻¹·W, [..., r, r] (PyTorch's _capacitance_tril). */
  readonly capacitanceTril: Tensor;

  /**
   * N(loc, W·Wᵀ + diag(D)) for loc [..., d], covFactor W [..., d, r] and covDiag D [..., d] (> 0);
   * their batch dims broadcast to batchShape; eventShape is [d].
   */
  constructor(loc: Tensor, covFactor: Tensor, covDiag: Tensor, options: DistributionOptions = {}) {
    checkOptions(CLS, options, ['validateArgs']);
    const checks = checksOf(CLS, options.validateArgs);
    checkParam(CLS, 'loc', loc);
    checkParam(CLS, 'covFactor', covFactor);
    checkParam(CLS, 'covDiag', covDiag);
    const got = (t: Tensor | number) => (typeof t === 'number' ? 'a number' : fmtShape(t.shape));
    if (typeof loc === 'number' || loc.shape.length < 1) throw new ShapeError(`${CLS}: loc expected a tensor of at least 1 dimension [..., d], got ${got(loc)}`);
    const d = loc.shape[loc.shape.length - 1];
    if (typeof covFactor === 'number' || covFactor.shape.length < 2 || covFactor.shape[covFactor.shape.length - 2] !== d) {
      throw new ShapeError(`${CLS}: covFactor expected [..., ${d}, rank] (d = ${d} from loc ${fmtShape(loc.shape)}), got ${got(covFactor)}`);
    }
    if (typeof covDiag === 'number' || covDiag.shape.length < 1 || covDiag.shape[covDiag.shape.length - 1] !== d) {
      throw new ShapeError(`${CLS}: covDiag expected [..., ${d}] (d = ${d} from loc ${fmtShape(loc.shape)}), got ${got(covDiag)}`);
    }
    deviceOf(CLS, [['loc', loc], ['covFactor', covFactor], ['covDiag', covDiag]]);
    let batchShape: number[];
    try {
      batchShape = [loc.shape.slice(0, -1), covFactor.shape.slice(0, -2), covDiag.shape.slice(0, -1)].reduce((a, b) => broadcastShapes(CLS, a, b), [] as number[]);
    } catch {
      throw new ShapeError(`${CLS}: loc ${fmtShape(loc.shape)}, covFactor ${fmtShape(covFactor.shape)} and covDiag ${fmtShape(covDiag.shape)} expected batch dims that broadcast together`);
    }
    if (checks.tensors) {
      refuseViolations(CLS, () => [
        { name: 'loc', bad: notReal(loc), expected: 'real values (not NaN)' },
        { name: 'covFactor', bad: notReal(covFactor), expected: 'real values (not NaN)' },
        { name: 'covDiag', bad: notPositive(covDiag), expected: 'values > 0' },
      ]);
    }
    const C = capacitanceTril(covFactor, covDiag);
    super(batchShape, [d], checks);
    this.loc = expand(loc, [...batchShape, d]);
    this.unbroadcastedCovFactor = covFactor;
    this.unbroadcastedCovDiag = covDiag;
    this.capacitanceTril = C;
  }

  get device(): Device {
    return this.loc.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** The length d of the vectors. */
  private get size(): number {
    return this.eventShape[0];
  }

  /** The rank r of covFactor. */
  private get rank(): number {
    return this.unbroadcastedCovFactor.shape[this.unbroadcastedCovFactor.shape.length - 1];
  }

  /** W, of batchShape + [d, r]. */
  get covFactor(): Tensor {
    return expand(this.unbroadcastedCovFactor, [...this.batchShape, this.size, this.rank]);
  }

  /** D, of batchShape + [d]. */
  get covDiag(): Tensor {
    return expand(this.unbroadcastedCovDiag, [...this.batchShape, this.size]);
  }

  /** loc + W·ε_W + √D·ε_D, ε_W ~ N(0, I_r) then ε_D ~ N(0, I_d) from the generator: gradients reach loc, covFactor and covDiag. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => {
      const epsW = randn([...shape.slice(0, -1), this.rank], { device: this.device, generator });
      const epsD = randn(shape, { device: this.device, generator });
      return add(add(this.loc, batchMv(this.unbroadcastedCovFactor, epsW)), mul(sqrt(this.unbroadcastedCovDiag), epsD));
    });
  }

  /** −(d·log 2π + log det Σ + (x − loc)ᵀ·Σ⁻¹·(x − loc))/2, through the capacitance. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const diff = sub(this.valueArg('logProb', value), this.loc);
      const [W, D, C] = [this.unbroadcastedCovFactor, this.unbroadcastedCovDiag, this.capacitanceTril];
      const M = lowrankMahalanobis(W, D, diff, C);
      return mul(add(add(lowrankLogdet(W, D, C), M), this.size * LOG_2PI), -0.5);
    });
  }

  /** (d·(1 + log 2π) + log det Σ)/2. */
  override entropy(): Tensor {
    return scope(() => {
      const logdet = lowrankLogdet(this.unbroadcastedCovFactor, this.unbroadcastedCovDiag, this.capacitanceTril);
      return expand(mul(add(logdet, this.size * (1 + LOG_2PI)), 0.5), this.batchShape);
    });
  }

  override get mean(): Tensor {
    return this.loc;
  }

  /** The most likely value: loc. */
  get mode(): Tensor {
    return this.loc;
  }

  /** The diagonal of Σ: Σ_k W_ik² + D_i. */
  override get variance(): Tensor {
    return scope(() => expand(add(sum(square(this.unbroadcastedCovFactor), -1), this.unbroadcastedCovDiag), [...this.batchShape, this.size]));
  }

  /** L with Σ = L·Lᵀ, as PyTorch's: √D·cholesky(I + D^−½·W·Wᵀ·D^−½) (well conditioned: eigenvalues >= 1). */
  get scaleTril(): Tensor {
    return scope(() => {
      const sqrtD = unsqueeze(sqrt(this.unbroadcastedCovDiag), -1);
      const scaled = div(this.unbroadcastedCovFactor, sqrtD);
      const K = add(matmul(scaled, mT(scaled)), eye(this.size, { device: this.device }));
      return expand(mul(sqrtD, cholesky(K)), this.matrixShape());
    });
  }

  /** Σ = W·Wᵀ + diag(D), of batchShape + [d, d]. */
  get covarianceMatrix(): Tensor {
    return scope(() => {
      const W = this.unbroadcastedCovFactor;
      return expand(add(matmul(W, mT(W)), diagEmbed(this.unbroadcastedCovDiag)), this.matrixShape());
    });
  }

  /** Σ⁻¹ = D⁻¹ − Aᵀ·A for A = C⁻¹·Wᵀ·D⁻¹ (Woodbury), of batchShape + [d, d]. */
  get precisionMatrix(): Tensor {
    return scope(() => {
      const A = woodburyFactor(this.unbroadcastedCovFactor, this.unbroadcastedCovDiag, this.capacitanceTril);
      return expand(sub(diagEmbed(reciprocal(this.unbroadcastedCovDiag)), matmul(mT(A), A)), this.matrixShape());
    });
  }

  /** PyTorch's support: real vectors. */
  override get support(): Constraint {
    return real.independent(1);
  }

  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { loc: real.independent(1), covFactor: real.independent(2), covDiag: positive.independent(1) };
  }

  /** LowRankMultivariateNormal again with loc expanded (covFactor and covDiag broadcast as given). */
  protected override expandTo(batchShape: number[]): Distribution {
    return scope(() => new LowRankMultivariateNormal(expand(this.loc, [...batchShape, this.size]), this.unbroadcastedCovFactor, this.unbroadcastedCovDiag, { validateArgs: this.validateArgs }));
  }

  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notReal(value), expected: 'real values (not NaN)' }];
  }

  private matrixShape(): number[] {
    return [...this.batchShape, this.size, this.size];
  }
}
