// Shape ops. Storage is always dense and row-major, so reshape is a view (shares storage) while
// ops that reorder elements (expand, permute …) produce dense copies.
import { ShapeError, fmtShape } from '../../errors.js';
import { broadcastShapes, checkShape, numelOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp } from '../declare.js';
import { sum } from './reduce.js';

/** Resolves one -1 in a requested shape against a numel. */
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
  backends: ['cpu'],
  view: true,
  grad: ({ grads: [g], inputMeta: [x] }) => [reshape(g!, x.shape)],
  test: {
    samples: [
      { name: 'flatten', inputs: [{ shape: [2, 3, 4] }], attrs: { shape: [6, -1] } },
      { name: 'to-scalar', inputs: [{ shape: [1, 1] }], attrs: { shape: [] } },
    ],
  },
});

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length === x.shape.length && shape.every((d, i) => d === x.shape[i])) return x;
  return apply(reshapeOp, [x], { shape })[0];
}
/** PyTorch's view: the same as reshape here, since every tensor is dense. */
export const view = reshape;

export const expandOp = defineOp<{ shape: readonly number[] }>({
  name: 'expand',
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
  backends: ['cpu'],
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

/** Sums a broadcast result back down to `shape` (the inverse of broadcasting). */
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
