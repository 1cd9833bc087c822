// Decompositions of symmetric matrices and what torch.linalg builds on them: the native ops
// cholesky and eigh (cpu: LAPACK's potrf and syevd, native/src/cpu/linalg_decomp.cc; cuda: one
// matrix per thread, native/src/cuda/linalg_decomp.cu on native/src/core/linalg_decomp.h), and
// triangularSolve (cpu: BLAS's trsm), and composed on them: solveTriangular, choleskySolve,
// choleskyInverse, eigvalsh.
//
// Note [symmetric inputs]: like LAPACK and PyTorch, cholesky reads A's lower triangle and eigh
// the triangle UPLO names; the other is never looked at. PyTorch's gradients are symmetric
// matrices (the gradient on the space of symmetric matrices), not the derivative with respect to
// the entries read, so a finite-difference check of them goes through a symmetric input,
// A = (B + Bᵀ)/2 (test/linalg-decomp.test.ts); the op table's samples check values only.
//
// Note [eigenvector signs]: an eigenvector is defined up to its sign, and LAPACK, cuSOLVER and
// PyTorch each pick one their own way. Ours: the entry of largest magnitude (the first of equal
// ones) is positive, on both devices, so results agree across devices and runs.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { namedTuple, type NamedTuple } from '../../named-tuple.js';
import { checkOptions } from '../../options.js';
import { defineFunction, type CustomFunction } from '../../autograd/function.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { tensorArg } from '../check-args.js';
import { defineOp, FLOAT, type TensorMeta } from '../declare.js';
import { add, div, mul, sub, where } from './binary.js';
import { neg } from './unary.js';
import { eq } from './compare.js';
import { tril, triu } from './composed-ops.js';
import { eye } from './creation.js';
import { matmul } from './linalg.js';
import { solveOverBatch } from './linalg-batch.js';
import { expand, transpose, unsqueeze } from './shape.js';

/** @internal The matrix transpose of the last two dims (PyTorch's x.mT). */
export const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

function squareOf(op: string, a: TensorMeta): number {
  const s = a.shape;
  if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) {
    throw new ShapeError(`${op}: A expected a square matrix or a batch of them [..., n, n], got ${fmtShape(s)}`);
  }
  checkLapackSize(op, 'matrix', s[s.length - 1], s[s.length - 1]);
  return s[s.length - 1];
}

/**
 * @internal LAPACK (and the cuda kernels) index with 32-bit integers, so each matrix an op holds must have
 * fewer than 2³¹ elements: a tall 60000×784 matrix is fine, a complete Q of 60000×60000 is not.
 * Refused at the call, worded as the native backstop (core/linalg_messages.h).
 */
export function checkLapackSize(op: string, what: string, rows: number, cols: number, hint = ''): void {
  if (rows * cols > 2147483647) throw new ShapeError(`${op}: a ${rows}×${cols} ${what} holds ${rows * cols} values, more than LAPACK's 32-bit indices reach (2147483647)${hint}`);
}

/** Symmetric positive-definite test matrices: M·Mᵀ + n·I from a fixed M, per batch element. */
function spd(batch: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    const m = Array.from({ length: n * n }, (_, i) => Math.sin(1 + i * 7 + b * 13) * 0.8);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        let v = r === c ? n : 0;
        for (let k = 0; k < n; k++) v += m[r * n + k] * m[c * n + k];
        out.push(v);
      }
    }
  }
  return out;
}

/** Symmetric test matrices with well-separated eigenvalues (their gradients stay finite). */
function symmetric(batch: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) out.push(r === c ? 2 * r - n + 0.5 * b : 0.3 * Math.cos(1 + Math.min(r, c) * 5 + Math.max(r, c) * 3 + b));
    }
  }
  return out;
}

// ---- cholesky ----

export const choleskyOp = defineOp<{ check: boolean }>({
  name: 'cholesky',
  inputs: [{ name: 'A', dtypes: FLOAT }],
  attrs: { check: { kind: 'bool', default: false } },
  outputs: ([a]) => {
    squareOf('cholesky', a);
    return [{ shape: [...a.shape], dtype: 'float32' }, { shape: a.shape.slice(0, -2), dtype: 'int32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0] },
  grad: ({ grads: [g], outputs: [L] }) => [g ? choleskyGrad(g, L!) : null],
  test: {
    goldenTolerance: 2e-4,
    samples: [
      { name: 'matrix', inputs: [{ shape: [4, 4], fill: spd(1, 4), noGrad: true }], attrs: {} },
      { name: 'batched', inputs: [{ shape: [2, 3, 5, 5], fill: spd(6, 5), noGrad: true }], attrs: { check: true } },
      { name: 'one-by-one', inputs: [{ shape: [2, 1, 1], fill: [4, 0.25], noGrad: true }], attrs: {} },
      // The upper triangle is never read (Note [symmetric inputs]): garbage there changes nothing.
      { name: 'upper-ignored', inputs: [{ shape: [3, 3], fill: [4, 99, -7, 2, 5, 1e6, 1, 0.5, 3], noGrad: true }], attrs: {} },
      // Not positive-definite: info is the order of the first minor that is not (2 here).
      { name: 'indefinite', inputs: [{ shape: [2, 3, 3], fill: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 0, 2, 1, 0, 0, 0, 1], noGrad: true }], attrs: {} },
      { name: 'empty-batch', inputs: [{ shape: [0, 3, 3], noGrad: true }], attrs: {} },
      { name: 'larger', inputs: [{ shape: [24, 24], fill: spd(1, 24), noGrad: true }], attrs: { check: true } },
    ],
    bad: [
      { name: 'non-square', inputs: [{ shape: [2, 3] }], error: 'ShapeError', message: /^cholesky: A expected a square matrix or a batch of them \[\.\.\., n, n\], got \[2,3\]$/ },
      {
        name: 'not positive-definite',
        inputs: [{ shape: [2, 2, 2], fill: [2, 0, 0, 2, 1, 2, 2, 1] }],
        attrs: { check: true },
        error: 'ValueError',
        message: /^cholesky: \(Batch element 1\): The factorization could not be completed because the input is not positive-definite \(the leading minor of order 2 is not positive-definite\)\.$/,
      },
    ],
  },
});

/**
 * PyTorch's cholesky_backward: φ = tril(Lᵀ·gL) with its diagonal halved, made symmetric, then
 * gA = L⁻ᵀ·φ·L⁻¹.
 */
function choleskyGrad(g: Tensor, L: Tensor): Tensor {
  return scope(() => {
    const P = tril(matmul(mT(L), g));
    const phi = mul(add(P, mT(tril(P, -1))), 0.5);
    const left = triangularSolveRaw(L, phi, { upper: false, transpose: true, unitriangular: false }); // L⁻ᵀ φ
    return solveTriangular(L, left, { upper: false, left: false }); // … · L⁻¹
  });
}

/** choleskyEx's result: `{ L, info }`, also `[L, info]`. */
export type CholeskyExResult = NamedTuple<[L: Tensor, info: Tensor], { L: Tensor; info: Tensor }>;

/** @internal A is a float32 tensor (the decompositions' first check). */
export function floatMatrix(fn: string, A: unknown): asserts A is Tensor {
  tensorArg(fn, 'A', A);
  if (A.dtype !== 'float32') throw new DTypeError(`${fn}: A expected float32, got ${A.dtype}`);
}

/**
 * The Cholesky factor of a symmetric positive-definite A [..., n, n] (torch.linalg.cholesky): L
 * lower with A = L·Lᵀ, from A's lower triangle (Note [symmetric inputs]); `upper` gives Lᵀ
 * instead. A matrix that is not positive-definite is refused as PyTorch refuses it (at the call
 * for a small one, otherwise when the result is read); choleskyEx factors what it can and says
 * where it stopped. Differentiable (PyTorch's gradient).
 */
export function cholesky(A: Tensor, options: { upper?: boolean } = {}): Tensor {
  floatMatrix('cholesky', A);
  checkOptions('cholesky', options, ['upper']);
  const [L, info] = apply(choleskyOp, [A], { check: true });
  info.dispose();
  if (!options.upper) return L;
  const U = mT(L);
  L.dispose(); // the graph keeps its own reference
  return U;
}

/**
 * cholesky without the refusal (torch.linalg.cholesky_ex): info int32 [...] is 0, or the order
 * of the first leading minor that is not positive-definite, and then that matrix's L is all zeros
 * (PyTorch leaves whatever LAPACK stopped at; zeros are the same on every device).
 */
export function choleskyEx(A: Tensor): CholeskyExResult {
  floatMatrix('choleskyEx', A);
  const [L, info] = apply(choleskyOp, [A], { check: false });
  return namedTuple([L, info] as [Tensor, Tensor], { L, info });
}

// ---- solveTriangular ----

export interface SolveTriangularOptions {
  /** A is upper triangular (required, as in PyTorch: which triangle to read is never guessed). */
  upper: boolean;
  /** Solve A·X = B (default) or X·A = B. */
  left?: boolean;
  /** A's diagonal is taken as ones (and never read). */
  unitriangular?: boolean;
}

/** Triangular test matrices, well conditioned: a dominant diagonal, garbage in the other triangle (never read). */
function triangular(batch: number, n: number, upper: boolean): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const inside = upper ? c >= r : c <= r;
        out.push(!inside ? 99 - r - c : r === c ? 2 + 0.5 * r - 0.25 * b : 0.4 * Math.sin(1 + r * 5 + c * 3 + b));
      }
    }
  }
  return out;
}

function triangularSolveShape(a: TensorMeta, b: TensorMeta): number[] {
  const n = squareOf('triangularSolve', a);
  if (b.shape.length !== a.shape.length || b.shape[b.shape.length - 2] !== n || !a.shape.slice(0, -2).every((d, i) => d === b.shape[i])) {
    throw new ShapeError(`triangularSolve: B expected [${[...a.shape.slice(0, -2), n, 'k'].join(',')}] to match A ${fmtShape(a.shape)}, got ${fmtShape(b.shape)}`);
  }
  return [...b.shape];
}

/**
 * The native triangular solve (cpu: BLAS's trsm; cuda: a thread per right-hand-side column): X
 * with op(A)·X = B, op(A) = A or Aᵀ (`transpose`), reading only A's triangle `upper` names (and
 * not its diagonal when `unitriangular`); A and B share their batch dims. solveTriangular,
 * choleskySolve and choleskyInverse are built on it.
 */
export const triangularSolveOp = defineOp<TriangularSolveAttrs>({
  name: 'triangularSolve',
  inputs: [{ name: 'A', dtypes: FLOAT }, { name: 'B', dtypes: FLOAT }],
  attrs: { upper: { kind: 'bool', default: false }, transpose: { kind: 'bool', default: false }, unitriangular: { kind: 'bool', default: false } },
  outputs: ([a, b]) => [{ shape: triangularSolveShape(a, b), dtype: 'float32' }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0], outputs: [0] },
  // gB solves with op(A)ᵀ; gA = −gB·Xᵀ (transposed: −X·gBᵀ), kept to the triangle read (PyTorch's).
  grad: ({ grads: [g], inputs: [A], outputs: [X], attrs, needsGrad }) => {
    if (!g) return [null, null];
    return scope(() => {
      const gB = triangularSolveRaw(A!, g, { ...attrs, transpose: !attrs.transpose });
      let gA: Tensor | null = null;
      if (needsGrad[0]) {
        const full = neg(attrs.transpose ? matmul(X!, mT(gB)) : matmul(gB, mT(X!)));
        const strict = attrs.unitriangular ? 1 : 0;
        gA = attrs.upper ? triu(full, strict) : tril(full, -strict);
      }
      return [gA, needsGrad[1] ? gB : null];
    });
  },
  test: {
    goldenTolerance: 2e-4,
    samples: [
      { name: 'lower', inputs: [{ shape: [4, 4], fill: triangular(1, 4, false) }, { shape: [4, 3] }], attrs: {} },
      { name: 'upper', inputs: [{ shape: [4, 4], fill: triangular(1, 4, true) }, { shape: [4, 2] }], attrs: { upper: true } },
      { name: 'lower-transposed', inputs: [{ shape: [3, 3], fill: triangular(1, 3, false) }, { shape: [3, 2] }], attrs: { transpose: true } },
      { name: 'upper-transposed-unit', inputs: [{ shape: [4, 4], fill: triangular(1, 4, true) }, { shape: [4, 1] }], attrs: { upper: true, transpose: true, unitriangular: true } },
      { name: 'batched-unit', inputs: [{ shape: [2, 3, 3, 3], fill: triangular(6, 3, false) }, { shape: [2, 3, 3, 2] }], attrs: { unitriangular: true } },
      // More columns than one cuda block of threads, and a larger order.
      { name: 'wide', inputs: [{ shape: [20, 20], fill: triangular(1, 20, true), noGrad: true }, { shape: [20, 300], noGrad: true }], attrs: { upper: true } },
      { name: 'no-columns', inputs: [{ shape: [2, 2], fill: triangular(1, 2, false) }, { shape: [2, 0] }], attrs: {} },
      { name: 'empty-batch', inputs: [{ shape: [0, 3, 3] }, { shape: [0, 3, 2] }], attrs: {} },
    ],
    bad: [
      { name: 'non-square A', inputs: [{ shape: [2, 3] }, { shape: [2, 1] }], error: 'ShapeError', message: /^triangularSolve: A expected a square matrix or a batch of them \[\.\.\., n, n\], got \[2,3\]$/ },
      { name: 'B rows', inputs: [{ shape: [2, 2] }, { shape: [3, 1] }], error: 'ShapeError', message: /^triangularSolve: B expected \[2,k\] to match A \[2,2\], got \[3,1\]$/ },
      { name: 'batch mismatch', inputs: [{ shape: [2, 2, 2] }, { shape: [3, 2, 1] }], error: 'ShapeError', message: /^triangularSolve: B expected \[2,2,k\] to match A \[2,2,2\], got \[3,2,1\]$/ },
    ],
  },
});

type TriangularSolveAttrs = { upper: boolean; transpose: boolean; unitriangular: boolean };

function triangularSolveRaw(A: Tensor, B: Tensor, attrs: TriangularSolveAttrs): Tensor {
  return apply(triangularSolveOp, [A, B], attrs)[0];
}

/** op(A)·X = B through triangularSolve, A's and B's batch dims broadcast (solveOverBatch). */
function triangularSolveBroadcast(fn: string, A: Tensor, B: Tensor, attrs: TriangularSolveAttrs): Tensor {
  return solveOverBatch(fn, A, null, B, (a, _, b) => triangularSolveRaw(a, b, attrs));
}

/**
 * X with A·X = B (or X·A = B with `left: false`) for a triangular A [..., n, n], B [..., n, k]
 * (torch.linalg.solve_triangular); only the triangle `upper` names is read, batch dims
 * broadcast. A zero on the diagonal gives infinities or NaN, as in PyTorch. Differentiable in A
 * (the gradient keeps to its triangle) and B.
 */
export function solveTriangular(A: Tensor, B: Tensor, options: SolveTriangularOptions): Tensor {
  floatMatrix('solveTriangular', A);
  tensorArg('solveTriangular', 'B', B);
  checkOptions('solveTriangular', options, ['upper', 'left', 'unitriangular']);
  if (typeof options?.upper !== 'boolean') throw new ValueError(`solveTriangular: upper expected true or false (PyTorch requires it too), got ${String(options?.upper)}`);
  const n = squareOf('solveTriangular', A);
  const left = options.left ?? true;
  const rows = B.shape.length >= 2 ? B.shape[B.shape.length - (left ? 2 : 1)] : -1;
  if (B.dtype !== 'float32') throw new DTypeError(`solveTriangular: B expected float32, got ${B.dtype}`);
  if (rows !== n) throw new ShapeError(`solveTriangular: B expected ${left ? `[..., ${n}, k]` : `[..., k, ${n}]`} to match A ${fmtShape(A.shape)}, got ${fmtShape(B.shape)}`);
  const attrs = { upper: options.upper, unitriangular: options.unitriangular ?? false };
  if (left) return triangularSolveBroadcast('solveTriangular', A, B, { ...attrs, transpose: false });
  // X·A = B is Aᵀ·Xᵀ = Bᵀ: the transposed solve with A as it is.
  return scope(() => mT(triangularSolveBroadcast('solveTriangular', A, mT(B), { ...attrs, transpose: true })));
}

// cholesky_solve and cholesky_inverse take PyTorch's gradients, which treat the factor as a full
// matrix (its upper triangle gets a gradient too), not the triangle the solves read.
const choleskySolveFn: CustomFunction<[Tensor, Tensor], Tensor> = defineFunction({
  name: 'choleskySolve',
  forward(ctx, B: Tensor, L: Tensor): Tensor {
    return scope(() => {
      const lower = { upper: false, unitriangular: false };
      const x = triangularSolveBroadcast('choleskySolve', L, triangularSolveBroadcast('choleskySolve', L, B, { ...lower, transpose: false }), { ...lower, transpose: true });
      ctx.saveForBackward(L, x);
      return x;
    });
  },
  // gB = (L·Lᵀ)⁻¹·g; gL = −(gB·Xᵀ + X·gBᵀ)·L (PyTorch's cholesky_solve_backward).
  backward(ctx, g: Tensor) {
    const [L, x] = ctx.savedTensors;
    return scope(() => {
      const gB = choleskySolveFn(g, L);
      if (!ctx.needsInputGrad[1]) return [gB, null];
      const common = matmul(gB, mT(x));
      return [ctx.needsInputGrad[0] ? gB : null, neg(matmul(add(common, mT(common)), L))];
    });
  },
});

/** X with A·X = B for A = L·Lᵀ given its Cholesky factor L (torch.cholesky_solve; `upper`: the factor is Lᵀ). */
export function choleskySolve(B: Tensor, L: Tensor, options: { upper?: boolean } = {}): Tensor {
  floatMatrix('choleskySolve', L);
  tensorArg('choleskySolve', 'B', B);
  checkOptions('choleskySolve', options, ['upper']);
  const n = squareOf('choleskySolve', L);
  if (B.dtype !== 'float32') throw new DTypeError(`choleskySolve: B expected float32, got ${B.dtype}`);
  if (B.shape.length < 2 || B.shape[B.shape.length - 2] !== n) {
    throw new ShapeError(`choleskySolve: B expected [..., ${n}, k] to match L ${fmtShape(L.shape)}, got ${fmtShape(B.shape)}${B.shape.length === 1 ? ' (a vector b as a column: b.unsqueeze(-1), as PyTorch requires too)' : ''}`);
  }
  return scope(() => choleskySolveFn(B, options.upper ? mT(L) : L));
}

const choleskyInverseFn: CustomFunction<[Tensor], Tensor> = defineFunction({
  name: 'choleskyInverse',
  forward(ctx, L: Tensor): Tensor {
    return scope(() => {
      const n = L.shape[L.shape.length - 1];
      const inverse = choleskySolveFn(expand(eye(n, { device: L.device }), L.shape), L);
      ctx.saveForBackward(L, inverse);
      return inverse;
    });
  },
  // gL = −A⁻¹·(g + gᵀ)·A⁻¹·L (PyTorch's cholesky_inverse_backward).
  backward(ctx, g: Tensor) {
    const [L, inverse] = ctx.savedTensors;
    return scope(() => [neg(matmul(matmul(inverse, matmul(add(g, mT(g)), inverse)), L))]);
  },
});

/** A⁻¹ from A's Cholesky factor (torch.cholesky_inverse; `upper`: the factor is Lᵀ). */
export function choleskyInverse(L: Tensor, options: { upper?: boolean } = {}): Tensor {
  floatMatrix('choleskyInverse', L);
  checkOptions('choleskyInverse', options, ['upper']);
  squareOf('choleskyInverse', L);
  return scope(() => choleskyInverseFn(options.upper ? mT(L) : L));
}

// ---- eigh ----

type Uplo = 'L' | 'U';

export const eighOp = defineOp<{ uplo: Uplo }>({
  name: 'eigh',
  inputs: [{ name: 'A', dtypes: FLOAT }],
  attrs: { uplo: { kind: ['L', 'U'], default: 'L' } },
  outputs: ([a]) => {
    const n = squareOf('eigh', a);
    return [{ shape: [...a.shape.slice(0, -2), n], dtype: 'float32' }, { shape: [...a.shape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0, 1] },
  grad: ({ grads: [gL, gV], outputs: [L, V] }) => [eighGrad(gL, gV, L!, V!)],
  test: {
    goldenTolerance: 5e-4,
    samples: [
      { name: 'matrix', inputs: [{ shape: [4, 4], fill: symmetric(1, 4), noGrad: true }], attrs: {} },
      { name: 'batched-upper', inputs: [{ shape: [2, 3, 5, 5], fill: symmetric(6, 5), noGrad: true }], attrs: { uplo: 'U' } },
      { name: 'one-by-one', inputs: [{ shape: [3, 1, 1], fill: [2, -1, 0], noGrad: true }], attrs: {} },
      { name: 'other-triangle-ignored', inputs: [{ shape: [3, 3], fill: [2, 99, -7, 0.5, 1, 1e6, -0.25, 0.75, -1], noGrad: true }], attrs: {} },
      { name: 'diagonal', inputs: [{ shape: [3, 3], fill: [3, 0, 0, 0, -1, 0, 0, 0, 2], noGrad: true }], attrs: {} },
      { name: 'empty-batch', inputs: [{ shape: [0, 2, 2], noGrad: true }], attrs: {} },
      { name: 'larger', inputs: [{ shape: [20, 20], fill: symmetric(1, 20), noGrad: true }], attrs: {} },
    ],
    bad: [
      { name: 'non-square', inputs: [{ shape: [3, 2] }], error: 'ShapeError', message: /^eigh: A expected a square matrix or a batch of them \[\.\.\., n, n\], got \[3,2\]$/ },
      { name: 'a vector', inputs: [{ shape: [4] }], error: 'ShapeError', message: /^eigh: A expected a square matrix/ },
    ],
  },
});

/**
 * PyTorch's linalg_eig_backward for symmetric A: gA = V·(diag(gL) + sym(Vᵀ·gV) / E)·Vᵀ, where
 * E_ij = λ_j − λ_i off the diagonal and sym(X) = (X − Xᵀ)/2 (the diagonal of which is zero).
 */
function eighGrad(gL: Tensor | null, gV: Tensor | null, L: Tensor, V: Tensor): Tensor | null {
  if (!gL && !gV) return null;
  return scope(() => {
    let inner: Tensor | null = null;
    if (gV) {
      const VtgV = matmul(mT(V), gV);
      const skew = mul(sub(VtgV, mT(VtgV)), 0.5);
      const E = sub(unsqueeze(L, -2), unsqueeze(L, -1));
      const n = L.shape[L.shape.length - 1];
      const onDiagonal = eq(eye(n, { device: L.device }), 1);
      inner = div(skew, where(onDiagonal, 1, E));
    }
    if (gL) {
      const diag = mul(unsqueeze(gL, -1), eye(gL.shape[gL.shape.length - 1], { device: gL.device }));
      inner = inner ? add(inner, diag) : diag;
    }
    return matmul(V, matmul(inner!, mT(V)));
  });
}

/** eigh's result: `{ eigenvalues, eigenvectors }`, also `[eigenvalues, eigenvectors]`. */
export type EighResult = NamedTuple<[eigenvalues: Tensor, eigenvectors: Tensor], { eigenvalues: Tensor; eigenvectors: Tensor }>;

function uploOf(fn: string, options: { UPLO?: Uplo }): Uplo {
  checkOptions(fn, options, ['UPLO']);
  const uplo = options.UPLO ?? 'L';
  if (uplo !== 'L' && uplo !== 'U') throw new ValueError(`${fn}: UPLO expected 'L' or 'U', got ${JSON.stringify(uplo)}`);
  return uplo;
}

/**
 * Eigenvalues (ascending) and eigenvectors (the columns) of a symmetric A [..., n, n]
 * (torch.linalg.eigh), from the triangle UPLO names ('L', the default, or 'U'). Each eigenvector's
 * largest entry is positive (Note [eigenvector signs]). Differentiable (PyTorch's gradient;
 * eigenvector gradients are only finite for distinct eigenvalues, as in PyTorch).
 */
export function eigh(A: Tensor, options: { UPLO?: Uplo } = {}): EighResult {
  floatMatrix('eigh', A);
  const [eigenvalues, eigenvectors] = apply(eighOp, [A], { uplo: uploOf('eigh', options) });
  return namedTuple([eigenvalues, eigenvectors] as [Tensor, Tensor], { eigenvalues, eigenvectors });
}

/** eigh's eigenvalues alone (torch.linalg.eigvalsh); their gradient needs no eigenvector terms. */
export function eigvalsh(A: Tensor, options: { UPLO?: Uplo } = {}): Tensor {
  floatMatrix('eigvalsh', A);
  const [eigenvalues, eigenvectors] = apply(eighOp, [A], { uplo: uploOf('eigvalsh', options) });
  eigenvectors.dispose();
  return eigenvalues;
}
