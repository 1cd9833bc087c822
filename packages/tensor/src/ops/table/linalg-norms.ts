// Norms and matrix functions of torch.linalg that users asked for (GP regression and PCA trials),
// composed of declared ops (both devices; gradients from their parts): vectorNorm, matrixNorm,
// linalg.norm (linalgNorm here), cond, multiDot, matrixPower, and outside torch.linalg logdet,
// diagEmbed, cov and corrcoef. Float32, with PyTorch's semantics and edge cases (ord 0 counts,
// negative orders, an empty matrix's norm 0, cond of a singular matrix +inf).
import { isFloating, isIntegral } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { normDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { floatArg as floatTensor, tensorArg } from '../check-args.js';
import { add, div, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { eq, gt, ne } from './compare.js';
import { amax, amin, clone, isfinite, isnan } from './composed-ops.js';
import { diagonal, movedim } from './composed-shape.js';
import { eye } from './creation.js';
import { matmul } from './linalg.js';
import { inv, luFactorEx, luSolve, slogdet } from './linalg-lu.js';
import { svdvals } from './linalg-svd.js';
import { mT } from './linalg-decomp.js';
import { DEGREES_OF_FREEDOM_WARNING, sum } from './reduce.js';
import { contiguous, expand, narrow, pad, reshape, squeeze, unsqueeze } from './shape.js';
import { abs, clamp, powScalar, sqrt } from './unary.js';

/** A value as a refusal quotes it: strings in quotes, arrays in brackets. */
const quote = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.map(quote).join(',')}]` : v === null ? 'null' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v;

const fmtOrd = (ord: number | string): string => (ord === Infinity ? 'inf' : ord === -Infinity ? '-inf' : String(ord));

function checkKeepdim(fn: string, keepdim: unknown): boolean {
  if (keepdim !== undefined && typeof keepdim !== 'boolean') throw new ValueError(`${fn}: keepdim expected true or false, got ${quote(keepdim)}`);
  return keepdim ?? false;
}

function squareOf(fn: string, A: Tensor, what = ''): number {
  const s = A.shape;
  if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) {
    throw new ShapeError(`${fn}: A expected a square matrix or a batch of them [..., n, n]${what}, got ${fmtShape(s)}`);
  }
  return s[s.length - 1];
}

// ---- vectorNorm ----

export interface VectorNormOptions {
  /** The order (default 2): any number; 0 counts the non-zero elements, ±Infinity takes the largest / smallest |x|. */
  ord?: number;
  /** Dims to reduce (a dim or a list); all when omitted (x flattened, as PyTorch's dim=None). */
  dim?: number | readonly number[];
  keepdim?: boolean;
}

/** The reduced dims of `dim` (all when omitted or empty), checked. */
function reducedDims(fn: string, x: Tensor, dim: unknown): number[] {
  if (dim === undefined || dim === null) return [...x.shape.keys()];
  if (typeof dim !== 'number' && !Array.isArray(dim)) throw new ValueError(`${fn}: dim expected a dim or a list of dims, got ${quote(dim)}`);
  const given = typeof dim === 'number' ? [dim] : [...(dim as number[])];
  if (given.length === 0) return [...x.shape.keys()];
  const dims = given.map((d) => normDim(fn, d, x.shape.length));
  if (new Set(dims).size !== dims.length) throw new ValueError(`${fn}: dim [${given.join(',')}] names a dimension twice`);
  return dims;
}

/** The p-norm of x over dims (checked), kept or not: the computation vectorNorm, matrixNorm and linalg.norm share. */
function vectorNormOf(x: Tensor, ord: number, dims: number[], keepdim: boolean): Tensor {
  return scope(() => {
    if (x.shape.length === 0) return reshape(vectorNormOf(reshape(x, [1]), ord, [0], false), []);
    const over = { dim: dims, keepdim };
    if (ord === Infinity) return amax(abs(x), over);
    if (ord === -Infinity) return amin(abs(x), over);
    if (ord === 0) {
      const count = sum(cast(ne(x, 0), 'float32'), over);
      // PyTorch's result requires grad, with a zero gradient: a term of value 0 that passes 0 on.
      return x.requiresGrad ? add(count, sum(mul(where(isfinite(x), x, 0), 0), over)) : count;
    }
    if (ord === 1) return sum(abs(x), over);
    if (ord === 2) {
      const s = sum(mul(x, x), over);
      const zero = eq(s, 0);
      return where(zero, 0, sqrt(where(zero, 1, s))); // 0 at a zero vector, and its gradient 0 (PyTorch's)
    }
    // |x|^ord of a zero element is taken at a safe 1 and masked, so no 0·∞ reaches the gradient
    // (PyTorch masks the same elements).
    const a = abs(x);
    const zeroElement = eq(a, 0);
    const safe = where(zeroElement, 1, a);
    if (ord < 0) {
      // Any zero makes Σ|x|^ord infinite and the norm 0, with gradient 0 (PyTorch's).
      const hasZero = gt(sum(cast(zeroElement, 'float32'), over), 0);
      return where(hasZero, 0, powScalar(sum(powScalar(safe, ord), over), 1 / ord));
    }
    const s = sum(where(zeroElement, 0, powScalar(safe, ord)), over);
    const zero = eq(s, 0);
    return where(zero, 0, powScalar(where(zero, 1, s), 1 / ord));
  });
}

function vectorNormAs(fn: string, name: string, x: Tensor, ord: unknown, dim: unknown, keepdimArg: unknown): Tensor {
  if (typeof ord !== 'number' || Number.isNaN(ord)) {
    const hint = typeof ord === 'string' ? ` ('${ord}' is a matrix norm: linalg.matrixNorm(A, { ord: '${ord}' }))` : '';
    throw new ValueError(`${fn}: ord expected a number (0, Infinity and -Infinity included), got ${quote(ord)}${hint}`);
  }
  const dims = reducedDims(fn, x, dim);
  const keepdim = checkKeepdim(fn, keepdimArg);
  if (ord < 0 || ord === Infinity) {
    const empty = x.shape.length === 0 ? undefined : dims.find((d) => x.shape[d] === 0);
    if (empty !== undefined) {
      throw new ValueError(`${fn}: cannot compute the ${fmtOrd(ord)} norm over dim ${empty} of size 0 (${name} ${fmtShape(x.shape)}): it has no identity`);
    }
  }
  return vectorNormOf(x, ord, dims, keepdim);
}

/**
 * The vector ord-norm of x over `dim` (torch.linalg.vector_norm): (Σ|x|^ord)^(1/ord) for any ord
 * (negative ones too; 0 where an element is 0), ord 0 the count of non-zero elements, ±Infinity
 * the largest / smallest |x| (the gradient shared by ties, as amax's). All dims when `dim` is
 * omitted. A zero vector's 2-norm is 0 with gradient 0, as PyTorch's.
 */
export function vectorNorm(x: Tensor, options: VectorNormOptions = {}): Tensor {
  floatTensor('vectorNorm', 'x', x);
  checkOptions('vectorNorm', options, ['ord', 'dim', 'keepdim']);
  return vectorNormAs('vectorNorm', 'x', x, options.ord ?? 2, options.dim, options.keepdim);
}

// ---- matrixNorm ----

/** The orders matrixNorm takes. */
export type MatrixNormOrd = 'fro' | 'nuc' | number;

export interface MatrixNormOptions {
  /** 'fro' (default), 'nuc', Infinity, -Infinity, 1, -1, 2 or -2 (the last two: the largest / smallest singular value). */
  ord?: MatrixNormOrd;
  /** The two dims that hold the matrices (default [-2, -1]). */
  dim?: readonly number[];
  keepdim?: boolean;
}

const MATRIX_ORDS: readonly (string | number)[] = ['fro', 'nuc', Infinity, -Infinity, 1, -1, 2, -2];

function matrixNormAs(fn: string, A: Tensor, ord: unknown, dim: unknown, keepdimArg: unknown): Tensor {
  if (!MATRIX_ORDS.includes(ord as string | number)) {
    throw new ValueError(`${fn}: ord expected 'fro', 'nuc', Infinity, -Infinity, 1, -1, 2 or -2, got ${quote(ord)}${typeof ord === 'number' ? ' (vector norms of any order: linalg.vectorNorm)' : ''}`);
  }
  if (A.shape.length < 2) throw new ShapeError(`${fn}: A expected at least 2 dimensions (a matrix or a batch of them), got ${fmtShape(A.shape)}`);
  const given = dim ?? [-2, -1];
  if (!Array.isArray(given) || given.length !== 2) throw new ValueError(`${fn}: dim expected two dims [d0, d1], got ${quote(given)}`);
  const [d0, d1] = given.map((d: number) => normDim(fn, d, A.shape.length));
  if (d0 === d1) throw new ValueError(`${fn}: dim expected two different dims, got ${quote(given)} (both dim ${d0})`);
  const keepdim = checkKeepdim(fn, keepdimArg);
  return matrixNormOf(A, ord as MatrixNormOrd, d0, d1, keepdim);
}

function matrixNormOf(A: Tensor, ord: MatrixNormOrd, d0: number, d1: number, keepdim: boolean): Tensor {
  return scope(() => {
    const both = { dim: [d0, d1], keepdim };
    // An empty matrix's norm is 0 whatever the order (PyTorch's); still in A's graph.
    if (A.shape[d0] === 0 || A.shape[d1] === 0) return mul(sum(A, both), 0);
    if (ord === 'fro') return vectorNormOf(A, 2, [d0, d1], keepdim);
    const dropBoth = (t: Tensor) => (keepdim ? t : squeeze(t, [d0, d1]));
    if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
      // 1: the largest column sum (sum over rows d0, then the extreme over d1); inf: rows.
      const [inner, outer] = Math.abs(ord) === 1 ? [d0, d1] : [d1, d0];
      const sums = sum(abs(A), { dim: inner, keepdim: true });
      return dropBoth((ord > 0 ? amax : amin)(sums, { dim: outer, keepdim: true }));
    }
    // 'nuc', 2, -2: from the singular values, the matrices moved to the last two dims.
    const S = svdvals(movedim(A, [d0, d1], [-2, -1]));
    const r = ord === 'nuc' ? sum(S, -1) : ord === 2 ? amax(S, -1) : amin(S, -1);
    if (!keepdim) return r;
    const [lo, hi] = d0 < d1 ? [d0, d1] : [d1, d0];
    return unsqueeze(unsqueeze(r, lo), hi);
  });
}

/**
 * The matrix norm of A over the two dims `dim` (default the last two; torch.linalg.matrix_norm):
 * 'fro' (default) √Σa², 'nuc' Σσ, 1 / -1 the largest / smallest column sum of |A|, Infinity /
 * -Infinity the largest / smallest row sum, 2 / -2 the largest / smallest singular value.
 * Gradients from the parts (svdvals' for 'nuc' and ±2; ties shared as amax's).
 */
export function matrixNorm(A: Tensor, options: MatrixNormOptions = {}): Tensor {
  floatTensor('matrixNorm', 'A', A);
  checkOptions('matrixNorm', options, ['ord', 'dim', 'keepdim']);
  return matrixNormAs('matrixNorm', A, options.ord ?? 'fro', options.dim, options.keepdim);
}

// ---- linalg.norm ----

export interface LinalgNormOptions {
  /** A vector order (a number) or a matrix order ('fro', 'nuc', ±Infinity, ±1, ±2); see linalg.norm. */
  ord?: MatrixNormOrd;
  /** One dim (a vector norm) or two (a matrix norm); all dims as one vector when omitted without ord. */
  dim?: number | readonly number[];
  keepdim?: boolean;
}

/**
 * @internal torch.linalg.norm (in the `linalg` namespace as linalg.norm; the package's flat `norm`
 * is the vector p-norm): a matrix norm when `dim` names two dims, or when it is omitted, ord is
 * given and A is 2-D (or ord is 'fro' / 'nuc'); otherwise a vector norm (ord default 2, over all
 * elements when dim is omitted).
 */
export function linalgNorm(A: Tensor, options: LinalgNormOptions = {}): Tensor {
  const fn = 'linalg.norm';
  floatTensor(fn, 'A', A);
  checkOptions(fn, options, ['ord', 'dim', 'keepdim']);
  const { ord, dim, keepdim } = options;
  let dims: number[] | undefined;
  if (dim !== undefined && dim !== null) {
    dims = typeof dim === 'number' ? [dim] : Array.isArray(dim) ? [...dim] : undefined;
    if (!dims || dims.length < 1 || dims.length > 2) throw new ValueError(`${fn}: dim expected one dim (a vector norm) or two (a matrix norm), got ${quote(dim)}`);
  } else if (ord !== undefined && A.shape.length !== 1 && A.shape.length !== 2) {
    throw new ShapeError(`${fn}: with ord and no dim, A expected 1 or 2 dimensions, got ${fmtShape(A.shape)} (name the dims: { dim: [-2, -1] } for matrices, { dim: -1 } for vectors)`);
  }
  if (ord !== undefined && (typeof ord === 'string' || (dims ? dims.length === 2 : A.shape.length === 2))) {
    return matrixNormAs(fn, A, ord, dims ?? [0, 1], keepdim);
  }
  return vectorNormAs(fn, 'A', A, ord ?? 2, dims, keepdim);
}

// ---- cond ----

/**
 * A⁻¹ of each matrix, +∞ throughout for a singular one (PyTorch's linalg_inv_ex + masked_fill):
 * luFactorEx and luSolve, which refuse nothing.
 */
function inverseOrInfinite(A: Tensor): Tensor {
  return scope(() => {
    const n = A.shape[A.shape.length - 1];
    const { LU, pivots, info } = luFactorEx(A);
    const inverse = luSolve(LU, pivots, expand(eye(n, { device: A.device }), A.shape));
    return where(unsqueeze(unsqueeze(gt(info, 0), -1), -1), Infinity, inverse);
  });
}

/**
 * The condition number of A (torch.linalg.cond): for p 2 (default) / -2 the ratio of the largest
 * and smallest singular values (any [..., m, n]); for 'fro', 'nuc', ±Infinity, ±1 (square A)
 * ‖A‖·‖A⁻¹‖ in that norm, +∞ for a singular A ('nuc': Σσ·Σ1/σ, as PyTorch). An empty matrix
 * gives 0.
 */
export function cond(A: Tensor, options: { p?: MatrixNormOrd } = {}): Tensor {
  floatTensor('cond', 'A', A);
  checkOptions('cond', options, ['p']);
  const p = options.p ?? 2;
  if (!MATRIX_ORDS.includes(p)) throw new ValueError(`cond: p expected 2, -2, 'fro', 'nuc', Infinity, -Infinity, 1 or -1, got ${quote(p)}`);
  if (A.shape.length < 2) throw new ShapeError(`cond: A expected at least 2 dimensions (a matrix or a batch of them), got ${fmtShape(A.shape)}`);
  if (p !== 2 && p !== -2) squareOf('cond', A, ` for p = ${quote(p)} (p = 2 takes any shape)`);
  return scope(() => {
    if (A.numel === 0) return mul(sum(A, [-2, -1]), 0);
    if (p === 2 || p === -2 || p === 'nuc') {
      const S = svdvals(A);
      if (p === 'nuc') return mul(sum(S, -1), sum(div(1, S), -1));
      const k = S.shape[S.shape.length - 1];
      const [largest, smallest] = [squeeze(narrow(S, -1, 0, 1), -1), squeeze(narrow(S, -1, k - 1, 1), -1)];
      return p === 2 ? div(largest, smallest) : div(smallest, largest);
    }
    const d = A.shape.length;
    const product = mul(matrixNormOf(A, p, d - 2, d - 1, false), matrixNormOf(inverseOrInfinite(A), p, d - 2, d - 1, false));
    return where(isnan(product), Infinity, product); // 0·∞ of a singular A is +∞ (PyTorch's nan_to_num)
  });
}

// ---- multiDot ----

/**
 * The product of two or more matrices (torch.linalg.multi_dot), multiplied in the order of fewest
 * scalar multiplications (the chain's dynamic programme): the first may be a vector [n] (a row)
 * and the last a vector [n] (a column), dropped from the result's shape as PyTorch does; the others
 * are matrices. Gradients from matmul's.
 */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  const fn = 'multiDot';
  if (!Array.isArray(tensors)) throw new ValueError(`${fn}: tensors expected an array of tensors, got ${(tensors as unknown as Tensor)?.isTensor ? 'a Tensor (pass [A, B, …])' : quote(tensors)}`);
  if (tensors.length < 2) throw new ValueError(`${fn}: tensors expected at least 2 tensors, got ${tensors.length}`);
  const last = tensors.length - 1;
  tensors.forEach((t, i) => {
    floatTensor(fn, `tensors[${i}]`, t);
    const ends = i === 0 || i === last;
    if (ends ? t.shape.length !== 1 && t.shape.length !== 2 : t.shape.length !== 2) {
      throw new ShapeError(`${fn}: tensors[${i}] expected ${ends ? 'a vector or a matrix (1 or 2 dimensions)' : 'a matrix (2 dimensions)'}, got ${fmtShape(t.shape)}`);
    }
  });
  const rowVector = tensors[0].shape.length === 1;
  const columnVector = tensors[last].shape.length === 1;
  // Each as [rows, cols], the vectors as a row and a column.
  const shapes = tensors.map((t, i) => (i === 0 && rowVector ? [1, t.shape[0]] : i === last && columnVector ? [t.shape[0], 1] : t.shape));
  for (let i = 0; i < last; i++) {
    if (shapes[i][1] !== shapes[i + 1][0]) {
      throw new ShapeError(`${fn}: tensors[${i}] ${fmtShape(tensors[i].shape)} and tensors[${i + 1}] ${fmtShape(tensors[i + 1].shape)} cannot be multiplied (${shapes[i][1]} ≠ ${shapes[i + 1][0]})`);
    }
  }
  return scope(() => {
    const mats = tensors.map((t, i) => (i === 0 && rowVector ? unsqueeze(t, 0) : i === last && columnVector ? unsqueeze(t, -1) : t));
    // dims[i] × dims[i + 1] is matrix i; cost[i][j] the fewest multiplications for i..j, split[i][j] where.
    const dims = [shapes[0][0], ...shapes.map((s) => s[1])];
    const n = mats.length;
    const cost = Array.from({ length: n }, () => Array<number>(n).fill(0));
    const split = Array.from({ length: n }, () => Array<number>(n).fill(0));
    for (let len = 2; len <= n; len++) {
      for (let i = 0; i + len - 1 < n; i++) {
        const j = i + len - 1;
        cost[i][j] = Infinity;
        for (let k = i; k < j; k++) {
          const c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1];
          if (c < cost[i][j]) {
            cost[i][j] = c;
            split[i][j] = k;
          }
        }
      }
    }
    const product = (i: number, j: number): Tensor => (i === j ? mats[i] : matmul(product(i, split[i][j]), product(split[i][j] + 1, j)));
    let out = product(0, last);
    if (rowVector) out = squeeze(out, 0);
    if (columnVector) out = squeeze(out, -1);
    return out;
  });
}

// ---- matrixPower ----

/**
 * A to the integer power n (torch.linalg.matrix_power) for square A [..., m, m]: n = 0 the identity
 * (batched), n < 0 the power of inv(A) (a singular A is refused as inv refuses it); by repeated
 * squaring, as PyTorch. Gradients from matmul's and inv's.
 */
export function matrixPower(A: Tensor, n: number): Tensor {
  floatTensor('matrixPower', 'A', A);
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new ValueError(`matrixPower: n expected an integer, got ${quote(n)}`);
  const m = squareOf('matrixPower', A);
  if (n === 0) return scope(() => contiguous(expand(eye(m, { device: A.device }), A.shape)));
  if (n === 1) return clone(A);
  if (n === -1) return inv(A);
  return scope(() => {
    const a = n < 0 ? inv(A) : A;
    let k = Math.abs(n);
    let z: Tensor | null = null;
    let result: Tensor | null = null;
    while (k > 0) {
      const bit = k % 2;
      k = Math.floor(k / 2);
      z = z ? matmul(z, z) : a;
      if (bit === 1) result = result ? matmul(result, z) : z;
    }
    return result!;
  });
}

// ---- logdet ----

/**
 * log det A of square A [..., n, n] (torch.logdet): slogdet's logabsdet where the determinant is
 * positive, NaN where it is negative, -∞ for a singular A. Gradient A⁻ᵀ·g where it is finite
 * (0 for a negative determinant, as PyTorch's).
 */
export function logdet(A: Tensor): Tensor {
  floatTensor('logdet', 'A', A);
  squareOf('logdet', A);
  return scope(() => {
    const { sign, logabsdet } = slogdet(A);
    return where(eq(sign, -1), NaN, logabsdet);
  });
}

// ---- diagEmbed ----

export interface DiagEmbedOptions {
  /** Which diagonal: 0 (default) the main one, > 0 above it, < 0 below. */
  offset?: number;
  /** The result's dims that hold each matrix's rows (default -2) and columns (default -1). */
  dim1?: number;
  dim2?: number;
}

/**
 * Matrices with the last dim of input on their diagonal `offset` (torch.diag_embed): input
 * [..., n] gives [..., n + |offset|, n + |offset|] with the matrix's rows at dim1 and columns at
 * dim2 of the result (counted in its rank, input's + 1); zeros elsewhere.
 */
export function diagEmbed(input: Tensor, options: DiagEmbedOptions = {}): Tensor {
  const fn = 'diagEmbed';
  tensorArg(fn, 'input', input);
  checkOptions(fn, options, ['offset', 'dim1', 'dim2']);
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(offset)) throw new ValueError(`${fn}: offset expected an integer, got ${quote(offset)}`);
  if (input.shape.length === 0) throw new ShapeError(`${fn}: input expected at least 1 dimension (its last dim goes on the diagonal), got a 0-d tensor`);
  const rank = input.shape.length + 1;
  const d1 = normDim(fn, options.dim1 ?? -2, rank, 'dim1');
  const d2 = normDim(fn, options.dim2 ?? -1, rank, 'dim2');
  if (d1 === d2) throw new ValueError(`${fn}: dim1 and dim2 expected different dims, got ${options.dim1 ?? -2} and ${options.dim2 ?? -1} (both dim ${d1} of the ${rank}-d result)`);
  if (input.dtype === 'bool') return scope(() => cast(diagEmbed(cast(input, 'uint8'), options), 'bool'));
  return scope(() => {
    const n = input.shape[input.shape.length - 1];
    const square = mul(eye(n, { dtype: input.dtype, device: input.device }), unsqueeze(input, -2)); // input[..., i] at (i, i)
    // Shifted into place as diag's: offset > 0 puts it above the main diagonal (columns move right).
    const placed = offset > 0 ? pad(square, [offset, 0, 0, offset]) : offset < 0 ? pad(square, [0, -offset, -offset, 0]) : square;
    return d1 === rank - 2 && d2 === rank - 1 ? placed : movedim(placed, [-2, -1], [d1, d2]);
  });
}

// ---- cov, corrcoef ----

export interface CovOptions {
  /** Subtracted from the number of observations (or the weights' sum) in the divisor: 1 (default) unbiased, 0 the population covariance. */
  correction?: number;
  /** Integer frequency weights, one per observation (a 1-D int tensor). */
  fweights?: Tensor | null;
  /** Float observation weights, one per observation (1-D float32). */
  aweights?: Tensor | null;
}

let warnedCovDegrees = false;

function checkWeights(name: 'fweights' | 'aweights', w: unknown, observations: number): Tensor | null {
  if (w === undefined || w === null) return null;
  tensorArg('cov', name, w);
  if (w.shape.length > 1) throw new ShapeError(`cov: ${name} expected one weight per observation (at most 1 dimension), got ${fmtShape(w.shape)}`);
  if (name === 'fweights' && !isIntegral(w.dtype)) throw new DTypeError(`cov: fweights expected an integer dtype (int64, int32, uint8), got ${w.dtype} (float weights are aweights)`);
  if (name === 'aweights' && !isFloating(w.dtype)) throw new DTypeError(`cov: aweights expected float32, got ${w.dtype}`);
  if (w.numel !== observations) throw new ShapeError(`cov: ${name} expected ${observations} weights (one per observation, the input's columns), got ${w.numel}`);
  return w;
}

/**
 * The covariance matrix of the variables in input's rows, observations in its columns
 * (torch.cov): [V, N] gives [V, V], one variable (a 1-D input, or one row) a 0-d tensor. Weights
 * as PyTorch's (NumPy's): the divisor is Σw − correction, or Σw − correction·Σ(w·aweights)/Σw
 * with aweights, 0 when not positive (the result then inf or NaN; PyTorch warns, and so does this
 * when no weights make it known at the call). Weights are not checked for negative values (that
 * would wait for the data). Differentiable in input and aweights.
 */
export function cov(input: Tensor, options: CovOptions = {}): Tensor {
  floatTensor('cov', 'input', input);
  checkOptions('cov', options, ['correction', 'fweights', 'aweights']);
  if (input.shape.length > 2) throw new ShapeError(`cov: input expected at most 2 dimensions (variables in rows, observations in columns), got ${fmtShape(input.shape)}`);
  const correction = options.correction ?? 1;
  if (typeof correction !== 'number' || !Number.isFinite(correction)) throw new ValueError(`cov: correction expected a number, got ${quote(correction)}`);
  const rows = input.shape.length < 2 ? 1 : input.shape[0];
  const observations = input.shape.length < 2 ? input.numel : input.shape[1];
  const fweights = checkWeights('fweights', options.fweights, observations);
  const aweights = checkWeights('aweights', options.aweights, observations);
  if (!fweights && !aweights && observations - correction <= 0 && !warnedCovDegrees) {
    warnedCovDegrees = true;
    process.emitWarning(`cov: degrees of freedom is <= 0 (${observations} observations, correction ${correction}), so the result is NaN or infinite; correction should be less than the number of observations`, { code: DEGREES_OF_FREEDOM_WARNING });
  }
  return scope(() => {
    const x = reshape(input, [rows, observations]);
    const fw = fweights ? cast(reshape(fweights, [observations]), 'float32') : null;
    const aw = aweights ? reshape(aweights, [observations]) : null;
    const w = fw && aw ? mul(fw, aw) : (fw ?? aw);
    const wSum: Tensor | number = w ? sum(w) : observations;
    const avg = div(sum(w ? mul(x, w) : x, { dim: 1, keepdim: true }), wSum);
    let divisor: Tensor | number;
    if (w && aw && correction !== 0) divisor = sub(wSum, div(mul(sum(mul(w, aw)), correction), wSum));
    else divisor = typeof wSum === 'number' ? wSum - correction : sub(wSum, correction);
    divisor = typeof divisor === 'number' ? Math.max(divisor, 0) : where(gt(divisor, 0), divisor, 0);
    const centred = sub(x, avg);
    const c = div(matmul(centred, mT(w ? mul(centred, w) : centred)), divisor);
    return rows === 1 ? reshape(c, []) : c;
  });
}

/**
 * The Pearson correlation coefficients of the variables in input's rows (torch.corrcoef): cov
 * scaled by each pair's standard deviations and clipped to [-1, 1]; one variable gives c/c (1, or
 * NaN for a constant one).
 */
export function corrcoef(input: Tensor): Tensor {
  floatTensor('corrcoef', 'input', input);
  if (input.shape.length > 2) throw new ShapeError(`corrcoef: input expected at most 2 dimensions (variables in rows, observations in columns), got ${fmtShape(input.shape)}`);
  return scope(() => {
    const c = cov(input);
    if (c.shape.length === 0) return div(c, c);
    const std = sqrt(diagonal(c));
    return clamp(div(div(c, unsqueeze(std, 1)), unsqueeze(std, 0)), -1, 1);
  });
}
