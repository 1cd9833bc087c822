import { normDims, reducedShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, NUMERIC, type Sample } from '../declare.js';
import { expand, reshape } from './shape.js';

export interface ReduceOptions {
  /** Dimensions to reduce; all when omitted. */
  dim?: number | readonly number[];
  keepdim?: boolean;
}

const dimsOf = (o: ReduceOptions): readonly number[] => (o.dim === undefined ? [] : typeof o.dim === 'number' ? [o.dim] : o.dim);

export const reduceSamples: Sample[] = [
  { name: 'all', inputs: [{ shape: [3, 4] }], attrs: { dims: [], keepdim: false } },
  { name: 'dim0', inputs: [{ shape: [3, 4] }], attrs: { dims: [0], keepdim: false } },
  { name: 'last-keepdim', inputs: [{ shape: [2, 3, 4] }], attrs: { dims: [-1], keepdim: true } },
  { name: 'two-dims', inputs: [{ shape: [2, 3, 4] }], attrs: { dims: [0, 2], keepdim: false } },
  { name: 'size-one', inputs: [{ shape: [1, 5, 1] }], attrs: { dims: [1], keepdim: true } },
];

/** Shape of a reduction's result, and the dims it reduces (normalised). */
export function reduction(op: string, shape: readonly number[], dims: readonly number[], keepdim: boolean) {
  const d = normDims(op, dims, shape.length);
  return { dims: d, shape: reducedShape(shape, d, keepdim) };
}

/** Broadcasts a reduced gradient back over the reduced dims. */
export function unreduce(g: Tensor, inputShape: readonly number[], dims: readonly number[]): Tensor {
  const kept = inputShape.map((d, i) => (dims.length === 0 || dims.includes(i) || dims.includes(i - inputShape.length) ? 1 : d));
  return expand(reshape(g, kept), inputShape);
}

export const sumOp = defineOp<{ dims: readonly number[]; keepdim: boolean }>({
  name: 'sum',
  inputs: [{ name: 'input', dtypes: NUMERIC }],
  attrs: { dims: { kind: 'ints', default: [] }, keepdim: { kind: 'bool', default: false } },
  outputs: ([x], a) => [{ shape: reduction('sum', x.shape, a.dims, a.keepdim).shape, dtype: x.dtype === 'float32' ? 'float32' : 'int64' }],
  backends: ['cpu'],
  grad: ({ grads: [g], inputMeta: [x], attrs }) => [unreduce(g!, x.shape, reduction('sum', x.shape, attrs.dims, attrs.keepdim).dims)],
  test: { samples: reduceSamples },
});

/** Sum over `dim` (all dims when omitted); integer inputs sum to int64 as in PyTorch. */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  return apply(sumOp, [x], { dims: dimsOf(options), keepdim: options.keepdim ?? false })[0];
}
