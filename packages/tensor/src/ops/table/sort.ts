// Ordering: sort (one kernel per backend: a stable sort of each slice along a dim), and what
// composes from it — argsort, topk, kthvalue, median. Order is PyTorch's: NaN above +inf (last
// ascending, first descending), -0 equal to +0, ties in their original order (stable).

import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { normDim } from '../../shape.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, NUMERIC, type GradContext } from '../declare.js';
import { isFloating } from '../../dtype.js';
import { sub, where } from './binary.js';
import { floorDivide } from './binary-math.js';
import { cast } from './cast.js';
import { gt } from './compare.js';
import { isnan } from './composed-ops.js';
import { zeros } from './creation.js';
import { gather, scatterAdd } from './index-ops.js';
import { sum, valuesAndIndices, type ValuesAndIndices } from './reduce.js';
import { narrow, reshape, squeeze } from './shape.js';
import { clamp } from './unary.js';

// n distinct values 0.1 apart, shuffled: the gradient check's nudges never reorder them.
/** @internal */
export const spread = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7919) % n) * 0.1 - n * 0.05);

// Each output element is one input element: the gradient goes back to where it came from (sort,
// topk, cummax, cummin).
/** @internal */
export function scatterBack({ grads: [g], outputs: [, indices], inputMeta: [x], attrs }: GradContext<{ dim: number }>): (Tensor | null)[] {
  return [g ? scatterAdd(zeros(x.shape, { device: g.device }), attrs.dim, indices!, g) : null];
}

type SortAttrs = { dim: number; descending: boolean };

export const sortOp = defineOp<SortAttrs>({
  name: 'sort',
  inputs: [{ name: 'input', dtypes: NUMERIC }],
  attrs: { dim: { kind: 'int', default: -1 }, descending: { kind: 'bool', default: false } },
  outputs: ([x], a) => {
    normDim('sort', a.dim, x.shape.length);
    return [{ shape: [...x.shape], dtype: x.dtype }, { shape: [...x.shape], dtype: 'int64' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { outputs: [1] },
  grad: scatterBack,
  test: {
    samples: [
      { name: 'rows', inputs: [{ shape: [3, 5] }] },
      { name: 'columns-descending', inputs: [{ shape: [4, 3] }], attrs: { dim: 0, descending: true } },
      { name: 'middle', inputs: [{ shape: [2, 4, 3], fill: spread(24) }], attrs: { dim: 1 } },
      { name: 'middle-descending', inputs: [{ shape: [2, 5, 3], fill: spread(30) }], attrs: { dim: -2, descending: true } },
      { name: 'long-rows', inputs: [{ shape: [2, 1500], fill: spread(3000) }] },
      { name: 'ties-stable', inputs: [{ shape: [2, 5], fill: [2, 1, 2, 0, 1, 3, 3, -1, 3, 0], noGrad: true }] },
      { name: 'ties-descending', inputs: [{ shape: [2, 5], fill: [2, 1, 2, 0, 1, 3, 3, -1, 3, 0], noGrad: true }], attrs: { descending: true } },
      { name: 'signed-zero-and-infinity', inputs: [{ shape: [6], fill: [0, -0, Infinity, -Infinity, -0, 1], noGrad: true }] },
      { name: 'nan-last', inputs: [{ shape: [2, 5], fill: [1, NaN, 3, NaN, 0, -Infinity, 2, NaN, Infinity, 2], noGrad: true }] },
      { name: 'nan-first-descending', inputs: [{ shape: [2, 5], fill: [1, NaN, 3, NaN, 0, -Infinity, 2, NaN, Infinity, 2], noGrad: true }], attrs: { descending: true } },
      { name: 'size-one', inputs: [{ shape: [3, 1] }] },
      { name: 'empty', inputs: [{ shape: [0, 4] }] },
      { name: 'scalar', inputs: [{ shape: [] }], attrs: { dim: 0 } },
      { name: 'int64', inputs: [{ shape: [3, 6], dtype: 'int64', fill: 'int:-1000:1000' }], attrs: { descending: true } },
      { name: 'int32', inputs: [{ shape: [4, 3], dtype: 'int32', fill: 'int:-3:3' }], attrs: { dim: 0 } },
      { name: 'uint8', inputs: [{ shape: [2, 7], dtype: 'uint8', fill: 'int:0:256' }] },
    ],
    bad: [
      { name: 'dim out of range', inputs: [{ shape: [2, 3] }], attrs: { dim: 2 }, error: 'ShapeError', message: /^sort: dim 2 is out of range for a tensor of rank 2/ },
      { name: 'bool', inputs: [{ shape: [3], dtype: 'bool', fill: [1, 0, 1] }], error: 'DTypeError', message: /^sort: argument 'input' expected dtype float32 or int32 or int64 or uint8, got bool/ },
    ],
  },
});

type TopkAttrs = { k: number; dim: number; largest: boolean };

/** sort's first k places along `dim` (cpu: a partial sort, O(n log k) per slice). */
export const topkOp = defineOp<TopkAttrs>({
  name: 'topk',
  inputs: [{ name: 'input', dtypes: NUMERIC }],
  attrs: { k: { kind: 'int' }, dim: { kind: 'int', default: -1 }, largest: { kind: 'bool', default: true } },
  outputs: ([x], a) => {
    const d = normDim('topk', a.dim, x.shape.length);
    const n = x.shape.length === 0 ? 1 : x.shape[d];
    if (a.k < 0 || a.k > n) throw new ShapeError(`topk: k ${a.k} is out of range for dim ${d} of size ${n} (input ${fmtShape(x.shape)}; expected 0 to ${n})`);
    const shape = x.shape.length === 0 ? [] : x.shape.map((s, i) => (i === d ? a.k : s));
    return [{ shape, dtype: x.dtype }, { shape: [...shape], dtype: 'int64' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { outputs: [1] },
  grad: scatterBack,
  test: {
    samples: [
      { name: 'rows', inputs: [{ shape: [3, 8], fill: spread(24) }], attrs: { k: 3 } },
      { name: 'smallest-columns', inputs: [{ shape: [5, 3], fill: spread(15) }], attrs: { k: 2, dim: 0, largest: false } },
      { name: 'middle', inputs: [{ shape: [2, 6, 3], fill: spread(36) }], attrs: { k: 4, dim: 1 } },
      { name: 'long-rows', inputs: [{ shape: [2, 1500], fill: spread(3000) }], attrs: { k: 5 } },
      { name: 'all', inputs: [{ shape: [2, 4], fill: spread(8) }], attrs: { k: 4, largest: false } },
      { name: 'none', inputs: [{ shape: [2, 4] }], attrs: { k: 0 } },
      { name: 'ties-and-nan', inputs: [{ shape: [2, 5], fill: [2, NaN, 2, 0, 1, 3, 3, -1, 3, -0], noGrad: true }], attrs: { k: 3 } },
      { name: 'ties-smallest', inputs: [{ shape: [2, 5], fill: [2, NaN, 2, 0, 1, 3, 3, -1, 3, -0], noGrad: true }], attrs: { k: 3, largest: false } },
      { name: 'scalar', inputs: [{ shape: [] }], attrs: { k: 1 } },
      { name: 'empty-batch', inputs: [{ shape: [0, 4] }], attrs: { k: 2 } },
      { name: 'int64', inputs: [{ shape: [3, 6], dtype: 'int64', fill: 'int:-1000:1000' }], attrs: { k: 2 } },
      { name: 'uint8', inputs: [{ shape: [2, 7], dtype: 'uint8', fill: 'int:0:256' }], attrs: { k: 3, largest: false } },
    ],
    bad: [
      { name: 'k too large', inputs: [{ shape: [2, 3] }], attrs: { k: 4 }, error: 'ShapeError', message: /^topk: k 4 is out of range for dim 1 of size 3 \(input \[2,3\]; expected 0 to 3\)$/ },
      { name: 'negative k', inputs: [{ shape: [2, 3] }], attrs: { k: -1, dim: 0 }, error: 'ShapeError', message: /^topk: k -1 is out of range for dim 0 of size 2/ },
      { name: 'dim out of range', inputs: [{ shape: [2, 3] }], attrs: { k: 1, dim: -3 }, error: 'ShapeError', message: /^topk: dim -3 is out of range for a tensor of rank 2/ },
    ],
  },
});

export interface SortOptions {
  /** The dimension to sort along (default -1, the last). */
  dim?: number;
  /** Largest first (default false: smallest first). */
  descending?: boolean;
  /** Accepted for PyTorch's signature: the sort is always stable. */
  stable?: boolean;
}

const SORT_KEYS = ['dim', 'descending', 'stable'] as const;

function sortOptions(fn: string, arg: SortOptions | number | undefined): { dim: number; descending: boolean } {
  if (arg === undefined || arg === null) return { dim: -1, descending: false };
  if (typeof arg === 'number') return { dim: arg, descending: false };
  if (typeof arg !== 'object' || Array.isArray(arg)) throw new ValueError(`${fn}: expected a dim or an options object, got ${Array.isArray(arg) ? 'an array' : typeof arg}`);
  checkOptions(fn, arg, SORT_KEYS);
  return { dim: arg.dim ?? -1, descending: arg.descending ?? false };
}

/**
 * Sorts along `dim` (default the last), smallest first unless `descending`; stable, so equal
 * elements keep their order. NaN sorts above +inf. Gradients flow to the elements' old places.
 */
export function sort(x: Tensor, options?: SortOptions | number): ValuesAndIndices {
  const o = sortOptions('sort', options);
  if ((x as Tensor | undefined)?.isTensor && x.dtype === 'bool') {
    // false before true, as PyTorch sorts bools: through uint8, which the kernels sort.
    return scope(() => {
      const [values, indices] = apply(sortOp, [cast(x, 'uint8')], o);
      return valuesAndIndices(cast(values, 'bool'), indices);
    });
  }
  const [values, indices] = apply(sortOp, [x], o);
  return valuesAndIndices(values, indices);
}

/** The indices (int64) that sort `x` along `dim` (PyTorch's argsort; stable). */
export function argsort(x: Tensor, options?: SortOptions | number): Tensor {
  const { values, indices } = sort(x, options);
  values.dispose();
  return indices;
}

export interface TopkOptions {
  /** The dimension to select along (default -1, the last). */
  dim?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Accepted for PyTorch's signature; the result is always sorted (largest first when `largest`). */
  sorted?: boolean;
}

const TOPK_KEYS = ['dim', 'largest', 'sorted'] as const;

function sizeAlong(fn: string, x: Tensor, dim: number): { d: number; n: number } {
  const d = normDim(fn, dim, x.shape.length);
  return { d, n: x.shape.length === 0 ? 1 : x.shape[d] };
}

function checkCount(fn: string, name: string, k: unknown, lo: number, n: number, x: Tensor, d: number): asserts k is number {
  if (typeof k !== 'number' || !Number.isInteger(k)) throw new ValueError(`${fn}: ${name} expected an integer, got ${typeof k === 'number' ? k : typeof k}`);
  if (k < lo || k > n) {
    throw new ShapeError(`${fn}: ${name} ${k} is out of range for dim ${d} of size ${n} (input ${fmtShape(x.shape)}; expected ${lo} to ${n})`);
  }
}

/**
 * The k largest (or smallest) elements along `dim` with their indices, in order; ties keep their
 * input order. tfjs's topk, PyTorch's torch.topk.
 */
export function topk(x: Tensor, k: number, dimOrOptions: TopkOptions | number = {}): ValuesAndIndices {
  // A number is PyTorch's positional dim: torch.topk(x, k, 1).
  const options = typeof dimOrOptions === 'number' ? { dim: dimOrOptions } : dimOrOptions;
  checkOptions('topk', options, TOPK_KEYS);
  if (!Number.isInteger(k)) throw new ValueError(`topk: k expected an integer, got ${typeof k === 'number' ? k : typeof k}`);
  const [values, indices] = apply(topkOp, [x], { k, dim: options.dim ?? -1, largest: options.largest ?? true });
  return valuesAndIndices(values, indices);
}

function pickAlong(x: Tensor, d: number, position: number, keepdim: boolean): ValuesAndIndices {
  return scope(() => {
    const { values, indices } = sort(x, d);
    if (x.shape.length === 0) return valuesAndIndices(values, indices);
    const pick = (t: Tensor) => (keepdim ? narrow(t, d, position, 1) : squeeze(narrow(t, d, position, 1), d));
    return valuesAndIndices(pick(values), pick(indices));
  });
}

export interface KthvalueOptions {
  /** The dimension to select along (default -1, the last). */
  dim?: number;
  keepdim?: boolean;
}

/** The k-th smallest element (k counts from 1) along `dim` and its index (PyTorch's kthvalue). */
export function kthvalue(x: Tensor, k: number, options: KthvalueOptions = {}): ValuesAndIndices {
  checkOptions('kthvalue', options, ['dim', 'keepdim']);
  const { d, n } = sizeAlong('kthvalue', x, options.dim ?? -1);
  checkCount('kthvalue', 'k', k, 1, n, x, d);
  return pickAlong(x, d, k - 1, options.keepdim ?? false);
}

/**
 * The lower median along `dim` with its index (PyTorch's median(dim)): a slice holding NaN has
 * median NaN, at its first NaN. Without a dim: the median of all elements, a 0-d tensor.
 */
export function median(x: Tensor, options?: { keepdim?: boolean }): Tensor;
export function median(x: Tensor, options: number | (KthvalueOptions & { dim: number })): ValuesAndIndices;
export function median(x: Tensor, options?: number | KthvalueOptions): Tensor | ValuesAndIndices {
  return medianOf('median', x, options, false);
}

/**
 * The lower median along `dim` of the values that are not NaN, with its index (PyTorch's
 * nanmedian): a slice of NaN only gives NaN. Without a dim: of all elements, a 0-d tensor.
 */
export function nanmedian(x: Tensor, options?: { keepdim?: boolean }): Tensor;
export function nanmedian(x: Tensor, options: number | (KthvalueOptions & { dim: number })): ValuesAndIndices;
export function nanmedian(x: Tensor, options?: number | KthvalueOptions): Tensor | ValuesAndIndices {
  return medianOf('nanmedian', x, options, true);
}

function medianOf(fn: string, x: Tensor, options: number | KthvalueOptions | undefined, skipNan: boolean): Tensor | ValuesAndIndices {
  const o = typeof options === 'number' ? { dim: options } : (options ?? {});
  checkOptions(fn, o, ['dim', 'keepdim']);
  if (o.dim === undefined) {
    if (x.numel === 0) throw new ValueError(`${fn}: cannot take the median of an empty tensor ${fmtShape(x.shape)}`);
    return scope(() => {
      const m = medianAlong(reshape(x, [x.numel]), 0, false, skipNan).values;
      return o.keepdim ? reshape(m, x.shape.map(() => 1)) : m;
    });
  }
  const { d, n } = sizeAlong(fn, x, o.dim);
  if (n === 0) throw new ValueError(`${fn}: cannot take the median of dim ${d} of size 0 (input ${fmtShape(x.shape)})`);
  return medianAlong(x, d, o.keepdim ?? false, skipNan);
}

/** median's (a NaN in a slice is its median) or, skipping NaN, nanmedian's. */
function medianAlong(x: Tensor, d: number, keepdim: boolean, skipNan = false): ValuesAndIndices {
  if (!isFloating(x.dtype)) return pickAlong(x, d, ((x.shape[d] ?? 1) - 1) >> 1, keepdim);
  if (x.shape.length === 0) return sort(x, 0);
  const n = x.shape[d];
  return scope(() => {
    const { values, indices } = sort(x, d);
    // NaN sorts last and stably: a slice's first NaN is at n − (its NaN count), and its other
    // values take the places before it.
    const nans = sum(cast(isnan(x), 'int64'), { dim: d, keepdim: true });
    const at = skipNan
      ? floorDivide(clamp(sub(sub(n, nans), 1), { min: 0 }), 2)
      : where(gt(nans, 0), sub(n, nans), (n - 1) >> 1);
    const pick = (t: Tensor) => (keepdim ? gather(t, d, at) : squeeze(gather(t, d, at), d));
    return valuesAndIndices(pick(values), pick(indices));
  });
}
