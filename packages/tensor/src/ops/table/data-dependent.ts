// Functions whose output's shape depends on the values: nonzero, maskedSelect, unique. Like
// PyTorch's, they read the data back; here that is awaited (`await nonzero(x)`), so the event
// loop runs on while the device finishes the work queued before them. What they select is then
// gathered on the device (indexSelect), so maskedSelect's result has a gradient.

import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { tensor } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { indexSelect } from './index-ops.js';
import { expand, reshape } from './shape.js';
import { tensorArg } from '../check-args.js';
import { broadcastsTo } from '../../shape.js';


/** The flat positions of x's nonzero (true) elements, in order. */
async function nonzeroPositions(x: Tensor): Promise<number[]> {
  const values = (await x.data()) as ArrayLike<number | bigint>;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && values[i] !== 0n) out.push(i);
  return out;
}

/** The indices (int64 [count, rank]) of x's nonzero elements, in row-major order (torch.nonzero). */
export async function nonzero(x: Tensor): Promise<Tensor> {
  tensorArg('nonzero', 'input', x);
  const positions = await nonzeroPositions(x);
  const rank = x.shape.length;
  const out = new BigInt64Array(positions.length * rank);
  positions.forEach((p, k) => {
    for (let d = rank - 1; d >= 0; d--) {
      out[k * rank + d] = BigInt(p % x.shape[d]);
      p = Math.floor(p / x.shape[d]);
    }
  });
  return tensor(out, { shape: [positions.length, rank], device: x.device });
}

/** The elements of x where mask (bool, broadcast to x's shape) is true, as a 1-d tensor (torch.masked_select); differentiable. */
export async function maskedSelect(x: Tensor, mask: Tensor): Promise<Tensor> {
  tensorArg('maskedSelect', 'input', x);
  tensorArg('maskedSelect', 'mask', mask);
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedSelect: mask expected bool, got ${mask.dtype}`);
  const full = mask.shape.length === x.shape.length && mask.shape.every((d, i) => d === x.shape[i]);
  if (!broadcastsTo(mask.shape, x.shape)) {
    throw new ShapeError(`maskedSelect: mask ${fmtShape(mask.shape)} does not broadcast to the input's shape ${fmtShape(x.shape)}`);
  }
  const spread = full ? mask : scope(() => expand(mask, x.shape));
  let positions: number[];
  try {
    positions = await nonzeroPositions(spread);
  } finally {
    if (spread !== mask) spread.dispose();
  }
  return scope(() => indexSelect(reshape(x, [x.numel]), 0, tensor(BigInt64Array.from(positions, BigInt), { device: x.device })));
}

export interface UniqueOptions {
  /** Accepted for PyTorch's signature: the values are always sorted. */
  sorted?: boolean;
}

export interface UniqueResult {
  /** The distinct values, ascending (NaN last, each NaN its own value, as PyTorch). */
  values: Tensor;
  /** For each element of x (x's shape), the index of its value in `values` (int64). */
  inverse: Tensor;
  /** How often each value occurs (int64). */
  counts: Tensor;
}

/** The distinct values of x (flattened), with the inverse map and the counts (torch.unique with return_inverse and return_counts). */
export async function unique(x: Tensor, options: UniqueOptions = {}): Promise<UniqueResult> {
  tensorArg('unique', 'input', x);
  checkOptions('unique', options, ['sorted']);
  const data = (await x.data()) as ArrayLike<number | bigint>;
  const order = Array.from({ length: data.length }, (_, i) => i);
  const key = (v: number | bigint) => (typeof v === 'number' && Number.isNaN(v) ? Infinity : v);
  order.sort((a, b) => {
    const va = data[a], vb = data[b];
    const na = typeof va === 'number' && Number.isNaN(va), nb = typeof vb === 'number' && Number.isNaN(vb);
    if (na || nb) return na === nb ? a - b : na ? 1 : -1;
    return key(va) < key(vb) ? -1 : key(va) > key(vb) ? 1 : a - b;
  });
  const values: (number | bigint)[] = [];
  const counts: number[] = [];
  const inverse = new BigInt64Array(data.length);
  for (const i of order) {
    const v = data[i];
    const same = values.length > 0 && values[values.length - 1] === v; // NaN !== NaN: each its own
    if (!same) {
      values.push(v);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[i] = BigInt(values.length - 1);
  }
  const device = x.device;
  const typed = x.dtype === 'int64' ? BigInt64Array.from(values as bigint[]) : (values as number[]);
  return {
    values: tensor(typed as never, { shape: [values.length], dtype: x.dtype, device }),
    inverse: tensor(inverse, { shape: [...x.shape], device }),
    counts: tensor(BigInt64Array.from(counts, BigInt), { shape: [counts.length], device }),
  };
}
