// Functions whose output's shape depends on the values: nonzero, maskedSelect, unique. Like
// PyTorch's, they read the data back; here that is awaited (`await nonzero(x)`), so the event
// loop runs on while the device finishes the work queued before them. What they select is then
// gathered on the device (indexSelect), so maskedSelect's result has a gradient.

import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { tensor } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { cast } from './cast.js';
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
  // Note [unique on typed arrays]: the values sorted by the typed array's own (native, numeric)
  // sort, deduplicated in one walk, then each element's place found by binary search. Sorting
  // an index array with a JS comparator over BigInts took 2.35 s for 1M int64 values (PyTorch
  // 0.47 s) in a user trial. NaNs sort last and each is a value of its own, as PyTorch's: the
  // k-th NaN of the input maps to the k-th NaN entry.
  const data = (await x.data()) as (Float32Array | Int32Array | BigInt64Array | Uint8Array) & ArrayLike<number | bigint>;
  const sorted = data.slice().sort() as typeof data;
  const values: (number | bigint)[] = [];
  const counts: number[] = [];
  let nanFirst = -1;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (typeof v === 'number' && Number.isNaN(v)) {
      if (nanFirst < 0) nanFirst = values.length;
      values.push(v);
      counts.push(1);
    } else if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1]++;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  const distinct = nanFirst < 0 ? values.length : nanFirst;
  // Binary search on doubles: comparing BigInts cost 2.5× as much. int64 values are exact as
  // doubles within ±2^53 (the sorted ends say whether all are); beyond, the BigInts are searched.
  const n = data.length;
  const exact = x.dtype !== 'int64' || n === 0 || (sorted[0] >= -(2n ** 53n) && sorted[n - 1] <= 2n ** 53n);
  const asDoubles = (from: ArrayLike<number | bigint>, length: number): Float64Array => {
    const out = new Float64Array(length); // a loop: TypedArray.from with a mapper is 4× slower on BigInts
    for (let i = 0; i < length; i++) out[i] = Number(from[i]);
    return out;
  };
  const keys: ArrayLike<number | bigint> = x.dtype === 'int64' && exact ? asDoubles(data, n) : data;
  const table: ArrayLike<number | bigint> = x.dtype === 'int64' && exact ? asDoubles(values, distinct) : values;
  const inverse32 = new Int32Array(n);
  let nansSeen = 0;
  for (let i = 0; i < n; i++) {
    const v = keys[i];
    if (v !== v) {
      inverse32[i] = nanFirst + nansSeen++;
      continue;
    }
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (table[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    inverse32[i] = lo;
  }
  const device = x.device;
  const typed = x.dtype === 'int64' ? BigInt64Array.from(values as bigint[]) : (values as number[]);
  return {
    values: tensor(typed as never, { shape: [values.length], dtype: x.dtype, device }),
    inverse: scope(() => cast(tensor(inverse32, { shape: [...x.shape], device }), 'int64')),
    counts: tensor(BigInt64Array.from(counts, BigInt), { shape: [counts.length], device }),
  };
}
