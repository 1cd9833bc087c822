// Picking and rearranging, composed of declared ops (both devices, gradients from the parts):
// select, unbind, roll, diagonal, diag, trace, and PyTorch's strict matrix products mm and bmm.

import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { normDim } from '../../shape.js';
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { mul } from './binary.js';
import { cast } from './cast.js';
import { eye } from './creation.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { cat, contiguous, narrow, pad, reshape, squeeze, unsqueeze } from './shape.js';
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
  return scope(() => Array.from({ length: x.shape[d] }, (_, i) => squeeze(narrow(x, d, i, 1), d)));
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
