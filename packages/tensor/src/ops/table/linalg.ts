// Linear algebra: matmul (PyTorch's rules for vectors and broadcast batches) and linear
// (x·Wᵀ + b, PyTorch's [out, in] weight). Kernels: native/src/cpu/matmul.cc, on oneDNN's matmul
// primitive (Note [linear on matmul] there). Backward is composed of matmuls whose transposed
// operands are read through strides (the transA/transB attributes), so no transposed copies.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, FLOAT } from '../declare.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';

/** matmul's result shape; op(A) is A with its last two dims swapped when transA (and B alike). */
function matmulShape(a: readonly number[], b: readonly number[], transA: boolean, transB: boolean): number[] {
  const shapes = () => `(input ${fmtShape(a)}, other ${fmtShape(b)})`; // formatted only to refuse: this runs on every matmul
  if (a.length === 0 || b.length === 0) throw new ShapeError(`matmul: both arguments need at least 1 dimension ${shapes()}`);
  if ((transA && a.length < 2) || (transB && b.length < 2)) throw new ShapeError(`matmul: a transposed argument needs at least 2 dimensions ${shapes()}`);
  const ra = a.length;
  const rb = b.length;
  const m = ra === 1 ? 1 : transA ? a[ra - 1] : a[ra - 2];
  const k = ra === 1 ? a[0] : transA ? a[ra - 2] : a[ra - 1];
  const kb = rb === 1 ? b[0] : transB ? b[rb - 1] : b[rb - 2];
  const n = rb === 1 ? 1 : transB ? b[rb - 2] : b[rb - 1];
  if (k !== kb) throw new ShapeError(`matmul: input and other cannot be multiplied: inner dimensions ${k} and ${kb} differ ${shapes()}`);
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', a.slice(0, Math.max(ra - 2, 0)), b.slice(0, Math.max(rb - 2, 0)));
  } catch {
    throw new ShapeError(`matmul: batch dimensions ${fmtShape(a.slice(0, -2))} and ${fmtShape(b.slice(0, -2))} cannot be broadcast ${shapes()}`);
  }
  return [...batch, ...(ra > 1 ? [m] : []), ...(rb > 1 ? [n] : [])];
}

export const matmulOp = defineOp<{ transA: boolean; transB: boolean }>({
  name: 'matmul',
  inputs: [{ name: 'input', dtypes: FLOAT }, { name: 'other', dtypes: FLOAT }],
  // Internal: read an operand's last two dims swapped (backward uses it; matmul() never sets it).
  attrs: { transA: { kind: 'bool', default: false }, transB: { kind: 'bool', default: false } },
  outputs: ([a, b], { transA, transB }) => [{ shape: matmulShape(a.shape, b.shape, transA, transB), dtype: a.dtype }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [g], inputs: [a, b], attrs: { transA, transB }, needsGrad }): (Tensor | null)[] => {
    // Vectors become one-row (a) / one-column (b) matrices, so every product below is batched
    // matrix·matrix; the engine sums broadcast batch dims back to each input's shape.
    const av = a!.ndim === 1;
    const bv = b!.ndim === 1;
    const a2 = av ? reshape(a!, [1, a!.shape[0]]) : a!;
    const b2 = bv ? reshape(b!, [b!.shape[0], 1]) : b!;
    const gs = [...g!.shape];
    if (av) gs.splice(gs.length - (bv ? 0 : 1), 0, 1);
    if (bv) gs.push(1);
    const g2 = reshape(g!, gs);
    const mm = (x: Tensor, y: Tensor, tx: boolean, ty: boolean): Tensor => apply(matmulOp, [x, y], { transA: tx, transB: ty })[0];
    // C = op(A)·op(B): d op(A) = G·op(B)ᵀ, d op(B) = op(A)ᵀ·G, transposed back where op transposed.
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (needsGrad[0]) {
      ga = transA ? mm(b2, g2, transB, true) : mm(g2, b2, false, !transB);
      if (av) ga = reshape(ga, [...ga.shape.slice(0, -2), ga.shape[ga.ndim - 1]]);
    }
    if (needsGrad[1]) {
      gb = transB ? mm(g2, a2, true, transA) : mm(a2, g2, !transA, false);
      if (bv) gb = reshape(gb, gb.shape.slice(0, -1));
    }
    return [ga, gb];
  },
  test: {
    samples: [
      { name: 'matrix', inputs: [{ shape: [3, 4] }, { shape: [4, 5] }] },
      { name: 'dot', inputs: [{ shape: [4] }, { shape: [4] }] },
      { name: 'vector-matrix', inputs: [{ shape: [4] }, { shape: [4, 3] }] },
      { name: 'matrix-vector', inputs: [{ shape: [3, 4] }, { shape: [4] }] },
      { name: 'batched', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4, 5] }] },
      { name: 'broadcast-batch', inputs: [{ shape: [2, 1, 3, 4] }, { shape: [3, 4, 2] }] },
      { name: 'broadcast-both', inputs: [{ shape: [2, 1, 2, 3] }, { shape: [1, 3, 3, 2] }] },
      { name: 'batched-matrix', inputs: [{ shape: [2, 3, 4] }, { shape: [4, 2] }] },
      { name: 'batched-vector', inputs: [{ shape: [2, 3, 4] }, { shape: [4] }] },
      { name: 'vector-batched', inputs: [{ shape: [3] }, { shape: [2, 3, 4] }] },
      { name: 'trans-a', inputs: [{ shape: [4, 3] }, { shape: [4, 5] }], attrs: { transA: true } },
      { name: 'trans-b', inputs: [{ shape: [3, 4] }, { shape: [5, 4] }], attrs: { transB: true } },
      { name: 'trans-both-broadcast', inputs: [{ shape: [2, 4, 3] }, { shape: [1, 5, 4] }], attrs: { transA: true, transB: true } },
      { name: 'size-one', inputs: [{ shape: [1, 1] }, { shape: [1, 1] }] },
      { name: 'empty-inner', inputs: [{ shape: [3, 0] }, { shape: [0, 2] }] },
      { name: 'empty-rows', inputs: [{ shape: [0, 4] }, { shape: [4, 2] }] },
      { name: 'empty-batch', inputs: [{ shape: [0, 2, 3] }, { shape: [3, 2] }] },
      { name: 'large', inputs: [{ shape: [2, 48, 70] }, { shape: [70, 33] }] },
      { name: 'constant-other', inputs: [{ shape: [2, 3, 4] }, { shape: [4, 2], noGrad: true }] },
      { name: 'constant-input', inputs: [{ shape: [4], noGrad: true }, { shape: [2, 4, 3] }] },
    ],
    bad: [
      { name: 'inner mismatch', inputs: [{ shape: [3, 4] }, { shape: [5, 2] }], error: 'ShapeError', message: /^matmul: input and other cannot be multiplied: inner dimensions 4 and 5 differ \(input \[3,4\], other \[5,2\]\)$/ },
      { name: 'scalar', inputs: [{ shape: [] }, { shape: [3] }], error: 'ShapeError', message: /^matmul: both arguments need at least 1 dimension \(input \[\], other \[3\]\)$/ },
      { name: 'batch mismatch', inputs: [{ shape: [2, 3, 4] }, { shape: [3, 4, 5] }], error: 'ShapeError', message: /^matmul: batch dimensions \[2\] and \[3\] cannot be broadcast \(input \[2,3,4\], other \[3,4,5\]\)$/ },
      { name: 'transposed vector', inputs: [{ shape: [4] }, { shape: [4, 2] }], attrs: { transA: true }, error: 'ShapeError', message: /^matmul: a transposed argument needs at least 2 dimensions/ },
      { name: 'int input', inputs: [{ shape: [2, 2], dtype: 'int32', fill: 'int:0:3' }, { shape: [2, 2] }], error: 'DTypeError', message: /^matmul: argument 'input' expected dtype float32, got int32$/ },
    ],
    goldenTolerance: 2e-4,
  },
});

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand is a row (left)
 * or column (right) vector whose dim the result drops, and leading batch dims broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return apply(matmulOp, [a, b])[0];
}

function linearShape(x: readonly number[], w: readonly number[], bias: readonly number[] | null): number[] {
  const shapes = () => `(input ${fmtShape(x)}, weight ${fmtShape(w)}${bias ? `, bias ${fmtShape(bias)}` : ''})`;
  if (w.length !== 2) throw new ShapeError(`linear: weight expected a 2-D tensor [outFeatures, inFeatures] ${shapes()}`);
  if (x.length === 0) throw new ShapeError(`linear: input expected at least 1 dimension ${shapes()}`);
  if (x[x.length - 1] !== w[1]) throw new ShapeError(`linear: input has ${x[x.length - 1]} features in its last dimension but weight expects ${w[1]} ${shapes()}`);
  if (bias && (bias.length !== 1 || bias[0] !== w[0])) throw new ShapeError(`linear: bias expected shape [${w[0]}] ${shapes()}`);
  return [...x.slice(0, -1), w[0]];
}

export const linearOp = defineOp({
  name: 'linear',
  inputs: [{ name: 'input', dtypes: FLOAT }, { name: 'weight', dtypes: FLOAT }, { name: 'bias', dtypes: FLOAT }],
  attrs: {},
  outputs: ([x, w, b]) => [{ shape: linearShape(x.shape, w.shape, b.shape), dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [g], inputs: [x, w], needsGrad }) => {
    const [outF, inF] = w!.shape;
    const rows = x!.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    const g2 = reshape(g!, [rows, outF]);
    return [
      needsGrad[0] ? matmul(g!, w!) : null,
      needsGrad[1] ? apply(matmulOp, [g2, reshape(x!, [rows, inF])], { transA: true })[0] : null,
      needsGrad[2] ? sum(g2, { dim: 0 }) : null,
    ];
  },
  test: {
    samples: [
      { name: 'batch', inputs: [{ shape: [5, 4] }, { shape: [3, 4] }, { shape: [3] }] },
      { name: 'vector', inputs: [{ shape: [4] }, { shape: [2, 4] }, { shape: [2] }] },
      { name: 'leading-dims', inputs: [{ shape: [2, 3, 4] }, { shape: [5, 4] }, { shape: [5] }] },
      { name: 'single-feature', inputs: [{ shape: [3, 1] }, { shape: [1, 1] }, { shape: [1] }] },
      { name: 'empty-batch', inputs: [{ shape: [0, 4] }, { shape: [3, 4] }, { shape: [3] }] },
      { name: 'no-inputs', inputs: [{ shape: [2, 0] }, { shape: [3, 0] }, { shape: [3] }] },
      { name: 'lenet-fc', inputs: [{ shape: [64, 400] }, { shape: [120, 400] }, { shape: [120] }] },
      { name: 'frozen-weight', inputs: [{ shape: [2, 3] }, { shape: [4, 3], noGrad: true }, { shape: [4] }] },
      { name: 'input-without-grad', inputs: [{ shape: [2, 3], noGrad: true }, { shape: [4, 3] }, { shape: [4], noGrad: true }] },
    ],
    bad: [
      { name: 'feature mismatch', inputs: [{ shape: [5, 4] }, { shape: [3, 5] }, { shape: [3] }], error: 'ShapeError', message: /^linear: input has 4 features in its last dimension but weight expects 5 \(input \[5,4\], weight \[3,5\], bias \[3\]\)$/ },
      { name: 'weight rank', inputs: [{ shape: [5, 4] }, { shape: [4] }, { shape: [1] }], error: 'ShapeError', message: /^linear: weight expected a 2-D tensor \[outFeatures, inFeatures\]/ },
      { name: 'bias size', inputs: [{ shape: [5, 4] }, { shape: [3, 4] }, { shape: [4] }], error: 'ShapeError', message: /^linear: bias expected shape \[3\] \(input \[5,4\], weight \[3,4\], bias \[4\]\)$/ },
      { name: 'scalar input', inputs: [{ shape: [] }, { shape: [3, 1] }, { shape: [3] }], error: 'ShapeError', message: /^linear: input expected at least 1 dimension/ },
    ],
    goldenTolerance: 2e-4,
  },
});

/** x·Wᵀ + b with weight [outFeatures, inFeatures] (torch.nn.functional.linear); x is [..., inFeatures]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (bias === undefined || bias === null) {
    if (x?.isTensor && weight?.isTensor) linearShape(x.shape, weight.shape, null);
    return apply(matmulOp, [x, weight], { transB: true })[0];
  }
  if (!bias?.isTensor) throw new ValueError(`linear: bias expected a Tensor or nothing, got ${typeof bias}`);
  return apply(linearOp, [x, weight, bias])[0];
}
