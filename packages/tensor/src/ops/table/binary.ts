// Elementwise ops of two tensors with NumPy broadcasting. Inputs are promoted to one dtype before
// the kernel runs (kernels see equal dtypes); broadcast gradients are reduced centrally.
import { promoteTypes } from '../../dtype.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, NUMERIC, type OpDecl, type Sample, type TensorMeta } from '../declare.js';
import { cast } from './cast.js';
import { scalarLike } from './scalar.js';

const broadcastSamples: Sample[] = [
  { name: 'same-shape', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }] },
  { name: 'broadcast-row', inputs: [{ shape: [4, 3] }, { shape: [3] }] },
  { name: 'broadcast-both', inputs: [{ shape: [2, 1, 3] }, { shape: [4, 1] }] },
  { name: 'scalar', inputs: [{ shape: [3, 2] }, { shape: [] }] },
  { name: 'size-one', inputs: [{ shape: [1] }, { shape: [1, 1] }] },
  { name: 'empty', inputs: [{ shape: [0, 3] }, { shape: [3] }] },
];

const binaryOutputs = (name: string) => ([a, b]: readonly TensorMeta[]) => [
  { shape: broadcastShapes(name, a.shape, b.shape), dtype: a.dtype },
];


export const addOp = defineOp({
  name: 'add',
  inputs: [{ name: 'input', dtypes: NUMERIC }, { name: 'other', dtypes: NUMERIC }],
  attrs: {},
  outputs: binaryOutputs('add'),
  backends: ['cpu'],
  grad: ({ grads: [g] }) => [g, g],
  test: { samples: broadcastSamples },
});

export const mulOp = defineOp({
  name: 'mul',
  inputs: [{ name: 'input', dtypes: NUMERIC }, { name: 'other', dtypes: NUMERIC }],
  attrs: {},
  outputs: binaryOutputs('mul'),
  backends: ['cpu'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [g], inputs: [a, b] }) => [mul(g!, b!), mul(g!, a!)],
  test: { samples: broadcastSamples },
});

export type Operand = Tensor | number;

/** Runs a binary op after turning a number into a scalar tensor and promoting dtypes. */
export function binary(decl: OpDecl<{}>, a: Operand, b: Operand): Tensor {
  const ta = typeof a === 'number' ? scalarLike(a, b as Tensor) : a;
  const tb = typeof b === 'number' ? scalarLike(b, ta) : b;
  if (ta?.isTensor && tb?.isTensor && ta.dtype !== tb.dtype) {
    const dtype = promoteTypes(ta.dtype, tb.dtype);
    return apply(decl, [cast(ta, dtype), cast(tb, dtype)])[0];
  }
  return apply(decl, [ta, tb])[0];
}

export const add = (a: Operand, b: Operand): Tensor => binary(addOp, a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary(mulOp, a, b);
