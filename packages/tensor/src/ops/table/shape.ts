// Shape ops. Storage is always dense and row-major, so reshape is a view (shares storage) while
// ops that reorder elements (expand, permute …) produce dense copies.
import { checkOptions } from '../../options.js';
import { promoteTypes } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { broadcastShapes, checkShape, normDim, numelOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp, NUMERIC, type TensorMeta } from '../declare.js';
import { cast } from './cast.js';
import { full } from './creation.js';
import { sum } from './reduce.js';
import { absent } from '../../creation.js';

/** @internal Resolves one -1 in a requested shape against a numel. */
export function inferShape(op: string, shape: readonly number[], numel: number): number[] {
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
  const known = shape.filter((d) => d !== -1);
  checkShape(op, known);
  const product = numelOf(known);
  if (unknown) {
    if (product === 0 || numel % product !== 0) throw new ShapeError(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${numel}`);
    return shape.map((d) => (d === -1 ? numel / product : d));
  }
  if (product !== numel) throw new ShapeError(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${numel}`);
  return [...shape];
}

export const reshapeOp = defineOp<{ shape: readonly number[] }>({
  name: 'reshape',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { shape: { kind: 'ints' } },
  outputs: ([x], a) => [{ shape: inferShape('reshape', a.shape, numelOf(x.shape)), dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  view: true,
  grad: ({ grads: [g], inputMeta: [x] }) => [reshape(g!, x.shape)],
  test: {
    samples: [
      { name: 'flatten', inputs: [{ shape: [2, 3, 4] }], attrs: { shape: [6, -1] } },
      { name: 'to-scalar', inputs: [{ shape: [1, 1] }], attrs: { shape: [] } },
    ],
  },
});

function reshapeAs(fn: string, x: Tensor, shape: readonly number[] | number): Tensor {
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims)) throw new ValueError(`${fn}: shape expected an array of integers (or one integer, as x.${fn}(-1)), got ${shape === null ? 'null' : typeof shape}`);
  if (dims.length === x.shape.length && dims.every((d, i) => d === x.shape[i])) return x;
  return apply(reshapeOp, [x], { shape: dims })[0];
}
/** The same elements in `shape` (one dim may be -1: inferred); a single integer is a 1-d shape. */
export const reshape = (x: Tensor, shape: readonly number[] | number): Tensor => reshapeAs('reshape', x, shape);

/**
 * @internal `run` on `input` as a batch: an unbatched input (one dim short of `rank`: [C, H, W]
 * for a 4-d op, [C, D, H, W] for a 5-d one) gets a batch of one, dropped from the result.
 */
export function onBatch(input: Tensor, rank: number, run: (x: Tensor) => Tensor): Tensor {
  return scope(() => {
    const unbatched = input?.isTensor && input.shape.length === rank - 1;
    const y = run(unbatched ? reshape(input, [1, ...input.shape]) : input);
    return unbatched ? reshape(y, y.shape.slice(1)) : y;
  });
}
/** PyTorch's view: the same as reshape here, since every tensor is dense. */
export const view = (x: Tensor, shape: readonly number[] | number): Tensor => reshapeAs('view', x, shape);

export const expandOp = defineOp<{ shape: readonly number[] }>({
  name: 'expand',
  copiesAView: true,
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { shape: { kind: 'ints' } },
  outputs: ([x], a) => {
    const target = a.shape.map((d, i) => (d === -1 ? (x.shape[x.shape.length - a.shape.length + i] ?? -1) : d));
    checkShape('expand', target);
    if (target.length < x.shape.length) throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to fewer dimensions ${fmtShape(a.shape)}`);
    const out = broadcastShapes('expand', x.shape, target);
    if (out.some((d, i) => d !== target[i])) throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(a.shape)}`);
    return [{ shape: out, dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta: [x] }) => [g], // reduced to x's shape by the engine
  test: {
    samples: [
      { name: 'row', inputs: [{ shape: [3] }], attrs: { shape: [2, 3] } },
      { name: 'middle', inputs: [{ shape: [2, 1, 3] }], attrs: { shape: [2, 4, 3] } },
      { name: 'keep-minus-one', inputs: [{ shape: [2, 1] }], attrs: { shape: [-1, 5] } },
    ],
  },
});

/** Broadcasts to `shape` (-1 keeps a dimension); the result is a dense copy. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length === x.shape.length && shape.every((d, i) => d === x.shape[i] || d === -1)) return x;
  return apply(expandOp, [x], { shape })[0];
}

/** @internal `x` as float32, expanded to `shape`: the inputs of an elementwise op whose user function broadcasts and casts (gammainc, binomial). */
export function expandAsFloat(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x.dtype === 'float32' ? x : cast(x, 'float32'), shape);
}

/** @internal Sums a broadcast result back down to `shape` (the inverse of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[], op = 'sumToShape'): Tensor {
  const lead = g.shape.length - shape.length;
  if (lead < 0) throw new ShapeError(`${op}: gradient ${fmtShape(g.shape)} has fewer dimensions than its input ${fmtShape(shape)}`);
  const dims: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const summed = dims.length ? sum(g, { dim: dims, keepdim: true }) : g;
  return reshape(summed, shape);
}

// ---------------------------------------------------------------------------------------------
// Reordering and selecting copies (permute, transpose, narrow, slice, cat, stack, split, chunk,
// pad) and the views flatten/squeeze/unsqueeze. Every copy runs one native strided copy
// (native/src/cpu/shape.cc, Note [strided copy]); views share storage like reshape.

const perm = (n: number) => [...Array(n).keys()];
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** dims normalised and checked to be a permutation of 0..rank-1. */
function permutation(op: string, dims: readonly number[], rank: number): number[] {
  if (dims.length !== rank) throw new ShapeError(`${op}: dims ${fmtShape(dims)} expected ${rank} entries (one per dimension of the input), got ${dims.length}`);
  const out = dims.map((d) => normDim(op, d, rank, 'dims entry'));
  if (new Set(out).size !== out.length) throw new ShapeError(`${op}: dims ${fmtShape(dims)} name a dimension twice; expected a permutation of 0..${rank - 1}`);
  return out;
}

export const permuteOp = defineOp<{ dims: readonly number[] }>({
  name: 'permute',
  copiesAView: true,
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { dims: { kind: 'ints' } },
  outputs: ([x], a) => [{ shape: permutation('permute', a.dims, x.shape.length).map((d) => x.shape[d]), dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta: [x], attrs }) => {
    const p = permutation('permute', attrs.dims, x.shape.length);
    const inverse = new Array<number>(p.length);
    p.forEach((d, i) => (inverse[d] = i));
    return [permute(g!, inverse)];
  },
  test: {
    samples: [
      { name: 'matrix', inputs: [{ shape: [3, 4] }], attrs: { dims: [1, 0] } },
      { name: 'rank-3', inputs: [{ shape: [2, 3, 4] }], attrs: { dims: [2, 0, 1] } },
      { name: 'rank-4-negative', inputs: [{ shape: [2, 3, 4, 5] }], attrs: { dims: [0, -1, 1, -2] } },
      { name: 'large-transpose', inputs: [{ shape: [2, 40, 70] }], attrs: { dims: [0, 2, 1] } },
      { name: 'size-one', inputs: [{ shape: [1, 3, 1] }], attrs: { dims: [2, 1, 0] } },
      { name: 'empty', inputs: [{ shape: [0, 3] }], attrs: { dims: [1, 0] } },
      { name: 'scalar', inputs: [{ shape: [] }], attrs: { dims: [] } },
      { name: 'int64', inputs: [{ shape: [3, 2], dtype: 'int64', fill: 'int:-9:9' }], attrs: { dims: [1, 0] } },
      { name: 'uint8', inputs: [{ shape: [2, 3, 2], dtype: 'uint8', fill: 'int:0:255' }], attrs: { dims: [1, 2, 0] } },
    ],
    bad: [
      { name: 'too few dims', inputs: [{ shape: [2, 3] }], attrs: { dims: [0] }, error: 'ShapeError', message: /^permute: dims \[0\] expected 2 entries \(one per dimension of the input\), got 1$/ },
      { name: 'repeated dim', inputs: [{ shape: [2, 3] }], attrs: { dims: [1, -1] }, error: 'ShapeError', message: /^permute: dims \[1,-1\] name a dimension twice; expected a permutation of 0..1$/ },
      { name: 'dim out of range', inputs: [{ shape: [2, 3] }], attrs: { dims: [0, 2] }, error: 'ShapeError', message: /^permute: dims entry 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/ },
    ],
  },
});

/** The dims of `x` reordered: result dim i is input dim dims[i] (a dense copy). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  return apply(permuteOp, [x], { dims })[0];
}

export const transposeOp = defineOp<{ dim0: number; dim1: number }>({
  name: 'transpose',
  copiesAView: true,
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { dim0: { kind: 'int' }, dim1: { kind: 'int' } },
  outputs: ([x], a) => {
    const shape = [...x.shape];
    const d0 = normDim('transpose', a.dim0, shape.length, 'dim0');
    const d1 = normDim('transpose', a.dim1, shape.length, 'dim1');
    if (shape.length) [shape[d0], shape[d1]] = [shape[d1], shape[d0]];
    return [{ shape, dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], attrs }) => [transpose(g!, attrs.dim0, attrs.dim1)],
  test: {
    samples: [
      { name: 'matrix', inputs: [{ shape: [3, 5] }], attrs: { dim0: 0, dim1: 1 } },
      { name: 'outer-inner', inputs: [{ shape: [2, 3, 4] }], attrs: { dim0: 0, dim1: -1 } },
      { name: 'middle', inputs: [{ shape: [2, 3, 4, 2] }], attrs: { dim0: 1, dim1: 2 } },
      { name: 'same-dim', inputs: [{ shape: [2, 3] }], attrs: { dim0: 1, dim1: 1 } },
      { name: 'size-one', inputs: [{ shape: [1, 4] }], attrs: { dim0: 0, dim1: 1 } },
      { name: 'empty', inputs: [{ shape: [2, 0, 3] }], attrs: { dim0: 0, dim1: 2 } },
      { name: 'int32', inputs: [{ shape: [2, 3], dtype: 'int32', fill: 'int:-5:5' }], attrs: { dim0: 0, dim1: 1 } },
    ],
    bad: [
      { name: 'dim0 out of range', inputs: [{ shape: [2, 3] }], attrs: { dim0: 2, dim1: 0 }, error: 'ShapeError', message: /^transpose: dim0 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/ },
      { name: 'dim1 out of range', inputs: [{ shape: [2, 3] }], attrs: { dim0: 0, dim1: -3 }, error: 'ShapeError', message: /^transpose: dim1 -3 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/ },
    ],
  },
});

/** `x` with dims dim0 and dim1 swapped (a dense copy). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  return apply(transposeOp, [x], { dim0, dim1 })[0];
}

/** PyTorch's t(): transposes a matrix; 0-D and 1-D tensors are returned as they are. */
export function t(x: Tensor): Tensor {
  if (!x?.isTensor) throw new ValueError(`t: expected a Tensor, got ${typeof x}`);
  if (x.ndim > 2) throw new ShapeError(`t: expects a tensor with at most 2 dimensions, got shape ${fmtShape(x.shape)}; use transpose(x, dim0, dim1)`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/** Dense tensors are always contiguous: returns `x` itself (PyTorch's contiguous() on a contiguous tensor). */
export function contiguous(x: Tensor): Tensor {
  if (!x?.isTensor) throw new ValueError(`contiguous: expected a Tensor, got ${typeof x}`);
  return x;
}

function flattenShape(shape: readonly number[], startDim: number, endDim: number): number[] {
  if (shape.length === 0) {
    normDim('flatten', startDim, 0, 'startDim');
    normDim('flatten', endDim, 0, 'endDim');
    return [1];
  }
  const s = normDim('flatten', startDim, shape.length, 'startDim');
  const e = normDim('flatten', endDim, shape.length, 'endDim');
  if (s > e) throw new ShapeError(`flatten: startDim ${startDim} expected to come before endDim ${endDim} (dims ${s} and ${e} of ${fmtShape(shape)})`);
  return [...shape.slice(0, s), numelOf(shape.slice(s, e + 1)), ...shape.slice(e + 1)];
}

export const flattenOp = defineOp<{ startDim: number; endDim: number }>({
  name: 'flatten',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { startDim: { kind: 'int', default: 0 }, endDim: { kind: 'int', default: -1 } },
  outputs: ([x], a) => [{ shape: flattenShape(x.shape, a.startDim, a.endDim), dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  view: true,
  grad: ({ grads: [g], inputMeta: [x] }) => [reshape(g!, x.shape)],
  test: {
    samples: [
      { name: 'all', inputs: [{ shape: [2, 3, 4] }] },
      { name: 'middle', inputs: [{ shape: [2, 3, 4, 5] }], attrs: { startDim: 1, endDim: 2 } },
      { name: 'from-one', inputs: [{ shape: [2, 3, 4] }], attrs: { startDim: 1 } },
      { name: 'single-dim', inputs: [{ shape: [2, 3] }], attrs: { startDim: -1, endDim: -1 } },
      { name: 'scalar', inputs: [{ shape: [] }] },
      { name: 'empty', inputs: [{ shape: [2, 0, 3] }], attrs: { startDim: 0, endDim: 1 } },
    ],
    bad: [
      { name: 'start after end', inputs: [{ shape: [2, 3, 4] }], attrs: { startDim: 2, endDim: 1 }, error: 'ShapeError', message: /^flatten: startDim 2 expected to come before endDim 1 \(dims 2 and 1 of \[2,3,4\]\)$/ },
      { name: 'endDim out of range', inputs: [{ shape: [2, 3] }], attrs: { endDim: 2 }, error: 'ShapeError', message: /^flatten: endDim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/ },
    ],
  },
});

/** Merges dims startDim..endDim into one (a view); a 0-D tensor becomes 1-D. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  return apply(flattenOp, [x], { startDim, endDim })[0];
}

function squeezeShape(shape: readonly number[], dims: readonly number[]): number[] {
  const which = dims.length === 0 ? perm(shape.length) : dims.map((d) => normDim('squeeze', d, shape.length));
  if (new Set(which).size !== which.length) throw new ShapeError(`squeeze: dims ${fmtShape(dims)} name a dimension twice`);
  return shape.filter((d, i) => !(d === 1 && which.includes(i)));
}

export const squeezeOp = defineOp<{ dims: readonly number[] }>({
  name: 'squeeze',
  inputs: [{ name: 'input', dtypes: ALL }],
  // Empty dims: every size-1 dim (torch.squeeze(x) without dim).
  attrs: { dims: { kind: 'ints', default: [] } },
  outputs: ([x], a) => [{ shape: squeezeShape(x.shape, a.dims), dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  view: true,
  grad: ({ grads: [g], inputMeta: [x] }) => [reshape(g!, x.shape)],
  test: {
    samples: [
      { name: 'all', inputs: [{ shape: [1, 3, 1, 2] }] },
      { name: 'one-dim', inputs: [{ shape: [1, 3, 1] }], attrs: { dims: [-1] } },
      { name: 'not-size-one', inputs: [{ shape: [2, 3] }], attrs: { dims: [0] } },
      { name: 'several', inputs: [{ shape: [1, 2, 1, 1] }], attrs: { dims: [0, 3] } },
      { name: 'to-scalar', inputs: [{ shape: [1, 1] }] },
      { name: 'scalar', inputs: [{ shape: [] }], attrs: { dims: [0] } },
      { name: 'empty', inputs: [{ shape: [0, 1] }] },
    ],
    bad: [
      { name: 'dim out of range', inputs: [{ shape: [1, 3] }], attrs: { dims: [2] }, error: 'ShapeError', message: /^squeeze: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/ },
      { name: 'repeated dim', inputs: [{ shape: [1, 3] }], attrs: { dims: [0, -2] }, error: 'ShapeError', message: /^squeeze: dims \[0,-2\] name a dimension twice$/ },
    ],
  },
});

/** Drops size-1 dims: all of them, or those among `dim` (others are kept, as in PyTorch). A view. */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? [] : typeof dim === 'number' ? [dim] : dim;
  if (dim !== undefined && dims.length === 0) return x;
  return apply(squeezeOp, [x], { dims })[0];
}

export const unsqueezeOp = defineOp<{ dim: number }>({
  name: 'unsqueeze',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { dim: { kind: 'int' } },
  outputs: ([x], a) => {
    const d = normDim('unsqueeze', a.dim, x.shape.length + 1);
    return [{ shape: [...x.shape.slice(0, d), 1, ...x.shape.slice(d)], dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  view: true,
  grad: ({ grads: [g], inputMeta: [x] }) => [reshape(g!, x.shape)],
  test: {
    samples: [
      { name: 'front', inputs: [{ shape: [2, 3] }], attrs: { dim: 0 } },
      { name: 'back', inputs: [{ shape: [2, 3] }], attrs: { dim: -1 } },
      { name: 'middle', inputs: [{ shape: [2, 3] }], attrs: { dim: 1 } },
      { name: 'scalar', inputs: [{ shape: [] }], attrs: { dim: 0 } },
      { name: 'empty', inputs: [{ shape: [0] }], attrs: { dim: 1 } },
    ],
    bad: [
      { name: 'dim out of range', inputs: [{ shape: [2, 3] }], attrs: { dim: 3 }, error: 'ShapeError', message: /^unsqueeze: dim 3 is out of range for a tensor of rank 3 \(expected -3 to 2\)$/ },
    ],
  },
});

/** Inserts a size-1 dim at `dim` (−rank−1 ≤ dim ≤ rank). A view. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  return apply(unsqueezeOp, [x], { dim })[0];
}

// ---- narrow, slice ----

function narrowRange(shape: readonly number[], dim: number, start: number, length: number) {
  if (shape.length === 0) throw new ShapeError(`narrow: expects a tensor with at least 1 dimension, got a 0-D tensor`);
  const d = normDim('narrow', dim, shape.length);
  const n = shape[d];
  if (start < -n || start > n) throw new ShapeError(`narrow: start ${start} is out of range for dimension ${d} of size ${n} (expected ${-n} to ${n})`);
  const s = start < 0 ? start + n : start;
  if (length < 0) throw new ShapeError(`narrow: length expected to be non-negative, got ${length}`);
  if (s + length > n) throw new ShapeError(`narrow: start ${start} + length ${length} exceeds dimension ${d} of size ${n}`);
  return { dim: d, start: s, end: s + length };
}

export const narrowOp = defineOp<{ dim: number; start: number; length: number }>({
  name: 'narrow',
  copiesAView: true,
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { dim: { kind: 'int' }, start: { kind: 'int' }, length: { kind: 'int' } },
  outputs: ([x], a) => {
    const r = narrowRange(x.shape, a.dim, a.start, a.length);
    const shape = [...x.shape];
    shape[r.dim] = a.length;
    return [{ shape, dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta: [x], attrs }) => {
    const r = narrowRange(x.shape, attrs.dim, attrs.start, attrs.length);
    return [sliceBackward(g!, x.shape, r.dim, r.start, r.end, 1)];
  },
  test: {
    samples: [
      { name: 'rows', inputs: [{ shape: [5, 3] }], attrs: { dim: 0, start: 1, length: 3 } },
      { name: 'last-dim', inputs: [{ shape: [2, 3, 6] }], attrs: { dim: -1, start: 2, length: 4 } },
      { name: 'negative-start', inputs: [{ shape: [4, 5] }], attrs: { dim: 1, start: -3, length: 2 } },
      { name: 'whole', inputs: [{ shape: [3] }], attrs: { dim: 0, start: 0, length: 3 } },
      { name: 'zero-length', inputs: [{ shape: [3, 2] }], attrs: { dim: 0, start: 3, length: 0 } },
      { name: 'int64', inputs: [{ shape: [4, 2], dtype: 'int64', fill: 'int:-9:9' }], attrs: { dim: 0, start: 1, length: 2 } },
    ],
    bad: [
      { name: 'too long', inputs: [{ shape: [4, 3] }], attrs: { dim: 0, start: 2, length: 3 }, error: 'ShapeError', message: /^narrow: start 2 \+ length 3 exceeds dimension 0 of size 4$/ },
      { name: 'start out of range', inputs: [{ shape: [4, 3] }], attrs: { dim: 1, start: -4, length: 1 }, error: 'ShapeError', message: /^narrow: start -4 is out of range for dimension 1 of size 3 \(expected -3 to 3\)$/ },
      { name: 'negative length', inputs: [{ shape: [4, 3] }], attrs: { dim: 0, start: 0, length: -1 }, error: 'ShapeError', message: /^narrow: length expected to be non-negative, got -1$/ },
      { name: 'scalar input', inputs: [{ shape: [] }], attrs: { dim: 0, start: 0, length: 1 }, error: 'ShapeError', message: /^narrow: expects a tensor with at least 1 dimension, got a 0-D tensor$/ },
    ],
  },
});

/** Elements start..start+length−1 along `dim` (start may be negative); a dense copy. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  return apply(narrowOp, [x], { dim, start, length })[0];
}

/** Python slice bounds for step > 0, clamped as x[start:end:step] clamps them. */
function sliceRange(op: string, shape: readonly number[], dim: number, start: number, end: number, step: number) {
  if (shape.length === 0) throw new ShapeError(`${op}: expects a tensor with at least 1 dimension, got a 0-D tensor`);
  const d = normDim(op, dim, shape.length);
  if (step <= 0) throw new ValueError(`${op}: step expected to be positive, got ${step}`);
  const n = shape[d];
  const clamp = (v: number, lo: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), n);
  const s = clamp(start, 0);
  const e = clamp(end, s);
  return { dim: d, start: s, end: e, length: Math.ceil((e - s) / step) };
}

const SLICE_END = Number.MAX_SAFE_INTEGER;

export const sliceOp = defineOp<{ dim: number; start: number; end: number; step: number }>({
  name: 'slice',
  copiesAView: true,
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { dim: { kind: 'int', default: 0 }, start: { kind: 'int', default: 0 }, end: { kind: 'int', default: SLICE_END }, step: { kind: 'int', default: 1 } },
  outputs: ([x], a) => {
    const r = sliceRange('slice', x.shape, a.dim, a.start, a.end, a.step);
    const shape = [...x.shape];
    shape[r.dim] = r.length;
    return [{ shape, dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta: [x], attrs }) => [sliceBackward(g!, x.shape, attrs.dim, attrs.start, attrs.end, attrs.step)],
  test: {
    samples: [
      { name: 'range', inputs: [{ shape: [6, 3] }], attrs: { dim: 0, start: 1, end: 4 } },
      { name: 'step', inputs: [{ shape: [2, 9] }], attrs: { dim: 1, start: 1, end: 8, step: 3 } },
      { name: 'step-to-end', inputs: [{ shape: [3, 7, 2] }], attrs: { dim: -2, start: 0, step: 2 } },
      { name: 'negative-bounds', inputs: [{ shape: [8] }], attrs: { dim: 0, start: -5, end: -1, step: 2 } },
      { name: 'clamped', inputs: [{ shape: [4, 2] }], attrs: { dim: 0, start: -10, end: 100 } },
      { name: 'empty-range', inputs: [{ shape: [4, 2] }], attrs: { dim: 0, start: 3, end: 1 } },
      { name: 'large-strided', inputs: [{ shape: [64, 130] }], attrs: { dim: 1, start: 1, end: 129, step: 2 } },
      { name: 'int32', inputs: [{ shape: [5], dtype: 'int32', fill: 'int:-9:9' }], attrs: { dim: 0, start: 0, end: 5, step: 2 } },
    ],
    bad: [
      { name: 'zero step', inputs: [{ shape: [4] }], attrs: { dim: 0, step: 0 }, error: 'ValueError', message: /^slice: step expected to be positive, got 0$/ },
      { name: 'negative step', inputs: [{ shape: [4] }], attrs: { dim: 0, step: -1 }, error: 'ValueError', message: /^slice: step expected to be positive, got -1$/ },
      { name: 'dim out of range', inputs: [{ shape: [4] }], attrs: { dim: 1 }, error: 'ShapeError', message: /^slice: dim 1 is out of range for a tensor of rank 1 \(expected -1 to 0\)$/ },
      { name: 'scalar input', inputs: [{ shape: [] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^slice: expects a tensor with at least 1 dimension, got a 0-D tensor$/ },
    ],
  },
});

/** x[start:end:step] along `dim` with Python's clamping (negative bounds count from the end; step > 0). */
export function slice(x: Tensor, dim = 0, start = 0, end: number = SLICE_END, step = 1): Tensor {
  return apply(sliceOp, [x], { dim, start, end, step })[0];
}

export const sliceBackwardOp = defineOp<{ inputShape: readonly number[]; dim: number; start: number; end: number; step: number }>({
  name: 'sliceBackward',
  inputs: [{ name: 'grad', dtypes: ALL }],
  attrs: { inputShape: { kind: 'ints' }, dim: { kind: 'int' }, start: { kind: 'int' }, end: { kind: 'int' }, step: { kind: 'int', default: 1 } },
  outputs: ([g], a) => {
    const shape = checkShape('sliceBackward', a.inputShape, 'inputShape');
    const r = sliceRange('sliceBackward', shape, a.dim, a.start, a.end, a.step);
    const want = [...shape];
    want[r.dim] = r.length;
    if (!sameShape(want, g.shape)) throw new ShapeError(`sliceBackward: grad expected shape ${fmtShape(want)} (the slice of ${fmtShape(shape)}), got ${fmtShape(g.shape)}`);
    return [{ shape: [...shape], dtype: g.dtype }];
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], attrs }) => [slice(g!, attrs.dim, attrs.start, attrs.end, attrs.step)],
  test: {
    samples: [
      { name: 'range', inputs: [{ shape: [3, 3] }], attrs: { inputShape: [6, 3], dim: 0, start: 1, end: 4 } },
      { name: 'step', inputs: [{ shape: [2, 3] }], attrs: { inputShape: [2, 9], dim: 1, start: 1, end: 8, step: 3 } },
      { name: 'empty', inputs: [{ shape: [0, 2] }], attrs: { inputShape: [4, 2], dim: 0, start: 3, end: 1 } },
    ],
    bad: [
      { name: 'grad shape', inputs: [{ shape: [2, 3] }], attrs: { inputShape: [6, 3], dim: 0, start: 1, end: 4 }, error: 'ShapeError', message: /^sliceBackward: grad expected shape \[3,3\] \(the slice of \[6,3\]\), got \[2,3\]$/ },
    ],
  },
});

/** The gradient of a slice: `g` placed at its slice of a zero tensor of `inputShape`. */
export function sliceBackward(g: Tensor, inputShape: readonly number[], dim: number, start: number, end: number, step = 1): Tensor {
  return apply(sliceBackwardOp, [g], { inputShape, dim, start, end, step })[0];
}

// ---- cat, stack, split, chunk ----

function checkTensorList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors)) throw new ValueError(`${op}: tensors expected an array of tensors, got ${(tensors as { isTensor?: boolean } | null)?.isTensor ? `a Tensor (the tensors go in one array: ${op}([a, b, …], dim))` : tensors === null ? 'null' : typeof tensors}`);
  if (tensors.length === 0) throw new ValueError(`${op}: tensors expected a non-empty array of tensors`);
}

/** Same dtype for all (PyTorch promotes: so does `cat`/`stack` before apply). */
function promoteAll(tensors: readonly Tensor[]): Tensor[] {
  if (!tensors.every((x) => x?.isTensor)) return [...tensors];
  const dtype = tensors.reduce((d, x) => promoteTypes(d, x.dtype), tensors[0].dtype);
  return tensors.map((x) => cast(x, dtype));
}

function checkSameDType(op: string, xs: readonly TensorMeta[]): void {
  xs.forEach((x, i) => {
    if (x.dtype !== xs[0].dtype) throw new DTypeError(`${op}: tensors[${i}] has dtype ${x.dtype} but tensors[0] has ${xs[0].dtype}; cast them to one dtype (${op}() promotes)`);
  });
}

// PyTorch's cat skips 1-D empty tensors whatever their shape (a legacy rule kept for old code).
const isLegacyEmpty = (s: readonly number[]) => s.length === 1 && s[0] === 0;

function catShape(xs: readonly TensorMeta[], dim: number): { shape: number[]; dim: number } {
  checkSameDType('cat', xs);
  const used = xs.map((x, i) => [x, i] as const).filter(([x]) => !isLegacyEmpty(x.shape));
  if (used.length === 0) return { shape: [0], dim: 0 };
  const [ref, refIndex] = used[0];
  if (ref.shape.length === 0) throw new ShapeError(`cat: tensors[${refIndex}] is 0-D; zero-dimensional tensors cannot be concatenated (unsqueeze or stack them)`);
  const d = normDim('cat', dim, ref.shape.length);
  const shape = [...ref.shape];
  shape[d] = 0;
  for (const [x, i] of used) {
    if (x.shape.length !== ref.shape.length) {
      throw new ShapeError(`cat: tensors[${i}] has ${x.shape.length} dimensions but tensors[${refIndex}] has ${ref.shape.length} (shapes ${fmtShape(x.shape)} and ${fmtShape(ref.shape)})`);
    }
    x.shape.forEach((s, k) => {
      if (k !== d && s !== ref.shape[k]) {
        throw new ShapeError(`cat: sizes must match except in dimension ${d}: tensors[${i}] has size ${s} in dimension ${k}, tensors[${refIndex}] has ${ref.shape[k]} (shapes ${fmtShape(x.shape)} and ${fmtShape(ref.shape)})`);
      }
    });
    shape[d] += x.shape[d];
  }
  return { shape, dim: d };
}

export const catOp = defineOp<{ dim: number }>({
  name: 'cat',
  inputs: [{ name: 'tensors', dtypes: ALL, variadic: true }],
  attrs: { dim: { kind: 'int', default: 0 } },
  outputs: (xs, a) => [{ shape: catShape(xs, a.dim).shape, dtype: xs[0].dtype }],
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta, attrs }) => {
    const { dim } = catShape(inputMeta, attrs.dim);
    const used = inputMeta.filter((x) => !isLegacyEmpty(x.shape) || inputMeta.every((y) => isLegacyEmpty(y.shape)));
    const parts = split(g!, used.map((x) => x.shape[dim] ?? 0), dim);
    let k = 0;
    // Skipped legacy-empty inputs get an empty gradient, as in PyTorch.
    return inputMeta.map((x) => (used.includes(x) ? parts[k++] : absent(g!.device, g!.dtype)));
  },
  test: {
    samples: [
      { name: 'rows', inputs: [{ shape: [2, 3] }, { shape: [4, 3] }], attrs: { dim: 0 } },
      { name: 'columns-three', inputs: [{ shape: [2, 1] }, { shape: [2, 3] }, { shape: [2, 2] }], attrs: { dim: 1 } },
      { name: 'middle-negative', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 1, 4] }], attrs: { dim: -2 } },
      { name: 'single', inputs: [{ shape: [3, 2] }], attrs: { dim: 1 } },
      { name: 'empty-part', inputs: [{ shape: [2, 0] }, { shape: [2, 3] }], attrs: { dim: 1 } },
      { name: 'legacy-empty', inputs: [{ shape: [0] }, { shape: [2, 3] }], attrs: { dim: -1 } },
      { name: 'all-legacy-empty', inputs: [{ shape: [0] }, { shape: [0] }], attrs: { dim: 1 } },
      { name: 'vectors', inputs: [{ shape: [3] }, { shape: [1] }, { shape: [2] }] },
      { name: 'int64', inputs: [{ shape: [2], dtype: 'int64', fill: 'int:-9:9' }, { shape: [3], dtype: 'int64', fill: 'int:-9:9' }] },
    ],
    bad: [
      { name: 'size mismatch', inputs: [{ shape: [2, 3] }, { shape: [2, 4] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^cat: sizes must match except in dimension 0: tensors\[1\] has size 4 in dimension 1, tensors\[0\] has 3 \(shapes \[2,4\] and \[2,3\]\)$/ },
      { name: 'rank mismatch', inputs: [{ shape: [2, 3] }, { shape: [3] }], attrs: { dim: 0 }, error: 'ShapeError', message: /^cat: tensors\[1\] has 1 dimensions but tensors\[0\] has 2 \(shapes \[3\] and \[2,3\]\)$/ },
      { name: 'dim out of range', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], attrs: { dim: 2 }, error: 'ShapeError', message: /^cat: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/ },
      { name: 'zero-dim', inputs: [{ shape: [] }, { shape: [] }], error: 'ShapeError', message: /^cat: tensors\[0\] is 0-D; zero-dimensional tensors cannot be concatenated/ },
      { name: 'dtype mismatch', inputs: [{ shape: [2] }, { shape: [2], dtype: 'int32', fill: 'int:0:3' }], error: 'DTypeError', message: /^cat: tensors\[1\] has dtype int32 but tensors\[0\] has float32/ },
    ],
  },
});

/** Joins tensors along an existing dim (dtypes are promoted, as in PyTorch). */
/** A dim given alone or as PyTorch's keyword, { dim } (cat(ts, { dim: 1 }) as torch.cat(ts, dim=1)). */
function dimArg(fn: string, dim: number | { dim?: number }): number {
  if (dim === null || typeof dim !== 'object') return dim;
  checkOptions(fn, dim, ['dim']);
  return dim.dim ?? 0;
}

export function cat(tensors: readonly Tensor[], dim: number | { dim?: number } = 0): Tensor {
  checkTensorList('cat', tensors);
  return scope(() => apply(catOp, promoteAll(tensors), { dim: dimArg('cat', dim) })[0]);
}

function stackShape(xs: readonly TensorMeta[], dim: number): { shape: number[]; dim: number } {
  checkSameDType('stack', xs);
  const ref = xs[0].shape;
  xs.forEach((x, i) => {
    if (!sameShape(x.shape, ref)) throw new ShapeError(`stack: every tensor must have the same shape, but tensors[${i}] has ${fmtShape(x.shape)} and tensors[0] has ${fmtShape(ref)}`);
  });
  const d = normDim('stack', dim, ref.length + 1);
  return { shape: [...ref.slice(0, d), xs.length, ...ref.slice(d)], dim: d };
}

export const stackOp = defineOp<{ dim: number }>({
  name: 'stack',
  inputs: [{ name: 'tensors', dtypes: ALL, variadic: true }],
  attrs: { dim: { kind: 'int', default: 0 } },
  outputs: (xs, a) => [{ shape: stackShape(xs, a.dim).shape, dtype: xs[0].dtype }],
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta, attrs }) => {
    const { dim } = stackShape(inputMeta, attrs.dim);
    return split(g!, inputMeta.map(() => 1), dim).map((p, i) => reshape(p, inputMeta[i].shape));
  },
  test: {
    samples: [
      { name: 'front', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], attrs: { dim: 0 } },
      { name: 'middle-three', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [2, 3] }], attrs: { dim: 1 } },
      { name: 'back-negative', inputs: [{ shape: [4] }, { shape: [4] }], attrs: { dim: -1 } },
      { name: 'scalars', inputs: [{ shape: [] }, { shape: [] }, { shape: [] }] },
      { name: 'single', inputs: [{ shape: [1, 2] }], attrs: { dim: 2 } },
      { name: 'empty', inputs: [{ shape: [0, 2] }, { shape: [0, 2] }], attrs: { dim: 1 } },
      { name: 'bool', inputs: [{ shape: [3], dtype: 'bool', fill: [1, 0, 1] }, { shape: [3], dtype: 'bool', fill: [0, 0, 1] }], attrs: { dim: 1 } },
    ],
    bad: [
      { name: 'shape mismatch', inputs: [{ shape: [2, 3] }, { shape: [3, 2] }], error: 'ShapeError', message: /^stack: every tensor must have the same shape, but tensors\[1\] has \[3,2\] and tensors\[0\] has \[2,3\]$/ },
      { name: 'dim out of range', inputs: [{ shape: [2] }, { shape: [2] }], attrs: { dim: 2 }, error: 'ShapeError', message: /^stack: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/ },
      { name: 'dtype mismatch', inputs: [{ shape: [2] }, { shape: [2], dtype: 'int64', fill: 'int:0:3' }], error: 'DTypeError', message: /^stack: tensors\[1\] has dtype int64 but tensors\[0\] has float32/ },
    ],
  },
});

/** Joins same-shaped tensors along a new dim (dtypes are promoted, as in PyTorch). */
export function stack(tensors: readonly Tensor[], dim: number | { dim?: number } = 0): Tensor {
  checkTensorList('stack', tensors);
  return scope(() => apply(stackOp, promoteAll(tensors), { dim: dimArg('stack', dim) })[0]);
}

/** Sizes of split's pieces along dim: PyTorch's split (an int size) and split_with_sizes (a list). */
function splitSizes(op: string, shape: readonly number[], dim: number, splitSize: number, sections: readonly number[]): { dim: number; sizes: number[] } {
  if (shape.length === 0) throw new ShapeError(`${op}: expects a tensor with at least 1 dimension, got a 0-D tensor`);
  const d = normDim(op, dim, shape.length);
  const n = shape[d];
  if (sections.length > 0) {
    if (splitSize !== -1) throw new ValueError(`${op}: give either splitSize or sections, not both (got ${splitSize} and ${fmtShape(sections)})`);
    if (sections.some((s) => s < 0)) throw new ValueError(`${op}: sections expected non-negative sizes, got ${fmtShape(sections)}`);
    const total = sections.reduce((a, b) => a + b, 0);
    if (total !== n) throw new ShapeError(`${op}: sections ${fmtShape(sections)} sum to ${total} but dimension ${d} has size ${n}`);
    return { dim: d, sizes: [...sections] };
  }
  if (splitSize < 0) throw new ValueError(`${op}: splitSize expected a non-negative integer or sections a non-empty list, got splitSize ${splitSize}`);
  if (splitSize === 0 && n !== 0) throw new ValueError(`${op}: splitSize can be 0 only if dimension ${d} has size 0, got size ${n}`);
  const count = splitSize === 0 ? 1 : Math.max(Math.ceil(n / splitSize), 1);
  const sizes = Array.from({ length: count }, (_, i) => Math.min(splitSize, n - i * splitSize));
  return { dim: d, sizes };
}

/** Outputs one native op may have (the binding's limit). */
const MAX_OUTPUTS = 16;

function piecesOf(op: string, x: TensorMeta, dim: number, sizes: readonly number[]) {
  if (sizes.length > MAX_OUTPUTS) {
    throw new ValueError(`${op}: ${sizes.length} pieces exceed the ${MAX_OUTPUTS} outputs one op may have; the ${op}() function splits in stages`);
  }
  return sizes.map((s) => {
    const shape = [...x.shape];
    shape[dim] = s;
    return { shape, dtype: x.dtype };
  });
}

/** The gradient of split/chunk: the pieces' gradients joined, zeros where none flowed back. */
function joinPieces(grads: readonly (Tensor | null)[], x: TensorMeta, dim: number, sizes: readonly number[], like: Tensor): Tensor {
  const parts = grads.map((g, i) => {
    if (g) return g;
    const shape = [...x.shape];
    shape[dim] = sizes[i];
    return full(shape, 0, { dtype: like.dtype, device: like.device });
  });
  return cat(parts, dim);
}

export const splitOp = defineOp<{ splitSize: number; sections: readonly number[]; dim: number }>({
  name: 'split',
  copiesAView: true,
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { splitSize: { kind: 'int', default: -1 }, sections: { kind: 'ints', default: [] }, dim: { kind: 'int', default: 0 } },
  outputs: ([x], a) => {
    const { dim, sizes } = splitSizes('split', x.shape, a.dim, a.splitSize, a.sections);
    return piecesOf('split', x, dim, sizes);
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads, inputMeta: [x], attrs }) => {
    const { dim, sizes } = splitSizes('split', x.shape, attrs.dim, attrs.splitSize, attrs.sections);
    return [joinPieces(grads, x, dim, sizes, grads.find((g) => g !== null)!)];
  },
  test: {
    samples: [
      { name: 'even', inputs: [{ shape: [6, 2] }], attrs: { splitSize: 2 } },
      { name: 'uneven', inputs: [{ shape: [2, 5] }], attrs: { splitSize: 2, dim: 1 } },
      { name: 'larger-than-dim', inputs: [{ shape: [3, 2] }], attrs: { splitSize: 5 } },
      { name: 'sections', inputs: [{ shape: [2, 6, 2] }], attrs: { sections: [1, 3, 2], dim: -2 } },
      { name: 'sections-with-empty', inputs: [{ shape: [4, 3] }], attrs: { sections: [0, 4, 0] } },
      { name: 'empty-dim', inputs: [{ shape: [0, 3] }], attrs: { splitSize: 2 } },
      { name: 'int32', inputs: [{ shape: [5], dtype: 'int32', fill: 'int:-9:9' }], attrs: { splitSize: 3 } },
    ],
    bad: [
      { name: 'sections sum', inputs: [{ shape: [4, 3] }], attrs: { sections: [1, 2] }, error: 'ShapeError', message: /^split: sections \[1,2\] sum to 3 but dimension 0 has size 4$/ },
      { name: 'negative section', inputs: [{ shape: [4, 3] }], attrs: { sections: [5, -1] }, error: 'ValueError', message: /^split: sections expected non-negative sizes, got \[5,-1\]$/ },
      { name: 'zero size', inputs: [{ shape: [4, 3] }], attrs: { splitSize: 0 }, error: 'ValueError', message: /^split: splitSize can be 0 only if dimension 0 has size 0, got size 4$/ },
      { name: 'neither', inputs: [{ shape: [4, 3] }], error: 'ValueError', message: /^split: splitSize expected a non-negative integer or sections a non-empty list, got splitSize -1$/ },
      { name: 'both', inputs: [{ shape: [4, 3] }], attrs: { splitSize: 2, sections: [2, 2] }, error: 'ValueError', message: /^split: give either splitSize or sections, not both/ },
      { name: 'scalar input', inputs: [{ shape: [] }], attrs: { splitSize: 1 }, error: 'ShapeError', message: /^split: expects a tensor with at least 1 dimension, got a 0-D tensor$/ },
      { name: 'too many pieces for one op', inputs: [{ shape: [17] }], attrs: { splitSize: 1 }, error: 'ValueError', message: /^split: 17 pieces exceed the 16 outputs one op may have; the split\(\) function splits in stages$/ },
    ],
  },
});

/**
 * Pieces of `x` along `dim`: of `sizeOrSections` elements each (the last may be smaller), or of
 * the listed sizes (which must sum to the dim's size). PyTorch's split; the pieces are copies.
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  if (typeof sizeOrSections === 'number') {
    if (x?.isTensor && Number.isSafeInteger(sizeOrSections) && Number.isSafeInteger(dim)) {
      const { sizes } = splitSizes('split', x.shape, dim, sizeOrSections, []);
      if (sizes.length > MAX_OUTPUTS) return splitMany(x, sizes, dim);
    }
    return apply(splitOp, [x], { splitSize: sizeOrSections, dim });
  }
  if (!Array.isArray(sizeOrSections)) throw new ValueError(`split: sizeOrSections expected a number or an array of numbers, got ${typeof sizeOrSections}`);
  if (sizeOrSections.length === 0) throw new ValueError('split: sections expected a non-empty list');
  if (sizeOrSections.length > MAX_OUTPUTS) return splitMany(x, sizeOrSections, dim);
  return apply(splitOp, [x], { sections: sizeOrSections, dim });
}

/**
 * Splits into more pieces than one op may output: first into ≤ MAX_OUTPUTS contiguous groups, then
 * each group again, so every element is copied O(log₁₆ pieces) times and backward stays a few cats.
 */
function splitMany(x: Tensor, sizes: readonly number[], dim: number): Tensor[] {
  if (sizes.length <= MAX_OUTPUTS) return apply(splitOp, [x], { sections: sizes, dim });
  const per = Math.ceil(sizes.length / MAX_OUTPUTS);
  const groups: number[][] = [];
  for (let i = 0; i < sizes.length; i += per) groups.push(sizes.slice(i, i + per));
  return scope(() => {
    const parts = apply(splitOp, [x], { sections: groups.map((g) => g.reduce((a, b) => a + b, 0)), dim });
    return groups.flatMap((g, k) => (g.length === 1 ? [parts[k]] : splitMany(parts[k], g, dim)));
  });
}

/** PyTorch's chunk sizes: ceil(n / chunks) each (so there may be fewer than `chunks` pieces). */
function chunkSizes(shape: readonly number[], dim: number, chunks: number): { dim: number; sizes: number[] } {
  if (shape.length === 0) throw new ShapeError(`chunk: expects a tensor with at least 1 dimension, got a 0-D tensor`);
  if (chunks <= 0) throw new ValueError(`chunk: chunks expected a positive integer, got ${chunks}`);
  const d = normDim('chunk', dim, shape.length);
  const n = shape[d];
  const size = Math.ceil(n / chunks);
  // An empty dim gives `chunks` empty pieces, as PyTorch's (1e15 of them is refused here, not a
  // RangeError: found by the fuzz test).
  if (n === 0) {
    if (chunks > 2 ** 20) throw new ValueError(`chunk: chunks expected at most ${2 ** 20} pieces of an empty dim, got ${chunks}`);
    return { dim: d, sizes: new Array(chunks).fill(0) };
  }
  return splitSizes('chunk', shape, d, size, []);
}

export const chunkOp = defineOp<{ chunks: number; dim: number }>({
  name: 'chunk',
  copiesAView: true,
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { chunks: { kind: 'int' }, dim: { kind: 'int', default: 0 } },
  outputs: ([x], a) => {
    const { dim, sizes } = chunkSizes(x.shape, a.dim, a.chunks);
    return piecesOf('chunk', x, dim, sizes);
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads, inputMeta: [x], attrs }) => {
    const { dim, sizes } = chunkSizes(x.shape, attrs.dim, attrs.chunks);
    return [joinPieces(grads, x, dim, sizes, grads.find((g) => g !== null)!)];
  },
  test: {
    samples: [
      { name: 'even', inputs: [{ shape: [6, 2] }], attrs: { chunks: 3 } },
      { name: 'uneven', inputs: [{ shape: [2, 7] }], attrs: { chunks: 3, dim: 1 } },
      { name: 'fewer-pieces', inputs: [{ shape: [6] }], attrs: { chunks: 4 } },
      { name: 'more-chunks-than-elements', inputs: [{ shape: [2, 3] }], attrs: { chunks: 5, dim: -1 } },
      { name: 'one', inputs: [{ shape: [3, 2] }], attrs: { chunks: 1 } },
      { name: 'empty-dim', inputs: [{ shape: [0, 2] }], attrs: { chunks: 3 } },
    ],
    bad: [
      { name: 'zero chunks', inputs: [{ shape: [4] }], attrs: { chunks: 0 }, error: 'ValueError', message: /^chunk: chunks expected a positive integer, got 0$/ },
      { name: 'too many pieces for one op', inputs: [{ shape: [20] }], attrs: { chunks: 20 }, error: 'ValueError', message: /^chunk: 20 pieces exceed the 16 outputs one op may have; the chunk\(\) function splits in stages$/ },
      { name: 'dim out of range', inputs: [{ shape: [4] }], attrs: { chunks: 2, dim: 1 }, error: 'ShapeError', message: /^chunk: dim 1 is out of range for a tensor of rank 1 \(expected -1 to 0\)$/ },
    ],
  },
});

/** `chunks` pieces of `x` along `dim`, of ceil(size / chunks) elements each (PyTorch's chunk; may return fewer). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (x?.isTensor && Number.isSafeInteger(chunks) && chunks > MAX_OUTPUTS && Number.isSafeInteger(dim)) {
    const { dim: d, sizes } = chunkSizes(x.shape, dim, chunks);
    if (sizes.length > MAX_OUTPUTS) return splitMany(x, sizes, d);
  }
  return apply(chunkOp, [x], { chunks, dim });
}

// ---- pad ----

export type PadMode = 'constant' | 'reflect' | 'replicate';
const PAD_MODES = ['constant', 'reflect', 'replicate'] as const;

/** The padded shape (pads in torch.nn.functional.pad's order: last dim first, (left, right) pairs). */
function paddedShape(op: string, shape: readonly number[], pads: readonly number[], mode: PadMode): number[] {
  if (pads.length % 2 !== 0) throw new ValueError(`${op}: pads expected an even number of entries ((left, right) per dim, last dim first), got ${pads.length}`);
  if (pads.length / 2 > shape.length) throw new ShapeError(`${op}: pads ${fmtShape(pads)} pad ${pads.length / 2} dimensions but the input ${fmtShape(shape)} has ${shape.length}`);
  const out = [...shape];
  for (let k = 0; k < pads.length / 2; k++) {
    const d = shape.length - 1 - k;
    const [l, r] = [pads[2 * k], pads[2 * k + 1]];
    const n = shape[d];
    if (mode === 'reflect' && (l >= n || r >= n)) {
      throw new ShapeError(`${op}: reflect padding (${l}, ${r}) of dimension ${d} must be smaller than its size ${n} (input ${fmtShape(shape)})`);
    }
    if (mode === 'replicate' && n === 0 && (l !== 0 || r !== 0)) {
      throw new ShapeError(`${op}: replicate padding of dimension ${d} needs a non-empty dimension (input ${fmtShape(shape)})`);
    }
    out[d] = n + l + r;
    if (out[d] < 0) throw new ShapeError(`${op}: pads (${l}, ${r}) shrink dimension ${d} of size ${n} to ${out[d]} (input ${fmtShape(shape)})`);
  }
  return out;
}

export const padOp = defineOp<{ pads: readonly number[]; mode: PadMode; value: number }>({
  name: 'pad',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { pads: { kind: 'ints' }, mode: { kind: PAD_MODES, default: 'constant' }, value: { kind: 'float', default: 0, nan: true } },
  outputs: ([x], a) => [{ shape: paddedShape('pad', x.shape, a.pads, a.mode), dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], attrs }) =>
    attrs.mode === 'constant' ? [pad(g!, attrs.pads.map((p) => -p))] : [padBackward(g!, attrs.pads, attrs.mode)],
  test: {
    samples: [
      { name: 'constant-last', inputs: [{ shape: [2, 3] }], attrs: { pads: [1, 2] } },
      { name: 'constant-value-2d', inputs: [{ shape: [2, 3, 4] }], attrs: { pads: [1, 0, 2, 1], value: 1.5 } },
      { name: 'constant-all-dims', inputs: [{ shape: [2, 2, 2] }], attrs: { pads: [1, 1, 0, 1, 2, 0] } },
      { name: 'constant-negative', inputs: [{ shape: [3, 5] }], attrs: { pads: [-1, 2, 1, -2] } },
      { name: 'constant-empty-input', inputs: [{ shape: [2, 0] }], attrs: { pads: [1, 1], value: 3 } },
      { name: 'constant-int64', inputs: [{ shape: [2, 2], dtype: 'int64', fill: 'int:-9:9' }], attrs: { pads: [1, 1], value: 7 } },
      { name: 'reflect-1d', inputs: [{ shape: [2, 5] }], attrs: { pads: [2, 3], mode: 'reflect' } },
      { name: 'reflect-2d', inputs: [{ shape: [1, 2, 4, 5] }], attrs: { pads: [1, 2, 3, 1], mode: 'reflect' } },
      { name: 'reflect-3d', inputs: [{ shape: [1, 3, 3, 3, 3] }], attrs: { pads: [1, 1, 2, 0, 0, 2], mode: 'reflect' } },
      { name: 'replicate-1d', inputs: [{ shape: [2, 3] }], attrs: { pads: [4, 1], mode: 'replicate' } },
      { name: 'replicate-2d', inputs: [{ shape: [2, 3, 4] }], attrs: { pads: [2, 1, 1, 3], mode: 'replicate' } },
      { name: 'replicate-size-one', inputs: [{ shape: [1, 1, 1] }], attrs: { pads: [2, 2], mode: 'replicate' } },
      { name: 'large-constant', inputs: [{ shape: [4, 3, 30, 30] }], attrs: { pads: [2, 2, 2, 2] } },
    ],
    bad: [
      { name: 'odd pads', inputs: [{ shape: [2, 3] }], attrs: { pads: [1, 1, 1] }, error: 'ValueError', message: /^pad: pads expected an even number of entries \(\(left, right\) per dim, last dim first\), got 3$/ },
      { name: 'too many pads', inputs: [{ shape: [3] }], attrs: { pads: [1, 1, 1, 1] }, error: 'ShapeError', message: /^pad: pads \[1,1,1,1\] pad 2 dimensions but the input \[3\] has 1$/ },
      { name: 'reflect too wide', inputs: [{ shape: [2, 3] }], attrs: { pads: [3, 1], mode: 'reflect' }, error: 'ShapeError', message: /^pad: reflect padding \(3, 1\) of dimension 1 must be smaller than its size 3 \(input \[2,3\]\)$/ },
      { name: 'replicate empty', inputs: [{ shape: [2, 0] }], attrs: { pads: [1, 1], mode: 'replicate' }, error: 'ShapeError', message: /^pad: replicate padding of dimension 1 needs a non-empty dimension \(input \[2,0\]\)$/ },
      { name: 'negative size', inputs: [{ shape: [2, 3] }], attrs: { pads: [-2, -2] }, error: 'ShapeError', message: /^pad: pads \(-2, -2\) shrink dimension 1 of size 3 to -1 \(input \[2,3\]\)$/ },
      { name: 'unknown mode', inputs: [{ shape: [2, 3] }], attrs: { pads: [1, 1], mode: 'circular' }, error: 'ValueError', message: /^pad: option 'mode' expected one of 'constant', 'reflect', 'replicate', got string circular$/ },
    ],
  },
});

export interface PadOptions {
  /** 'circular' wraps around (periodic boundaries), composed of narrow and cat. */
  mode?: PadMode | 'circular';
  /** Fill value of constant padding (default 0). */
  value?: number;
}

/**
 * torch.nn.functional.pad: `pads` lists (left, right) amounts per dim starting from the last dim.
 * Constant padding may be negative (crops). Reflect, replicate and circular pad any number of
 * trailing dims.
 */
export function pad(x: Tensor, pads: readonly number[], options: PadOptions = {}): Tensor {
  checkOptions('pad', options, ['mode', 'value']);
  if (options.mode === 'circular') return circularPad(x, pads);
  return apply(padOp, [x], { pads, mode: options.mode ?? 'constant', value: options.value ?? 0 })[0];
}

/** Circular padding: each padded dim gets its last `left` entries in front and first `right` behind (PyTorch's limit: at most the dim's size). */
function circularPad(x: Tensor, pads: readonly number[]): Tensor {
  if (!x?.isTensor) throw new ValueError(`pad: input expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  paddedShape('pad', x.shape, pads, 'constant');
  return scope(() => {
    let y = x;
    for (let k = 0; k < pads.length / 2; k++) {
      const dim = x.ndim - 1 - k;
      const [left, right] = [pads[2 * k], pads[2 * k + 1]];
      const size = x.shape[dim];
      if (!(Number.isInteger(left) && Number.isInteger(right) && left >= 0 && right >= 0 && left <= size && right <= size)) {
        throw new ValueError(`pad: circular padding of dim ${dim} (size ${size}) expected amounts from 0 to ${size}, got (${left}, ${right})`);
      }
      if (left === 0 && right === 0) continue;
      y = cat([...(left ? [narrow(y, dim, size - left, left)] : []), y, ...(right ? [narrow(y, dim, 0, right)] : [])], dim);
    }
    return y === x ? narrow(x, 0, 0, x.shape[0]) : y;
  });
}

export const padBackwardOp = defineOp<{ pads: readonly number[]; mode: 'reflect' | 'replicate' }>({
  name: 'padBackward',
  inputs: [{ name: 'grad', dtypes: NUMERIC }],
  attrs: { pads: { kind: 'ints' }, mode: { kind: ['reflect', 'replicate'] } },
  outputs: ([g], a) => {
    if (a.pads.length % 2 !== 0 || a.pads.length / 2 > g.shape.length) {
      throw new ShapeError(`padBackward: pads ${fmtShape(a.pads)} do not fit grad ${fmtShape(g.shape)} ((left, right) per dim, last dim first)`);
    }
    const shape = [...g.shape];
    for (let k = 0; k < a.pads.length / 2; k++) shape[g.shape.length - 1 - k] -= a.pads[2 * k] + a.pads[2 * k + 1];
    if (shape.some((d) => d < 0)) throw new ShapeError(`padBackward: pads ${fmtShape(a.pads)} are larger than grad ${fmtShape(g.shape)}`);
    const again = paddedShape('padBackward', shape, a.pads, a.mode);
    if (!sameShape(again, g.shape)) throw new ShapeError(`padBackward: grad ${fmtShape(g.shape)} is not a padded shape for pads ${fmtShape(a.pads)}`);
    return [{ shape, dtype: g.dtype }];
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], attrs }) => [pad(g!, attrs.pads, { mode: attrs.mode })],
  test: {
    samples: [
      { name: 'reflect-1d', inputs: [{ shape: [2, 10] }], attrs: { pads: [2, 3], mode: 'reflect' } },
      { name: 'reflect-2d', inputs: [{ shape: [1, 2, 8, 8] }], attrs: { pads: [1, 2, 3, 1], mode: 'reflect' } },
      { name: 'replicate-2d', inputs: [{ shape: [2, 7, 7] }], attrs: { pads: [2, 1, 1, 3], mode: 'replicate' } },
      { name: 'replicate-size-one', inputs: [{ shape: [1, 1, 5] }], attrs: { pads: [2, 2], mode: 'replicate' } },
    ],
    bad: [
      { name: 'pads too large', inputs: [{ shape: [2, 3] }], attrs: { pads: [2, 2], mode: 'replicate' }, error: 'ShapeError', message: /^padBackward: pads \[2,2\] are larger than grad \[2,3\]$/ },
      { name: 'reflect too wide', inputs: [{ shape: [2, 5] }], attrs: { pads: [2, 1], mode: 'reflect' }, error: 'ShapeError', message: /^padBackward: reflect padding \(2, 1\) of dimension 1 must be smaller than its size 2/ },
    ],
    torch: 'padBackward',
  },
});

/** The gradient of reflect/replicate padding: each padded position's gradient added to the input position it copied. */
export function padBackward(g: Tensor, pads: readonly number[], mode: 'reflect' | 'replicate'): Tensor {
  return apply(padBackwardOp, [g], { pads, mode })[0];
}
