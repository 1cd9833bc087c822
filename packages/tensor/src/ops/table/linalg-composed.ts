// Vector products PyTorch users reach for, composed of declared ops (both devices; gradients from
// their parts): dot, mv, cross (torch.linalg.cross), vecdot (torch.linalg.vecdot).
import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { broadcastShapes, normDim, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { mul, sub } from './binary.js';
import { tensor } from '../../creation.js';
import { indexSelect } from './index-ops.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { expand } from './shape.js';

function sameDType(fn: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw new DTypeError(`${fn}: b expected the dtype of a (${a.dtype}), got ${b.dtype}`);
}

/** The inner product of two 1-D tensors of one length and dtype (torch.dot): a 0-d tensor. */
export function dot(a: Tensor, b: Tensor): Tensor {
  tensorArg('dot', 'a', a);
  tensorArg('dot', 'b', b);
  if (a.shape.length !== 1) throw new ShapeError(`dot: a expected a 1-D tensor, got ${fmtShape(a.shape)}`);
  if (b.shape.length !== 1) throw new ShapeError(`dot: b expected a 1-D tensor, got ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0]) throw new ShapeError(`dot: b expected the length of a (${a.shape[0]}), got ${b.shape[0]}`);
  sameDType('dot', a, b);
  return scope(() => sum(mul(a, b)));
}

/** A matrix [n, m] times a vector [m] (torch.mv): [n]. */
export function mv(A: Tensor, x: Tensor): Tensor {
  tensorArg('mv', 'A', A);
  tensorArg('mv', 'x', x);
  if (A.shape.length !== 2) throw new ShapeError(`mv: A expected a matrix [n, m], got ${fmtShape(A.shape)}`);
  if (x.shape.length !== 1 || x.shape[0] !== A.shape[1]) throw new ShapeError(`mv: x expected a vector [${A.shape[1]}] to match A ${fmtShape(A.shape)}, got ${fmtShape(x.shape)}`);
  sameDType('mv', A, x);
  return matmul(A, x);
}

export interface CrossOptions {
  /** The dimension of length 3 (default -1, as torch.linalg.cross), counted in the broadcast shape. */
  dim?: number;
}

/**
 * The cross product of 3-vectors along `dim` (torch.linalg.cross): a and b broadcast; both must
 * have length 3 there. a × b = a[1,2,0]·b[2,0,1] − a[2,0,1]·b[1,2,0].
 */
export function cross(a: Tensor, b: Tensor, options: CrossOptions = {}): Tensor {
  tensorArg('cross', 'a', a);
  tensorArg('cross', 'b', b);
  checkOptions('cross', options, ['dim']);
  sameDType('cross', a, b);
  const shape = broadcastShapes('cross', a.shape, b.shape);
  const dim = options.dim ?? -1;
  const d = normDim('cross', dim, shape.length);
  const lengthAt = (s: readonly number[]) => s[d - (shape.length - s.length)];
  if (lengthAt(a.shape) !== 3 || lengthAt(b.shape) !== 3) {
    throw new ShapeError(`cross: a and b expected length 3 in dimension ${dim}, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return scope(() => {
    const full = (t: Tensor) => (sameShape(t.shape, shape) ? t : expand(t, shape));
    const x = full(a);
    const y = full(b);
    const at = (order: number[]) => tensor(order, { dtype: 'int64', device: a.device });
    const next = at([1, 2, 0]);
    const last = at([2, 0, 1]);
    return sub(mul(indexSelect(x, d, next), indexSelect(y, d, last)), mul(indexSelect(x, d, last), indexSelect(y, d, next)));
  });
}

export interface VecdotOptions {
  /** The dimension summed over (default -1), counted in the broadcast shape. */
  dim?: number;
}

/** Σ x·y along `dim` of the broadcast shape (torch.linalg.vecdot, real tensors). */
export function vecdot(x: Tensor, y: Tensor, options: VecdotOptions = {}): Tensor {
  tensorArg('vecdot', 'x', x);
  tensorArg('vecdot', 'y', y);
  checkOptions('vecdot', options, ['dim']);
  sameDType('vecdot', x, y);
  const shape = broadcastShapes('vecdot', x.shape, y.shape);
  const d = normDim('vecdot', options.dim ?? -1, shape.length);
  return scope(() => sum(mul(x, y), d));
}
