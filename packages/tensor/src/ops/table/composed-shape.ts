// Picking and rearranging, composed of declared ops (both devices, gradients from the parts):
// select, unbind, roll, diagonal, diag, trace, movedim (moveaxis), swapaxes (swapdims), unflatten,
// and PyTorch's strict matrix products mm, bmm, addmm and baddbmm.

import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { broadcastsTo, normDim, numelOf } from '../../shape.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { add, mul, where } from './binary.js';
import { cast } from './cast.js';
import { eye, full } from './creation.js';
import { clone } from './composed-ops.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { cat, contiguous, narrow, pad, permute, reshape, split, squeeze, transpose, unsqueeze } from './shape.js';
import { tensorArg } from '../check-args.js';


function indexAlong(fn: string, x: Tensor, d: number, index: number): number {
  const n = x.shape[d];
  if (!Number.isSafeInteger(index)) throw new ValueError(`${fn}: index expected an integer, got ${typeof index === 'number' ? index : typeof index}`);
  if (index < -n || index >= n) {
    throw new ValueError(`${fn}: index ${index} is out of range for dim ${d} of size ${n} (input ${fmtShape(x.shape)}; expected ${-n} to ${n - 1})`);
  }
  return index < 0 ? index + n : index;
}

/** The slice at `index` along `dim`, that dim removed (PyTorch's select, x[:, i]); negative counts from the end. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  tensorArg('select', 'input', x);
  if (x.shape.length === 0) throw new ShapeError('select: input expected at least 1 dimension, got a 0-d tensor');
  const d = normDim('select', dim, x.shape.length);
  const i = indexAlong('select', x, d, index);
  return scope(() => squeeze(narrow(x, d, i, 1), d));
}

/** Every slice along `dim` (default 0), that dim removed (PyTorch's unbind). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  tensorArg('unbind', 'input', x);
  if (x.shape.length === 0) throw new ShapeError('unbind: input expected at least 1 dimension, got a 0-d tensor');
  const d = normDim('unbind', dim, x.shape.length);
  if (x.shape[d] === 0) return [];
  // One split, not a narrow per slice: each narrow's backward writes a whole input-sized gradient,
  // so a loop over T steps (an RNN written by hand) cost O(T²) in backward (50 steps of a
  // [50, 32, 1024] projection: 10 ms of slices and 87 ms of adding them up).
  return scope(() => split(x, 1, d).map((piece) => squeeze(piece, d)));
}

/**
 * Elements shifted by `shifts` along `dims` with wrap-around (PyTorch's roll); without dims, the
 * flattened tensor is rolled and the shape restored.
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  tensorArg('roll', 'input', x);
  const s = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (!s.every(Number.isSafeInteger)) throw new ValueError(`roll: shifts expected integers, got [${s.join(',')}]`);
  if (dims === undefined) {
    if (s.length !== 1) throw new ValueError(`roll: without dims, shifts expected one integer, got [${s.join(',')}]`);
    return scope(() => reshape(roll(reshape(x, [x.numel]), s, 0), x.shape));
  }
  const ds = (typeof dims === 'number' ? [dims] : [...dims]).map((d) => normDim('roll', d, x.shape.length, 'dims'));
  if (ds.length !== s.length) throw new ValueError(`roll: shifts and dims expected the same length, got [${s.join(',')}] and [${ds.join(',')}]`);
  return scope(() => {
    let y = x;
    ds.forEach((d, k) => {
      const n = y.shape[d];
      const by = n === 0 ? 0 : ((s[k] % n) + n) % n;
      if (by !== 0) y = cat([narrow(y, d, n - by, by), narrow(y, d, 0, n - by)], d);
    });
    return y === x ? contiguous(reshape(x, x.shape)) : y;
  });
}

/**
 * The diagonal of the last two dims, offset above (> 0) or below (< 0) the main one (PyTorch's
 * diagonal(x, offset, -2, -1)): each matrix, flattened, holds its diagonal every (cols + 1)
 * elements, so padding it to a whole number of such rows makes the diagonal the first column.
 */
export function diagonal(x: Tensor, offset = 0): Tensor {
  tensorArg('diagonal', 'input', x);
  if (x.shape.length < 2) throw new ShapeError(`diagonal: input expected at least 2 dimensions, got ${fmtShape(x.shape)}`);
  if (!Number.isSafeInteger(offset)) throw new ValueError(`diagonal: offset expected an integer, got ${offset}`);
  const batch = x.shape.slice(0, -2);
  const [rows, cols] = x.shape.slice(-2);
  const first = offset >= 0 ? offset : -offset * cols; // flat position of the diagonal's first element
  const length = Math.max(0, offset >= 0 ? Math.min(rows, cols - offset) : Math.min(rows + offset, cols));
  return scope(() => {
    if (length === 0) return reshape(narrow(reshape(x, [...batch, rows * cols]), -1, 0, 0), [...batch, 0]);
    const flat = narrow(reshape(x, [...batch, rows * cols]), -1, first, rows * cols - first);
    const stride = cols + 1;
    const padded = pad(flat, [0, length * stride - flat.shape[flat.shape.length - 1]].map((p) => Math.max(0, p)));
    const grid = reshape(narrow(padded, -1, 0, length * stride), [...batch, length, stride]);
    return squeeze(narrow(grid, -1, 0, 1), -1);
  });
}

/**
 * PyTorch's diag: a 1-d input becomes a square matrix with it on the diagonal `offset`; a 2-d
 * input gives its diagonal `offset`.
 */
export function diag(x: Tensor, offset = 0): Tensor {
  tensorArg('diag', 'input', x);
  if (x.shape.length === 2) return diagonal(x, offset);
  if (x.shape.length !== 1) throw new ShapeError(`diag: input expected 1 or 2 dimensions, got ${fmtShape(x.shape)}`);
  if (!Number.isSafeInteger(offset)) throw new ValueError(`diag: offset expected an integer, got ${offset}`);
  const n = x.shape[0];
  if (x.dtype === 'bool') return scope(() => cast(diag(cast(x, 'uint8'), offset), 'bool'));
  return scope(() => {
    const square = mul(eye(n, { dtype: x.dtype, device: x.device }), unsqueeze(x, 0)); // x on the diagonal
    // Shift into place: offset > 0 puts it above the main diagonal (columns move right).
    return offset >= 0 ? pad(square, [offset, 0, 0, offset]) : pad(square, [0, -offset, -offset, 0]);
  });
}

/** The sum of a matrix's main diagonal (a 0-d tensor). */
export function trace(x: Tensor): Tensor {
  tensorArg('trace', 'input', x);
  if (x.shape.length !== 2) throw new ShapeError(`trace: input expected a matrix (2 dimensions), got ${fmtShape(x.shape)}`);
  return scope(() => sum(diagonal(x)));
}

/** Matrix product of two matrices, shapes checked strictly (PyTorch's mm; matmul broadcasts). */
export function mm(a: Tensor, b: Tensor): Tensor {
  tensorArg('mm', 'input', a);
  tensorArg('mm', 'mat2', b);
  if (a.shape.length !== 2 || b.shape.length !== 2) throw new ShapeError(`mm: expected two matrices, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

/** Batched matrix product [B,n,m]·[B,m,p] → [B,n,p], shapes checked strictly (PyTorch's bmm). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  tensorArg('bmm', 'input', a);
  tensorArg('bmm', 'mat2', b);
  if (a.shape.length !== 3 || b.shape.length !== 3) throw new ShapeError(`bmm: expected two 3-d tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0]) throw new ShapeError(`bmm: batch sizes differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

export interface AddmmOptions {
  /** The multiplier of input (default 1); 0 ignores input, NaN and infinity in it included. */
  beta?: number;
  /** The multiplier of the product (default 1). */
  alpha?: number;
}

// beta·input + alpha·product, input broadcast to the product's shape (PyTorch's addmm family).
function addProduct(fn: string, input: Tensor, product: () => Tensor, shape: readonly number[], what: string, options: AddmmOptions): Tensor {
  checkOptions(fn, options, ['beta', 'alpha']);
  const { beta = 1, alpha = 1 } = options;
  for (const [name, v] of [['beta', beta], ['alpha', alpha]] as const) {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`${fn}: option '${name}' expected a number, got ${typeof v === 'number' ? v : typeof v}`);
  }
  if (!broadcastsTo(input.shape, shape)) throw new ShapeError(`${fn}: input ${fmtShape(input.shape)} does not broadcast to ${fmtShape(shape)} (${what})`);
  return scope(() => {
    const p = product();
    const scaled = alpha === 1 ? p : mul(p, alpha);
    // beta 0: input is not read (PyTorch's rule), yet it stays in the graph with a zero gradient.
    if (beta === 0) return where(full([], 1, { dtype: 'bool', device: p.device }), scaled, input);
    return add(beta === 1 ? input : mul(input, beta), scaled);
  });
}

const floatOperands = (fn: string, named: [string, Tensor][]): void => {
  for (const [name, t] of named) {
    tensorArg(fn, name, t);
    if (t.dtype !== 'float32') throw new DTypeError(`${fn}: ${name} expected float32, got ${t.dtype}`);
  }
};

/** beta·input + alpha·(mat1 · mat2), input broadcast to [n, p] (PyTorch's addmm). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: AddmmOptions = {}): Tensor {
  floatOperands('addmm', [['input', input], ['mat1', mat1], ['mat2', mat2]]);
  if (mat1.shape.length !== 2 || mat2.shape.length !== 2) throw new ShapeError(`addmm: mat1 and mat2 expected two matrices, got ${fmtShape(mat1.shape)} and ${fmtShape(mat2.shape)}`);
  if (mat1.shape[1] !== mat2.shape[0]) throw new ShapeError(`addmm: mat1 and mat2 cannot be multiplied: inner dimensions ${mat1.shape[1]} and ${mat2.shape[0]} differ (mat1 ${fmtShape(mat1.shape)}, mat2 ${fmtShape(mat2.shape)})`);
  const shape = [mat1.shape[0], mat2.shape[1]];
  return addProduct('addmm', input, () => matmul(mat1, mat2), shape, `the product of mat1 ${fmtShape(mat1.shape)} and mat2 ${fmtShape(mat2.shape)}`, options);
}

/** beta·input + alpha·(batch1 · batch2) for [B,n,m]·[B,m,p], input broadcast to [B,n,p] (PyTorch's baddbmm). */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: AddmmOptions = {}): Tensor {
  floatOperands('baddbmm', [['input', input], ['batch1', batch1], ['batch2', batch2]]);
  if (batch1.shape.length !== 3 || batch2.shape.length !== 3) throw new ShapeError(`baddbmm: batch1 and batch2 expected two 3-d tensors, got ${fmtShape(batch1.shape)} and ${fmtShape(batch2.shape)}`);
  if (batch1.shape[0] !== batch2.shape[0]) throw new ShapeError(`baddbmm: batch sizes differ: batch1 ${fmtShape(batch1.shape)} and batch2 ${fmtShape(batch2.shape)}`);
  if (batch1.shape[2] !== batch2.shape[1]) throw new ShapeError(`baddbmm: batch1 and batch2 cannot be multiplied: inner dimensions ${batch1.shape[2]} and ${batch2.shape[1]} differ (batch1 ${fmtShape(batch1.shape)}, batch2 ${fmtShape(batch2.shape)})`);
  const shape = [batch1.shape[0], batch1.shape[1], batch2.shape[2]];
  return addProduct('baddbmm', input, () => matmul(batch1, batch2), shape, `the product of batch1 ${fmtShape(batch1.shape)} and batch2 ${fmtShape(batch2.shape)}`, options);
}

/**
 * x with the dims `source` moved to the positions `destination`, the other dims keeping their
 * order (PyTorch's movedim / moveaxis; a dense copy, as permute's).
 */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  return moveDims('movedim', x, source, destination);
}

/** NumPy's name for movedim. */
export function moveaxis(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  return moveDims('moveaxis', x, source, destination);
}

function moveDims(fn: string, x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  tensorArg(fn, 'input', x);
  const list = (name: string, v: number | readonly number[]): number[] => {
    if (typeof v !== 'number' && !Array.isArray(v)) throw new ValueError(`${fn}: ${name} expected a dim or a list of dims, got ${v === null ? 'null' : typeof v}`);
    const ds = (typeof v === 'number' ? [v] : [...v]).map((d) => normDim(fn, d, x.shape.length, name));
    if (new Set(ds).size !== ds.length) throw new ValueError(`${fn}: ${name} [${ds.join(',')}] names a dimension twice`);
    return ds;
  };
  const src = list('source', source);
  const dst = list('destination', destination);
  if (src.length !== dst.length) throw new ValueError(`${fn}: source and destination expected the same number of dims, got [${src.join(',')}] and [${dst.join(',')}]`);
  const rank = x.shape.length;
  const order = Array<number>(rank).fill(-1);
  src.forEach((s, k) => (order[dst[k]] = s));
  const rest = [...Array(rank).keys()].filter((d) => !src.includes(d));
  for (let i = 0, r = 0; i < rank; i++) if (order[i] < 0) order[i] = rest[r++];
  return order.every((d, i) => d === i) ? clone(x) : permute(x, order);
}

/** NumPy's name for transpose: x with dims dim0 and dim1 swapped. */
export function swapaxes(x: Tensor, dim0: number, dim1: number): Tensor {
  return swapDims('swapaxes', x, dim0, dim1);
}

/** Another PyTorch name for transpose: x with dims dim0 and dim1 swapped. */
export function swapdims(x: Tensor, dim0: number, dim1: number): Tensor {
  return swapDims('swapdims', x, dim0, dim1);
}

function swapDims(fn: string, x: Tensor, dim0: number, dim1: number): Tensor {
  tensorArg(fn, 'input', x);
  normDim(fn, dim0, x.shape.length, 'dim0');
  normDim(fn, dim1, x.shape.length, 'dim1');
  return transpose(x, dim0, dim1);
}

/**
 * Dim `dim` of x split into `sizes` (their product its size; one may be -1, inferred), the
 * inverse of flatten (PyTorch's unflatten).
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  tensorArg('unflatten', 'input', x);
  const d = normDim('unflatten', dim, x.shape.length);
  if (!Array.isArray(sizes) || sizes.length === 0 || !sizes.every((s) => Number.isSafeInteger(s) && s >= -1)) {
    throw new ValueError(`unflatten: sizes expected a non-empty array of non-negative integers (one may be -1), got ${Array.isArray(sizes) ? `[${sizes.join(',')}]` : sizes === null ? 'null' : typeof sizes}`);
  }
  const n = x.shape.length === 0 ? 1 : x.shape[d];
  const inferred = sizes.filter((s) => s === -1).length;
  if (inferred > 1) throw new ValueError(`unflatten: sizes [${sizes.join(',')}] may hold at most one -1`);
  const known = numelOf(sizes.filter((s) => s !== -1));
  const fits = inferred ? (known === 0 ? n === 0 : n % known === 0) : known === n;
  if (!fits) throw new ShapeError(`unflatten: sizes [${sizes.join(',')}] do not multiply to dim ${d}'s size ${n} (input ${fmtShape(x.shape)})`);
  const resolved = sizes.map((s) => (s === -1 ? (known === 0 ? 0 : n / known) : s));
  return scope(() => {
    const y = reshape(x, [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
    return y === x ? clone(x) : y;
  });
}
