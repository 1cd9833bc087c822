// Sequence and order statistics PyTorch users reach for in time-series work, composed of declared
// ops (both devices; the differentiable ones get their gradients from their parts): unfold
// (sliding windows as one indexSelect), diff, quantile and nanquantile (on sort), nansum and
// nanmean, searchsorted and bucketize (values and boundaries sorted together, Note [counting by sorting]).

import { isFloating, isIntegral } from '../../dtype.js';
import { DeviceError, DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { tensor } from '../../creation.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { normDim, normDims, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { markViewCopy } from '../../view-copies.js';
import { tensorArg } from '../check-args.js';
import { add, div, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { le, lt, logicalNot, ne } from './compare.js';
import { any, clone, isnan } from './composed-ops.js';
import { movedim } from './composed-shape.js';
import { arange } from './creation.js';
import { gather, indexSelect } from './index-ops.js';
import { sum, type ReduceArg, type ReduceOptions } from './reduce.js';
import { cat, narrow, permute, reshape, squeeze, unsqueeze } from './shape.js';
import { sort } from './sort.js';
import { countBelow } from './count-below.js';
import { abs, ceil, floor, round } from './unary.js';

const describe = (v: unknown): string =>
  v === null ? 'null' : v === undefined ? 'none' : Array.isArray(v) ? 'an array' : (v as Tensor).isTensor ? 'a Tensor' : typeof v === 'number' ? String(v) : typeof v === 'string' ? `string '${v}'` : typeof v;

function integerArg(fn: string, name: string, v: unknown, least: number, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < least) throw new ValueError(`${fn}: ${name} expected ${what}, got ${describe(v)}`);
  return v;
}

function booleanOption(fn: string, name: string, v: unknown): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') throw new ValueError(`${fn}: option '${name}' expected a boolean, got ${describe(v)}`);
  return v;
}

// ---- unfold ----

/**
 * Every window of `size` elements along `dim`, `step` apart (PyTorch's Tensor.unfold): dim `dim`
 * becomes the floor((n − size)/step) + 1 windows and a new last dim holds each window. One
 * indexSelect with the windows' positions (start·step + offset, from two aranges) reads them all,
 * so the gradient is indexSelect's, overlapping windows adding up. PyTorch returns a view; this is
 * a copy, marked so that in-place writes into it are refused (Note [copies of views]).
 */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  tensorArg('unfold', 'input', x);
  const d = normDim('unfold', dim, x.ndim);
  integerArg('unfold', 'size', size, 0, 'a non-negative integer');
  integerArg('unfold', 'step', step, 1, 'a positive integer');
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (size > n) throw new ShapeError(`unfold: size ${size} is larger than dim ${d} of size ${n} (input ${fmtShape(x.shape)})`);
  const y = scope(() => {
    const int64 = { dtype: 'int64' as const, device: x.device };
    // A 0-d input has one element: its windows are [size], as PyTorch's.
    if (x.ndim === 0) return indexSelect(reshape(x, [1]), 0, arange(size, int64));
    const windows = Math.floor((n - size) / step) + 1;
    const starts = unsqueeze(mul(arange(windows, int64), step), 1);
    const positions = reshape(add(starts, unsqueeze(arange(size, int64), 0)), [windows * size]);
    const picked = indexSelect(x, d, positions);
    const split = reshape(picked, [...x.shape.slice(0, d), windows, size, ...x.shape.slice(d + 1)]);
    if (d === x.ndim - 1) return split;
    // The window's own dim goes last: [..., windows, size, rest...] → [..., windows, rest..., size].
    const order = [...Array(x.ndim + 1).keys()].filter((i) => i !== d + 1);
    return permute(split, [...order, d + 1]);
  });
  markViewCopy(y);
  return y;
}

// ---- diff ----

export interface DiffOptions {
  /** How many times to difference (default 1; 0 gives the input). */
  n?: number;
  /** The dimension to difference along (default -1, the last). */
  dim?: number;
  /** Put before the input along dim first: same rank, same sizes in the other dims. */
  prepend?: Tensor | null;
  /** Put after the input along dim first. */
  append?: Tensor | null;
}

/**
 * The n-th forward difference along `dim`, out[i] = x[i + 1] − x[i] repeated n times, after
 * joining prepend and append (PyTorch's torch.diff); bool inputs differ by xor. Dim `dim` shrinks
 * by n (to 0 when n exceeds it). Gradients reach input, prepend and append.
 */
export function diff(x: Tensor, options: DiffOptions = {}): Tensor {
  tensorArg('diff', 'input', x);
  checkOptions('diff', options, ['n', 'dim', 'prepend', 'append']);
  if (x.ndim === 0) throw new ShapeError('diff: input expected at least 1 dimension, got a 0-d tensor');
  const n = integerArg('diff', "option 'n'", options.n ?? 1, 0, 'a non-negative integer');
  const d = normDim('diff', options.dim ?? -1, x.ndim);
  const joined: Tensor[] = [x];
  for (const name of ['prepend', 'append'] as const) {
    const t = options[name];
    if (t === undefined || t === null) continue;
    if (!(t as Tensor | null)?.isTensor) throw new ValueError(`diff: option '${name}' expected a tensor, got ${describe(t)}`);
    if (t.ndim !== x.ndim) throw new ShapeError(`diff: option '${name}' expected ${x.ndim} dimensions as input has, got shape ${fmtShape(t.shape)} (input ${fmtShape(x.shape)})`);
    const k = t.shape.findIndex((s, i) => i !== d && s !== x.shape[i]);
    if (k >= 0) throw new ShapeError(`diff: option '${name}' expected input's sizes except in dim ${d}, got ${fmtShape(t.shape)} (input ${fmtShape(x.shape)}; they differ in dim ${k})`);
    if (name === 'prepend') joined.unshift(t);
    else joined.push(t);
  }
  if (n === 0) return clone(x);
  return scope(() => {
    let y = joined.length === 1 ? x : cat(joined, d);
    const differ = y.dtype === 'bool' ? ne : sub;
    for (let k = 0; k < n; k++) {
      const len = y.shape[d];
      if (len <= 1) return narrow(y, d, 0, 0); // nothing left to difference: empty along dim
      y = differ(narrow(y, d, 1, len - 1), narrow(y, d, 0, len - 1));
    }
    return y;
  });
}

// ---- nansum, nanmean ----

/** A reduction's dims and keepdim from its argument, as sum takes them, checked under `fn`'s name. */
function nanReduceArg(fn: string, x: Tensor, arg: ReduceArg | undefined | null): { dim: number[]; keepdim: boolean } {
  if (arg === undefined || arg === null) return { dim: [], keepdim: false };
  let o: ReduceOptions;
  if (typeof arg === 'number' || Array.isArray(arg)) o = { dim: arg as number | readonly number[] };
  else if (typeof arg !== 'object' || (arg as unknown as Tensor).isTensor) throw new ValueError(`${fn}: expected a dim, a list of dims or an options object, got ${describe(arg)}`);
  else {
    checkOptions(fn, arg, ['dim', 'keepdim']);
    o = arg as ReduceOptions;
  }
  const list = o.dim === undefined ? [] : typeof o.dim === 'number' ? [o.dim] : [...o.dim];
  normDims(fn, list, x.ndim);
  return { dim: list, keepdim: booleanOption(fn, 'keepdim', o.keepdim) ?? false };
}

/**
 * The sum over `dim` (a dim, a list, all when omitted; or { dim, keepdim }) counting NaN as 0
 * (PyTorch's nansum). Integer and bool inputs hold no NaN: their sum, in int64. The gradient is 0
 * at NaN.
 */
export function nansum(x: Tensor, dims?: ReduceArg): Tensor {
  tensorArg('nansum', 'input', x);
  const o = nanReduceArg('nansum', x, dims);
  if (!isFloating(x.dtype)) return sum(x, o);
  return scope(() => sum(where(isnan(x), 0, x), o));
}

/**
 * The mean over `dim` of the elements that are not NaN (PyTorch's nanmean): nansum divided by
 * their count, NaN where there are none. float32 only.
 */
export function nanmean(x: Tensor, dims?: ReduceArg): Tensor {
  tensorArg('nanmean', 'input', x);
  if (!isFloating(x.dtype)) throw new DTypeError(`nanmean: input expected float32, got ${x.dtype}`);
  const o = nanReduceArg('nanmean', x, dims);
  return scope(() => {
    const missing = isnan(x);
    const count = cast(sum(logicalNot(missing), o), 'float32');
    return div(sum(where(missing, 0, x), o), count);
  });
}

// ---- quantile, nanquantile ----

export type QuantileInterpolation = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';
const INTERPOLATIONS: readonly QuantileInterpolation[] = ['linear', 'lower', 'higher', 'midpoint', 'nearest'];

export interface QuantileOptions {
  /** The dimension to reduce; all elements (flattened) when omitted. */
  dim?: number;
  keepdim?: boolean;
  /** Between the two nearest elements (default 'linear'), or the lower, higher, midpoint or nearest (halves to even). */
  interpolation?: QuantileInterpolation;
}

/** q as a float32 tensor of [nq] on `device`, and whether it was a single number (a 0-d q). */
function quantileQ(fn: string, q: unknown, x: Tensor): { q: Tensor; scalar: boolean } {
  const inRange = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
  if (typeof q === 'number') {
    if (!inRange(q)) throw new ValueError(`${fn}: q expected a number in [0, 1], got ${q}`);
    return { q: tensor([q], { device: x.device }), scalar: true };
  }
  if (Array.isArray(q)) {
    const bad = q.findIndex((v) => !inRange(v));
    if (bad >= 0) throw new ValueError(`${fn}: q[${bad}] expected a number in [0, 1], got ${describe(q[bad])}`);
    return { q: tensor(q as number[], { shape: [q.length], device: x.device }), scalar: false };
  }
  if (!(q as Tensor | null)?.isTensor) throw new ValueError(`${fn}: q expected a number, an array of numbers or a tensor, got ${describe(q)}`);
  const t = q as Tensor;
  if (t.ndim > 1) throw new ShapeError(`${fn}: q expected a number or a 0-d or 1-d tensor, got a tensor of shape ${fmtShape(t.shape)}`);
  if (t.dtype !== 'float32') throw new DTypeError(`${fn}: q expected float32 (input's dtype), got ${t.dtype}`);
  if (t.device !== x.device) throw new DeviceError(`${fn}: q expected a tensor on input's device ${x.device}, got one on ${t.device}`);
  // As PyTorch: checked where reading it back costs no device synchronisation (cpu).
  if (t.device.type === 'cpu') {
    const bad = Array.from(t.dataSync() as Float32Array).find((v) => !inRange(v));
    if (bad !== undefined) throw new ValueError(`${fn}: q expected values in [0, 1], got ${bad}`);
  }
  return { q: t.ndim === 0 ? reshape(t, [1]) : t, scalar: t.ndim === 0 };
}

/**
 * PyTorch's quantile_compute: the sorted slice's elements at rank q·(n − 1) (a slice holding NaN:
 * rank n − 1, its NaN; nanquantile: q·(non-NaN count − 1), at least 0), rounded or interpolated
 * between the two neighbours with PyTorch's lerp.
 */
function quantileOf(fn: string, x: Tensor, qArg: unknown, options: QuantileOptions | number | undefined, ignoreNan: boolean): Tensor {
  tensorArg(fn, 'input', x);
  const o: QuantileOptions = typeof options === 'number' ? { dim: options } : (options ?? {});
  checkOptions(fn, o, ['dim', 'keepdim', 'interpolation']);
  const interpolation = o.interpolation ?? 'linear';
  if (!INTERPOLATIONS.includes(interpolation)) {
    throw new ValueError(`${fn}: option 'interpolation' expected one of ${INTERPOLATIONS.map((m) => `'${m}'`).join(', ')}, got ${describe(interpolation)}`);
  }
  const keepdim = booleanOption(fn, 'keepdim', o.keepdim) ?? false;
  if (x.dtype !== 'float32') throw new DTypeError(`${fn}: input expected float32, got ${x.dtype}`);
  const dim = o.dim === undefined ? undefined : normDim(fn, o.dim, x.ndim);
  if (x.numel === 0) throw new ValueError(`${fn}: input expected a non-empty tensor, got shape ${fmtShape(x.shape)}`);
  return scope(() => {
    const { q, scalar } = quantileQ(fn, qArg, x);
    const nq = q.shape[0];
    // The slices: along dim, or the flattened input (a 0-d input as one element).
    const flat = dim === undefined || x.ndim === 0 ? reshape(x, [x.numel]) : x;
    const d = dim === undefined || x.ndim === 0 ? 0 : dim;
    const n = flat.shape[d];
    const sorted = sort(flat, d).values;
    const qs = reshape(q, flat.shape.map((_, i) => (i === d ? nq : 1)));
    const missing = isnan(flat);
    let ranks: Tensor;
    if (ignoreNan) {
      const count = cast(sum(logicalNot(missing), { dim: d, keepdim: true }), 'float32');
      ranks = mul(qs, sub(count, 1));
      ranks = where(lt(ranks, 0), 0, ranks); // all NaN: rank 0, a NaN
    } else {
      ranks = where(any(missing, { dim: d, keepdim: true }), n - 1, mul(qs, n - 1));
    }
    if (interpolation === 'lower') ranks = floor(ranks);
    else if (interpolation === 'higher') ranks = ceil(ranks);
    else if (interpolation === 'nearest') ranks = round(ranks);
    const below = cast(ranks, 'int64');
    let v = gather(sorted, d, below);
    if (interpolation === 'linear' || interpolation === 'midpoint') {
      const above = gather(sorted, d, cast(ceil(ranks), 'int64'));
      const delta = sub(above, v);
      if (interpolation === 'midpoint') v = sub(above, mul(delta, 0.5));
      else {
        // PyTorch's lerp: from the nearer end (weights below 0.5 from below, others from above).
        const w = sub(ranks, cast(below, 'float32'));
        v = where(lt(abs(w), 0.5), add(v, mul(w, delta)), sub(above, mul(delta, sub(1, w))));
      }
    }
    // PyTorch's layout: q's dim first (a 1-d q), then the reduced shape.
    const reducedAll = x.shape.map(() => 1);
    if (scalar) {
      if (dim === undefined) return reshape(v, keepdim ? reducedAll : []);
      if (x.ndim === 0) return reshape(v, []);
      return keepdim ? v : squeeze(v, d);
    }
    if (dim === undefined) return reshape(v, [nq, ...(keepdim ? reducedAll : [])]);
    if (x.ndim === 0) return reshape(v, [nq]);
    const first = d === 0 ? v : movedim(v, d, 0);
    return keepdim ? unsqueeze(first, d + 1) : first;
  });
}

/**
 * The q-th quantiles of x over `dim` (all elements when omitted), q a number, an array or a 0-d
 * or 1-d float32 tensor with values in [0, 1] (PyTorch's torch.quantile): with several q, their
 * dim comes first. A slice holding NaN gives NaN. Gradients reach x (and a q tensor that requires
 * grad, through the 'linear' weights), as PyTorch's.
 */
export function quantile(x: Tensor, q: number | readonly number[] | Tensor, options?: QuantileOptions | number): Tensor {
  return quantileOf('quantile', x, q, options, false);
}

/** quantile ignoring NaN: each slice's quantiles of its other elements; NaN where all are NaN (PyTorch's nanquantile). */
export function nanquantile(x: Tensor, q: number | readonly number[] | Tensor, options?: QuantileOptions | number): Tensor {
  return quantileOf('nanquantile', x, q, options, true);
}

// ---- searchsorted, bucketize ----

export interface SearchsortedOptions {
  /** The last place the value fits (after equal elements) rather than the first (default false). */
  right?: boolean;
  /** 'left' or 'right', the other spelling of `right` (both given must agree). */
  side?: 'left' | 'right';
  /** int32 indices instead of int64. */
  outInt32?: boolean;
}

function searchOptions(fn: string, options: unknown, keys: readonly string[]): { right: boolean; outInt32: boolean } {
  if (options && typeof options === 'object' && 'sorter' in options && fn === 'searchsorted') {
    throw new ValueError("searchsorted: option 'sorter' is not supported; pass the sequence sorted (sortedSequence.gather(-1, sorter))");
  }
  checkOptions(fn, options as object, keys);
  const o = options as SearchsortedOptions;
  const right = booleanOption(fn, 'right', o.right);
  const outInt32 = booleanOption(fn, 'outInt32', o.outInt32) ?? false;
  if (o.side !== undefined && o.side !== 'left' && o.side !== 'right') throw new ValueError(`${fn}: option 'side' expected 'left' or 'right', got ${describe(o.side)}`);
  // PyTorch's rule: side wins over the default right (false); side 'left' with right true is a contradiction.
  if (o.side === 'left' && right === true) throw new ValueError(`${fn}: options 'side' and 'right' disagree: side 'left' with right true`);
  return { right: o.side === undefined ? (right ?? false) : o.side === 'right', outInt32 };
}

/**
 * For each value, the number of sequence elements below it (the first place it fits) or, with
 * right, at or below it (the last place). A sequence and values of one dtype, or both integers
 * (as int64, exact), are sorted together (Note [counting by sorting]); a float against an integer
 * compares every value with every element (O(values · sequence)). NaN values go last (the
 * sequence's length), as PyTorch's binary search puts them.
 */
function search(fn: string, seq: Tensor, values: Tensor | number, right: boolean, outInt32: boolean): Tensor {
  return scope(() => {
    const n = seq.shape[seq.ndim - 1];
    let count: Tensor;
    if (typeof values === 'number') {
      count = Number.isNaN(values) ? tensor([n], { dtype: 'int64', shape: [], device: seq.device }) : sum(right ? le(seq, values) : lt(seq, values));
    } else if (sortable(seq, values) && values.ndim > 0 && values.numel > 0 && n > 0) {
      // Rows: one sequence per row of values, or the one 1-d sequence for all of them. Integers
      // of two dtypes meet as int64 (a user trial's int64 graph offsets took 305 ms and 419 MiB
      // compared one by one, PyTorch 0.6 ms).
      const common = seq.dtype === values.dtype ? seq.dtype : 'int64';
      const rows = cast(seq.ndim === 1 ? reshape(values, [1, values.numel]) : values, common);
      const sorted = cast(seq.ndim === 1 ? unsqueeze(seq, 0) : seq, common);
      count = reshape(countBelow(sorted, rows, right), values.shape);
      if (isFloating(values.dtype)) count = where(isnan(values), n, count);
    } else {
      const s = seq.ndim === 1 ? seq : unsqueeze(seq, -2); // [..., 1, n] against values [..., m, 1]
      count = sum(right ? le(s, unsqueeze(values, -1)) : lt(s, unsqueeze(values, -1)), { dim: -1 });
      if (isFloating(values.dtype)) count = where(isnan(values), n, count);
    }
    return outInt32 ? cast(count, 'int32') : count;
  });
}

/** Whether sequence and values can be sorted together: one dtype, or two integer dtypes. */
const sortable = (seq: Tensor, values: Tensor): boolean => seq.dtype === values.dtype || (isIntegral(seq.dtype) && isIntegral(values.dtype));

function searchArgs(fn: string, seqName: string, seq: Tensor, valuesName: string, values: unknown): void {
  tensorArg(fn, seqName, seq);
  const numberValues = typeof values === 'number';
  if (!numberValues) {
    if (!(values as Tensor | null)?.isTensor) throw new ValueError(`${fn}: ${valuesName} expected a tensor or a number, got ${describe(values)}`);
  }
  for (const [name, t] of [[seqName, seq], [valuesName, values]] as const) {
    if ((t as Tensor).isTensor && (t as Tensor).dtype === 'bool') throw new DTypeError(`${fn}: ${name} expected a numeric tensor, got bool (as PyTorch, bool is not ordered here)`);
  }
  if (!numberValues && (values as Tensor).device !== seq.device) {
    throw new DeviceError(`${fn}: ${valuesName} expected a tensor on ${seqName}'s device ${seq.device}, got one on ${(values as Tensor).device}`);
  }
}

/**
 * Where each of `values` would go in `sortedSequence` to keep it sorted (PyTorch's
 * torch.searchsorted): int64 indices (int32 with outInt32) of values' shape. The sequence is 1-d,
 * or N-d with one sorted row for each row of values (their leading dims equal); values may be a
 * number when it is 1-d (a 0-d result). Not differentiable.
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, options: SearchsortedOptions = {}): Tensor {
  const fn = 'searchsorted';
  const { right, outInt32 } = searchOptions(fn, options, ['right', 'side', 'outInt32']);
  searchArgs(fn, 'sortedSequence', sortedSequence, 'values', values);
  if (sortedSequence.ndim === 0) throw new ShapeError('searchsorted: sortedSequence expected at least 1 dimension, got a 0-d tensor');
  if (sortedSequence.ndim > 1) {
    if (typeof values === 'number') throw new ShapeError(`searchsorted: a number as values expects a 1-d sortedSequence, got shape ${fmtShape(sortedSequence.shape)}`);
    if (values.ndim !== sortedSequence.ndim || !sameShape(values.shape.slice(0, -1), sortedSequence.shape.slice(0, -1))) {
      throw new ShapeError(
        `searchsorted: sortedSequence ${fmtShape(sortedSequence.shape)} and values ${fmtShape(values.shape)} expected the same leading dims (all but the last), or a 1-d sortedSequence`,
      );
    }
  }
  return search(fn, sortedSequence, values, right, outInt32);
}

export interface BucketizeOptions {
  /** Buckets closed on the left, boundaries[i−1] ≤ x < boundaries[i] (default false: on the right). */
  right?: boolean;
  /** int32 indices instead of int64. */
  outInt32?: boolean;
}

/**
 * The bucket of each element of `input` among sorted 1-d `boundaries` (PyTorch's torch.bucketize):
 * i with boundaries[i−1] < x ≤ boundaries[i], or boundaries[i−1] ≤ x < boundaries[i] with right.
 * int64 (int32 with outInt32), input's shape; a number gives a 0-d result. Not differentiable.
 */
export function bucketize(input: Tensor | number, boundaries: Tensor, options: BucketizeOptions = {}): Tensor {
  const fn = 'bucketize';
  const { right, outInt32 } = searchOptions(fn, options, ['right', 'outInt32']);
  searchArgs(fn, 'boundaries', boundaries, 'input', input);
  if (boundaries.ndim !== 1) throw new ShapeError(`bucketize: boundaries expected a 1-d tensor, got shape ${fmtShape(boundaries.shape)}`);
  return search(fn, boundaries, input, right, outInt32);
}
