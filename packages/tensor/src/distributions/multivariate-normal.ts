// The multivariate normal distribution N(loc, Σ) over vectors of length d
// (torch.distributions.MultivariateNormal), given by exactly one of its covariance matrix Σ, its
// precision matrix Σ⁻¹ or the lower Cholesky factor L of Σ = L·Lᵀ (scaleTril). Everything is
// computed from L, with PyTorch's formulas: rsample is loc + L·ε, logProb solves with L (the
// Mahalanobis distance) and adds log det L, KL‖MultivariateNormal is in kl-more.ts.
//
// Note [multivariate normal's matrices]: the distribution holds loc broadcast to batchShape + [d]
// (as Normal holds its loc), the matrix it was given, and L, both unbroadcast (PyTorch's
// _unbroadcasted_scale_tril): their batch dims broadcast where they are used, since expand copies
// here — a [d, d] covariance shared by a batch of 1000 would be 1000 copies. L is made once, in
// the constructor (the scope the distribution is made in holds it). scaleTril, covarianceMatrix,
// precisionMatrix and variance are computed on each read, not cached: a getter that kept a tensor
// it made in the caller's scope would hand out a disposed one after that scope ended. A getter
// for the matrix the distribution was given returns that matrix itself where it already has the
// batch shape (dispose such a result only where a getter made it, as the base says of mean).
import type { Device } from '../device.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub } from '../ops/table/binary.js';
import { gt, logicalNot, ne } from '../ops/table/compare.js';
import { any, flip, isclose, square, tril } from '../ops/table/composed-ops.js';
import { diagonal } from '../ops/table/composed-shape.js';
import { eye } from '../ops/table/creation.js';
import { matmul } from '../ops/table/linalg.js';
import { cholesky, choleskyEx, choleskyInverse, solveTriangular } from '../ops/table/linalg-decomp.js';
import { randn } from '../ops/table/random.js';
import { sum } from '../ops/table/reduce.js';
import { expand, permute, reshape, squeeze, transpose, unsqueeze } from '../ops/table/shape.js';
import { log } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { checkParam, deviceOf } from './params.js';
import { type Checks, type Violation, checksOf, notReal, refuseViolations } from './validation.js';
import { type Constraint, lowerCholesky, positiveDefinite, real } from './transforms/constraint.js';

/** The three ways to give the matrix (PyTorch's covariance_matrix, precision_matrix, scale_tril). */
export type MultivariateNormalMatrix = 'covarianceMatrix' | 'precisionMatrix' | 'scaleTril';

/** MultivariateNormal's options: exactly one of covarianceMatrix, precisionMatrix or scaleTril, and validateArgs. */
export type MultivariateNormalOptions = DistributionOptions &
  (
    | { covarianceMatrix: Tensor; precisionMatrix?: undefined; scaleTril?: undefined }
    | { precisionMatrix: Tensor; covarianceMatrix?: undefined; scaleTril?: undefined }
    | { scaleTril: Tensor; covarianceMatrix?: undefined; precisionMatrix?: undefined }
  );

const CLS = 'MultivariateNormal';
const MATRICES: readonly MultivariateNormalMatrix[] = ['covarianceMatrix', 'precisionMatrix', 'scaleTril'];
const USAGE = 'new MultivariateNormal(loc, { covarianceMatrix | precisionMatrix | scaleTril })';
const LOG_2PI = Math.log(2 * Math.PI);
const MATRIX_UNIT = ['matrix', 'matrices'] as const;

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);
const numelOf = (shape: readonly number[]): number => shape.reduce((p, n) => p * n, 1);

/** Σ log L_ii over the diagonal: half of log det Σ (PyTorch's half_log_det). */
export const halfLogDet = (L: Tensor): Tensor => sum(log(diagonal(L)), -1);

/** L·v for each matrix of L [..., n, n] and vector of v [..., n], batch dims broadcast (PyTorch's _batch_mv). */
export function batchMv(L: Tensor, v: Tensor): Tensor {
  // One matrix for all: a single product with Lᵀ, without broadcasting L over v's batch.
  if (L.shape.length === 2) return matmul(v, mT(L));
  return squeeze(matmul(L, unsqueeze(v, -1)), -1);
}

/**
 * The squared Mahalanobis distance xᵀ·(L·Lᵀ)⁻¹·x = |L⁻¹·x|² for each vector of x [..., n], where
 * L's batch dims broadcast to the rightmost of x's (PyTorch's _batch_mahalanobis): x is reshaped
 * so that each of L's matrices solves once for all the vectors that share it, as columns of one
 * right-hand side, rather than L being copied out to x's batch shape.
 */
export function batchMahalanobis(L: Tensor, x: Tensor): Tensor {
  const n = x.shape[x.shape.length - 1];
  const xBatch = x.shape.slice(0, -1);
  if (n === 0 || numelOf(xBatch) === 0) return sum(square(x), -1);
  const lBatch = L.shape.slice(0, -2);
  const outer = xBatch.length - lBatch.length;
  return scope(() => {
    // x as [...outer, (x_i / L_i, L_i) for each of L's batch dims, n], then L's dims moved last.
    const split = [...xBatch.slice(0, outer), ...lBatch.flatMap((sL, i) => [xBatch[outer + i] / sL, sL]), n];
    const inner = lBatch.length;
    const order = [
      ...Array.from({ length: outer }, (_, i) => i),
      ...Array.from({ length: inner }, (_, i) => outer + 2 * i),
      ...Array.from({ length: inner }, (_, i) => outer + 2 * i + 1),
      outer + 2 * inner,
    ];
    const bx = permute(reshape(x, split), order);
    const b = numelOf(lBatch);
    const flatL = reshape(L, [b, n, n]);
    const columns = permute(reshape(bx, [numelOf(bx.shape) / (b * n), b, n]), [1, 2, 0]); // [b, n, c]
    const M = transpose(sum(square(solveTriangular(flatL, columns, { upper: false })), -2), 0, 1); // [c, b]
    const unpermuted = reshape(M, bx.shape.slice(0, -1));
    const back = [...Array.from({ length: outer }, (_, i) => i), ...Array.from({ length: inner }, (_, i) => [outer + i, outer + inner + i]).flat()];
    return reshape(permute(unpermuted, back), xBatch);
  });
}

/** L with L·Lᵀ = P⁻¹ from the Cholesky factor Lf of P flipped in both dims (PyTorch's _precision_to_scale_tril). */
function precisionToScaleTril(Lf: Tensor): Tensor {
  return scope(() => {
    const Linv = mT(flip(Lf, [-2, -1]));
    return solveTriangular(Linv, eye(Lf.shape[Lf.shape.length - 1], { device: Lf.device }), { upper: false });
  });
}

/** The matrices of M (bool, batch dims) that are not symmetric within PyTorch's tolerance (isclose to Mᵀ, atol 1e-6). */
const notSymmetric = (M: Tensor): Tensor => any(logicalNot(isclose(M, mT(M), { atol: 1e-6 })), [-2, -1]);

interface MvnParams {
  loc: Tensor;
  given: MultivariateNormalMatrix;
  matrix: Tensor;
  scaleTril: Tensor;
  batchShape: number[];
  checks: Checks;
}

/** Which matrix `options` gives, refusing none, several, or anything but an options object (`cls` and its `usage` named; Wishart's too). */
export function givenMatrix(options: unknown, cls = CLS, usage = USAGE): MultivariateNormalMatrix {
  if ((options as Tensor | null | undefined)?.isTensor) {
    const hint = cls === CLS ? ` (PyTorch's MultivariateNormal(loc, cov) is { covarianceMatrix: cov } here)` : '';
    throw new ValueError(`${cls}: options expected an object, as ${usage}${hint}, got a tensor`);
  }
  if (options === undefined) throw new ValueError(`${cls}: expected exactly one of covarianceMatrix, precisionMatrix or scaleTril (${usage}), got none`);
  checkOptions(cls, options as object, [...MATRICES, 'validateArgs']);
  const given = MATRICES.filter((k) => (options as Record<string, unknown>)[k] !== undefined);
  if (given.length !== 1) {
    throw new ValueError(`${cls}: expected exactly one of covarianceMatrix, precisionMatrix or scaleTril (${usage}), got ${given.length === 0 ? 'none' : given.join(' and ')}`);
  }
  return given[0];
}

/** The arguments checked, loc broadcast to batchShape + [d], and L (from a Cholesky factorisation unless given). */
function mvnParams(loc: unknown, options: unknown): MvnParams {
  const given = givenMatrix(options);
  const opts = options as MultivariateNormalOptions;
  const checks = checksOf(CLS, opts.validateArgs);
  const matrix: unknown = opts[given];
  checkParam(CLS, 'loc', loc);
  checkParam(CLS, given, matrix);
  if (typeof loc === 'number' || loc.shape.length < 1) {
    throw new ShapeError(`${CLS}: loc expected a tensor of at least 1 dimension [..., d], got ${typeof loc === 'number' ? 'a number' : fmtShape(loc.shape)}`);
  }
  const m = matrix as Tensor | number;
  if (typeof m === 'number' || m.shape.length < 2 || m.shape[m.shape.length - 1] !== m.shape[m.shape.length - 2]) {
    throw new ShapeError(`${CLS}: ${given} expected a square matrix or a batch of them [..., d, d], got ${typeof m === 'number' ? 'a number' : fmtShape(m.shape)}`);
  }
  deviceOf(CLS, [['loc', loc], [given, m]]);
  const d = loc.shape[loc.shape.length - 1];
  if (m.shape[m.shape.length - 1] !== d) {
    throw new ShapeError(`${CLS}: loc ${fmtShape(loc.shape)} and ${given} ${fmtShape(m.shape)} expected the same size d (loc [..., d], ${given} [..., d, d]), got ${d} and ${m.shape[m.shape.length - 1]}`);
  }
  const locBatch = loc.shape.slice(0, -1);
  const matrixBatch = m.shape.slice(0, -2);
  let batchShape: number[];
  try {
    batchShape = broadcastShapes(CLS, locBatch, matrixBatch);
  } catch {
    throw new ShapeError(`${CLS}: loc ${fmtShape(loc.shape)} and ${given} ${fmtShape(m.shape)} expected batch dims that broadcast together, got ${fmtShape(locBatch)} and ${fmtShape(matrixBatch)}`);
  }
  const scaleTril = factor(given, loc, m, checks);
  return { loc: expand(loc, [...batchShape, d]), given, matrix: m, scaleTril, batchShape, checks };
}

/**
 * L for the matrix given: scaleTril itself; the Cholesky factor of covarianceMatrix; from that of
 * precisionMatrix flipped, PyTorch's way. With validateArgs, one read checks `also` (loc), the
 * matrix and (through choleskyEx's info, whose factor is then used) positive-definiteness; without
 * it, cholesky refuses a matrix that is not positive-definite as PyTorch does. Refusals name `cls`.
 */
function factor(given: MultivariateNormalMatrix, loc: Tensor, M: Tensor, checks: Checks): Tensor {
  return matrixFactor(CLS, given, M, checks, () => [{ name: 'loc', bad: notReal(loc), expected: 'real values (not NaN)' }]);
}

export function matrixFactor(cls: string, given: MultivariateNormalMatrix, M: Tensor, checks: Checks, also: () => Violation[] = () => []): Tensor {
  const realMatrix = (): Violation => ({ name: given, bad: notReal(M), expected: 'real values (not NaN)' });
  if (given === 'scaleTril') {
    if (checks.tensors) {
      refuseViolations(cls, () => [
        ...also(),
        realMatrix(),
        { name: given, bad: any(ne(tril(M), M), [-2, -1]), expected: 'lower-triangular matrices (zeros above the diagonal)', unit: MATRIX_UNIT },
        { name: given, bad: any(logicalNot(gt(diagonal(M), 0)), -1), expected: 'matrices with a positive diagonal', unit: MATRIX_UNIT },
      ]);
    }
    return M;
  }
  return scope(() => {
    const source = given === 'covarianceMatrix' ? M : flip(M, [-2, -1]);
    let Lf: Tensor;
    if (checks.tensors) {
      const { L, info } = choleskyEx(source);
      refuseViolations(cls, () => [
        ...also(),
        realMatrix(),
        { name: given, bad: notSymmetric(M), expected: 'symmetric matrices (within atol 1e-6, rtol 1e-5)', unit: MATRIX_UNIT },
        { name: given, bad: ne(info, 0), expected: 'positive-definite matrices', unit: MATRIX_UNIT },
      ]);
      Lf = L;
    } else {
      Lf = choleskyOrRefuse(cls, given, source);
    }
    return given === 'covarianceMatrix' ? Lf : precisionToScaleTril(Lf);
  });
}

/** cholesky, its refusal at the call (a small matrix: the larger fail when read) named as the distribution's. */
function choleskyOrRefuse(cls: string, given: MultivariateNormalMatrix, source: Tensor): Tensor {
  try {
    return cholesky(source);
  } catch (e) {
    if (!(e instanceof ValueError) || !e.message.startsWith('cholesky:')) throw e;
    const what = given === 'covarianceMatrix' ? e.message : e.message.replace(/^cholesky:/, 'cholesky of the matrix flipped in both dims:');
    throw new ValueError(`${cls}: ${given} expected positive-definite matrices, got one that is not (${what})`);
  }
}

export class MultivariateNormal extends Distribution {
  /** The mean, broadcast to batchShape + [d]. */
  readonly loc: Tensor;
  /** @internal L, of the batch dims of the matrix given (Note [multivariate normal's matrices]; PyTorch's _unbroadcasted_scale_tril). */
  readonly unbroadcastedScaleTril: Tensor;
  /** Which matrix the distribution was given, and that matrix as given. */
  private readonly given: { name: MultivariateNormalMatrix; matrix: Tensor };

  /**
   * N(loc, Σ) for loc [..., d] and exactly one of `covarianceMatrix` Σ, `precisionMatrix` Σ⁻¹
   * (both symmetric positive-definite; their lower triangles are what is factored) or `scaleTril`
   * L (lower-triangular with a positive diagonal; Σ = L·Lᵀ), [..., d, d]. The batch dims of loc
   * and the matrix broadcast to batchShape; eventShape is [d].
   */
  constructor(loc: Tensor, options: MultivariateNormalOptions) {
    const p = mvnParams(loc, options);
    super(p.batchShape, [p.loc.shape[p.loc.shape.length - 1]], p.checks);
    this.loc = p.loc;
    this.unbroadcastedScaleTril = p.scaleTril;
    this.given = { name: p.given, matrix: p.matrix };
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

  private matrixShape(): number[] {
    return [...this.batchShape, this.size, this.size];
  }

  /** loc + L·ε with ε ~ N(0, I) from the generator: gradients reach loc and the matrix. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('rsample', sampleShape, options);
    return scope(() => add(this.loc, batchMv(this.unbroadcastedScaleTril, randn(shape, { device: this.device, generator }))));
  }

  /** −(d·log 2π + (x − loc)ᵀ·Σ⁻¹·(x − loc))/2 − log det L, over the last dim of `value`. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      const M = batchMahalanobis(this.unbroadcastedScaleTril, sub(v, this.loc));
      return sub(mul(add(M, this.size * LOG_2PI), -0.5), halfLogDet(this.unbroadcastedScaleTril));
    });
  }

  /** d·(1 + log 2π)/2 + log det L. */
  override entropy(): Tensor {
    return scope(() => expand(add(halfLogDet(this.unbroadcastedScaleTril), 0.5 * this.size * (1 + LOG_2PI)), this.batchShape));
  }

  override get mean(): Tensor {
    return this.loc;
  }

  /** The most likely value: loc. */
  get mode(): Tensor {
    return this.loc;
  }

  /** The diagonal of Σ: the squares of L's rows summed. */
  override get variance(): Tensor {
    return scope(() => expand(sum(square(this.unbroadcastedScaleTril), -1), [...this.batchShape, this.size]));
  }

  /** L, lower-triangular with Σ = L·Lᵀ, of batchShape + [d, d]. */
  get scaleTril(): Tensor {
    return expand(this.unbroadcastedScaleTril, this.matrixShape());
  }

  /** Σ (the matrix given, or L·Lᵀ), of batchShape + [d, d]. */
  get covarianceMatrix(): Tensor {
    if (this.given.name === 'covarianceMatrix') return expand(this.given.matrix, this.matrixShape());
    return scope(() => expand(matmul(this.unbroadcastedScaleTril, mT(this.unbroadcastedScaleTril)), this.matrixShape()));
  }

  /** Σ⁻¹ (the matrix given, or from L), of batchShape + [d, d]. */
  get precisionMatrix(): Tensor {
    if (this.given.name === 'precisionMatrix') return expand(this.given.matrix, this.matrixShape());
    return scope(() => expand(choleskyInverse(this.unbroadcastedScaleTril), this.matrixShape()));
  }

  /** PyTorch's support: real vectors. */
  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notReal(value), expected: 'real values (not NaN)' }];
  }

  /** PyTorch's support: real.independent(1). */
  override get support(): Constraint {
    return real.independent(1);
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { loc: real.independent(1), covarianceMatrix: positiveDefinite, precisionMatrix: positiveDefinite, scaleTril: lowerCholesky };
  }
}
