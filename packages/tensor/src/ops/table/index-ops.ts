// Indexing ops: indexSelect, gather, scatterAdd, scatterReduce, embedding, and the accumulating
// backward ops (indexSelectBackward, embeddingBackward). Kernels: native/src/cpu/index.cc. Index
// values are only seen by the kernel, which refuses out-of-range ones (Note [index checks] there):
// a tiny op throws at the call, a queued one at the next read; both messages name the op and
// argument.
import { checkOptions } from '../../options.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkShape, normDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp, FLOAT, INDEX, NUMERIC, type TensorMeta } from '../declare.js';
import { ones, zeros } from './creation.js';
import { narrow, pad, unsqueeze } from './shape.js';
import { div, mul, where } from './binary.js';
import { cast } from './cast.js';
import { eq, gt, logicalAnd } from './compare.js';

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
    // PyTorch's index_select / index_add_ take the vector of rows that ported GNN code passes here.
    const rows = index.length === 1 && x.length > 1 ? (op === 'gather' ? '; a vector of rows is indexSelect(x, dim, index)' : `; a vector of rows is indexAdd(x, dim, index, src) (or index.unsqueeze(1).expand([-1, ${x[1]}]) here)`) : '';
    throw new ShapeError(`${op}: index expected as many dimensions as ${what} (${x.length}), got ${index.length} (index ${fmtShape(index)}, ${what} ${fmtShape(x)})${rows}`);
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
      { name: 'rank mismatch', inputs: [{ shape: [3, 2] }, { shape: [2], dtype: 'int64', fill: [0, 1] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^gather: index expected as many dimensions as input \(2\), got 1 \(index \[2\], input \[3,2\]\); a vector of rows is indexSelect\(x, dim, index\)$/ },
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

// scatterAdd's and scatterReduce's arguments (`op` names the one being checked).
function scatterAddShape(x: TensorMeta, index: TensorMeta, src: TensorMeta, dim: number, op = 'scatterAdd'): number {
  if (src.dtype !== x.dtype) throw new DTypeError(`${op}: src has dtype ${src.dtype} but input has ${x.dtype}; they must match`);
  const d = checkIndexFits(op, x.shape, index.shape, dim, 'input');
  if (src.shape.length !== index.shape.length) {
    throw new ShapeError(`${op}: src expected as many dimensions as index (${index.shape.length}), got ${src.shape.length} (src ${fmtShape(src.shape)}, index ${fmtShape(index.shape)})`);
  }
  index.shape.forEach((s, k) => {
    if (s > src.shape[k]) throw new ShapeError(`${op}: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} in dimension ${k}`);
  });
  return d;
}

// The gradient of src elements outside index's extent (never read) is zero: `picked` has index's
// shape and is padded with zeros to src's.
function padToSource(picked: Tensor, index: TensorMeta, src: TensorMeta): Tensor {
  const r = src.shape.length;
  const pads = src.shape.flatMap((_, k) => [0, src.shape[r - 1 - k] - index.shape[r - 1 - k]]);
  return pads.some((p) => p !== 0) ? pad(picked, pads) : picked;
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
    return [g, null, padToSource(gather(g!, attrs.dim, index!), index!, src)];
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

// ---- scatterReduce ----

const SCATTER_REDUCTIONS = ['sum', 'prod', 'mean', 'amax', 'amin'] as const;
export type ScatterReduction = (typeof SCATTER_REDUCTIONS)[number];

// src restricted to index's extent: the part the op reads.
function withinIndex(src: Tensor, index: Tensor): Tensor {
  let t = src;
  index.shape.forEach((s, k) => {
    if (s < t.shape[k]) t = narrow(t, k, 0, s);
  });
  return t;
}

// Note [scatter reduce gradients]: PyTorch's scatter_reduce_backward (FunctionsManual.cpp), op for
// op. sum: g, and g gathered at index for src. mean: both divided by the count of values that
// met at each position (the input's element counted when includeSelf). amax/amin: every element
// equal to the result shares the gradient evenly — the input's element counted when it equals the
// result even with includeSelf false, as PyTorch counts it, before its own gradient is masked.
// prod: result / value where the value is non-zero; a zero's gradient is the product of the
// others, computed by scatterReduce again with that zero replaced by 1 (the input's zeros) or
// with lone zeros of src replaced by 1 (two zeros meeting give zero, as the plain quotient does).
// With includeSelf false, the input's gradient is zero wherever src was scattered.
function scatterReduceGrad(
  g: Tensor, x: Tensor, index: Tensor, src: Tensor, y: Tensor | null, srcMeta: TensorMeta,
  a: { dim: number; reduce: ScatterReduction; includeSelf: boolean }, needsGrad: boolean[],
): (Tensor | null)[] {
  const { dim, reduce, includeSelf } = a;
  const device = g.device;
  const s = withinIndex(src, index);
  let gSelf: Tensor | null = null;
  let gSrc: Tensor | null = null;
  if (reduce === 'sum') {
    if (needsGrad[0]) gSelf = g;
    if (needsGrad[2]) gSrc = gather(g, dim, index);
  } else if (reduce === 'mean') {
    const counted = scatterAdd(includeSelf ? ones(x.shape, { device }) : zeros(x.shape, { device }), dim, index, ones(index.shape, { device }));
    const n = where(eq(counted, 0), 1, counted);
    if (needsGrad[0]) gSelf = div(g, n);
    if (needsGrad[2]) gSrc = div(gather(g, dim, index), gather(n, dim, index));
  } else if (reduce === 'amax' || reduce === 'amin') {
    const selfIs = cast(eq(x, y!), 'float32');
    const srcIs = cast(eq(s, gather(y!, dim, index)), 'float32');
    const shared = div(g, scatterAdd(selfIs, dim, index, srcIs));
    if (needsGrad[0]) gSelf = mul(selfIs, shared);
    if (needsGrad[2]) gSrc = mul(srcIs, gather(shared, dim, index));
  } else {
    if (needsGrad[0]) {
      const maskedSelf = where(eq(x, 0), 1, x);
      gSelf = div(mul(g, scatterReduce(maskedSelf, dim, index, s, 'prod', { includeSelf })), maskedSelf);
    }
    if (needsGrad[2]) {
      const srcZero = eq(s, 0);
      const zerosMet = gather(scatterAdd(zeros(x.shape, { device }), dim, index, cast(srcZero, 'float32')), dim, index);
      const lone = logicalAnd(srcZero, eq(zerosMet, 1));
      const others = scatterReduce(x, dim, index, where(lone, 1, s), 'prod', { includeSelf });
      gSrc = where(lone, gather(mul(g, others), dim, index), div(gather(mul(g, y!), dim, index), where(srcZero, 1, s)));
    }
  }
  if (gSelf && !includeSelf) {
    const scattered = gt(scatterAdd(zeros(x.shape, { device }), dim, index, ones(index.shape, { device })), 0);
    gSelf = where(scattered, 0, gSelf);
  }
  return [gSelf, null, gSrc && padToSource(gSrc, index, srcMeta)];
}

const savesResult = (a: { reduce: ScatterReduction }): readonly number[] => (a.reduce === 'amax' || a.reduce === 'amin' || a.reduce === 'prod' ? [0] : []);

export const scatterReduceOp = defineOp<{ dim: number; reduce: ScatterReduction; includeSelf: boolean }>({
  name: 'scatterReduce',
  inputs: [{ name: 'input', dtypes: NUMERIC }, { name: 'index', dtypes: INDEX, differentiable: false }, { name: 'src', dtypes: NUMERIC }],
  attrs: { dim: { kind: 'int' }, reduce: { kind: SCATTER_REDUCTIONS }, includeSelf: { kind: 'bool', default: true } },
  outputs: ([x, index, src], a) => {
    scatterAddShape(x, index, src, a.dim, 'scatterReduce');
    return [{ shape: [...x.shape], dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1, 2], outputs: savesResult },
  grad: ({ grads: [g], inputs: [x, index, src], outputs: [y], inputMeta: [, , srcMeta], attrs, needsGrad }) =>
    scatterReduceGrad(g!, x!, index!, src!, y, srcMeta, attrs, needsGrad),
  test: {
    samples: [
      // Rows 0–2 receive repeated indices, row 3 none (it keeps the input with includeSelf false too).
      ...SCATTER_REDUCTIONS.flatMap((reduce) => [true, false].map((includeSelf) => ({
        name: `${reduce}-rows${includeSelf ? '' : '-exclude'}`,
        inputs: [{ shape: [4, 3] }, { shape: [5, 3], dtype: 'int64' as const, fill: [0, 1, 2, 2, 1, 0, 0, 0, 1, 2, 2, 2, 1, 0, 0] }, { shape: [5, 3] }],
        attrs: { dim: 0, reduce, includeSelf },
      }))),
      { name: 'sum-columns-exclude', inputs: [{ shape: [3, 4] }, { shape: [3, 6], dtype: 'int32', fill: 'int:0:4' }, { shape: [3, 6] }], attrs: { dim: 1, reduce: 'sum', includeSelf: false } },
      { name: 'amax-3d-smaller-index', inputs: [{ shape: [2, 4, 3] }, { shape: [2, 3, 2], dtype: 'int64', fill: 'int:0:4' }, { shape: [2, 5, 3] }], attrs: { dim: 1, reduce: 'amax', includeSelf: false } },
      { name: 'amin-3d-dim0', inputs: [{ shape: [3, 2, 2] }, { shape: [4, 2, 1], dtype: 'int64', fill: 'int:0:3' }, { shape: [4, 3, 2] }], attrs: { dim: 0, reduce: 'amin' } },
      { name: 'mean-3d-last-dim', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 2, 6], dtype: 'int64', fill: 'int:0:4' }, { shape: [2, 3, 7] }], attrs: { dim: -1, reduce: 'mean' } },
      { name: 'prod-3d-last-dim-exclude', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 2, 6], dtype: 'int64', fill: 'int:0:4' }, { shape: [2, 3, 7] }], attrs: { dim: -1, reduce: 'prod', includeSelf: false } },
      // Position 0: the input is zero; 1: one zero in src; 2: two zeros meet; 3: nothing scattered.
      ...[true, false].map((includeSelf) => ({
        name: `prod-zeros${includeSelf ? '' : '-exclude'}`,
        inputs: [{ shape: [4], fill: [0, 1.5, -2, 0.7] }, { shape: [6], dtype: 'int64' as const, fill: [0, 1, 1, 2, 2, 2] }, { shape: [6], fill: [0.5, 0, 1.3, 0, 0, -1.1] }],
        attrs: { dim: 0, reduce: 'prod', includeSelf },
      })),
      // Ties and NaN: forward only (gradients at ties are not derivatives, so no finite-difference
      // check holds them; test/scatter-reduce.test.ts checks PyTorch's even sharing).
      { name: 'amax-ties', inputs: [{ shape: [3, 2], fill: [1, 5, 2, 0, 3, 3], noGrad: true }, { shape: [4, 2], dtype: 'int64', fill: [0, 0, 1, 1, 0, 2, 2, 2] }, { shape: [4, 2], fill: [1, 5, 2, 2, 1, 3, 3, 3], noGrad: true }], attrs: { dim: 0, reduce: 'amax' } },
      ...(['amax', 'amin'] as const).map((reduce) => ({
        name: `${reduce}-nan`,
        inputs: [{ shape: [4], fill: [1, NaN, 2, NaN], noGrad: true }, { shape: [5], dtype: 'int64' as const, fill: [0, 0, 1, 2, 2] }, { shape: [5], fill: [NaN, 2, 0, 4, NaN], noGrad: true }],
        attrs: { dim: 0, reduce, includeSelf: reduce === 'amax' },
      })),
      { name: 'mean-int64-floor', inputs: [{ shape: [4], dtype: 'int64', fill: [1, 2, -3, 7] }, { shape: [6], dtype: 'int64', fill: [0, 0, 2, 2, 1, 1] }, { shape: [6], dtype: 'int64', fill: [-4, 0, -4, 0, 3, 4] }], attrs: { dim: 0, reduce: 'mean' } },
      { name: 'mean-int32-exclude', inputs: [{ shape: [2, 4], dtype: 'int32', fill: 'int:-9:9' }, { shape: [2, 5], dtype: 'int64', fill: [0, 0, 0, 1, 1, 3, 3, 2, 3, 3] }, { shape: [2, 5], dtype: 'int32', fill: 'int:-9:9' }], attrs: { dim: 1, reduce: 'mean', includeSelf: false } },
      { name: 'prod-int32', inputs: [{ shape: [3], dtype: 'int32', fill: [2, -3, 5] }, { shape: [5], dtype: 'int64', fill: [0, 0, 1, 1, 1] }, { shape: [5], dtype: 'int32', fill: [3, -1, 4, 0, 2] }], attrs: { dim: 0, reduce: 'prod' } },
      { name: 'amin-int64-exclude', inputs: [{ shape: [4, 2], dtype: 'int64', fill: 'int:-50:50' }, { shape: [3, 2], dtype: 'int32', fill: [0, 3, 3, 3, 0, 1] }, { shape: [3, 2], dtype: 'int64', fill: 'int:-50:50' }], attrs: { dim: 0, reduce: 'amin', includeSelf: false } },
      { name: 'amax-int32', inputs: [{ shape: [5], dtype: 'int32', fill: 'int:-20:20' }, { shape: [8], dtype: 'int64', fill: 'int:0:5' }, { shape: [8], dtype: 'int32', fill: 'int:-20:20' }], attrs: { dim: 0, reduce: 'amax' } },
      ...SCATTER_REDUCTIONS.map((reduce) => ({
        name: `${reduce}-uint8`,
        inputs: [{ shape: [4], dtype: 'uint8' as const, fill: [3, 200, 7, 1] }, { shape: [6], dtype: 'int64' as const, fill: [1, 0, 1, 2, 2, 1] }, { shape: [6], dtype: 'uint8' as const, fill: [9, 100, 4, 2, 250, 0] }],
        attrs: { dim: 0, reduce, includeSelf: reduce !== 'mean' },
      })),
      { name: 'empty-index', inputs: [{ shape: [3, 2] }, { shape: [0, 2], dtype: 'int64' }, { shape: [0, 2] }], attrs: { dim: 0, reduce: 'amax', includeSelf: false } },
      { name: 'scalar', inputs: [{ shape: [] }, { shape: [], dtype: 'int64', fill: [0] }, { shape: [] }], attrs: { dim: 0, reduce: 'prod' } },
      // A graph's edges into its nodes (dim 0 of [edges, features]), as a segment max or mean. The
      // maxima's src values are distinct multiples of 1/8, so the gradient check's steps never
      // change which one wins.
      {
        name: 'amax-large',
        inputs: [{ shape: [50, 16] }, { shape: [300, 16], dtype: 'int64', fill: 'int:0:50' }, { shape: [300, 16], fill: Array.from({ length: 4800 }, (_, i) => (((i * 7919) % 4800) - 2400) / 8) }],
        attrs: { dim: 0, reduce: 'amax', includeSelf: false },
      },
      { name: 'mean-large', inputs: [{ shape: [64, 40] }, { shape: [64, 300], dtype: 'int64', fill: 'int:0:40' }, { shape: [64, 300] }], attrs: { dim: 1, reduce: 'mean' } },
      // One node id per row, expanded over the features (cpu's Note [index rows] in index.cc).
      {
        name: 'amax-edge-rows',
        inputs: [{ shape: [7, 6] }, { shape: [30, 6], dtype: 'int64', fill: Array.from({ length: 180 }, (_, q) => (Math.floor(q / 6) * 5) % 7) }, { shape: [30, 6], fill: Array.from({ length: 180 }, (_, q) => (((q * 97) % 180) - 90) / 8) }],
        attrs: { dim: 0, reduce: 'amax', includeSelf: false },
      },
      ...(['sum', 'mean', 'prod', 'amin'] as const).map((reduce) => ({
        name: `${reduce}-edge-rows-3d`,
        inputs: [{ shape: [2, 5, 4] }, { shape: [2, 9, 4], dtype: 'int32' as const, fill: Array.from({ length: 72 }, (_, q) => Math.floor(q / 4) % 5) }, { shape: [2, 9, 4] }],
        attrs: { dim: 1, reduce, includeSelf: reduce === 'sum' || reduce === 'amin' },
      })),
      { name: 'mean-edge-rows-int64', inputs: [{ shape: [3, 4], dtype: 'int64', fill: 'int:-9:9' }, { shape: [5, 4], dtype: 'int64', fill: [2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 2] }, { shape: [5, 4], dtype: 'int64', fill: 'int:-9:9' }], attrs: { dim: 0, reduce: 'mean', includeSelf: false } },
    ],
    bad: [
      { name: 'index larger than src', inputs: [{ shape: [3, 2] }, { shape: [2, 2], dtype: 'int64', fill: [0, 0, 0, 0] }, { shape: [1, 2] }], attrs: { dim: 0, reduce: 'sum' }, error: 'ShapeError', message: /^scatterReduce: index \[2,2\] is larger than src \[1,2\] in dimension 0$/ },
      { name: 'index larger than input', inputs: [{ shape: [3, 2] }, { shape: [2, 3], dtype: 'int64', fill: [0, 0, 0, 0, 0, 0] }, { shape: [2, 3] }], attrs: { dim: 0, reduce: 'amax' }, error: 'ShapeError', message: /^scatterReduce: index \[2,3\] is larger than input \[3,2\] in dimension 1 \(only dimension 0 may be larger\)$/ },
      { name: 'index rank', inputs: [{ shape: [3, 2] }, { shape: [2], dtype: 'int64', fill: [0, 0] }, { shape: [2] }], attrs: { dim: 0, reduce: 'amax' }, error: 'ShapeError', message: /^scatterReduce: index expected as many dimensions as input \(2\), got 1 \(index \[2\], input \[3,2\]\); a vector of rows is indexAdd\(x, dim, index, src\) \(or index\.unsqueeze\(1\)\.expand\(\[-1, 2\]\) here\)$/ },
      { name: 'src rank', inputs: [{ shape: [3, 2] }, { shape: [2, 2], dtype: 'int64', fill: [0, 0, 0, 0] }, { shape: [4] }], attrs: { dim: 0, reduce: 'mean' }, error: 'ShapeError', message: /^scatterReduce: src expected as many dimensions as index \(2\), got 1/ },
      { name: 'src dtype', inputs: [{ shape: [3] }, { shape: [1], dtype: 'int64', fill: [0] }, { shape: [1], dtype: 'int32', fill: [1] }], attrs: { dim: 0, reduce: 'prod' }, error: 'DTypeError', message: /^scatterReduce: src has dtype int32 but input has float32; they must match$/ },
      { name: 'dim out of range', inputs: [{ shape: [3] }, { shape: [1], dtype: 'int64', fill: [0] }, { shape: [1] }], attrs: { dim: 1, reduce: 'amin' }, error: 'ShapeError', message: /^scatterReduce: dim 1 is out of range for a tensor of rank 1 \(expected -1 to 0\)$/ },
      { name: 'index out of range', inputs: [{ shape: [3] }, { shape: [2], dtype: 'int64', fill: [1, 3] }, { shape: [2] }], attrs: { dim: 0, reduce: 'amax' }, error: 'ValueError', message: /^scatterReduce: index value 3 is out of range for dimension 0 with size 3 \(expected 0 to 2\)$/ },
      { name: 'index out of range in a row of one value', inputs: [{ shape: [3, 4] }, { shape: [2, 4], dtype: 'int64', fill: [1, 1, 1, 1, 5, 5, 5, 5] }, { shape: [2, 4] }], attrs: { dim: 0, reduce: 'amax' }, error: 'ValueError', message: /^scatterReduce: index value 5 is out of range for dimension 0 with size 3 \(expected 0 to 2\)$/ },
      { name: 'index out of range after rows of one value', inputs: [{ shape: [3, 4] }, { shape: [2, 4], dtype: 'int64', fill: [1, 1, 1, 1, 2, 0, 7, 1] }, { shape: [2, 4] }], attrs: { dim: 0, reduce: 'sum' }, error: 'ValueError', message: /^scatterReduce: index value 7 is out of range for dimension 0 with size 3 \(expected 0 to 2\)$/ },
      { name: 'negative index', inputs: [{ shape: [2, 3] }, { shape: [1, 2], dtype: 'int32', fill: [0, -1] }, { shape: [1, 2] }], attrs: { dim: 1, reduce: 'mean', includeSelf: false }, error: 'ValueError', message: /^scatterReduce: index value -1 is out of range for dimension 1 with size 3 \(expected 0 to 2\)$/ },
      { name: 'unknown reduce', inputs: [{ shape: [3] }, { shape: [1], dtype: 'int64', fill: [0] }, { shape: [1] }], attrs: { dim: 0, reduce: 'max' }, error: 'ValueError', message: /^scatterReduce: option 'reduce' expected one of 'sum', 'prod', 'mean', 'amax', 'amin', got string max$/ },
      { name: 'includeSelf not a boolean', inputs: [{ shape: [3] }, { shape: [1], dtype: 'int64', fill: [0] }, { shape: [1] }], attrs: { dim: 0, reduce: 'sum', includeSelf: 1 }, error: 'ValueError', message: /^scatterReduce: option 'includeSelf' expected a boolean, got number 1$/ },
    ],
  },
});

export interface ScatterReduceOptions {
  /** Whether the input's own values take part in the reduction (default true, PyTorch's include_self). */
  includeSelf?: boolean;
}

/**
 * PyTorch's scatter_reduce (out of place): the input with src's values reduced into it along
 * `dim` at `index` (x's rank, no larger than src, nor than x outside `dim`): for dim 0,
 * out[index[i][j]][j] = reduce(out[index[i][j]][j], src[i][j]), reduce one of 'sum', 'prod',
 * 'mean', 'amax', 'amin'. With includeSelf false the input's value is left out wherever something
 * is scattered (positions nothing reaches keep it). 'mean' counts the input's value when it takes
 * part and rounds down for integer dtypes; amax/amin propagate NaN. Deterministic on both devices.
 */
export function scatterReduce(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduction, options: ScatterReduceOptions = {}): Tensor {
  checkOptions('scatterReduce', options, ['includeSelf']);
  if (!(SCATTER_REDUCTIONS as readonly unknown[]).includes(reduce)) {
    const hint = reduce === ('max' as unknown) || reduce === ('min' as unknown) ? ` (PyTorch's name is 'a${reduce}')` : '';
    throw new ValueError(`scatterReduce: reduce expected one of ${SCATTER_REDUCTIONS.map((r) => `'${r}'`).join(', ')}, got ${typeof reduce === 'string' ? `'${reduce}'` : String(reduce)}${hint}`);
  }
  return apply(scatterReduceOp, [x, index, src], { dim, reduce, includeSelf: options.includeSelf ?? true })[0];
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
