// The singular value decomposition and what torch.linalg builds on it: the native op `svd` (cpu:
// LAPACK's gesdd, native/src/cpu/linalg_decomp.cc; cuda: one-sided Jacobi, one matrix per thread,
// native/src/cuda/linalg_decomp.cu on native/src/core/linalg_decomp.h), and on it svdvals, pinv,
// matrixRank and lstsq.
//
// Note [singular vector signs]: a pair of singular vectors is defined up to one shared sign. Ours:
// the entry of largest magnitude (the first of equal ones) of each column of U is positive, its row
// of Vh flipped with it; the columns of a full U (rows of a full Vh) beyond min(m, n), which have no
// partner, get the same rule alone. So results agree across devices and runs (Note [eigenvector
// signs] in linalg-decomp.ts is the same rule).
import { ShapeError, DTypeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { namedTuple, type NamedTuple } from '../../named-tuple.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { tensorArg } from '../check-args.js';
import { defineOp, FLOAT, type TensorMeta } from '../declare.js';
import { add, div, maximum, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { eq, gt } from './compare.js';
import { eye } from './creation.js';
import { matmul } from './linalg.js';
import { max, sum } from './reduce.js';
import { narrow, squeeze, unsqueeze } from './shape.js';
import { abs } from './unary.js';
import { checkLapackSize, eigh, floatMatrix, mT } from './linalg-decomp.js';

function matrixOf(op: string, a: TensorMeta): { m: number; n: number; k: number } {
  const s = a.shape;
  if (s.length < 2) throw new ShapeError(`${op}: A expected a matrix or a batch of them [..., m, n], got ${fmtShape(s)}`);
  const m = s[s.length - 2];
  const n = s[s.length - 1];
  return { m, n, k: Math.min(m, n) };
}

/** Test matrices with singular values well apart (so the vectors' gradients stay finite). */
function separated(batch: number, m: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) out.push((r === c ? 3 + 1.5 * r : 0) + 0.35 * Math.sin(1 + r * 7 + c * 3 + b * 5));
    }
  }
  return out;
}

export const svdOp = defineOp<{ fullMatrices: boolean }>({
  name: 'svd',
  inputs: [{ name: 'A', dtypes: FLOAT }],
  attrs: { fullMatrices: { kind: 'bool', default: true } },
  outputs: ([a], attrs) => {
    const { m, n, k } = matrixOf('svd', a);
    checkLapackSize('svd', 'matrix', m, n);
    if (attrs.fullMatrices) {
      const thin = '; fullMatrices: false gives the thin factors (PyTorch: full_matrices=False)';
      checkLapackSize('svd', 'U', m, m, thin);
      checkLapackSize('svd', 'Vh', n, n, thin);
    }
    const batch = a.shape.slice(0, -2);
    return [
      { shape: [...batch, m, attrs.fullMatrices ? m : k], dtype: 'float32' },
      { shape: [...batch, k], dtype: 'float32' },
      { shape: [...batch, attrs.fullMatrices ? n : k, n], dtype: 'float32' },
    ];
  },
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0, 1, 2] },
  grad: ({ grads: [gU, gS, gVh], outputs: [U, S, Vh], attrs }) => [svdGrad(gU, gS, gVh, U!, S!, Vh!, attrs.fullMatrices)],
  test: {
    goldenTolerance: 5e-4,
    samples: [
      { name: 'square', inputs: [{ shape: [4, 4], fill: separated(1, 4, 4) }], attrs: { fullMatrices: false } },
      { name: 'tall', inputs: [{ shape: [5, 3], fill: separated(1, 5, 3) }], attrs: { fullMatrices: false } },
      { name: 'wide-batched', inputs: [{ shape: [2, 3, 5], fill: separated(2, 3, 5) }], attrs: { fullMatrices: false } },
      // Full matrices where the extra columns are one direction: unique up to the sign rule.
      { name: 'full-tall', inputs: [{ shape: [3, 2], fill: separated(1, 3, 2), noGrad: true }], attrs: { fullMatrices: true } },
      { name: 'full-square-batched', inputs: [{ shape: [2, 2, 3, 3], fill: separated(4, 3, 3) }], attrs: { fullMatrices: true } },
      { name: 'one-column', inputs: [{ shape: [4, 1], fill: [1, -2, 0.5, 3], noGrad: true }], attrs: { fullMatrices: false } },
      { name: 'empty-batch', inputs: [{ shape: [0, 3, 2], noGrad: true }], attrs: { fullMatrices: false } },
      { name: 'larger', inputs: [{ shape: [12, 9], fill: separated(1, 12, 9) }], attrs: { fullMatrices: false } },
    ],
    bad: [
      { name: 'a vector', inputs: [{ shape: [4] }], error: 'ShapeError', message: /^svd: A expected a matrix or a batch of them \[\.\.\., m, n\], got \[4\]$/ },
      // An empty batch allocates nothing; the per-matrix size is what LAPACK's indices limit.
      {
        name: 'full U past 32-bit indices',
        inputs: [{ shape: [0, 50000, 3] }],
        attrs: { fullMatrices: true },
        error: 'ShapeError',
        message: /^svd: a 50000×50000 U holds 2500000000 values, more than LAPACK's 32-bit indices reach \(2147483647\); fullMatrices: false gives the thin factors/,
      },
    ],
  },
});

/**
 * PyTorch's svd_backward (real case), with E_jk = S_k² − S_j² off the diagonal:
 * gA = U·[(skew(Uᵀ·gU)·S + S·skew(Vᵀ·gV)) / E + diag(gS)]·Vh, plus (I − U·Uᵀ)·gU·S⁻¹·Vh for a tall
 * A or U·S⁻¹·gVh·(I − V·Vh) for a wide one; skew(X) = X − Xᵀ. With full matrices, the columns
 * beyond min(m, n) and their gradients are left out first, as PyTorch does.
 */
function svdGrad(gU: Tensor | null, gS: Tensor | null, gVh: Tensor | null, U: Tensor, S: Tensor, Vh: Tensor, full: boolean): Tensor | null {
  if (!gU && !gS && !gVh) return null;
  return scope(() => {
    const k = S.shape[S.shape.length - 1];
    const m = U.shape[U.shape.length - 2];
    const n = Vh.shape[Vh.shape.length - 1];
    if (full) {
      U = narrow(U, -1, 0, k);
      Vh = narrow(Vh, -2, 0, k);
      if (gU) gU = narrow(gU, -1, 0, k);
      if (gVh) gVh = narrow(gVh, -2, 0, k);
    }
    if (!gU && !gVh) return m >= n ? matmul(U, mul(unsqueeze(gS!, -1), Vh)) : matmul(mul(U, unsqueeze(gS!, -2)), Vh);
    const skew = (x: Tensor) => sub(x, mT(x));
    const S2 = mul(S, S);
    const onDiagonal = eq(eye(k, { device: S.device }), 1);
    const E = where(onDiagonal, 1, sub(unsqueeze(S2, -2), unsqueeze(S2, -1)));
    let inner: Tensor | null = null;
    if (gU) inner = mul(skew(matmul(mT(U), gU)), unsqueeze(S, -2));
    if (gVh) {
      const term = mul(unsqueeze(S, -1), skew(matmul(Vh, mT(gVh))));
      inner = inner ? add(inner, term) : term;
    }
    let gA = div(inner!, E);
    if (gS) gA = add(gA, mul(unsqueeze(gS, -1), eye(k, { device: S.device })));
    if (m > n && gU) {
      gA = matmul(U, gA);
      const gUSinv = div(gU, unsqueeze(S, -2));
      gA = add(gA, sub(gUSinv, matmul(U, matmul(mT(U), gUSinv))));
      return matmul(gA, Vh);
    }
    if (m < n && gVh) {
      gA = matmul(gA, Vh);
      const SinvgVh = div(gVh, unsqueeze(S, -1));
      gA = add(gA, sub(SinvgVh, matmul(matmul(SinvgVh, mT(Vh)), Vh)));
      return matmul(U, gA);
    }
    return m >= n ? matmul(U, matmul(gA, Vh)) : matmul(matmul(U, gA), Vh);
  });
}

/** svd's result: `{ U, S, Vh }`, also `[U, S, Vh]`. */
export type SvdResult = NamedTuple<[U: Tensor, S: Tensor, Vh: Tensor], { U: Tensor; S: Tensor; Vh: Tensor }>;

/**
 * A = U·diag(S)·Vh for A [..., m, n] (torch.linalg.svd): S descending, U [..., m, m] and Vh
 * [..., n, n] with `fullMatrices` (the default, as PyTorch's), [..., m, k] and [..., k, n] without
 * (k = min(m, n)). Each column of U has its largest entry positive (Note [singular vector signs]).
 * Differentiable (PyTorch's gradient; the vectors' gradients are finite only for distinct
 * singular values, and with full matrices the extra columns carry none).
 */
export function svd(A: Tensor, options: { fullMatrices?: boolean } = {}): SvdResult {
  floatMatrix('svd', A);
  checkOptions('svd', options, ['fullMatrices']);
  const [U, S, Vh] = apply(svdOp, [A], { fullMatrices: options.fullMatrices ?? true });
  return namedTuple([U, S, Vh] as [Tensor, Tensor, Tensor], { U, S, Vh });
}

/** The singular values of A, descending (torch.linalg.svdvals); gradient U·diag(gS)·Vh. */
export function svdvals(A: Tensor): Tensor {
  floatMatrix('svdvals', A);
  const [U, S, Vh] = apply(svdOp, [A], { fullMatrices: false });
  U.dispose(); // the graph keeps its own references
  Vh.dispose();
  return S;
}

export interface RankTolerance {
  /** Absolute tolerance: singular values at or below it count as zero. */
  atol?: number;
  /** Relative tolerance, times the largest singular value; default max(m, n)·ε when atol is not given. */
  rtol?: number;
}

const FLOAT32_EPS = 1.1920928955078125e-7;

// PyTorch's rule: tol = max(atol, rtol·σ_max), rtol defaulting to max(m, n)·ε only when atol is
// not given (or 0). Returns the tolerance per matrix, [..., 1].
function tolerance(fn: string, S: Tensor, m: number, n: number, o: RankTolerance): Tensor {
  for (const key of ['atol', 'rtol'] as const) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0)) throw new ValueError(`${fn}: ${key} expected a number >= 0, got ${String(v)}`);
  }
  const atol = o.atol ?? 0;
  const rtol = o.rtol ?? (atol > 0 ? 0 : Math.max(m, n) * FLOAT32_EPS);
  const largest = S.shape[S.shape.length - 1] === 0 ? mul(sum(S, { dim: -1, keepdim: true }), 0) : max(S, { dim: -1, keepdim: true }).values;
  return maximum(mul(largest, rtol), atol);
}

export interface PinvOptions extends RankTolerance {
  /** A is symmetric: its lower triangle is read, through eigh instead of svd (torch's hermitian=True). */
  hermitian?: boolean;
}

/** A symmetric A's eigen-decomposition with |λ| as the singular values (hermitian=True's path). */
function hermitianParts(fn: string, A: Tensor): { w: Tensor; V: Tensor; magnitudes: Tensor } {
  const s = A.shape;
  if (s[s.length - 1] !== s[s.length - 2]) throw new ShapeError(`${fn}: hermitian expected a square A [..., n, n], got ${fmtShape(s)}`);
  const { eigenvalues: w, eigenvectors: V } = eigh(A);
  return { w, V, magnitudes: abs(w) };
}

/**
 * The Moore–Penrose pseudo-inverse of A [..., m, n] (torch.linalg.pinv), [..., n, m]: V·S⁺·Uᵀ,
 * singular values at or below max(atol, rtol·σ_max) taken as zero; `hermitian` for a symmetric A
 * (V·Λ⁺·Vᵀ from eigh). Differentiable through svd (eigh).
 */
export function pinv(A: Tensor, options: PinvOptions = {}): Tensor {
  floatMatrix('pinv', A);
  checkOptions('pinv', options, ['atol', 'rtol', 'hermitian']);
  const { m, n } = matrixOf('pinv', A);
  if (options.hermitian) {
    return scope(() => {
      const { w, V, magnitudes } = hermitianParts('pinv', A);
      const kept = gt(magnitudes, tolerance('pinv', magnitudes, m, n, options));
      const inverse = where(kept, div(1, where(kept, w, 1)), 0);
      return matmul(mul(V, unsqueeze(inverse, -2)), mT(V));
    });
  }
  return scope(() => {
    const { U, S, Vh } = svd(A, { fullMatrices: false });
    const tol = tolerance('pinv', S, m, n, options);
    const kept = gt(S, tol);
    const inverse = where(kept, div(1, where(kept, S, 1)), 0);
    return matmul(mul(mT(Vh), unsqueeze(inverse, -2)), mT(U));
  });
}

/** The number of singular values above max(atol, rtol·σ_max) (torch.linalg.matrix_rank; `hermitian`: |eigenvalues|), int64 [...]. */
export function matrixRank(A: Tensor, options: PinvOptions = {}): Tensor {
  floatMatrix('matrixRank', A);
  checkOptions('matrixRank', options, ['atol', 'rtol', 'hermitian']);
  const { m, n } = matrixOf('matrixRank', A);
  return scope(() => {
    const S = options.hermitian ? hermitianParts('matrixRank', A).magnitudes : svdvals(A);
    return sum(cast(gt(S, tolerance('matrixRank', S, m, n, options)), 'int64'), -1);
  });
}

/** lstsq's result: `{ solution, residuals, rank, singularValues }`. */
export type LstsqResult = NamedTuple<[solution: Tensor, residuals: Tensor, rank: Tensor, singularValues: Tensor], { solution: Tensor; residuals: Tensor; rank: Tensor; singularValues: Tensor }>;

/**
 * The least-squares solution X of A·X ≈ B (torch.linalg.lstsq with its 'gelsd' driver): A
 * [..., m, n], B [..., m, k]; X = pinv(A)·B, the minimum-norm solution for a rank-deficient A, with
 * `rcond` as the relative tolerance (default max(m, n)·ε). residuals: the squared residual of each
 * column when m > n (computed whatever the rank: PyTorch leaves it empty for a rank-deficient A),
 * otherwise empty; rank int64; singularValues of A. Differentiable in A and B.
 */
export function lstsq(A: Tensor, B: Tensor, options: { rcond?: number } = {}): LstsqResult {
  floatMatrix('lstsq', A);
  tensorArg('lstsq', 'B', B);
  checkOptions('lstsq', options, ['rcond']);
  if (B.dtype !== 'float32') throw new DTypeError(`lstsq: B expected float32, got ${B.dtype}`);
  const { m, n } = matrixOf('lstsq', A);
  // A vector b (one dim fewer than A, as PyTorch's rule) is one column, its solution a vector.
  const vector = B.shape.length === A.shape.length - 1;
  const rows = vector ? B.shape[B.shape.length - 1] : B.shape[B.shape.length - 2];
  if (B.shape.length < 1 || (!vector && B.shape.length < 2) || rows !== m) {
    throw new ShapeError(`lstsq: B expected [..., ${m}, k] (or a vector [..., ${m}]) to match A ${fmtShape(A.shape)}, got ${fmtShape(B.shape)}`);
  }
  const tol: RankTolerance = options.rcond === undefined ? {} : { rtol: options.rcond };
  const [solution, residuals, rank, singularValues] = scope(() => {
    const cols = vector ? unsqueeze(B, -1) : B;
    const { U, S, Vh } = svd(A, { fullMatrices: false });
    const kept = gt(S, tolerance('lstsq', S, m, n, tol));
    const inverse = where(kept, div(1, where(kept, S, 1)), 0);
    const X = matmul(mul(mT(Vh), unsqueeze(inverse, -2)), matmul(mT(U), cols));
    const misfit = m > n ? sub(matmul(A, X), cols) : null;
    const residual = misfit ? sum(mul(misfit, misfit), -2) : narrow(sum(cols, -2), -1, 0, 0);
    return [vector ? squeeze(X, -1) : X, residual, sum(cast(kept, 'int64'), -1), S] as const;
  });
  return namedTuple([solution, residuals, rank, singularValues] as [Tensor, Tensor, Tensor, Tensor], { solution, residuals, rank, singularValues });
}
