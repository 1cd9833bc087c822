// Running combinations along a dim (scans): cumsum, logcumsumexp, cummax, cummin. One kernel per
// backend walks each line along the dim (native/src/core/scan.h holds the arithmetic both
// compile). Float sums accumulate in double, as PyTorch's cpu kernels do, so long rows keep their
// precision. cumprod stays composed (composed-ops.ts): its gradient through zeros comes exactly
// from its parts.

import { ValueError } from '../../errors.js';
import { isFloating } from '../../dtype.js';
import { normDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp, FLOAT, NUMERIC, type TensorMeta } from '../declare.js';
import { add, sub, where } from './binary.js';
import { gt, lt } from './compare.js';
import { scatterBack, spread } from './sort.js';
import { exp, log, neg } from './unary.js';
import { valuesAndIndices, type ValuesAndIndices } from './reduce.js';

type ScanAttrs = { dim: number; reverse: boolean };

const scanAttrs = { dim: { kind: 'int' }, reverse: { kind: 'bool', default: false } } as const;

// A scan's output shape (its input's), once dim is checked.
function scanShape(op: string, x: TensorMeta, dim: number): number[] {
  normDim(op, dim, x.shape.length);
  return [...x.shape];
}

// A dim is required, as in PyTorch; the attr check would only say "expected an integer".
function dimArg(op: string, dim: number): number {
  if (!Number.isSafeInteger(dim)) throw new ValueError(`${op}: dim expected an integer, got ${dim === undefined ? 'none' : String(dim)} (PyTorch's ${op} takes a dim too)`);
  return dim;
}

export const cumsumOp = defineOp<ScanAttrs>({
  name: 'cumsum',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: scanAttrs,
  // Integers and bool sum in int64, as PyTorch's.
  outputs: ([x], a) => [{ shape: scanShape('cumsum', x, a.dim), dtype: isFloating(x.dtype) ? x.dtype : 'int64' }],
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], attrs }) => [cumsumScan(g!, attrs.dim, !attrs.reverse)],
  test: {
    samples: [
      { name: 'rows', inputs: [{ shape: [3, 5] }], attrs: { dim: 1 } },
      { name: 'columns', inputs: [{ shape: [4, 3] }], attrs: { dim: 0 } },
      { name: 'middle-reverse', inputs: [{ shape: [2, 4, 3] }], attrs: { dim: 1, reverse: true } },
      { name: 'wide-inner', inputs: [{ shape: [3, 300] }], attrs: { dim: 0 } },
      { name: 'long-rows', inputs: [{ shape: [2, 2000] }], attrs: { dim: -1 } },
      // More rows than the cpu steps together (8): whole groups and a partial one.
      { name: 'many-rows-reverse', inputs: [{ shape: [19, 7] }], attrs: { dim: 1, reverse: true } },
      { name: 'size-one', inputs: [{ shape: [3, 1] }], attrs: { dim: 1 } },
      { name: 'empty', inputs: [{ shape: [0, 4] }], attrs: { dim: 0 } },
      { name: 'scalar', inputs: [{ shape: [] }], attrs: { dim: 0 } },
      { name: 'infinities-nan', inputs: [{ shape: [6], fill: [1, Infinity, 2, -Infinity, NaN, 3], noGrad: true }], attrs: { dim: 0 } },
      { name: 'int64-wraps', inputs: [{ shape: [3], dtype: 'int64', fill: [9007199254740991, 9007199254740991, -5] }], attrs: { dim: 0 } },
      { name: 'int32-to-int64', inputs: [{ shape: [2, 4], dtype: 'int32', fill: 'int:-50:50' }], attrs: { dim: 1 } },
      { name: 'uint8-to-int64', inputs: [{ shape: [5], dtype: 'uint8', fill: [200, 100, 250, 0, 7] }], attrs: { dim: 0, reverse: true } },
      { name: 'bool-counts', inputs: [{ shape: [2, 3], dtype: 'bool', fill: [1, 0, 1, 1, 1, 0] }], attrs: { dim: 0 } },
    ],
    bad: [
      { name: 'dim out of range', inputs: [{ shape: [2, 3] }], attrs: { dim: 2 }, error: 'ShapeError', message: /^cumsum: dim 2 is out of range for a tensor of rank 2/ },
    ],
  },
});

/** Running sums along `dim` (PyTorch's cumsum); integers and bool sum in int64. */
export function cumsum(x: Tensor, dim: number): Tensor {
  return cumsumScan(x, dimArg('cumsum', dim), false);
}

// cumsum, or the sums from the end of the dim back (the gradient's direction).
const cumsumScan = (x: Tensor, dim: number, reverse: boolean): Tensor => apply(cumsumOp, [x], { dim, reverse })[0];

export const logcumsumexpOp = defineOp<ScanAttrs>({
  name: 'logcumsumexp',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: scanAttrs,
  outputs: ([x], a) => [{ shape: scanShape('logcumsumexp', x, a.dim), dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0], outputs: [0] },
  grad: ({ grads: [g], inputs: [x], outputs: [y], attrs }) => [logcumsumexpGrad(g!, x!, y!, attrs)],
  test: {
    samples: [
      { name: 'rows', inputs: [{ shape: [3, 5] }], attrs: { dim: 1 } },
      { name: 'columns-reverse', inputs: [{ shape: [4, 3] }], attrs: { dim: 0, reverse: true } },
      { name: 'middle', inputs: [{ shape: [2, 4, 3] }], attrs: { dim: -2 } },
      { name: 'far-apart', inputs: [{ shape: [5], fill: [-1000, 0, 30, -30, 1000] }], attrs: { dim: 0 } },
      { name: 'long-rows', inputs: [{ shape: [2, 700] }], attrs: { dim: 1 } },
      { name: 'many-rows', inputs: [{ shape: [17, 4] }], attrs: { dim: -1 } },
      { name: 'infinities-nan', inputs: [{ shape: [2, 4], fill: [-Infinity, -Infinity, 1, Infinity, 2, NaN, 3, -Infinity], noGrad: true }], attrs: { dim: 1 } },
      { name: 'size-one', inputs: [{ shape: [1, 3] }], attrs: { dim: 0 } },
      { name: 'empty', inputs: [{ shape: [2, 0] }], attrs: { dim: 1 } },
      { name: 'scalar', inputs: [{ shape: [] }], attrs: { dim: -1 } },
    ],
    bad: [
      { name: 'integer input', inputs: [{ shape: [3], dtype: 'int64', fill: [1, 2, 3] }], attrs: { dim: 0 }, error: 'DTypeError', message: /^logcumsumexp: argument 'input' expected dtype float32, got int64/ },
    ],
  },
});

// Note [logcumsumexp gradient]: ∂y_j/∂x_k = exp(x_k − y_j) for j at or after k, so the gradient is
// exp(x_k) · Σ_{j≥k} g_j·exp(−y_j): a sum from the end back. PyTorch's logcumsumexp_backward
// keeps it finite for any x by summing in log space — positive and negative parts of g apart,
// each a logcumsumexp in the other direction — so the exponentials never overflow.
function logcumsumexpGrad(g: Tensor, x: Tensor, y: Tensor, a: ScanAttrs): Tensor {
  const back = (part: Tensor) => exp(add(logcumsumexpScan(sub(log(part), y), a.dim, !a.reverse), x));
  const positive = where(gt(g, 0), g, 0);
  const negative = where(lt(g, 0), neg(g), 0);
  return sub(back(positive), back(negative));
}

/** log Σ exp of the entries up to each position along `dim` (PyTorch's logcumsumexp), without overflow. */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  return logcumsumexpScan(x, dimArg('logcumsumexp', dim), false);
}

const logcumsumexpScan = (x: Tensor, dim: number, reverse: boolean): Tensor => apply(logcumsumexpOp, [x], { dim, reverse })[0];

// cummax and cummin: the running extreme and the position it was found at. A NaN, once met,
// is the extreme from there on; ties take the later position — PyTorch's cpu rules.
function cumulativeExtreme(name: 'cummax' | 'cummin') {
  return defineOp<{ dim: number }>({
    name,
    inputs: [{ name: 'input', dtypes: [...NUMERIC, 'bool'] }],
    attrs: { dim: { kind: 'int' } },
    outputs: ([x], a) => {
      const shape = scanShape(name, x, a.dim);
      return [{ shape, dtype: x.dtype }, { shape: [...shape], dtype: 'int64' }];
    },
    backends: ['cpu', 'cuda'],
    saves: { outputs: [1] },
    grad: scatterBack,
    test: {
      samples: [
        { name: 'rows', inputs: [{ shape: [3, 6] }], attrs: { dim: 1 } },
        { name: 'many-rows', inputs: [{ shape: [2, 9, 5], fill: spread(90) }], attrs: { dim: -1 } },
        { name: 'columns', inputs: [{ shape: [5, 3] }], attrs: { dim: 0 } },
        { name: 'middle', inputs: [{ shape: [2, 4, 3] }], attrs: { dim: -2 } },
        { name: 'wide-inner', inputs: [{ shape: [4, 300], fill: spread(1200) }], attrs: { dim: 0 } },
        { name: 'ties-later', inputs: [{ shape: [2, 5], fill: [1, 1, 0, 1, 2, 3, 3, 3, -1, 3], noGrad: true }], attrs: { dim: 1 } },
        { name: 'nan-sticks', inputs: [{ shape: [6], fill: [1, NaN, 5, NaN, -Infinity, Infinity], noGrad: true }], attrs: { dim: 0 } },
        { name: 'int64', inputs: [{ shape: [3, 4], dtype: 'int64', fill: 'int:-1000:1000' }], attrs: { dim: 0 } },
        { name: 'int32', inputs: [{ shape: [7], dtype: 'int32', fill: 'int:-3:3' }], attrs: { dim: 0 } },
        { name: 'uint8', inputs: [{ shape: [2, 5], dtype: 'uint8', fill: 'int:0:256' }], attrs: { dim: 1 } },
        { name: 'bool', inputs: [{ shape: [5], dtype: 'bool', fill: [0, 1, 0, 0, 1] }], attrs: { dim: 0 } },
        { name: 'size-one', inputs: [{ shape: [3, 1] }], attrs: { dim: 1 } },
        { name: 'empty', inputs: [{ shape: [0, 2] }], attrs: { dim: 0 } },
        { name: 'scalar', inputs: [{ shape: [] }], attrs: { dim: 0 } },
      ],
      bad: [
        { name: 'dim out of range', inputs: [{ shape: [2, 3] }], attrs: { dim: -3 }, error: 'ShapeError', message: new RegExp(`^${name}: dim -3 is out of range for a tensor of rank 2`) },
      ],
    },
  });
}

export const cummaxOp = cumulativeExtreme('cummax');
export const cumminOp = cumulativeExtreme('cummin');

/** The running maximum along `dim` and where it was found (PyTorch's cummax): `{ values, indices }`. */
export function cummax(x: Tensor, dim: number): ValuesAndIndices {
  const [values, indices] = apply(cummaxOp, [x], { dim: dimArg('cummax', dim) });
  return valuesAndIndices(values, indices);
}

/** The running minimum along `dim` and where it was found (PyTorch's cummin): `{ values, indices }`. */
export function cummin(x: Tensor, dim: number): ValuesAndIndices {
  const [values, indices] = apply(cumminOp, [x], { dim: dimArg('cummin', dim) });
  return valuesAndIndices(values, indices);
}
