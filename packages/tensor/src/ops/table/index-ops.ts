// Indexing ops: indexSelect, gather, scatterAdd, embedding, and the accumulating backward ops
// (indexSelectBackward, embeddingBackward). Kernels: native/src/cpu/index.cc. Index values are
// only seen by the kernel, which refuses out-of-range ones (Note [index checks] there): a tiny op
// throws at the call, a queued one at the next read; both messages name the op and argument.
import { checkOptions } from '../../options.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkShape, normDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp, FLOAT, INDEX, NUMERIC, type TensorMeta } from '../declare.js';
import { zeros } from './creation.js';
import { pad, unsqueeze } from './shape.js';
import { where } from './binary.js';
import { eq } from './compare.js';

// ---- indexSelect ----

function indexSelectShape(op: string, x: readonly number[], index: readonly number[], dim: number): { dim: number; shape: number[] } {
  if (index.length > 1) throw new ShapeError(`${op}: index expected a 1-D or 0-D tensor, got shape ${fmtShape(index)}`);
  const d = normDim(op, dim, x.length);
  const k = index.length ? index[0] : 1;
  if (x.length === 0) {
    if (k !== 1) throw new ShapeError(`${op}: index into a 0-D input expected exactly one value, got ${k}`);
    return { dim: d, shape: [] };
  }
  const shape = [...x];
  shape[d] = k;
  return { dim: d, shape };
}

export const indexSelectOp = defineOp<{ dim: number }>({
  name: 'indexSelect',
  inputs: [{ name: 'input', dtypes: ALL }, { name: 'index', dtypes: INDEX, differentiable: false }],
  attrs: { dim: { kind: 'int' } },
  outputs: ([x, index], a) => [{ shape: indexSelectShape('indexSelect', x.shape, index.shape, a.dim).shape, dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [1] },
  grad: ({ grads: [g], inputs: [, index], inputMeta: [x], attrs }) => [indexSelectBackward(g!, index!, attrs.dim, x.shape), null],
  test: {
    samples: [
      { name: 'rows', inputs: [{ shape: [5, 3] }, { shape: [4], dtype: 'int64', fill: [4, 0, 2, 4] }], attrs: { dim: 0 } },
      { name: 'columns-int32', inputs: [{ shape: [2, 6] }, { shape: [3], dtype: 'int32', fill: [5, 1, 1] }], attrs: { dim: -1 } },
      { name: 'middle', inputs: [{ shape: [2, 4, 3] }, { shape: [2], dtype: 'int64', fill: [3, 0] }], attrs: { dim: 1 } },
      { name: 'scalar-index', inputs: [{ shape: [3, 2] }, { shape: [], dtype: 'int64', fill: [1] }], attrs: { dim: 1 } },
      { name: 'empty-index', inputs: [{ shape: [3, 2] }, { shape: [0], dtype: 'int64' }], attrs: { dim: 0 } },
      { name: 'scalar-input', inputs: [{ shape: [] }, { shape: [1], dtype: 'int64', fill: [0] }], attrs: { dim: 0 } },
      { name: 'int64-values', inputs: [{ shape: [4, 2], dtype: 'int64', fill: 'int:-50:50' }, { shape: [3], dtype: 'int64', fill: [3, 3, 1] }], attrs: { dim: 0 } },
      { name: 'large', inputs: [{ shape: [200, 64] }, { shape: [300], dtype: 'int64', fill: 'int:0:200' }], attrs: { dim: 0 } },
    ],
    bad: [
      { name: 'index rank', inputs: [{ shape: [3, 2] }, { shape: [1, 2], dtype: 'int64', fill: [0, 1] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^indexSelect: index expected a 1-D or 0-D tensor, got shape \[1,2\]$/ },
      { name: 'dim out of range', inputs: [{ shape: [3, 2] }, { shape: [1], dtype: 'int64', fill: [0] }], attrs: { dim: 2 }, error: 'ShapeError', message: /^indexSelect: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/ },
      { name: 'index too large', inputs: [{ shape: [3, 2] }, { shape: [2], dtype: 'int64', fill: [0, 3] }], attrs: { dim: 0 }, error: 'ValueError', message: /^indexSelect: index value 3 is out of range for dimension 0 with size 3 \(expected 0 to 2\)$/ },
      { name: 'negative index', inputs: [{ shape: [3, 2] }, { shape: [1], dtype: 'int32', fill: [-1] }], attrs: { dim: 1 }, error: 'ValueError', message: /^indexSelect: index value -1 is out of range for dimension 1 with size 2 \(expected 0 to 1\)$/ },
      { name: 'float index', inputs: [{ shape: [3, 2] }, { shape: [1], fill: [0] }], attrs: { dim: 0 }, error: 'DTypeError', message: /^indexSelect: argument 'index' expected dtype int32 or int64, got float32$/ },
    ],
  },
});

/** The entries of `x` at `index` (1-D or 0-D, values 0..size−1) along `dim`. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return apply(indexSelectOp, [x, index], { dim })[0];
}

export const indexSelectBackwardOp = defineOp<{ dim: number; inputShape: readonly number[] }>({
  name: 'indexSelectBackward',
  inputs: [{ name: 'grad', dtypes: FLOAT }, { name: 'index', dtypes: INDEX, differentiable: false }],
  attrs: { dim: { kind: 'int' }, inputShape: { kind: 'ints' } },
  outputs: ([g, index], a) => {
    const shape = checkShape('indexSelectBackward', a.inputShape, 'inputShape');
    const want = indexSelectShape('indexSelectBackward', shape, index.shape, a.dim).shape;
    if (want.length !== g.shape.length || want.some((d, i) => d !== g.shape[i])) {
      throw new ShapeError(`indexSelectBackward: grad expected shape ${fmtShape(want)} (input ${fmtShape(shape)} indexed by ${index.shape.length ? index.shape[0] : 1} values), got ${fmtShape(g.shape)}`);
    }
    return [{ shape: [...shape], dtype: g.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [1] },
  grad: ({ grads: [gg], inputs: [, index], attrs }) => [indexSelect(gg!, attrs.dim, index!), null],
  test: {
    samples: [
      { name: 'repeated', inputs: [{ shape: [4, 3] }, { shape: [4], dtype: 'int64', fill: [2, 0, 2, 2] }], attrs: { dim: 0, inputShape: [5, 3] } },
      { name: 'columns', inputs: [{ shape: [2, 3, 2] }, { shape: [3], dtype: 'int32', fill: [1, 1, 0] }], attrs: { dim: 1, inputShape: [2, 4, 2] } },
      { name: 'empty-index', inputs: [{ shape: [0, 2] }, { shape: [0], dtype: 'int64' }], attrs: { dim: 0, inputShape: [3, 2] } },
      { name: 'large', inputs: [{ shape: [300, 64] }, { shape: [300], dtype: 'int64', fill: 'int:0:50' }], attrs: { dim: 0, inputShape: [50, 64] } },
    ],
    bad: [
      { name: 'grad shape', inputs: [{ shape: [3, 3] }, { shape: [4], dtype: 'int64', fill: [0, 0, 0, 0] }], attrs: { dim: 0, inputShape: [5, 3] }, error: 'ShapeError', message: /^indexSelectBackward: grad expected shape \[4,3\] \(input \[5,3\] indexed by 4 values\), got \[3,3\]$/ },
      { name: 'index too large', inputs: [{ shape: [1, 3] }, { shape: [1], dtype: 'int64', fill: [5] }], attrs: { dim: 0, inputShape: [5, 3] }, error: 'ValueError', message: /^indexSelectBackward: index value 5 is out of range for dimension 0 with size 5/ },
    ],
    torch: 'indexSelectBackward',
  },
});

/** The gradient of indexSelect: `g`'s slices added into zeros of `inputShape` at `index` along `dim`. */
export function indexSelectBackward(g: Tensor, index: Tensor, dim: number, inputShape: readonly number[]): Tensor {
  return apply(indexSelectBackwardOp, [g, index], { dim, inputShape })[0];
}

// ---- gather, scatterAdd ----

function checkIndexFits(op: string, x: readonly number[], index: readonly number[], dim: number, what: string): number {
  if (index.length !== x.length) {
    throw new ShapeError(`${op}: index expected as many dimensions as ${what} (${x.length}), got ${index.length} (index ${fmtShape(index)}, ${what} ${fmtShape(x)})`);
  }
  const d = normDim(op, dim, x.length);
  index.forEach((s, k) => {
    if (k !== d && s > x[k]) throw new ShapeError(`${op}: index ${fmtShape(index)} is larger than ${what} ${fmtShape(x)} in dimension ${k} (only dimension ${d} may be larger)`);
  });
  return d;
}

export const gatherOp = defineOp<{ dim: number }>({
  name: 'gather',
  inputs: [{ name: 'input', dtypes: ALL }, { name: 'index', dtypes: INDEX, differentiable: false }],
  attrs: { dim: { kind: 'int' } },
  outputs: ([x, index], a) => {
    checkIndexFits('gather', x.shape, index.shape, a.dim, 'input');
    return [{ shape: [...index.shape], dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [1] },
  grad: ({ grads: [g], inputs: [, index], inputMeta: [x], attrs }) => [scatterAdd(zeros(x.shape, { device: g!.device }), attrs.dim, index!, g!), null],
  test: {
    samples: [
      { name: 'rows', inputs: [{ shape: [3, 4] }, { shape: [2, 4], dtype: 'int64', fill: [0, 1, 2, 0, 2, 2, 1, 0] }], attrs: { dim: 0 } },
      { name: 'last-dim', inputs: [{ shape: [2, 5] }, { shape: [2, 3], dtype: 'int32', fill: [4, 0, 4, 1, 1, 3] }], attrs: { dim: 1 } },
      { name: 'smaller-index', inputs: [{ shape: [3, 4, 2] }, { shape: [2, 6, 1], dtype: 'int64', fill: 'int:0:4' }], attrs: { dim: 1 } },
      { name: 'negative-dim', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 3, 2], dtype: 'int64', fill: 'int:0:4' }], attrs: { dim: -1 } },
      { name: 'empty-index', inputs: [{ shape: [3, 2] }, { shape: [0, 2], dtype: 'int64' }], attrs: { dim: 0 } },
      { name: 'int64-values', inputs: [{ shape: [2, 3], dtype: 'int64', fill: 'int:-9:9' }, { shape: [2, 2], dtype: 'int64', fill: [2, 0, 1, 1] }], attrs: { dim: 1 } },
      { name: 'large', inputs: [{ shape: [64, 300] }, { shape: [64, 200], dtype: 'int64', fill: 'int:0:300' }], attrs: { dim: 1 } },
    ],
    bad: [
      { name: 'rank mismatch', inputs: [{ shape: [3, 2] }, { shape: [2], dtype: 'int64', fill: [0, 1] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^gather: index expected as many dimensions as input \(2\), got 1 \(index \[2\], input \[3,2\]\)$/ },
      { name: 'index too wide', inputs: [{ shape: [3, 2] }, { shape: [1, 3], dtype: 'int64', fill: [0, 1, 1] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^gather: index \[1,3\] is larger than input \[3,2\] in dimension 1 \(only dimension 0 may be larger\)$/ },
      { name: 'index out of range', inputs: [{ shape: [3, 2] }, { shape: [1, 2], dtype: 'int64', fill: [0, 3] }], attrs: { dim: 0 }, error: 'ValueError', message: /^gather: index value 3 is out of range for dimension 0 with size 3 \(expected 0 to 2\)$/ },
      { name: 'negative index', inputs: [{ shape: [3, 2] }, { shape: [1, 1], dtype: 'int64', fill: [-1] }], attrs: { dim: 1 }, error: 'ValueError', message: /^gather: index value -1 is out of range for dimension 1 with size 2/ },
    ],
  },
});

/** out[i][j] = x[index[i][j]][j] along `dim` (PyTorch's gather; index has x's rank). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return apply(gatherOp, [x, index], { dim })[0];
}

function scatterAddShape(x: TensorMeta, index: TensorMeta, src: TensorMeta, dim: number): number {
  if (src.dtype !== x.dtype) throw new DTypeError(`scatterAdd: src has dtype ${src.dtype} but input has ${x.dtype}; they must match`);
  const d = checkIndexFits('scatterAdd', x.shape, index.shape, dim, 'input');
  if (src.shape.length !== index.shape.length) {
    throw new ShapeError(`scatterAdd: src expected as many dimensions as index (${index.shape.length}), got ${src.shape.length} (src ${fmtShape(src.shape)}, index ${fmtShape(index.shape)})`);
  }
  index.shape.forEach((s, k) => {
    if (s > src.shape[k]) throw new ShapeError(`scatterAdd: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} in dimension ${k}`);
  });
  return d;
}

export const scatterAddOp = defineOp<{ dim: number }>({
  name: 'scatterAdd',
  inputs: [{ name: 'input', dtypes: NUMERIC }, { name: 'index', dtypes: INDEX, differentiable: false }, { name: 'src', dtypes: NUMERIC }],
  attrs: { dim: { kind: 'int' } },
  outputs: ([x, index, src], a) => {
    scatterAddShape(x, index, src, a.dim);
    return [{ shape: [...x.shape], dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [1] },
  grad: ({ grads: [g], inputs: [, index], inputMeta: [, , src], attrs, needsGrad }) => {
    if (!needsGrad[2]) return [g, null, null];
    // src elements outside index's extent are never read: their gradient is zero.
    const picked = gather(g!, attrs.dim, index!);
    const pads = src.shape.flatMap((_, k) => [0, src.shape[src.shape.length - 1 - k] - index!.shape[src.shape.length - 1 - k]]);
    return [g, null, pads.some((p) => p !== 0) ? pad(picked, pads) : picked];
  },
  test: {
    samples: [
      { name: 'rows', inputs: [{ shape: [3, 4] }, { shape: [2, 4], dtype: 'int64', fill: [0, 1, 2, 0, 0, 1, 2, 2] }, { shape: [2, 4] }], attrs: { dim: 0 } },
      { name: 'collisions', inputs: [{ shape: [2, 3] }, { shape: [2, 5], dtype: 'int32', fill: [0, 0, 2, 0, 1, 2, 2, 2, 1, 0] }, { shape: [2, 5] }], attrs: { dim: 1 } },
      { name: 'smaller-index', inputs: [{ shape: [3, 4, 2] }, { shape: [2, 3, 1], dtype: 'int64', fill: 'int:0:4' }, { shape: [2, 5, 2] }], attrs: { dim: 1 } },
      { name: 'empty-index', inputs: [{ shape: [3, 2] }, { shape: [0, 2], dtype: 'int64' }, { shape: [0, 2] }], attrs: { dim: 0 } },
      { name: 'int64', inputs: [{ shape: [4], dtype: 'int64', fill: 'int:-9:9' }, { shape: [5], dtype: 'int64', fill: [3, 3, 0, 1, 3] }, { shape: [5], dtype: 'int64', fill: 'int:-9:9' }], attrs: { dim: 0 } },
      { name: 'large', inputs: [{ shape: [64, 100] }, { shape: [64, 300], dtype: 'int64', fill: 'int:0:100' }, { shape: [64, 300] }], attrs: { dim: 1 } },
    ],
    bad: [
      { name: 'index larger than src', inputs: [{ shape: [3, 2] }, { shape: [2, 2], dtype: 'int64', fill: [0, 0, 0, 0] }, { shape: [1, 2] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^scatterAdd: index \[2,2\] is larger than src \[1,2\] in dimension 0$/ },
      { name: 'index larger than input', inputs: [{ shape: [3, 2] }, { shape: [2, 3], dtype: 'int64', fill: [0, 0, 0, 0, 0, 0] }, { shape: [2, 3] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^scatterAdd: index \[2,3\] is larger than input \[3,2\] in dimension 1 \(only dimension 0 may be larger\)$/ },
      { name: 'src rank', inputs: [{ shape: [3, 2] }, { shape: [2, 2], dtype: 'int64', fill: [0, 0, 0, 0] }, { shape: [4] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^scatterAdd: src expected as many dimensions as index \(2\), got 1/ },
      { name: 'src dtype', inputs: [{ shape: [3] }, { shape: [1], dtype: 'int64', fill: [0] }, { shape: [1], dtype: 'int32', fill: [1] }], attrs: { dim: 0 }, error: 'DTypeError', message: /^scatterAdd: src has dtype int32 but input has float32; they must match$/ },
      { name: 'index out of range', inputs: [{ shape: [3] }, { shape: [2], dtype: 'int64', fill: [1, 3] }, { shape: [2] }], attrs: { dim: 0 }, error: 'ValueError', message: /^scatterAdd: index value 3 is out of range for dimension 0 with size 3 \(expected 0 to 2\)$/ },
    ],
  },
});

/**
 * input + src scattered along `dim`: out[index[i][j]][j] += src[i][j] (dim 0), PyTorch's
 * scatter_add as a function (the input is not modified). Repeated indices accumulate.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return apply(scatterAddOp, [x, index, src], { dim })[0];
}

// ---- embedding ----

function checkEmbedding(op: string, indices: TensorMeta, weight: readonly number[], paddingIdx: number): void {
  if (weight.length !== 2) throw new ShapeError(`${op}: weight expected a 2-D tensor [numEmbeddings, dim], got shape ${fmtShape(weight)}`);
  if (paddingIdx < -1 || paddingIdx >= weight[0]) {
    throw new ValueError(`${op}: paddingIdx ${paddingIdx} is out of range for a weight with ${weight[0]} rows (expected 0 to ${weight[0] - 1}, or -1 for none)`);
  }
}

export const embeddingOp = defineOp<{ paddingIdx: number }>({
  name: 'embedding',
  inputs: [{ name: 'indices', dtypes: INDEX, differentiable: false }, { name: 'weight', dtypes: ALL }],
  // -1: no padding row. The user function maps PyTorch's negative padding_idx to a row first.
  attrs: { paddingIdx: { kind: 'int', default: -1 } },
  outputs: ([indices, weight], a) => {
    checkEmbedding('embedding', indices, weight.shape, a.paddingIdx);
    return [{ shape: [...indices.shape, weight.shape[1]], dtype: weight.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [indices], inputMeta: [, weight], attrs }) => [null, embeddingBackward(g!, indices!, weight.shape[0], attrs.paddingIdx)],
  test: {
    samples: [
      { name: 'sequence', inputs: [{ shape: [5], dtype: 'int64', fill: [1, 3, 3, 0, 4] }, { shape: [5, 3] }] },
      { name: 'batch-int32', inputs: [{ shape: [2, 3], dtype: 'int32', fill: [0, 2, 1, 2, 2, 0] }, { shape: [4, 2] }] },
      // The padding row gets no gradient on purpose, which a finite-difference check would flag, so
      // these samples leave it unused; embeddingBackward's samples check that it gets none.
      { name: 'padding', inputs: [{ shape: [2, 4], dtype: 'int64', fill: [0, 2, 0, 2, 3, 3, 0, 2] }, { shape: [4, 4] }], attrs: { paddingIdx: 1 } },
      { name: 'scalar-index', inputs: [{ shape: [], dtype: 'int64', fill: [2] }, { shape: [3, 2] }] },
      { name: 'empty', inputs: [{ shape: [0], dtype: 'int64' }, { shape: [3, 2] }] },
      { name: 'large', inputs: [{ shape: [8, 40], dtype: 'int64', fill: 'int:1:100' }, { shape: [100, 128] }], attrs: { paddingIdx: 0 } },
    ],
    bad: [
      { name: 'weight rank', inputs: [{ shape: [2], dtype: 'int64', fill: [0, 1] }, { shape: [3] }], error: 'ShapeError', message: /^embedding: weight expected a 2-D tensor \[numEmbeddings, dim\], got shape \[3\]$/ },
      { name: 'padding out of range', inputs: [{ shape: [2], dtype: 'int64', fill: [0, 1] }, { shape: [3, 2] }], attrs: { paddingIdx: 3 }, error: 'ValueError', message: /^embedding: paddingIdx 3 is out of range for a weight with 3 rows \(expected 0 to 2, or -1 for none\)$/ },
      { name: 'index out of range', inputs: [{ shape: [2], dtype: 'int64', fill: [0, 3] }, { shape: [3, 2] }], error: 'ValueError', message: /^embedding: indices value 3 is out of range for dimension 0 with size 3 \(expected 0 to 2\)$/ },
      { name: 'float indices', inputs: [{ shape: [2], fill: [0, 1] }, { shape: [3, 2] }], error: 'DTypeError', message: /^embedding: argument 'indices' expected dtype int32 or int64, got float32$/ },
    ],
  },
});

export interface EmbeddingOptions {
  /** A row that lookups return as is but that never receives a gradient (negative counts from the end). */
  paddingIdx?: number;
}

/** Rows of `weight` [numEmbeddings, dim] at `indices`: out shape [...indices.shape, dim] (torch.nn.functional.embedding). */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  checkOptions('embedding', options, ['paddingIdx']);
  let paddingIdx = options.paddingIdx ?? -1;
  if (options.paddingIdx !== undefined && weight?.isTensor && weight.ndim === 2) {
    const rows = weight.shape[0];
    if (!Number.isSafeInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
      throw new ValueError(`embedding: paddingIdx ${paddingIdx} is out of range for a weight with ${rows} rows (expected ${-rows} to ${rows - 1})`);
    }
    if (paddingIdx < 0) paddingIdx += rows;
  }
  return apply(embeddingOp, [indices, weight], { paddingIdx })[0];
}

export const embeddingBackwardOp = defineOp<{ numWeights: number; paddingIdx: number }>({
  name: 'embeddingBackward',
  inputs: [{ name: 'grad', dtypes: FLOAT }, { name: 'indices', dtypes: INDEX, differentiable: false }],
  attrs: { numWeights: { kind: 'int' }, paddingIdx: { kind: 'int', default: -1 } },
  outputs: ([g, indices], a) => {
    const width = g.shape[g.shape.length - 1];
    const want = [...indices.shape, width];
    if (g.shape.length !== want.length || want.some((d, i) => d !== g.shape[i])) {
      throw new ShapeError(`embeddingBackward: grad expected shape [...indices.shape, dim] = [${[...indices.shape, 'dim'].join(',')}], got ${fmtShape(g.shape)}`);
    }
    if (a.numWeights < 0) throw new ValueError(`embeddingBackward: numWeights expected a non-negative integer, got ${a.numWeights}`);
    checkEmbedding('embeddingBackward', indices, [a.numWeights, width], a.paddingIdx);
    return [{ shape: [a.numWeights, width], dtype: g.dtype }];
  },
  backends: ['cpu', 'cuda'],
  // Linear in grad: its gradient looks gg's rows up again, none for the padding row.
  saves: { inputs: [1] },
  grad: ({ grads: [gg], inputs: [, indices], attrs }) => {
    const rows = embedding(indices!, gg!);
    return [attrs.paddingIdx < 0 ? rows : where(unsqueeze(eq(indices!, attrs.paddingIdx), -1), 0, rows), null];
  },
  test: {
    samples: [
      { name: 'repeated', inputs: [{ shape: [5, 3] }, { shape: [5], dtype: 'int64', fill: [1, 3, 3, 0, 3] }], attrs: { numWeights: 5 } },
      { name: 'padding', inputs: [{ shape: [2, 3, 2] }, { shape: [2, 3], dtype: 'int32', fill: [0, 2, 1, 2, 2, 0] }], attrs: { numWeights: 4, paddingIdx: 2 } },
      { name: 'empty', inputs: [{ shape: [0, 2] }, { shape: [0], dtype: 'int64' }], attrs: { numWeights: 3 } },
      { name: 'large', inputs: [{ shape: [320, 300] }, { shape: [320], dtype: 'int64', fill: 'int:0:64' }], attrs: { numWeights: 64, paddingIdx: 5 } },
    ],
    bad: [
      { name: 'grad shape', inputs: [{ shape: [4, 3] }, { shape: [5], dtype: 'int64', fill: [0, 0, 0, 0, 0] }], attrs: { numWeights: 5 }, error: 'ShapeError', message: /^embeddingBackward: grad expected shape \[\.\.\.indices\.shape, dim\] = \[5,dim\], got \[4,3\]$/ },
      { name: 'index out of range', inputs: [{ shape: [1, 3] }, { shape: [1], dtype: 'int64', fill: [5] }], attrs: { numWeights: 5 }, error: 'ValueError', message: /^embeddingBackward: indices value 5 is out of range for dimension 0 with size 5/ },
    ],
    torch: 'embeddingBackward',
  },
});

/** The gradient of embedding: rows of `g` summed into [numWeights, dim] at `indices` (none into paddingIdx). */
export function embeddingBackward(g: Tensor, indices: Tensor, numWeights: number, paddingIdx = -1): Tensor {
  return apply(embeddingBackwardOp, [g, indices], { numWeights, paddingIdx })[0];
}
