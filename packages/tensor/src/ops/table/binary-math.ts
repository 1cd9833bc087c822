// Division's relatives and atan2, PyTorch's: remainder (Python's %: the sign of the divisor),
// fmod (C's: the sign of the dividend), floorDivide (//: the quotient rounded down) and atan2.
// Integers stay integers in the first three; an integer divided by zero is refused on cpu (as
// PyTorch's ZeroDivisionError) and gives 0 on cuda (where PyTorch's result is undefined).
import type { DType } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { defineOp, FLOAT, NUMERIC } from '../declare.js';
import { add, binary, binaryBad, binaryOutputs, binarySamples, div, mul, type Operand } from './binary.js';
import { zerosLike } from './creation.js';
import { floor, neg, trunc } from './unary.js';

const INPUTS = [{ name: 'input', dtypes: NUMERIC }, { name: 'other', dtypes: NUMERIC }] as const;

// Away from the jumps of floor and trunc, so the finite-difference check sees a smooth function.
const dividends = () => ({ fill: [-7.3, -2.6, 0.7, 1.9, 4.4, 8.2, -5.1, 3.3, -0.4, 6.6, 2.2, -9.7].slice(0, 12) });
const divisors = () => ({ fill: 'positive' as const });

function divisionSamples() {
  return [
    { name: 'rows', inputs: [{ shape: [3, 4], ...dividends() }, { shape: [4], fill: [1.5, -2.5, 0.9, 3.1] }] },
    { name: 'scalar-divisor', inputs: [{ shape: [2, 3], fill: [-7.3, -2.6, 0.7, 1.9, 4.4, 8.2] }, { shape: [], fill: [-2.25] }] },
    { name: 'int', inputs: [{ shape: [2, 4], dtype: 'int32' as DType, fill: [-7, -3, 0, 5, 9, -9, 4, 1] }, { shape: [4], dtype: 'int32' as DType, fill: [2, -3, 4, -5] }] },
    { name: 'int64', inputs: [{ shape: [5], dtype: 'int64' as DType, fill: [-17, 17, -1, 1, 0] }, { shape: [1], dtype: 'int64' as DType, fill: [-4] }] },
    { name: 'float-by-zero', inputs: [{ shape: [3], fill: [1, -1, 0], noGrad: true }, { shape: [1], fill: [0], noGrad: true }] },
    { name: 'empty', inputs: [{ shape: [0, 2] }, { shape: [2], ...divisors() }] },
  ];
}

function divisionOp(name: 'remainder' | 'fmod', rounding: (x: Tensor) => Tensor) {
  return defineOp({
    name,
    inputs: INPUTS,
    attrs: {},
    outputs: binaryOutputs(name),
    backends: ['cpu', 'cuda'],
    saves: { inputs: [0, 1] },
    // a − b·round(a/b): d/da = 1, d/db = −round(a/b) (the rounding's own derivative is 0).
    grad: ({ grads: [g], inputs: [a, b] }) => [g!, neg(mul(g!, rounding(div(a!, b!))))],
    test: {
      samples: divisionSamples(),
      bad: [
        ...binaryBad(name),
        { name: 'int by zero', inputs: [{ shape: [2], dtype: 'int32', fill: [3, 4] }, { shape: [2], dtype: 'int32', fill: [1, 0] }], error: 'ValueError', message: new RegExp(`^${name}: integer division by zero`), noParity: 'cuda gives 0 (PyTorch: undefined)' },
      ],
    },
  });
}

export const remainderOp = divisionOp('remainder', floor);
export const fmodOp = divisionOp('fmod', trunc);

export const floorDivideOp = defineOp({
  name: 'floorDivide',
  inputs: INPUTS,
  attrs: {},
  outputs: binaryOutputs('floorDivide'),
  backends: ['cpu', 'cuda'],
  // A step function: zero almost everywhere, as PyTorch's floor_divide.
  grad: ({ grads: [g] }) => [zerosLike(g!), zerosLike(g!)],
  test: {
    samples: divisionSamples().map((s) => ({ ...s, inputs: s.inputs.map((i) => ({ ...i, noGrad: true })) })),
    bad: [
      ...binaryBad('floorDivide'),
      { name: 'int by zero', inputs: [{ shape: [2], dtype: 'int64', fill: [3, 4] }, { shape: [1], dtype: 'int64', fill: [0] }], error: 'ValueError', message: /^floorDivide: integer division by zero/, noParity: 'cuda gives 0 (PyTorch: undefined)' },
    ],
    torch: 'floorDivide',
  },
});

export const atan2Op = defineOp({
  name: 'atan2',
  inputs: [{ name: 'input', dtypes: FLOAT }, { name: 'other', dtypes: FLOAT }],
  attrs: {},
  outputs: binaryOutputs('atan2'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // d/dy atan2(y, x) = x/(x² + y²), d/dx = −y/(x² + y²)
  grad: ({ grads: [g], inputs: [y, x] }) => {
    const r2 = add(mul(x!, x!), mul(y!, y!));
    return [div(mul(g!, x!), r2), neg(div(mul(g!, y!), r2))];
  },
  test: {
    samples: [
      // x > 0 keeps the finite-difference check off the branch cut (the negative x axis).
      ...binarySamples(undefined, () => ({ fill: 'positive' })),
      { name: 'quadrants-and-zeros', inputs: [{ shape: [8], fill: [1, 1, -1, -1, 0, -0, 0, 1], noGrad: true }, { shape: [8], fill: [1, -1, 1, -1, 1, -1, 0, 0], noGrad: true }] },
    ],
  },
});

/** a − b·floor(a/b): the remainder with the divisor's sign (Python's %, torch.remainder). */
export const remainder = (a: Operand, b: Operand): Tensor => binary(remainderOp, a, b);
/** a − b·trunc(a/b): the remainder with the dividend's sign (C's fmod, torch.fmod). */
export const fmod = (a: Operand, b: Operand): Tensor => binary(fmodOp, a, b);
/** floor(a/b), in the inputs' dtype (Python's //, torch.floor_divide). */
export const floorDivide = (a: Operand, b: Operand): Tensor => binary(floorDivideOp, a, b);
/** The angle of the point (other, input) in radians, in (−π, π] (torch.atan2(y, x)). */
export const atan2 = (y: Operand, x: Operand): Tensor => binary(atan2Op, y, x);
