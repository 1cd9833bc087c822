// LU with partial pivoting and what PyTorch's torch.linalg builds on it: luFactor, luSolve (ops
// with kernels in native/src/cpu/linalg.cc and native/src/cuda/linalg.cu), and solve, inv, det,
// slogdet on them.
//
// Note [lu gradients]: both ops carry PyTorch's gradients written with luSolve itself, so they
// hold to any order. A = P·L·U; a triangular or permutation solve is luSolve on a packed factor
// whose other parts are the identity: tril(LU, -1) + I with pivots 1..n solves with L alone,
// triu(LU) with pivots 1..n with U alone, I with the pivots applies P (adjoint) or Pᵀ.
// - luSolve: gB = luSolve(LU, pivots, g, !adjoint); gA = −gB·Xᵀ (adjoint: −X·gBᵀ); then
//   gLU = tril(Pᵀ gA Uᵀ, −1) + triu(Lᵀ Pᵀ gA).
// - luFactor: φ = tril(Lᵀ gL, −1) + triu(gU Uᵀ); gA = P·L⁻ᵀ·φ·U⁻ᵀ.
// solve and inv take PyTorch's shorter rules (defineFunction: one solve, one product), det its
// masked one; slogdet is composed of luFactor's parts.
import { defineFunction, type CustomFunction } from '../../autograd/function.js';
import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { namedTuple, type NamedTuple } from '../../named-tuple.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { tensorArg } from '../check-args.js';
import { defineOp, FLOAT, type TensorMeta } from '../declare.js';
import { add, mul, where } from './binary.js';
import { cast } from './cast.js';
import { eq, ne } from './compare.js';
import { prod, tril, triu } from './composed-ops.js';
import { diagonal } from './composed-shape.js';
import { arange, eye } from './creation.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { expand, squeeze, transpose, unsqueeze } from './shape.js';
import { abs, log, neg, sign } from './unary.js';
import { solveOverBatch } from './linalg-batch.js';

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

function squareShape(op: string, arg: string, s: readonly number[]): number {
  if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) {
    throw new ShapeError(`${op}: ${arg} expected a square matrix or a batch of them [..., n, n], got ${fmtShape(s)}`);
  }
  return s[s.length - 1];
}

const sameBatch = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

// ---- luFactor ----

/**
 * Test matrices whose pivots stay put under the gradient check's steps: a dominant diagonal
 * (3 to 5) plus small off-diagonal terms, rows rotated by a different amount per matrix so that
 * every one needs row exchanges.
 */
function rotatedDominant(batch: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < n; r++) {
      const row = (r + b + 1) % n;
      for (let c = 0; c < n; c++) out.push(row === c ? 3 + ((row * 7 + b) % 3) * (row % 2 ? -1 : 1) : 0.4 * Math.sin(1 + row * 13 + c * 7 + b * 3));
    }
  }
  return out;
}

export const luFactorOp = defineOp<{ check: boolean }>({
  name: 'luFactor',
  inputs: [{ name: 'A', dtypes: FLOAT }],
  attrs: { check: { kind: 'bool', default: false } },
  outputs: ([a]) => {
    const n = squareShape('luFactor', 'A', a.shape);
    const batch = a.shape.slice(0, -2);
    return [
      { shape: [...a.shape], dtype: 'float32' },
      { shape: [...batch, n], dtype: 'int32' },
      { shape: batch, dtype: 'int32' },
    ];
  },
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0, 1] },
  grad: ({ grads: [g], outputs: [lu, pivots] }) => [g ? luFactorGrad(g, lu!, pivots!) : null],
  test: {
    torch: 'luFactorEx',
    goldenTolerance: 2e-4,
    samples: [
      { name: 'matrix', inputs: [{ shape: [4, 4] }], attrs: {} },
      { name: 'batched', inputs: [{ shape: [2, 3, 5, 5], fill: rotatedDominant(6, 5) }], attrs: {} },
      { name: 'one-by-one', inputs: [{ shape: [3, 1, 1], fill: [2, -0.5, 3] }], attrs: {} },
      // A zero where the first pivot would be without pivoting, and rows that swap twice.
      { name: 'pivoting', inputs: [{ shape: [3, 3], fill: [0, 1, 2, 1, 0, 3, 4, -3, 8] }], attrs: { check: true } },
      // Singular: U[2,2] is exactly zero (info 2), factored all the same.
      { name: 'singular', inputs: [{ shape: [2, 2, 2], fill: [1, 2, 2, 4, 3, 1, 1, 2], noGrad: true }], attrs: {} },
      { name: 'zero-column', inputs: [{ shape: [3, 3], fill: [0, 1, 2, 0, 3, 1, 0, 5, 5], noGrad: true }], attrs: {} },
      { name: 'empty-batch', inputs: [{ shape: [0, 3, 3] }], attrs: {} },
      { name: 'larger', inputs: [{ shape: [20, 20], fill: rotatedDominant(1, 20) }], attrs: { check: true } },
    ],
    bad: [
      { name: 'non-square', inputs: [{ shape: [2, 3] }], error: 'ShapeError', message: /^luFactor: A expected a square matrix or a batch of them \[\.\.\., n, n\], got \[2,3\]$/ },
      { name: 'a vector', inputs: [{ shape: [3] }], error: 'ShapeError', message: /^luFactor: A expected a square matrix or a batch of them \[\.\.\., n, n\], got \[3\]$/ },
      { name: 'singular with check', inputs: [{ shape: [2, 2, 2], fill: [1, 0, 0, 1, 1, 2, 2, 4] }], attrs: { check: true }, error: 'ValueError', message: /^luFactor: \(Batch element 1\): U\[2,2\] is zero and using it on luSolve would result in a division by zero/ },
    ],
  },
});

/** gA of luFactor (Note [lu gradients]). */
function luFactorGrad(g: Tensor, lu: Tensor, pivots: Tensor): Tensor {
  return scope(() => {
    const n = lu.shape[lu.shape.length - 1];
    const I = eye(n, { device: lu.device });
    const L = add(tril(lu, -1), I);
    const U = triu(lu);
    const phi = add(tril(matmul(mT(L), tril(g, -1)), -1), triu(matmul(triu(g), mT(U))));
    const y = lowerSolve(lu, phi, true); // L⁻ᵀ φ
    const z = mT(upperSolve(lu, mT(y), false)); // L⁻ᵀ φ U⁻ᵀ
    return permute(pivots, z, true);
  });
}

// ---- luSolve ----

const SINGULAR_CHECKS = ['none', 'solve', 'inv'] as const;
type SingularCheck = (typeof SINGULAR_CHECKS)[number];

function luSolveShape(lu: TensorMeta, pivots: TensorMeta, b: TensorMeta): number[] {
  const n = squareShape('luSolve', 'LU', lu.shape);
  const batch = lu.shape.slice(0, -2);
  if (!sameBatch(pivots.shape, [...batch, n])) throw new ShapeError(`luSolve: pivots expected ${fmtShape([...batch, n])} to match LU ${fmtShape(lu.shape)}, got ${fmtShape(pivots.shape)}`);
  if (b.shape.length !== lu.shape.length || b.shape[b.shape.length - 2] !== n || !sameBatch(b.shape.slice(0, -2), batch)) {
    throw new ShapeError(`luSolve: B expected [${[...batch, n, 'k'].join(',')}] to match LU ${fmtShape(lu.shape)}, got ${fmtShape(b.shape)}`);
  }
  return [...b.shape];
}

export const luSolveOp = defineOp<{ adjoint: boolean; check: SingularCheck }>({
  name: 'luSolve',
  inputs: [{ name: 'LU', dtypes: FLOAT }, { name: 'pivots', dtypes: ['int32'], differentiable: false }, { name: 'B', dtypes: FLOAT }],
  attrs: { adjoint: { kind: 'bool', default: false }, check: { kind: SINGULAR_CHECKS, default: 'none' } },
  outputs: ([lu, pivots, b]) => [{ shape: luSolveShape(lu, pivots, b), dtype: 'float32' }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1], outputs: [0] },
  grad: ({ grads: [g], inputs: [lu, pivots], outputs: [x], attrs, needsGrad }) => {
    if (!g) return [null, null, null];
    return scope(() => {
      const gB = luSolveRaw(lu!, pivots!, g, !attrs.adjoint);
      let gLU: Tensor | null = null;
      if (needsGrad[0]) {
        const gA = neg(attrs.adjoint ? matmul(x!, mT(gB)) : matmul(gB, mT(x!)));
        const n = lu!.shape[lu!.shape.length - 1];
        const m = permute(pivots!, gA, false); // Pᵀ gA
        const L = add(tril(lu!, -1), eye(n, { device: lu!.device }));
        gLU = add(tril(matmul(m, mT(triu(lu!))), -1), triu(matmul(mT(L), m)));
      }
      return [gLU, null, needsGrad[2] ? gB : null];
    });
  },
  test: {
    goldenTolerance: 2e-4,
    samples: [
      // LU with a dominant diagonal (a well-conditioned U) and LAPACK-style pivots.
      { name: 'matrix', inputs: [{ shape: [3, 3], fill: [3, 0.5, -1, 0.4, -2.5, 0.7, -0.6, 0.3, 2] }, { shape: [3], dtype: 'int32', fill: [3, 2, 3] }, { shape: [3, 2] }], attrs: {} },
      { name: 'adjoint', inputs: [{ shape: [3, 3], fill: [3, 0.5, -1, 0.4, -2.5, 0.7, -0.6, 0.3, 2] }, { shape: [3], dtype: 'int32', fill: [2, 3, 3] }, { shape: [3, 4] }], attrs: { adjoint: true } },
      {
        name: 'batched',
        inputs: [{ shape: [2, 2, 2], fill: [2, 1, 0.5, -3, -4, 0.2, 0.3, 1.5] }, { shape: [2, 2], dtype: 'int32', fill: [2, 2, 1, 2] }, { shape: [2, 2, 3] }],
        attrs: { check: 'solve' },
      },
      { name: 'batched-adjoint', inputs: [{ shape: [2, 2, 2], fill: [2, 1, 0.5, -3, -4, 0.2, 0.3, 1.5] }, { shape: [2, 2], dtype: 'int32', fill: [1, 2, 2, 2] }, { shape: [2, 2, 1] }], attrs: { adjoint: true, check: 'inv' } },
      { name: 'one-by-one', inputs: [{ shape: [1, 1], fill: [-2] }, { shape: [1], dtype: 'int32', fill: [1] }, { shape: [1, 3] }], attrs: {} },
      { name: 'no-columns', inputs: [{ shape: [2, 2], fill: [2, 1, 0.5, 3] }, { shape: [2], dtype: 'int32', fill: [1, 2] }, { shape: [2, 0] }], attrs: {} },
    ],
    bad: [
      { name: 'non-square LU', inputs: [{ shape: [2, 3] }, { shape: [2], dtype: 'int32', fill: [1, 2] }, { shape: [2, 1] }], error: 'ShapeError', message: /^luSolve: LU expected a square matrix or a batch of them \[\.\.\., n, n\], got \[2,3\]$/ },
      { name: 'pivots shape', inputs: [{ shape: [2, 2] }, { shape: [3], dtype: 'int32', fill: [1, 2, 3] }, { shape: [2, 1] }], error: 'ShapeError', message: /^luSolve: pivots expected \[2\] to match LU \[2,2\], got \[3\]$/ },
      { name: 'B rows', inputs: [{ shape: [2, 2] }, { shape: [2], dtype: 'int32', fill: [1, 2] }, { shape: [3, 1] }], error: 'ShapeError', message: /^luSolve: B expected \[2,k\] to match LU \[2,2\], got \[3,1\]$/ },
      { name: 'pivots dtype', inputs: [{ shape: [2, 2] }, { shape: [2], dtype: 'int64', fill: [1, 2] }, { shape: [2, 1] }], error: 'DTypeError', message: /^luSolve: argument 'pivots' expected dtype int32, got int64$/ },
      { name: 'pivot out of range', inputs: [{ shape: [2, 2, 2], fill: [2, 1, 0.5, 3, 2, 1, 0.5, 3] }, { shape: [2, 2], dtype: 'int32', fill: [1, 2, 3, 2] }, { shape: [2, 2, 1] }], error: 'ValueError', message: /^luSolve: \(Batch element 1\): pivots\[0\] = 3 is out of range \(expected 1 to 2\)$/ },
      { name: 'singular for solve', inputs: [{ shape: [2, 2], fill: [2, 4, 0.5, 0] }, { shape: [2], dtype: 'int32', fill: [2, 2] }, { shape: [2, 1] }], attrs: { check: 'solve' }, error: 'ValueError', message: /^luSolve: linalg\.solve: The solver failed because the input matrix is singular\.$/ },
      { name: 'singular for inv', inputs: [{ shape: [2, 2, 2], fill: [1, 0, 0, 1, 2, 4, 0.5, 0] }, { shape: [2, 2], dtype: 'int32', fill: [1, 2, 2, 2] }, { shape: [2, 2, 2] }], attrs: { check: 'inv' }, error: 'ValueError', message: /^luSolve: linalg\.inv: \(Batch element 1\): The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular\.$/ },
    ],
  },
});

function luSolveRaw(lu: Tensor, pivots: Tensor, b: Tensor, adjoint: boolean, check: SingularCheck = 'none'): Tensor {
  return apply(luSolveOp, [lu, pivots, b], { adjoint, check })[0];
}

/** 1..n for each matrix of `like`'s batch: the pivots of no row exchange. */
function identityPivots(like: Tensor): Tensor {
  const n = like.shape[like.shape.length - 1];
  return expand(arange(1, n + 1, { dtype: 'int32', device: like.device }), like.shape.slice(0, -1));
}

/** L⁻¹B or (adjoint) L⁻ᵀB with L the unit lower part of lu. */
function lowerSolve(lu: Tensor, b: Tensor, adjoint: boolean): Tensor {
  const n = lu.shape[lu.shape.length - 1];
  return luSolveRaw(add(tril(lu, -1), eye(n, { device: lu.device })), identityPivots(lu), b, adjoint);
}

/** U⁻¹B or (adjoint) U⁻ᵀB with U the upper part of lu. */
function upperSolve(lu: Tensor, b: Tensor, adjoint: boolean): Tensor {
  return luSolveRaw(triu(lu), identityPivots(lu), b, adjoint);
}

/** P·B (forward) or Pᵀ·B for the row exchanges `pivots`. */
function permute(pivots: Tensor, b: Tensor, forward: boolean): Tensor {
  const n = pivots.shape[pivots.shape.length - 1];
  const I = expand(eye(n, { device: pivots.device }), [...pivots.shape, n]);
  return luSolveRaw(I, pivots, b, forward);
}

/** (-1)^(row exchanges) for each matrix of the batch. */
function pivotSign(pivots: Tensor): Tensor {
  const n = pivots.shape[pivots.shape.length - 1];
  const swapped = ne(pivots, arange(1, n + 1, { dtype: 'int32', device: pivots.device }));
  return prod(where(swapped, -1, 1), -1);
}

// ---- the functions ----

function floatSquare(fn: string, arg: string, a: unknown): number {
  tensorArg(fn, arg, a);
  if (a.dtype !== 'float32') throw new DTypeError(`${fn}: ${arg} expected float32, got ${a.dtype}`);
  return squareShape(fn, arg, a.shape);
}

/** luFactor's result: `{ LU, pivots }`, also `[LU, pivots]`. */
export type LuFactorResult = NamedTuple<[LU: Tensor, pivots: Tensor], { LU: Tensor; pivots: Tensor }>;
/** luFactorEx's result: `{ LU, pivots, info }`, also `[LU, pivots, info]`. */
export type LuFactorExResult = NamedTuple<[LU: Tensor, pivots: Tensor, info: Tensor], { LU: Tensor; pivots: Tensor; info: Tensor }>;

/**
 * LU factorization with partial pivoting of A [..., n, n] (torch.linalg.lu_factor): PA = LU, L
 * unit lower and U upper packed into one [..., n, n] tensor, pivots int32 [..., n], 1-based as
 * LAPACK's (row i was exchanged with row pivots[i]). A singular matrix (an exact zero on U's
 * diagonal) is refused as PyTorch refuses it, when the value is read; luFactorEx factors it and
 * says where. Differentiable (PyTorch's gradient).
 */
export function luFactor(A: Tensor): LuFactorResult {
  floatSquare('luFactor', 'A', A);
  const [LU, pivots] = apply(luFactorOp, [A], { check: true });
  return namedTuple([LU, pivots] as [Tensor, Tensor], { LU, pivots });
}

/**
 * luFactor without the singularity refusal (torch.linalg.lu_factor_ex): info int32 [...] is 0, or
 * the 1-based position of the first exact zero on U's diagonal.
 */
export function luFactorEx(A: Tensor): LuFactorExResult {
  floatSquare('luFactorEx', 'A', A);
  const [LU, pivots, info] = apply(luFactorOp, [A], { check: false });
  return namedTuple([LU, pivots, info] as [Tensor, Tensor, Tensor], { LU, pivots, info });
}

/**
 * X with LU·X = B for the factors of luFactor, B [..., n, k] (torch.linalg.lu_solve, left side);
 * `adjoint` solves Aᵀ·X = B. LU's and B's batch dims broadcast.
 */
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, options: { adjoint?: boolean } = {}): Tensor {
  const n = floatSquare('luSolve', 'LU', LU);
  tensorArg('luSolve', 'pivots', pivots);
  tensorArg('luSolve', 'B', B);
  if (B.shape.length < 2 || B.shape[B.shape.length - 2] !== n) throw new ShapeError(`luSolve: B expected [..., ${n}, k] to match LU ${fmtShape(LU.shape)}, got ${fmtShape(B.shape)}`);
  return solveFactored('luSolve', LU, pivots, B, options.adjoint ?? false, 'none');
}

/** luSolve over broadcast batch dims (solveOverBatch). */
function solveFactored(fn: string, lu: Tensor, pivots: Tensor, b: Tensor, adjoint: boolean, check: SingularCheck): Tensor {
  return solveOverBatch(fn, lu, pivots, b, (f, p, x) => luSolveRaw(f, p!, x, adjoint, check));
}

/** B as [..., n, k] and whether it was a vector (PyTorch's rule for solve). */
function rightHandSide(fn: string, A: Tensor, B: Tensor, n: number): { cols: Tensor; vector: boolean } {
  tensorArg(fn, 'B', B);
  if (B.dtype !== 'float32') throw new DTypeError(`${fn}: B expected float32, got ${B.dtype}`);
  const vector = B.shape.length === 1 || (B.shape.length === A.shape.length - 1 && sameBatch(B.shape, A.shape.slice(0, -1)));
  const rows = vector ? B.shape[B.shape.length - 1] : B.shape[B.shape.length - 2];
  if (rows !== n || (!vector && B.shape.length < 2)) {
    throw new ShapeError(`${fn}: B expected [..., ${n}] or [..., ${n}, k] to match A ${fmtShape(A.shape)}, got ${fmtShape(B.shape)}`);
  }
  if (!vector) {
    const a = A.shape.slice(0, -2);
    const b = B.shape.slice(0, -2);
    const n = Math.max(a.length, b.length);
    for (let i = 1; i <= n; i++) {
      const da = a[a.length - i] ?? 1;
      const db = b[b.length - i] ?? 1;
      if (da !== db && da !== 1 && db !== 1) throw new ShapeError(`${fn}: the batch dims of A ${fmtShape(A.shape)} and B ${fmtShape(B.shape)} expected to broadcast, got ${fmtShape(a)} and ${fmtShape(b)}`);
    }
  }
  return { cols: vector ? unsqueeze(B, -1) : B, vector };
}

const solveFn: CustomFunction<[Tensor, Tensor], Tensor> = defineFunction({
  name: 'solve',
  forward(ctx, A: Tensor, B: Tensor): Tensor {
    return scope(() => {
      const [lu, pivots] = apply(luFactorOp, [A], { check: false });
      const x = solveFactored('solve', lu, pivots, B, false, 'solve');
      ctx.saveForBackward(A, x);
      return x;
    });
  },
  // gB = A⁻ᵀ g, gA = −gB Xᵀ (the engine sums dims A or B was broadcast along). Solving with Aᵀ
  // through this function again keeps the rule differentiable in A for second derivatives.
  backward(ctx, g: Tensor) {
    const [A, x] = ctx.savedTensors;
    return scope(() => {
      const gB = solveFn(mT(A), g);
      return [ctx.needsInputGrad[0] ? neg(matmul(gB, mT(x))) : null, ctx.needsInputGrad[1] ? gB : null];
    });
  },
});

/**
 * X with A·X = B (torch.linalg.solve): A [..., n, n], B [..., n, k] or a vector [..., n] (B is a
 * vector when it is 1-D or A's shape less its last dim); batch dims broadcast. A singular A is
 * refused as PyTorch refuses it ("…the input matrix is singular"), at the call for a small system
 * and otherwise when the result is read. Gradients: gB = solve(Aᵀ, g), gA = −gB·Xᵀ.
 */
export function solve(A: Tensor, B: Tensor): Tensor {
  const n = floatSquare('solve', 'A', A);
  const { cols, vector } = rightHandSide('solve', A, B, n);
  return scope(() => {
    const x = solveFn(A, cols);
    return vector ? squeeze(x, -1) : x;
  });
}

const invFn = defineFunction({
  name: 'inv',
  forward(ctx, A: Tensor): Tensor {
    return scope(() => {
      const n = A.shape[A.shape.length - 1];
      const [lu, pivots] = apply(luFactorOp, [A], { check: false });
      const x = luSolveRaw(lu, pivots, expand(eye(n, { device: A.device }), A.shape), false, 'inv');
      ctx.saveForBackward(x);
      return x;
    });
  },
  // −A⁻ᵀ g A⁻ᵀ, from the saved inverse: differentiable again through it.
  backward(ctx, g: Tensor) {
    const [x] = ctx.savedTensors;
    return scope(() => neg(matmul(matmul(mT(x), g), mT(x))));
  },
});

/**
 * A⁻¹ for A [..., n, n] (torch.linalg.inv). A singular A is refused as PyTorch refuses it ("The
 * diagonal element 2 is zero, the inversion could not be completed because the input matrix is
 * singular"). Gradient: −A⁻ᵀ·g·A⁻ᵀ.
 */
export function inv(A: Tensor): Tensor {
  floatSquare('inv', 'A', A);
  return invFn(A);
}

const detFn = defineFunction({
  name: 'det',
  forward(ctx, A: Tensor): Tensor {
    return scope(() => {
      const [lu, pivots] = apply(luFactorOp, [A], { check: false });
      const d = mul(prod(diagonal(lu), -1), pivotSign(pivots));
      ctx.saveForBackward(A, d);
      return d;
    });
  },
  // g·det·A⁻ᵀ. Where det is 0 the gradient is 0, as PyTorch 2.13 gives (it is the cofactor matrix
  // there, nonzero at rank n − 1, but PyTorch's rule returns zeros); zeros on U's diagonal are
  // replaced by 1 first so the solve never divides by them. A is factored again so that the rule
  // is differentiable in A.
  backward(ctx, g: Tensor) {
    const [A, d] = ctx.savedTensors;
    return scope(() => {
      const n = A.shape[A.shape.length - 1];
      const I = eye(n, { device: A.device });
      const [lu, pivots] = apply(luFactorOp, [A], { check: false });
      const safe = add(lu, mul(I, unsqueeze(cast(eq(diagonal(lu), 0), 'float32'), -1)));
      const invT = luSolveRaw(safe, pivots, expand(I, A.shape), true);
      const scale = unsqueeze(unsqueeze(mul(g, d), -1), -1);
      return where(unsqueeze(unsqueeze(eq(d, 0), -1), -1), 0, mul(scale, invT));
    });
  },
});

/**
 * The determinant of A [..., n, n] (torch.linalg.det): the product of U's diagonal times the sign
 * of the row exchanges. A singular A gives 0 (−0 after an odd number of exchanges, as PyTorch).
 * Gradient g·det·A⁻ᵀ; 0 where det is 0, as PyTorch's.
 */
export function det(A: Tensor): Tensor {
  floatSquare('det', 'A', A);
  return detFn(A);
}

/** slogdet's result: `{ sign, logabsdet }`, also `[sign, logabsdet]`. */
export type SlogdetResult = NamedTuple<[sign: Tensor, logabsdet: Tensor], { sign: Tensor; logabsdet: Tensor }>;

/**
 * sign and log|det| of A [..., n, n] (torch.linalg.slogdet), without the overflow of det for
 * large n: sign is ±1 (0 for a singular A, whose logabsdet is −∞). logabsdet's gradient is A⁻ᵀ·g,
 * through luFactor's.
 */
export function slogdet(A: Tensor): SlogdetResult {
  floatSquare('slogdet', 'A', A);
  const [signOut, logabsdet] = scope(() => {
    const [lu, pivots] = apply(luFactorOp, [A], { check: false });
    const d = diagonal(lu);
    return [mul(prod(sign(d), -1), pivotSign(pivots)), sum(log(abs(d)), -1)];
  });
  return namedTuple([signOut, logabsdet] as [Tensor, Tensor], { sign: signOut, logabsdet });
}
