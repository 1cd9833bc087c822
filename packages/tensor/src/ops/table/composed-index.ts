// Writing along indices and repeating, composed of declared ops (both devices, gradients from the
// parts): scatter, indexAdd, indexCopy, repeatInterleave; and randperm, from randint and argsort.

import { Device, getDefaultDevice, type DeviceLike } from '../../device.js';
import { tensor } from '../../creation.js';
import { checkDType, isFloating, type DType } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { normDim, numelOf } from '../../shape.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { add, div, mul, where } from './binary.js';
import { floorDivide } from './binary-math.js';
import { cast } from './cast.js';
import { gt } from './compare.js';
import { clone } from './composed-ops.js';
import { checkFillValue, full, ones, zeros } from './creation.js';
import { indexSelect, indexSelectBackward, scatterAdd } from './index-ops.js';
import { Generator, randint } from './random.js';
import { argsort } from './sort.js';
import { expand, reshape } from './shape.js';
import { tensorArg } from '../check-args.js';

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : (v as Tensor | undefined)?.isTensor ? 'a tensor' : typeof v === 'number' ? String(v) : typeof v);

function indexTensor(fn: string, index: Tensor): void {
  if (index.dtype !== 'int64' && index.dtype !== 'int32') throw new DTypeError(`${fn}: index expected int64 or int32, got ${index.dtype}`);
}

/**
 * `x` with the values of `src` (or the number `src`) written where `index` (x's rank) points
 * along dim `d`: PyTorch's scatter for scatter and index_copy. Written as a count of the writes to
 * each element (a scatterAdd of ones) and a scatterAdd of the values into zeros: an element
 * written once takes its value exactly; one written k times (repeated indices, where PyTorch's
 * result is undefined) takes the mean of the k values (rounded down for integer dtypes), which is
 * the value itself when they agree. Gradients, as PyTorch's: x's flows where nothing was written;
 * src's is the output gradient gathered at index (divided by k for a repeated one).
 */
function scatterValues(x: Tensor, d: number, index: Tensor, src: Tensor | number): Tensor {
  return scope(() => {
    if (x.dtype === 'bool') {
      const values = typeof src === 'number' ? src : cast(src, 'uint8');
      return cast(scatterValues(cast(x, 'uint8'), d, index, values), 'bool');
    }
    const work: DType = isFloating(x.dtype) ? 'float32' : 'int64';
    const count = scatterAdd(zeros(x.shape, { dtype: work, device: x.device }), d, index, ones(index.shape, { dtype: work, device: x.device }));
    const written = gt(count, 0);
    if (typeof src === 'number') return where(written, full([], src, { dtype: x.dtype, device: x.device }), x);
    const sums = scatterAdd(zeros(x.shape, { dtype: work, device: x.device }), d, index, cast(src, work));
    const safe = where(written, count, 1);
    const values = work === 'float32' ? div(sums, safe) : cast(floorDivide(sums, safe), x.dtype);
    return where(written, values, x);
  });
}

/**
 * PyTorch's torch.scatter (out of place): a copy of x where, for dim 0,
 * out[index[i][j]][j] = src[i][j] (src a tensor of x's dtype at least as large as index in every
 * dim, or a number written at every index). index has x's rank and is no larger than x outside
 * `dim`. Repeated indices (undefined in PyTorch) give the mean of the values written there.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  tensorArg('scatter', 'input', x);
  tensorArg('scatter', 'index', index);
  indexTensor('scatter', index);
  if (index.shape.length !== x.shape.length) {
    throw new ShapeError(`scatter: index expected as many dimensions as input (${x.shape.length}), got ${index.shape.length} (index ${fmtShape(index.shape)}, input ${fmtShape(x.shape)})`);
  }
  const d = normDim('scatter', dim, x.shape.length);
  index.shape.forEach((s, k) => {
    if (k !== d && s > x.shape[k]) throw new ShapeError(`scatter: index ${fmtShape(index.shape)} is larger than input ${fmtShape(x.shape)} in dimension ${k} (only dimension ${d} may be larger)`);
  });
  if (typeof src === 'number') {
    checkFillValue('scatter', src, x.dtype);
  } else {
    if (!(src as Tensor | undefined)?.isTensor) throw new ValueError(`scatter: src expected a tensor or a number, got ${describe(src)}`);
    if (src.dtype !== x.dtype) throw new DTypeError(`scatter: src expected input's dtype ${x.dtype}, got ${src.dtype}`);
    if (src.shape.length !== index.shape.length) {
      throw new ShapeError(`scatter: src expected as many dimensions as index (${index.shape.length}), got ${src.shape.length} (src ${fmtShape(src.shape)}, index ${fmtShape(index.shape)})`);
    }
    index.shape.forEach((s, k) => {
      if (s > src.shape[k]) throw new ShapeError(`scatter: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} in dimension ${k}`);
    });
  }
  if (numelOf(index.shape) === 0) return clone(x);
  return scatterValues(x, d, index, src);
}

// index_add / index_copy's arguments: a 1-d (or 0-d) index and a source shaped like x with the
// index's length at `dim`. Returns the normalised dim and the index spread to source's shape.
function indexAlongSource(fn: string, x: Tensor, dim: number, index: Tensor, source: Tensor): { d: number; spread: () => Tensor } {
  tensorArg(fn, 'input', x);
  tensorArg(fn, 'index', index);
  tensorArg(fn, 'source', source);
  indexTensor(fn, index);
  if (index.shape.length > 1) throw new ShapeError(`${fn}: index expected a 1-d or 0-d tensor, got ${fmtShape(index.shape)}`);
  if (source.dtype !== x.dtype) throw new DTypeError(`${fn}: source expected input's dtype ${x.dtype}, got ${source.dtype}`);
  const d = normDim(fn, dim, x.shape.length);
  const n = numelOf(index.shape);
  if (x.shape.length === 0 && n !== 1) throw new ShapeError(`${fn}: index into a 0-d input expected exactly one value, got ${n}`);
  const want = x.shape.length === 0 ? [] : x.shape.map((s, k) => (k === d ? n : s));
  if (source.shape.length !== want.length || source.shape.some((s, k) => s !== want[k])) {
    throw new ShapeError(`${fn}: source expected shape ${fmtShape(want)} (input ${fmtShape(x.shape)} with dim ${d} the index's length ${n}), got ${fmtShape(source.shape)}`);
  }
  const spread = () => expand(reshape(index, x.shape.map((_, k) => (k === d ? n : 1))), want);
  return { d, spread };
}

export interface IndexAddOptions {
  /** The multiplier of source (default 1). */
  alpha?: number;
}

/**
 * PyTorch's torch.index_add (out of place): x + alpha · source, slice i of source added to slice
 * index[i] along `dim`; repeated indices accumulate. Gradients: x's passes through, source's is
 * alpha · the output gradient's slices at index.
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, options: IndexAddOptions = {}): Tensor {
  const { d, spread } = indexAlongSource('indexAdd', x, dim, index, source);
  checkOptions('indexAdd', options, ['alpha']);
  const alpha = options.alpha ?? 1;
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new ValueError(`indexAdd: option 'alpha' expected a number, got ${describe(alpha)}`);
  if (!isFloating(x.dtype) && !Number.isInteger(alpha)) throw new ValueError(`indexAdd: option 'alpha' expected an integer for ${x.dtype} input, got ${alpha}`);
  return scope(() => {
    if (x.dtype === 'bool') return cast(indexAdd(cast(x, 'uint8'), d, index, cast(source, 'uint8'), options), 'bool');
    if (x.shape.length === 0) return reshape(indexAdd(reshape(x, [1]), 0, reshape(index, [1]), reshape(source, [1]), options), []);
    const scaled = alpha === 1 ? source : mul(source, alpha);
    // Note [indexAdd on float32]: the slices summed into place by indexSelect's backward kernel
    // (exactly index_add into zeros), then one add: scatterAdd needed the index spread to
    // source's shape as int64 ([E, F]: 269 MiB of peak for a 12 MiB result with E = 500k, F = 64,
    // in a user's message-passing layer). Its gradients are the same: x's passes through the
    // add, source's is indexSelect of the output's. Integer dtypes keep the scatterAdd.
    if (x.dtype === 'float32') return add(x, indexSelectBackward(scaled, index, d, x.shape));
    const y = scatterAdd(x, d, spread(), scaled);
    return y === x ? clone(x) : y;
  });
}

/**
 * PyTorch's torch.index_copy (out of place): x with slice index[i] along `dim` replaced by
 * source's slice i. Repeated indices (undefined in PyTorch) give the mean of their slices.
 */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const { d, spread } = indexAlongSource('indexCopy', x, dim, index, source);
  if (numelOf(index.shape) === 0 || x.numel === 0) return clone(x);
  if (x.shape.length === 0) return scope(() => reshape(scatterValues(reshape(x, [1]), 0, reshape(index, [1]), reshape(source, [1])), []));
  return scatterValues(x, d, spread(), source);
}

export interface RepeatInterleaveOptions {
  /** The dimension to repeat along; without it the input is flattened first (as PyTorch's). */
  dim?: number;
  /** The length of the result along dim, when known (checked against the repeats). */
  outputSize?: number;
}

/**
 * PyTorch's repeat_interleave: each element (slice along `dim`) repeated `repeats` times in
 * place, [a, b] → [a, a, b, b]. repeats is a number, or an integer tensor with one count per
 * slice (or one for all); a tensor is read back (a sync, as PyTorch's without output_size).
 * Without a dim the result is 1-d. Gradients sum the copies (an indexSelect's).
 */
export function repeatInterleave(x: Tensor, repeats: number | Tensor, options: RepeatInterleaveOptions = {}): Tensor {
  tensorArg('repeatInterleave', 'input', x);
  checkOptions('repeatInterleave', options, ['dim', 'outputSize']);
  const flat = options.dim === undefined;
  const d = flat ? 0 : normDim('repeatInterleave', options.dim!, x.shape.length);
  const n = flat ? x.numel : x.shape.length === 0 ? 1 : x.shape[d];
  // Counts and positions in typed arrays filled by loops: Array.from of an int64 read (122 ms for
  // 200k counts), an array per element (flatMap) and an int64 index took 7 ms for 24k counts
  // (PyTorch 0.06 ms) in a user's graph code.
  const counts = new Float64Array(n);
  if (typeof repeats === 'number') {
    if (!Number.isSafeInteger(repeats) || repeats < 0) throw new ValueError(`repeatInterleave: repeats expected a non-negative integer, got ${repeats}`);
    counts.fill(repeats);
  } else {
    if (!(repeats as Tensor | undefined)?.isTensor) throw new ValueError(`repeatInterleave: repeats expected a number or an integer tensor, got ${describe(repeats)}`);
    if (repeats.dtype !== 'int64' && repeats.dtype !== 'int32') throw new DTypeError(`repeatInterleave: repeats expected int64 or int32, got ${repeats.dtype}`);
    if (repeats.shape.length > 1 || (repeats.numel !== n && repeats.numel !== 1)) {
      throw new ShapeError(`repeatInterleave: repeats expected a 0-d or 1-d tensor of ${n} counts (or one), got ${fmtShape(repeats.shape)}`);
    }
    const read = repeats.dataSync() as ArrayLike<number | bigint>;
    for (let i = 0; i < read.length; i++) counts[i] = Number(read[i]);
    for (let i = 0; i < read.length; i++) if (counts[i] < 0) throw new ValueError(`repeatInterleave: repeats expected non-negative counts, got ${counts[i]}`);
    if (read.length !== n) counts.fill(counts[0]);
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += counts[i];
  if (options.outputSize !== undefined && options.outputSize !== total) {
    throw new ValueError(`repeatInterleave: option 'outputSize' expected the repeats' total ${total}, got ${options.outputSize}`);
  }
  if (total > 2 ** 31 - 1) throw new ValueError(`repeatInterleave: the repeats' total ${total} is more than an index can address here (2^31 − 1)`);
  const picks = new Int32Array(total);
  for (let i = 0, at = 0; i < n; i++) for (let c = counts[i]; c > 0; c--) picks[at++] = i;
  return scope(() => {
    const source = flat ? reshape(x, [x.numel]) : x.shape.length === 0 ? reshape(x, [1]) : x;
    return indexSelect(source, d, tensor(picks, { device: x.device }));
  });
}

export interface RandpermOptions {
  /** int64 (default), int32, uint8 or float32. */
  dtype?: DType;
  device?: DeviceLike;
  /** The stream to draw from (default: the shared default generator). */
  generator?: Generator;
}

const PERM_LIMIT: Partial<Record<DType, number>> = { int64: 2 ** 53, int32: 2 ** 31, uint8: 256, float32: 2 ** 24 };

/**
 * A uniformly random permutation of 0 … n−1 (PyTorch's randperm): n random 53-bit keys from
 * randint (the generator's Philox stream, so the same permutation on cpu and cuda for a seed),
 * argsorted. Two equal keys (chance about n²/2⁵⁴) keep their order.
 */
export function randperm(n: number, options: RandpermOptions = {}): Tensor {
  checkOptions('randperm', options, ['dtype', 'device', 'generator']);
  if (!Number.isSafeInteger(n) || n < 0) throw new ValueError(`randperm: n expected a non-negative integer, got ${describe(n)}`);
  const dtype = checkDType(options.dtype ?? 'int64', 'randperm');
  const limit = PERM_LIMIT[dtype];
  if (limit === undefined) throw new DTypeError(`randperm: dtype expected int64, int32, uint8 or float32, got ${dtype}`);
  if (n > limit) throw new ValueError(`randperm: n expected at most ${limit} for ${dtype} (its values must be exact), got ${n}`);
  const device = options.device === undefined ? getDefaultDevice() : Device.of(options.device, 'randperm');
  if (options.generator !== undefined && !(options.generator instanceof Generator)) {
    throw new ValueError(`randperm: option 'generator' expected a Generator, got ${describe(options.generator)}`);
  }
  return scope(() => {
    if (n === 0) return zeros([0], { dtype, device });
    const keys = randint(-(2 ** 53 - 1), 2 ** 53 - 1, [n], { dtype: 'int64', device, generator: options.generator });
    return cast(argsort(keys), dtype);
  });
}
