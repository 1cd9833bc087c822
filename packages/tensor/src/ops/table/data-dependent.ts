// Functions whose output's shape depends on the values: nonzero, maskedSelect, unique (of values
// or, with `dim`, of slices), uniqueConsecutive. Like
// PyTorch's, they read the data back; here that is awaited (`await nonzero(x)`), so the event
// loop runs on while the device finishes the work queued before them. What they select is then
// gathered on the device (indexSelect), so maskedSelect's result has a gradient.

import { noGrad } from '../../autograd/grad-mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { tensor } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { cast } from './cast.js';
import { gather, indexSelect, scatterAdd } from './index-ops.js';
import { ones, zeros } from './creation.js';
import { ne } from './compare.js';
import { sub } from './binary.js';
import { cumsum } from './scan.js';
import { sort } from './sort.js';
import { cat, expand, narrow, reshape } from './shape.js';
import { tensorArg } from '../check-args.js';
import { broadcastsTo, normDim } from '../../shape.js';


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
  /** Accepted for PyTorch's signature: `inverse` is always in the result. */
  returnInverse?: boolean;
  /** Accepted for PyTorch's signature: `counts` is always in the result. */
  returnCounts?: boolean;
  /**
   * The distinct slices along `dim` instead of the distinct values (torch.unique(x, dim=1): the
   * distinct columns of an edge list [2, E]), sorted lexicographically; default: the values of x
   * flattened.
   */
  dim?: number | null;
}

export interface UniqueResult {
  /**
   * The distinct values, ascending (NaN last, each NaN its own value, as PyTorch); with `dim`, x's
   * distinct slices along dim, in lexicographic order (x's shape with dim's size their number).
   */
  values: Tensor;
  /** For each element of x (x's shape), the index of its value in `values` (int64); with `dim`, one per slice ([x.shape[dim]]). */
  inverse: Tensor;
  /** How often each value (slice) occurs (int64). */
  counts: Tensor;
}

const UNIQUE_KEYS = ['sorted', 'returnInverse', 'returnCounts', 'dim'];

/** `dim` of unique / uniqueConsecutive, normalised; null where absent. */
function uniqueDim(fn: string, x: Tensor, dim: unknown): number | null {
  if (dim === undefined || dim === null) return null;
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new ValueError(`${fn}: option 'dim' expected an integer or null, got ${JSON.stringify(dim)}`);
  return normDim(fn, dim, x.shape.length);
}

function flagOptions(fn: string, options: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const v = options[name];
    if (v !== undefined && typeof v !== 'boolean') throw new ValueError(`${fn}: option '${name}' expected true or false, got ${JSON.stringify(v)}`);
  }
}

/**
 * The distinct values of x (flattened), with the inverse map and the counts (torch.unique with
 * return_inverse and return_counts); with `dim`, the distinct slices along dim (torch.unique(x,
 * dim=d)). Not differentiable (PyTorch's is not either).
 */
export async function unique(x: Tensor, options: UniqueOptions = {}): Promise<UniqueResult> {
  tensorArg('unique', 'input', x);
  checkOptions('unique', options, UNIQUE_KEYS);
  flagOptions('unique', options as Record<string, unknown>, ['sorted', 'returnInverse', 'returnCounts']);
  const dim = uniqueDim('unique', x, options.dim);
  if (dim !== null) return uniqueSlices(x, dim);
  return uniqueValues(x);
}

/*
 * Note [unique by sorting on the device]: the values are sorted by the sort op (stable, NaN
 * last), each one that differs from the one before it starts a group (a NaN never equals
 * anything, so each NaN is a group of its own, as in PyTorch), and a running count of group
 * starts numbers the groups. Only the number of groups is read back (its size is the result's):
 * the sort, the counts (a scatterAdd of ones), the first value of each group (a gather) and the
 * inverse map (the group numbers scattered back through the sort's order) stay queued ops. The
 * values were read back and sorted in JavaScript before: 100k int64 values took 54 ms of the
 * JS thread (PyTorch 3.7 ms) in a user trial.
 */
async function uniqueValues(x: Tensor): Promise<UniqueResult> {
  const n = x.numel;
  const device = x.device;
  const int64 = { dtype: 'int64' as const, device };
  if (n === 0) return { values: zeros([0], { dtype: x.dtype, device }), inverse: zeros([...x.shape], int64), counts: zeros([0], int64) };
  const [sorted, order, group, last] = scope(() => {
    // bool is not ordered for the sort op; as uint8 it is (false, true).
    const flat = reshape(x.dtype === 'bool' ? cast(x, 'uint8') : x, [n]);
    const { values, indices } = sort(flat);
    const starts = cat([ones([1], { dtype: 'bool', device }), ne(narrow(values, 0, 1, n - 1), narrow(values, 0, 0, n - 1))]);
    const groups = sub(cumsum(cast(starts, 'int64'), 0), 1);
    return [values, indices, groups, narrow(groups, 0, n - 1, 1)];
  });
  try {
    const distinct = Number(await last.item()) + 1;
    return scope(() => {
      const counts = scatterAdd(zeros([distinct], int64), 0, group, ones([n], int64));
      const first = sub(cumsum(counts, 0), counts);
      const values = gather(sorted, 0, first);
      const inverse = reshape(scatterAdd(zeros([n], int64), 0, order, group), x.shape);
      return { values: x.dtype === 'bool' ? cast(values, 'bool') : values, inverse, counts };
    });
  } finally {
    for (const t of [sorted, order, group, last]) t.dispose();
  }
}

type ValueArray = (Float32Array | Int32Array | BigInt64Array | Uint8Array) & ArrayLike<number | bigint>;

/** x's layout around `dim`: before (the product of the sizes before it), n (its size), after. */
function sliceLayout(x: Tensor, dim: number): { before: number; n: number; after: number } {
  const before = x.shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const after = x.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  return { before, n: x.shape[dim], after };
}

/** Element p (of before·after) of every slice along dim: data[(a·n + s)·after + b] for p = a·after + b. */
function column(data: ValueArray, p: number, before: number, n: number, after: number): ValueArray {
  const a = Math.floor(p / after);
  const b = p - a * after;
  const out = new (data.constructor as new (length: number) => ValueArray)(n);
  for (let s = 0, at = a * n * after + b; s < n; s++, at += after) out[s] = data[at];
  return out;
}

/**
 * Dense ranks of `keys`: 0 … count − 1 in ascending order, equal keys one rank; each NaN a rank of
 * its own above every number, in order of appearance (NaN equals nothing, as in PyTorch's unique).
 */
function denseRanks(keys: ValueArray | Float64Array): { ranks: Float64Array; count: number } {
  const sorted = keys.slice().sort() as typeof keys;
  const table: (number | bigint)[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (v !== v) break; // NaNs sort last
    if (table.length === 0 || table[table.length - 1] !== v) table.push(v);
  }
  const ranks = new Float64Array(keys.length);
  let next = table.length;
  for (let i = 0; i < keys.length; i++) {
    const v = keys[i];
    if (v !== v) {
      ranks[i] = next++;
      continue;
    }
    let lo = 0;
    let hi = table.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (table[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    ranks[i] = lo;
  }
  return { ranks, count: next };
}

/** The inverse, values and counts tensors from each slice's index (`inverse`, n of them) among `count` distinct ones. */
function slicesResult(x: Tensor, dim: number, inverse: Float64Array, count: number): UniqueResult {
  const device = x.device;
  const first = new Int32Array(count).fill(-1);
  const counts = new BigInt64Array(count);
  for (let s = 0; s < inverse.length; s++) {
    const r = inverse[s];
    if (first[r] < 0) first[r] = s;
    counts[r]++;
  }
  return scope(() => ({
    values: noGrad(() => indexSelect(x, dim, cast(tensor(first, { shape: [count], device }), 'int64'))),
    inverse: cast(tensor(Int32Array.from(inverse), { shape: [inverse.length], device }), 'int64'),
    counts: tensor(counts, { shape: [count], device }),
  }));
}

/** Refuses slices with no elements, where some other dim is 0 (PyTorch refuses them too). */
function checkSlices(fn: string, x: Tensor, dim: number, before: number, after: number): void {
  if (x.shape[dim] > 0 && before * after === 0) {
    throw new ShapeError(`${fn}: the slices along dim ${dim} of shape ${fmtShape(x.shape)} are empty (a size 0 outside dim), so they cannot be compared`);
  }
}

/*
 * Note [unique slices]: torch.unique(x, dim=d) sorts x's slices along d lexicographically. Here
 * each slice gets a dense rank by its first element (the typed array's own numeric sort and a
 * binary search, on the JS thread); then, element by element, the pair (rank so far,
 * rank of the next element) is ranked again, read as the double rank·count + next (below 2^53
 * for fewer than 9·10^7 slices). After the last element the rank is the slice's index among the
 * distinct slices in lexicographic order: the inverse. Once every slice has a rank of its own the
 * rest cannot change the order, and the walk stops. An element that is NaN equals nothing, so its
 * slice is distinct from every other (PyTorch's, too) and sorts after those sharing its prefix.
 * The values are x's slices at each rank's first occurrence (indexSelect).
 */
async function uniqueSlices(x: Tensor, dim: number): Promise<UniqueResult> {
  const { before, n, after } = sliceLayout(x, dim);
  checkSlices('unique', x, dim, before, after);
  const data = (await x.data()) as ValueArray;
  const width = before * after;
  let { ranks, count } = n === 0 ? { ranks: new Float64Array(0), count: 0 } : denseRanks(column(data, 0, before, n, after));
  for (let p = 1; p < width && count < n; p++) {
    const next = denseRanks(column(data, p, before, n, after));
    const keys = new Float64Array(n);
    for (let s = 0; s < n; s++) keys[s] = ranks[s] * next.count + next.ranks[s];
    ({ ranks, count } = denseRanks(keys));
  }
  return slicesResult(x, dim, ranks, count);
}

export interface UniqueConsecutiveOptions {
  /** Accepted for PyTorch's signature: `inverse` is always in the result. */
  returnInverse?: boolean;
  /** Accepted for PyTorch's signature: `counts` is always in the result. */
  returnCounts?: boolean;
  /** Runs of equal slices along `dim` instead of runs of equal values of x flattened (the default). */
  dim?: number | null;
}

/**
 * torch.unique_consecutive: the first value of every run of equal consecutive values of x
 * (flattened), with the inverse map (x's shape: each element's run) and the run lengths; with
 * `dim`, runs of equal slices along dim (inverse [x.shape[dim]]). NaN equals nothing, so each NaN
 * is a run of its own, as PyTorch's. Async as unique (the number of runs depends on the values);
 * not differentiable (PyTorch's is not either).
 */
export async function uniqueConsecutive(x: Tensor, options: UniqueConsecutiveOptions = {}): Promise<UniqueResult> {
  const fn = 'uniqueConsecutive';
  tensorArg(fn, 'input', x);
  checkOptions(fn, options, ['returnInverse', 'returnCounts', 'dim']);
  flagOptions(fn, options as Record<string, unknown>, ['returnInverse', 'returnCounts']);
  const dim = uniqueDim(fn, x, options.dim);
  const flat = dim === null;
  const { before, n, after } = flat ? { before: 1, n: x.numel, after: 1 } : sliceLayout(x, dim);
  if (!flat) checkSlices(fn, x, dim, before, after);
  const data = (await x.data()) as ValueArray;
  const inverse = new Float64Array(n);
  let count = n > 0 ? 1 : 0;
  for (let s = 1; s < n; s++) {
    let same = true;
    for (let a = 0; a < before && same; a++) {
      for (let b = 0, at = (a * n + s) * after; b < after; b++, at++) {
        if (data[at] !== data[at - after]) {
          same = false;
          break;
        }
      }
    }
    if (!same) count++;
    inverse[s] = count - 1;
  }
  if (!flat) return slicesResult(x, dim, inverse, count);
  return scope(() => {
    const r = slicesResult(x.shape.length === 1 ? x : reshape(x, [n]), 0, inverse, count);
    return x.shape.length === 1 ? r : { ...r, inverse: reshape(r.inverse, x.shape) };
  });
}
