// The stick-breaking transforms (torch.distributions.transforms): StickBreakingTransform, from
// real vectors of length K − 1 onto the simplex of K, and CorrCholeskyTransform, from real vectors
// of length D·(D − 1)/2 onto Cholesky factors of D×D correlation matrices (a signed stick-breaking
// of each row's squares). PyTorch's formulas, clamps and log-Jacobians.
import { ShapeError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { sigmoid, softplus, tanh } from '../../ops/table/activation.js';
import { add, div, mul, sub } from '../../ops/table/binary.js';
import { logSigmoid } from '../../ops/table/composed-activations.js';
import { cumprod } from '../../ops/table/composed-ops.js';
import { arange, eye } from '../../ops/table/creation.js';
import { tensor } from '../../creation.js';
import { indexSelect } from '../../ops/table/index-ops.js';
import { log1p } from '../../ops/table/math.js';
import { sum } from '../../ops/table/reduce.js';
import { cumsum } from '../../ops/table/scan.js';
import { narrow, pad, reshape } from '../../ops/table/shape.js';
import { clamp, log, neg, sqrt } from '../../ops/table/unary.js';
import { type Constraint, corrCholesky, real, simplex } from './constraint.js';
import { Transform } from './transform.js';

/** float32's smallest positive normal number and its machine epsilon (PyTorch's torch.finfo(float32).tiny, .eps). */
const FLOAT32_TINY = 2 ** -126;
const FLOAT32_EPS = 2 ** -23;
const realVector = real.independent(1);

/** sigmoid clamped to [tiny, 1 − eps] (PyTorch's _clipped_sigmoid). */
const clippedSigmoid = (x: Tensor): Tensor => clamp(sigmoid(x), { min: FLOAT32_TINY, max: 1 - FLOAT32_EPS });

/** log of [n, n − 1, …, 1] for a vector of n, on `like`'s device: the offsets that centre each stick's sigmoid. */
const logOffsets = (n: number, like: Tensor): Tensor => log(arange(n, 0, -1, { device: like.device }));

/**
 * Transform from unconstrained vectors [..., K − 1] onto the simplex [..., K] (PyTorch's
 * StickBreakingTransform): the first logit (shifted by log K − 1) is a sigmoid share of the
 * stick, the rest recurses on what is left. Bijective, with PyTorch's log-Jacobian over each
 * vector; LogisticNormal is a Normal through it.
 */
export class StickBreakingTransform extends Transform {
  get domain(): Constraint {
    return realVector;
  }

  get codomain(): Constraint {
    return simplex;
  }

  override get bijective(): boolean {
    return true;
  }

  override equals(other: Transform): boolean {
    return other instanceof StickBreakingTransform;
  }

  override forwardShape(shape: readonly number[]): number[] {
    const s = this.shapeFor('forwardShape', shape, this.domain);
    return [...s.slice(0, -1), s[s.length - 1] + 1];
  }

  override inverseShape(shape: readonly number[]): number[] {
    const s = this.shapeFor('inverseShape', shape, this.codomain);
    if (s[s.length - 1] < 1) throw new ShapeError(`StickBreakingTransform.inverseShape: shape ${fmtShape(s)} expected a last dim of at least 1 (a point of the simplex)`);
    return [...s.slice(0, -1), s[s.length - 1] - 1];
  }

  /** z = sigmoid(x − log offset) clamped; y = [z, 1]·[1, cumprod(1 − z)]. */
  protected map(x: Tensor): Tensor {
    const n = x.shape[x.shape.length - 1];
    const z = clippedSigmoid(sub(x, logOffsets(n, x)));
    const zCumprod = cumprod(sub(1, z), -1);
    return mul(pad(z, [0, 1], { value: 1 }), pad(zCumprod, [1, 0], { value: 1 }));
  }

  /** x = log y_k − log(1 − Σ_{j≤k} y_j) + log offset, the remainder clamped to tiny. */
  protected override mapInverse(y: Tensor): Tensor {
    const k = y.shape[y.shape.length - 1];
    const crop = narrow(y, -1, 0, k - 1);
    const sf = clamp(sub(1, cumsum(crop, -1)), { min: FLOAT32_TINY });
    return add(sub(log(crop), log(sf)), logOffsets(k - 1, y));
  }

  /** Σ (−x' + logsigmoid(x') + log y_k) over the vector, x' = x − log offset. */
  protected override logAbsDet(x: Tensor, y: Tensor): Tensor {
    const n = x.shape[x.shape.length - 1];
    const shifted = sub(x, logOffsets(n, x));
    return sum(add(sub(logSigmoid(shifted), shifted), log(narrow(y, -1, 0, n))), -1);
  }
}

/** D with D·(D − 1)/2 = n, refused where n is not such a count. */
function sideOf(where: string, n: number): number {
  const d = Math.round(Math.sqrt(0.25 + 2 * n) + 0.5);
  if ((d * (d - 1)) / 2 !== n) throw new ShapeError(`${where}: a last dim of ${n} expected a count D·(D − 1)/2 of the entries below a D×D diagonal (0, 1, 3, 6, 10 …)`);
  return d;
}

/** Flat positions (row-major) of the entries of an n×n matrix with column < row + diag + 1 (PyTorch's tril mask). */
function trilPositions(n: number, diag: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j < i + diag + 1) out.push(i * n + j);
  return out;
}

/** The entries of the lower triangle (below `diag`) of the last two dims, row by row (PyTorch's tril_matrix_to_vec). */
export function trilMatrixToVec(mat: Tensor, diag = 0): Tensor {
  const n = mat.shape[mat.shape.length - 1];
  const flat = reshape(mat, [...mat.shape.slice(0, -2), n * n]);
  return indexSelect(flat, -1, tensor(trilPositions(n, diag).map(BigInt), { dtype: 'int64', device: mat.device }));
}

/** The n×n matrices with vec [..., m] in their lower triangle (below `diag`), row by row, zeros elsewhere (PyTorch's vec_to_tril_matrix). */
export function vecToTrilMatrix(vec: Tensor, n: number, diag = 0): Tensor {
  const where = new Array<bigint>(n * n).fill(0n);
  trilPositions(n, diag).forEach((p, k) => (where[p] = BigInt(k + 1)));
  // A zero in front of the entries: every position outside the triangle reads it.
  const padded = pad(vec, [1, 0]);
  const flat = indexSelect(padded, -1, tensor(where, { dtype: 'int64', device: vec.device }));
  return reshape(flat, [...vec.shape.slice(0, -1), n, n]);
}

/**
 * Transform from unconstrained vectors [..., D·(D − 1)/2] onto Cholesky factors of D×D
 * correlation matrices (PyTorch's CorrCholeskyTransform): the entries tanh-squashed into (−1, 1)
 * (clamped 1 − eps away from the ends) fill the strict lower triangle row by row, and each row
 * is stick-broken on its squares so that it has unit length. The log-Jacobian is of the
 * flattened lower triangle, PyTorch's (the spaces differ in dimension).
 */
export class CorrCholeskyTransform extends Transform {
  get domain(): Constraint {
    return realVector;
  }

  get codomain(): Constraint {
    return corrCholesky;
  }

  override get bijective(): boolean {
    return true;
  }

  override equals(other: Transform): boolean {
    return other instanceof CorrCholeskyTransform;
  }

  /** [..., N] → [..., D, D]. */
  override forwardShape(shape: readonly number[]): number[] {
    const s = this.shapeFor('forwardShape', shape, this.domain);
    const d = sideOf('CorrCholeskyTransform.forwardShape', s[s.length - 1]);
    return [...s.slice(0, -1), d, d];
  }

  /** [..., D, D] → [..., N]. */
  override inverseShape(shape: readonly number[]): number[] {
    const s = this.shapeFor('inverseShape', shape, this.codomain);
    const d = s[s.length - 1];
    if (s[s.length - 2] !== d) throw new ShapeError(`CorrCholeskyTransform.inverseShape: shape ${fmtShape(s)} expected square matrices [..., D, D]`);
    return [...s.slice(0, -2), (d * (d - 1)) / 2];
  }

  protected override checkInput(method: string, arg: string, t: unknown, constraint: Constraint): asserts t is Tensor {
    super.checkInput(method, arg, t, constraint);
    const s = (t as Tensor).shape;
    // x is in the domain (forward, logAbsDetJacobian's x), y in the codomain.
    if (arg === 'x') sideOf(`${this.name}.${method}`, s[s.length - 1]);
    else if (s[s.length - 1] !== s[s.length - 2]) throw new ShapeError(`${this.name}.${method}: ${arg} ${fmtShape(s)} expected square matrices [..., D, D]`);
  }

  /** r = tanh(x) in the strict lower triangle, each row times the running √(1 − Σ earlier r²) (a 1 on the diagonal). */
  protected map(x: Tensor): Tensor {
    const d = sideOf('CorrCholeskyTransform.forward', x.shape[x.shape.length - 1]);
    const t = clamp(tanh(x), { min: -1 + FLOAT32_EPS, max: 1 - FLOAT32_EPS });
    const r = vecToTrilMatrix(t, d, -1);
    const z1mCumprodSqrt = cumprod(sqrt(sub(1, mul(r, r))), -1);
    const withDiagonal = add(r, eye(d, { device: x.device }));
    return mul(withDiagonal, pad(narrow(z1mCumprodSqrt, -1, 0, d - 1), [1, 0], { value: 1 }));
  }

  /** The inverse stick-breaking (Stan's), then atanh as (log1p(t) − log1p(−t))/2. */
  protected override mapInverse(y: Tensor): Tensor {
    const d = y.shape[y.shape.length - 1];
    const cum = sub(1, cumsum(mul(y, y), -1));
    const shifted = pad(narrow(cum, -1, 0, d - 1), [1, 0], { value: 1 });
    const t = div(trilMatrixToVec(y, -1), sqrt(trilMatrixToVec(shifted, -1)));
    return mul(sub(log1p(t), log1p(neg(t))), 0.5);
  }

  /** ½·Σ log(1 − cumsum(y²)) below the first subdiagonal, − 2·Σ (x + softplus(−2x) − log 2). */
  protected override logAbsDet(x: Tensor, y: Tensor): Tensor {
    const y1mCumsum = sub(1, cumsum(mul(y, y), -1));
    const stick = mul(sum(log(trilMatrixToVec(y1mCumsum, -2)), -1), 0.5);
    const tanhLogdet = mul(sum(sub(add(x, softplus(mul(x, -2))), Math.LN2), -1), -2);
    return add(stick, tanhLogdet);
  }
}
