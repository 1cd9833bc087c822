// Comparisons and logical ops: any dtype in, bool out, NumPy broadcasting, numbers accepted
// (`lt(x, 0.5)`). Not differentiable. See Note [helpers are function declarations] in binary.ts.
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp, type OpDecl, type Sample } from '../declare.js';
import { binary, binaryBad, binaryOutputs, binarySamples, type Operand } from './binary.js';

// Small integers stored as float32 (and a few integer and bool samples) so that ties occur.
function compareSamples(): Sample[] {
  return [
    ...binarySamples(() => ({ fill: 'int:-2:3' }), () => ({ fill: 'int:-2:3' })),
    { name: 'int', inputs: [{ shape: [2, 3], dtype: 'int64', fill: 'int:-2:3' }, { shape: [3], dtype: 'int64', fill: 'int:-2:3' }] },
    { name: 'uint8', inputs: [{ shape: [4], dtype: 'uint8', fill: [0, 3, 200, 7] }, { shape: [1], dtype: 'uint8', fill: [7] }] },
    { name: 'bool', inputs: [{ shape: [4], dtype: 'bool', fill: [0, 1, 0, 1] }, { shape: [4], dtype: 'bool', fill: [0, 0, 1, 1] }] },
  ];
}

function predicateOp(name: string): OpDecl<{}> {
  return defineOp({
    name,
    inputs: [{ name: 'input', dtypes: ALL }, { name: 'other', dtypes: ALL }],
    attrs: {},
    outputs: binaryOutputs(name, () => 'bool'),
    backends: ['cpu', 'cuda'],
    test: { samples: compareSamples(), bad: binaryBad(name) },
  });
}

export const eqOp = predicateOp('eq');
export const neOp = predicateOp('ne');
export const ltOp = predicateOp('lt');
export const leOp = predicateOp('le');
export const gtOp = predicateOp('gt');
export const geOp = predicateOp('ge');
export const logicalAndOp = predicateOp('logicalAnd');
export const logicalOrOp = predicateOp('logicalOr');

export const logicalNotOp = defineOp({
  name: 'logicalNot',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: {},
  outputs: ([x]) => [{ shape: [...x.shape], dtype: 'bool' }],
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'float', inputs: [{ shape: [2, 3], fill: [0, 1, -2, 0.5, 0, 1e-30] }] },
      { name: 'bool', inputs: [{ shape: [4], dtype: 'bool', fill: [0, 1, 1, 0] }] },
      { name: 'int', inputs: [{ shape: [2, 2], dtype: 'int32', fill: 'int:-1:2' }] },
      { name: 'scalar', inputs: [{ shape: [], fill: [0] }] },
      { name: 'empty', inputs: [{ shape: [0, 4] }] },
    ],
  },
});

/** input == other, elementwise (bool). */
export function eq(input: Operand, other: Operand): Tensor {
  return binary(eqOp, input, other);
}
/** input != other, elementwise (bool; NaN != NaN). */
export function ne(input: Operand, other: Operand): Tensor {
  return binary(neOp, input, other);
}
/** input < other, elementwise (bool). */
export function lt(input: Operand, other: Operand): Tensor {
  return binary(ltOp, input, other);
}
/** input <= other, elementwise (bool). */
export function le(input: Operand, other: Operand): Tensor {
  return binary(leOp, input, other);
}
/** input > other, elementwise (bool). */
export function gt(input: Operand, other: Operand): Tensor {
  return binary(gtOp, input, other);
}
/** input >= other, elementwise (bool). */
export function ge(input: Operand, other: Operand): Tensor {
  return binary(geOp, input, other);
}
/** Both nonzero (NaN counts as nonzero), elementwise (bool). */
export function logicalAnd(input: Operand, other: Operand): Tensor {
  return binary(logicalAndOp, input, other);
}
/** Either nonzero, elementwise (bool). */
export function logicalOr(input: Operand, other: Operand): Tensor {
  return binary(logicalOrOp, input, other);
}
/** input == 0, elementwise (bool). */
export function logicalNot(input: Tensor): Tensor {
  return apply(logicalNotOp, [input])[0];
}
