// The QR decomposition (torch.linalg.qr): the native op `qr` (cpu: LAPACK's geqrf and orgqr,
// native/src/cpu/linalg_decomp.cc; cuda: Householder in double, one matrix per thread,
// native/src/cuda/linalg_decomp.cu on native/src/core/linalg_decomp.h).
//
// Note [qr signs]: Householder QR leaves the signs of R's diagonal to the implementation (LAPACK's
// can be negative). Ours are never negative — a row of R and its column of Q flipped together — so
// results agree across devices and runs; the extra columns of a complete Q (m > n) get the
// largest-entry-positive rule of Note [eigenvector signs].
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { namedTuple, type NamedTuple } from '../../named-tuple.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, FLOAT, type TensorMeta } from '../declare.js';
import { add, mul, sub } from './binary.js';
import { neg } from './unary.js';
import { tril } from './composed-ops.js';
import { matmul } from './linalg.js';
import { checkLapackSize, floatMatrix, mT, solveTriangular } from './linalg-decomp.js';
import { cat, narrow } from './shape.js';

const QR_MODES = ['reduced', 'complete', 'r'] as const;
export type QrMode = (typeof QR_MODES)[number];

function qrShapes(a: TensorMeta, mode: QrMode): { q: number[]; r: number[] } {
  const s = a.shape;
  if (s.length < 2) throw new ShapeError(`qr: A expected a matrix or a batch of them [..., m, n], got ${fmtShape(s)}`);
  const batch = s.slice(0, -2);
  const m = s[s.length - 2];
  const n = s[s.length - 1];
  const k = Math.min(m, n);
  checkLapackSize('qr', 'matrix', m, n);
  if (mode === 'complete') checkLapackSize('qr', 'Q', m, m, "; mode 'reduced' gives the thin Q");
  if (mode === 'r') return { q: [0], r: [...batch, k, n] };
  return mode === 'complete' ? { q: [...batch, m, m], r: [...batch, m, n] } : { q: [...batch, m, k], r: [...batch, k, n] };
}

function wellConditioned(batch: number, m: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) out.push((r === c ? 2 + 0.5 * ((r + b) % 3) : 0) + 0.4 * Math.cos(1 + r * 5 + c * 11 + b * 7));
    }
  }
  return out;
}

export const qrOp = defineOp<{ mode: QrMode }>({
  name: 'qr',
  inputs: [{ name: 'A', dtypes: FLOAT }],
  attrs: { mode: { kind: QR_MODES, default: 'reduced' } },
  outputs: ([a], attrs) => {
    const { q, r } = qrShapes(a, attrs.mode);
    return [{ shape: q, dtype: 'float32' }, { shape: r, dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0, 1] },
  grad: ({ grads: [gQ, gR], outputs: [Q, R], inputMeta: [a], attrs }) => [qrGrad(gQ, gR, Q!, R!, a, attrs.mode)],
  test: {
    goldenTolerance: 5e-4,
    samples: [
      { name: 'square', inputs: [{ shape: [4, 4], fill: wellConditioned(1, 4, 4) }], attrs: {} },
      { name: 'tall-batched', inputs: [{ shape: [2, 5, 3], fill: wellConditioned(2, 5, 3) }], attrs: {} },
      { name: 'wide', inputs: [{ shape: [3, 5], fill: wellConditioned(1, 3, 5) }], attrs: {} },
      { name: 'complete-one-extra', inputs: [{ shape: [3, 2], fill: wellConditioned(1, 3, 2), noGrad: true }], attrs: { mode: 'complete' } },
      { name: 'complete-wide', inputs: [{ shape: [2, 4], fill: wellConditioned(1, 2, 4) }], attrs: { mode: 'complete' } },
      { name: 'r-only', inputs: [{ shape: [4, 3], fill: wellConditioned(1, 4, 3), noGrad: true }], attrs: { mode: 'r' } },
      { name: 'empty-batch', inputs: [{ shape: [0, 3, 3], noGrad: true }], attrs: {} },
      { name: 'larger', inputs: [{ shape: [14, 10], fill: wellConditioned(1, 14, 10) }], attrs: {} },
    ],
    bad: [
      { name: 'a vector', inputs: [{ shape: [3] }], error: 'ShapeError', message: /^qr: A expected a matrix or a batch of them \[\.\.\., m, n\], got \[3\]$/ },
      { name: 'complete Q past 32-bit indices', inputs: [{ shape: [0, 50000, 2] }], attrs: { mode: 'complete' }, error: 'ShapeError', message: /^qr: a 50000×50000 Q holds 2500000000 values, .*; mode 'reduced' gives the thin Q$/ },
    ],
  },
});

/**
 * PyTorch's linalg_qr_backward. m ≥ n (reduced): M = R·gRᵀ − gQᵀ·Q, gA = (gQ + Q·copyltu(M))·R⁻ᵀ
 * with copyltu(M) = tril(M) + tril(M, −1)ᵀ. m < n: A = [X | Y] with X square, X = Q·U, Y = Q·V;
 * gX is the square case's with gQ + Y·gVᵀ, gY = Q·gV.
 */
function qrGrad(gQ: Tensor | null, gR: Tensor | null, Q: Tensor, R: Tensor, a: TensorMeta, mode: QrMode): Tensor | null {
  if (!gQ && !gR) return null;
  const m = a.shape[a.shape.length - 2];
  const n = a.shape[a.shape.length - 1];
  if (mode === 'r') throw new ValueError("qr: the derivative of qr depends on Q, which is not computed when mode='r'; use mode 'reduced' to differentiate through qr");
  if (mode === 'complete' && m > n) throw new ValueError("qr: the QR decomposition is not differentiable when mode='complete' and m > n (the extra columns of Q are not unique); use mode 'reduced'");
  return scope(() => {
    const square = (gQ: Tensor | null, gR: Tensor | null, R: Tensor): Tensor => {
      const fromR = gR ? matmul(R, mT(gR)) : null;
      const fromQ = gQ ? matmul(mT(gQ), Q) : null;
      const M = fromR && fromQ ? sub(fromR, fromQ) : fromR ?? neg(fromQ!);
      const b = matmul(Q, add(tril(M), mT(tril(M, -1))));
      return mT(solveTriangular(R, mT(gQ ? add(gQ, b) : b), { upper: true })); // (gQ + Q·copyltu(M))·R⁻ᵀ
    };
    if (m >= n) return square(gQ, gR, R);
    const U = narrow(R, -1, 0, m);
    const V = narrow(R, -1, m, n - m);
    const gU = gR ? narrow(gR, -1, 0, m) : null;
    const gV = gR ? narrow(gR, -1, m, n - m) : null;
    const gQX = gV ? (gQ ? add(gQ, matmul(matmul(Q, V), mT(gV))) : matmul(matmul(Q, V), mT(gV))) : gQ;
    const gX = square(gQX, gU, U);
    const gY = gV ? matmul(Q, gV) : mul(V, 0); // V is [..., m, n − m], gY's shape
    return cat([gX, gY], -1);
  });
}

/** qr's result: `{ Q, R }`, also `[Q, R]`. */
export type QrResult = NamedTuple<[Q: Tensor, R: Tensor], { Q: Tensor; R: Tensor }>;

/**
 * A = Q·R for A [..., m, n] (torch.linalg.qr): `mode` 'reduced' (default; Q [..., m, k], R
 * [..., k, n], k = min(m, n)), 'complete' (Q [..., m, m], R [..., m, n]) or 'r' (R only; Q empty).
 * R's diagonal is never negative (Note [qr signs]). Differentiable as PyTorch's (not with 'r', nor
 * with 'complete' when m > n).
 */
export function qr(A: Tensor, options: { mode?: QrMode } = {}): QrResult {
  floatMatrix('qr', A);
  checkOptions('qr', options, ['mode']);
  const mode = options.mode ?? 'reduced';
  if (!QR_MODES.includes(mode)) throw new ValueError(`qr: mode expected 'reduced', 'complete' or 'r', got ${JSON.stringify(mode)}`);
  const [Q, R] = apply(qrOp, [A], { mode });
  return namedTuple([Q, R] as [Tensor, Tensor], { Q, R });
}
