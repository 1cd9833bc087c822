// Tensor functions PyTorch users reach for, composed of declared ops (no kernel of their own, so
// both devices run them and the differentiable ones get their gradients from their parts): clone,
// square, outer, oneHot, maskedFill, tril, triu, flip, repeat, cumprod, prod, norm, isnan,
// isfinite, any, all, isclose, allclose, equal, amax, amin, normalize, cosineSimilarity,
// pairwiseDistance.

import { DeviceError, DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { isFloating } from '../../dtype.js';
import { broadcastShapes, broadcastsTo, normDim, normDims, sameShape } from '../../shape.js';
import { scope } from '../../memory.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { add, div, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { eq, ge, gt, le, logicalAnd, logicalOr, lt, ne } from './compare.js';
import { arange, checkFillValue, eye, full } from './creation.js';
import { indexSelect } from './index-ops.js';
import { max, min, sum, type ReduceArg, type ReduceOptions } from './reduce.js';
import { abs, clamp, powScalar, sqrt } from './unary.js';
import { contiguous, expand, narrow, pad, reshape, transpose, unsqueeze } from './shape.js';
import { tensorArg } from '../check-args.js';



/** A copy with its own storage, in the graph as x is (PyTorch's clone). */
export function clone(x: Tensor): Tensor {
  tensorArg('clone', 'input', x);
  return x.dtype === 'bool' ? logicalAnd(x, x) : mul(x, 1);
}

/** x·x. */
export const square = (x: Tensor): Tensor => mul(x, x);

/**
 * start + weight·(end − start) (PyTorch's lerp), weight a number or a tensor broadcast with them:
 * the exponential moving average of weights is ema.lerp_(p, 1 − decay).
 */
export function lerp(start: Tensor, end: Tensor, weight: number | Tensor): Tensor {
  tensorArg('lerp', 'input', start);
  tensorArg('lerp', 'end', end);
  if (typeof weight !== 'number' && !(weight as Tensor | null)?.isTensor) throw new ValueError(`lerp: weight expected a number or a tensor, got ${weight === null ? 'null' : typeof weight}`);
  if (!isFloating(start.dtype) || !isFloating(end.dtype)) throw new DTypeError(`lerp: expected float tensors, got ${start.dtype} and ${end.dtype}`);
  return scope(() => add(start, mul(sub(end, start), weight)));
}

/** a ⊗ b: [n] and [m] give [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  tensorArg('outer', 'input', a);
  tensorArg('outer', 'vec2', b);
  if (a.shape.length !== 1 || b.shape.length !== 1) throw new ShapeError(`outer: expected two 1-d tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return scope(() => mul(unsqueeze(a, 1), unsqueeze(b, 0)));
}

/**
 * int64 one-hot rows: indices of any shape give shape + [numClasses]. numClasses −1 (the default)
 * takes the largest index + 1, which reads the indices (a sync), as PyTorch does. A given
 * numClasses reads nothing: the rows are looked up in an identity, and a value outside
 * [0, numClasses) is refused by that lookup (indexSelect's error, at the next read when queued).
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  tensorArg('oneHot', 'indices', indices);
  // uint8 too: the label masks a loader yields, which crossEntropy takes as they are.
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32' && indices.dtype !== 'uint8') throw new DTypeError(`oneHot: indices expected int64, int32 or uint8, got ${indices.dtype}`);
  if (numClasses !== -1) {
    if (!Number.isSafeInteger(numClasses) || numClasses < 0) throw new ValueError(`oneHot: numClasses expected a non-negative integer or -1, got ${numClasses}`);
    // A Dice loss's oneHot(target, C) every step must not wait for the queue (user trial AO: the
    // JS thread held 167 ms a step by the read).
    return scope(() => {
      const flat = reshape(indices.dtype === 'uint8' ? cast(indices, 'int32') : indices, [indices.numel]);
      let rows: Tensor;
      try {
        rows = indexSelect(eye(numClasses, { dtype: 'int64', device: indices.device }), 0, flat);
      } catch (err) {
        // Run at once (a small input): the refusal can still name oneHot.
        const bad = err instanceof ValueError ? /index value (-?\d+) is out of range/.exec(err.message) : null;
        if (bad) throw new ValueError(`oneHot: indices expected 0 to ${numClasses - 1} (numClasses ${numClasses}), got ${bad[1]}`);
        throw err;
      }
      return reshape(rows, [...indices.shape, numClasses]);
    });
  }
  return scope(() => {
    const values = indices.numel ? Array.from(indices.dataSync() as ArrayLike<number | bigint>, Number) : [];
    const lowest = values.reduce((m, v) => Math.min(m, v), Infinity);
    const highest = values.reduce((m, v) => Math.max(m, v), -Infinity);
    const classes = numClasses === -1 ? Math.max(highest + 1, 0) : numClasses;
    if (!Number.isSafeInteger(classes) || classes < 0) throw new ValueError(`oneHot: numClasses expected a non-negative integer or -1, got ${numClasses}`);
    if (lowest < 0 || highest >= classes) throw new ValueError(`oneHot: indices expected 0 to ${classes - 1}, got values from ${lowest} to ${highest}`);
    const classIds = arange(classes, { dtype: indices.dtype === 'uint8' ? 'int32' : indices.dtype, device: indices.device });
    return cast(eq(unsqueeze(indices.dtype === 'uint8' ? cast(indices, 'int32') : indices, -1), classIds), 'int64');
  });
}

/**
 * x with `value` where `mask` (bool, broadcast to x) is true; x's dtype. The value is a number or,
 * as in PyTorch, a 0-d (or one-element) tensor, cast to x's dtype; a tensor value that requires
 * grad gets the sum of the output gradient over the filled elements.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  tensorArg('maskedFill', 'input', x);
  tensorArg('maskedFill', 'mask', mask);
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedFill: mask expected bool, got ${mask.dtype}`);
  // Checked here so the refusal names maskedFill (it was where's), and says how to fill rows.
  if (!broadcastsTo(mask.shape, x.shape)) {
    const rows = mask.shape.length === 1 && x.shape.length > 1 && mask.shape[0] === x.shape[0];
    throw new ShapeError(`maskedFill: mask ${fmtShape(mask.shape)} does not broadcast to input ${fmtShape(x.shape)}${rows ? ` (a mask of rows lines up with the last dim; give it the input's rank: mask.view([${[-1, ...x.shape.slice(1).map(() => 1)].join(', ')}]))` : ''}`);
  }
  if ((value as Tensor | undefined)?.isTensor) {
    const v = value as Tensor;
    if (v.numel !== 1) throw new ShapeError(`maskedFill: value expected a number or a 0-d (one-element) tensor, got a tensor of shape ${fmtShape(v.shape)}`);
    if (v.device !== x.device && v.requiresGrad) {
      throw new DeviceError(`maskedFill: value expected a tensor on input's device ${x.device} when it requires grad, got one on ${v.device}`);
    }
    return scope(() => where(mask, cast(reshape(v.device === x.device ? v : v.to(x.device), []), x.dtype), x));
  }
  if (typeof value !== 'number') throw new ValueError(`maskedFill: value expected a number or a 0-d (one-element) tensor, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  checkFillValue('maskedFill', value, x.dtype);
  return scope(() => where(mask, full([], value, { dtype: x.dtype, device: x.device }), x));
}

// Keeps the elements of the last two dims whose column − row passes `keep`, zeroes the rest.
function triangle(fn: string, x: Tensor, diagonal: number, keep: (offset: Tensor) => Tensor): Tensor {
  tensorArg(fn, 'input', x);
  if (x.shape.length < 2) throw new ShapeError(`${fn}: input expected at least 2 dimensions, got ${fmtShape(x.shape)}`);
  if (!Number.isSafeInteger(diagonal)) throw new ValueError(`${fn}: diagonal expected an integer, got ${diagonal}`);
  return scope(() => {
    const [h, w] = x.shape.slice(-2);
    const rows = unsqueeze(arange(h, { dtype: 'int64', device: x.device }), 1);
    const cols = unsqueeze(arange(w, { dtype: 'int64', device: x.device }), 0);
    return where(keep(sub(sub(cols, rows), diagonal)), x, full([], 0, { dtype: x.dtype, device: x.device }));
  });
}

/** The lower triangle of the last two dims (column − row ≤ diagonal), zeros above. */
export const tril = (x: Tensor, diagonal = 0): Tensor => triangle('tril', x, diagonal, (o) => le(o, 0));
/** The upper triangle of the last two dims (column − row ≥ diagonal), zeros below. */
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle('triu', x, diagonal, (o) => ge(o, 0));

/** x with the order of `dims` reversed. */
export function flip(x: Tensor, dims: number | readonly number[] | { dims: number | readonly number[] }): Tensor {
  tensorArg('flip', 'input', x);
  // PyTorch's keyword spelling, flip(x, dims=[0]), written flip(x, { dims: [0] }).
  const given = dims !== null && typeof dims === 'object' && !Array.isArray(dims) && !ArrayBuffer.isView(dims) ? (checkOptions('flip', dims, ['dims']), (dims as { dims: number | readonly number[] }).dims) : dims;
  if (typeof given !== 'number' && !Array.isArray(given)) throw new ValueError(`flip: dims expected a dim or an array of dims, got ${given === null ? 'null' : typeof given}`);
  const list = (typeof given === 'number' ? [given] : [...given]).map((d) => normDim('flip', d, x.shape.length, 'dims'));
  if (new Set(list).size !== list.length) throw new ValueError(`flip: dims [${list.join(',')}] name a dimension twice`);
  return scope(() => {
    const y = list.reduce((y, d) => (y.shape[d] <= 1 ? y : indexSelect(y, d, arange(y.shape[d] - 1, -1, -1, { dtype: 'int64', device: x.device }))), x);
    return y === x ? clone(x) : y; // always a new tensor: disposing the result must not dispose x
  });
}

/** x tiled `sizes` times along each dim (PyTorch's repeat; sizes may add leading dims). */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  tensorArg('repeat', 'input', x);
  if (sizes.length < x.shape.length) throw new ValueError(`repeat: sizes expected at least ${x.shape.length} numbers (one per dim of ${fmtShape(x.shape)}), got [${sizes.join(',')}]`);
  if (!sizes.every((s) => Number.isSafeInteger(s) && s >= 0)) throw new ValueError(`repeat: sizes expected non-negative integers, got [${sizes.join(',')}]`);
  return scope(() => {
    const shape = [...sizes.slice(0, sizes.length - x.shape.length).map(() => 1), ...x.shape];
    // [1, s0, 1, s1, …] broadcast to [r0, s0, r1, s1, …], then merged pairwise.
    const spread = reshape(x, shape.flatMap((s) => [1, s]));
    const tiled = contiguous(expand(spread, shape.flatMap((s, i) => [sizes[i], s])));
    return reshape(tiled, shape.map((s, i) => s * sizes[i]));
  });
}

/**
 * Running products along `dim` (PyTorch's cumprod): log₂(n) rounds of multiplying the tensor by
 * itself shifted by 1, 2, 4 … and padded with ones (Hillis–Steele), each a pad, a narrow and a
 * mul, so the gradient comes from those ops — exact even through zeros, which a division would not
 * be. Integer and bool inputs run in int64, as PyTorch's. (cumsum has a kernel: scan.ts.)
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  tensorArg('cumprod', 'input', x);
  if (!Number.isSafeInteger(dim)) throw new ValueError(`cumprod: dim expected an integer, got ${dim === undefined ? 'none' : String(dim)} (PyTorch's cumprod takes a dim too)`);
  const d = normDim('cumprod', dim, x.shape.length);
  return scope(() => {
    const wide = isFloating(x.dtype) ? x : cast(x, 'int64');
    if (wide.shape.length === 0) return wide === x ? clone(x) : wide;
    const last = wide.shape.length - 1;
    let y = d === last ? wide : transpose(wide, d, last);
    const n = y.shape[last];
    for (let shift = 1; shift < n; shift *= 2) y = mul(y, narrow(pad(y, [shift, 0], { value: 1 }), last, 0, n));
    if (d !== last) y = contiguous(transpose(y, d, last));
    return y === x ? clone(x) : y; // always a new tensor: disposing the result must not dispose x
  });
}

/**
 * The product of the elements over `dim` (all when omitted), as PyTorch's prod: a tree of
 * pairwise products (halves multiplied, an odd one out padded with 1), so the gradient of an
 * element is the product of the others even where some are zero. Integers multiply in int64.
 */
export function prod(x: Tensor, options?: { dim?: number; keepdim?: boolean } | number): Tensor {
  tensorArg('prod', 'input', x);
  const o = typeof options === 'number' ? { dim: options } : (options ?? {});
  checkOptions('prod', o, ['dim', 'keepdim']);
  return scope(() => {
    const wide = isFloating(x.dtype) ? x : cast(x, 'int64');
    if (o.dim === undefined) {
      const flat = halvingProduct(reshape(wide, [1, x.numel]), 1);
      return reshape(flat, o.keepdim ? x.shape.map(() => 1) : []);
    }
    const d = normDim('prod', o.dim, x.shape.length);
    if (x.shape.length === 0) return wide === x ? clone(x) : wide;
    const kept = halvingProduct(wide, d);
    return o.keepdim ? kept : reshape(kept, x.shape.filter((_, i) => i !== d));
  });
}

// Multiplies the halves of dim d until one element is left (kept as size 1); an empty dim is 1.
function halvingProduct(x: Tensor, d: number): Tensor {
  let y = x;
  if (y.shape[d] === 0) return full(y.shape.map((s, i) => (i === d ? 1 : s)), 1, { dtype: y.dtype, device: y.device });
  while (y.shape[d] > 1) {
    if (y.shape[d] % 2 === 1) y = padAlong(y, d, 1);
    const half = y.shape[d] / 2;
    y = mul(narrow(y, d, 0, half), narrow(y, d, half, half));
  }
  return y === x ? clone(x) : y;
}

// x with one element of `value` appended along dim d.
function padAlong(x: Tensor, d: number, value: number): Tensor {
  const pads = Array<number>(2 * (x.shape.length - d)).fill(0);
  pads[pads.length - 1] = 1; // pads run from the last dim: (left, right) of dim d are the last pair
  return pad(x, pads, { value });
}

export interface NormOptions {
  /** The order: any p > 0 (default 2), or Infinity for the largest |x|. */
  p?: number;
  /** Dimensions to reduce; all when omitted. */
  dim?: number | readonly number[];
  keepdim?: boolean;
}

/**
 * (Σ |x|^p)^(1/p) over `dim` (PyTorch's linalg.vector_norm). At a zero vector the value is 0 and
 * the gradient 0, as PyTorch's (the root is taken of a safe 1 there, so no 0·∞ reaches it).
 */
export function norm(x: Tensor, options: NormOptions = {}): Tensor {
  tensorArg('norm', 'input', x);
  checkOptions('norm', options, ['p', 'dim', 'keepdim']);
  if (!isFloating(x.dtype)) throw new DTypeError(`norm: input expected float32, got ${x.dtype}`);
  const p = options.p ?? 2;
  if ((p as unknown) === 'fro') throw new ValueError("norm: option 'p' 'fro' is p: 2 over all elements here (norm(x)); a matrix norm over two dims is linalg.matrixNorm(A, { ord: 'fro' })");
  if (!(p > 0)) throw new ValueError(`norm: option 'p' expected a number > 0 or Infinity, got ${p}`);
  const keepdim = options.keepdim ?? false;
  const dims = options.dim === undefined ? [...x.shape.keys()] : (typeof options.dim === 'number' ? [options.dim] : [...options.dim]).map((d) => normDim('norm', d, x.shape.length));
  return scope(() => {
    const a = p === 2 ? x : abs(x);
    if (p === Infinity) {
      // The largest |x|, one dim at a time (max reduces one), kept until the end.
      const kept = [...dims].sort((u, v) => v - u).reduce((y, d) => max(y, { dim: d, keepdim: true }).values, a);
      return keepdim ? kept : reshape(kept, x.shape.filter((_, i) => !dims.includes(i)));
    }
    if (p === 1) return sum(a, { dim: dims, keepdim });
    const s = sum(p === 2 ? mul(x, x) : powScalar(a, p), { dim: dims, keepdim });
    const zero = eq(s, 0);
    const safe = where(zero, 1, s);
    return where(zero, 0, p === 2 ? sqrt(safe) : powScalar(safe, 1 / p));
  });
}

/** Where x is NaN (bool). */
export function isnan(x: Tensor): Tensor {
  tensorArg('isnan', 'input', x);
  return isFloating(x.dtype) ? ne(x, x) : full(x.shape, 0, { dtype: 'bool', device: x.device });
}

/** Where x is neither ±inf nor NaN (bool). */
export function isfinite(x: Tensor): Tensor {
  tensorArg('isfinite', 'input', x);
  return isFloating(x.dtype) ? scope(() => eq(mul(x, 0), 0)) : full(x.shape, 1, { dtype: 'bool', device: x.device });
}

const nonzeroCount = (fn: string, x: Tensor, dims: ReduceArg | undefined, zero: boolean): Tensor => {
  tensorArg(fn, 'input', x);
  return sum(zero ? eq(x, 0) : ne(x, 0), dims);
};

/** Whether any element (over `dim`, or all) is nonzero (bool). */
export const any = (x: Tensor, dims?: ReduceArg): Tensor => scope(() => gt(nonzeroCount('any', x, dims, false), 0));
/** Whether every element (over `dim`, or all) is nonzero (bool). */
export const all = (x: Tensor, dims?: ReduceArg): Tensor => scope(() => eq(nonzeroCount('all', x, dims, true), 0));


export interface IscloseOptions {
  /** Relative tolerance (default 1e-5, PyTorch's). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8, PyTorch's). */
  atol?: number;
  /** NaN counts as close to NaN (default false). */
  equalNan?: boolean;
}

/**
 * Where |a − b| ≤ atol + rtol·|b| (bool, broadcast), as PyTorch's isclose: equal values
 * (infinities included) are close, a finite value is never close to an infinite one.
 */
export function isclose(a: Tensor, b: Tensor, options: IscloseOptions = {}): Tensor {
  tensorArg('isclose', 'input', a);
  tensorArg('isclose', 'other', b);
  checkOptions('isclose', options, ['rtol', 'atol', 'equalNan']);
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  if (!(rtol >= 0) || !(atol >= 0)) throw new ValueError(`isclose: rtol and atol expected numbers >= 0, got rtol ${rtol}, atol ${atol}`);
  return scope(() => {
    const within = le(abs(sub(a, b)), add(mul(abs(b), rtol), atol));
    let close = logicalOr(eq(a, b), logicalAnd(logicalAnd(isfinite(a), isfinite(b)), within));
    if (equalNan) close = logicalOr(close, logicalAnd(isnan(a), isnan(b)));
    return close;
  });
}

/**
 * Whether every element of a is close to b's (isclose's rule), as a boolean — like PyTorch's
 * allclose it reads the answer back, so it waits for the work queued before it.
 */
export function allclose(a: Tensor, b: Tensor, options: IscloseOptions = {}): boolean {
  return scope(() => all(isclose(a, b, options)).dataSync()[0] !== 0);
}

/** Whether a and b have the same shape and equal elements (PyTorch's equal; reads back, as allclose). */
export function equal(a: Tensor, b: Tensor): boolean {
  tensorArg('equal', 'input', a);
  tensorArg('equal', 'other', b);
  if (!sameShape(a.shape, b.shape)) return false;
  return scope(() => all(eq(a, b)).dataSync()[0] !== 0);
}

// A reduction's dims and keepdim from its argument (a dim, a list of dims or { dim, keepdim }).
function reduceArg(fn: string, x: Tensor, arg: ReduceArg | undefined): { dims: number[]; keepdim: boolean } {
  if (arg === undefined || arg === null) return { dims: [...x.shape.keys()], keepdim: false };
  const o: ReduceOptions = typeof arg === 'number' || Array.isArray(arg) ? { dim: arg as number | readonly number[] } : (arg as ReduceOptions);
  if (typeof o !== 'object') throw new ValueError(`${fn}: expected a dim, a list of dims or an options object, got ${typeof arg}`);
  checkOptions(fn, o, ['dim', 'keepdim']);
  const list = o.dim === undefined ? [] : typeof o.dim === 'number' ? [o.dim] : [...o.dim];
  return { dims: x.shape.length === 0 ? (list.forEach((d) => normDim(fn, d, 0)), []) : normDims(fn, list, x.shape.length), keepdim: o.keepdim ?? false };
}

/**
 * The largest (or smallest) values over dims (PyTorch's amax / amin): a max of one dim at a time,
 * NaN winning. The gradient is shared evenly by the elements equal to their slice's extreme, as
 * PyTorch's: it flows through value + Σ (x − x̃)/k over those k elements (x̃ = x detached, so the
 * forward value is the max itself); a slice whose extreme is ±∞ takes Σ x/k, one that is NaN gets
 * no gradient.
 */
function extremeValues(fn: 'amax' | 'amin', x: Tensor, arg: ReduceArg | undefined): Tensor {
  tensorArg(fn, 'input', x);
  const { dims, keepdim } = reduceArg(fn, x, arg);
  const empty = dims.find((d) => x.shape[d] === 0);
  if (empty !== undefined) throw new ValueError(`${fn}: cannot reduce dim ${empty} of size 0 (input ${fmtShape(x.shape)}); it has no identity`);
  const pick = fn === 'amax' ? max : min;
  return scope(() => {
    if (x.dtype === 'bool') return cast(extremeValues(fn, cast(x, 'uint8'), { dim: dims, keepdim }), 'bool');
    const xd = x.requiresGrad ? x.detach() : x;
    // Kept dims until the end, so the values broadcast against x.
    const kept = dims.reduce((y, d) => pick(y, { dim: d, keepdim: true }).values, xd);
    const finish = (y: Tensor) => (keepdim ? y : reshape(y, x.shape.filter((_, i) => !dims.includes(i))));
    if (!x.requiresGrad || !isFloating(x.dtype)) {
      const y = finish(kept);
      return y === x ? clone(x) : y;
    }
    const [mask, weight] = noGrad(() => {
      const m = eq(x, kept);
      const k = sum(m, { dim: dims, keepdim: true });
      return [m, div(1, cast(where(eq(k, 0), 1, k), 'float32'))];
    });
    const spread = (t: Tensor) => sum(mul(t, weight), { dim: dims, keepdim: true });
    const finite = add(kept, spread(where(mask, sub(x, xd), 0)));
    const infinite = spread(where(mask, x, 0));
    return finish(where(isfinite(kept), finite, where(isnan(kept), kept, infinite)));
  });
}

/** The largest values over `dim` (a dim, a list, or all when omitted; `{ dim, keepdim }`), values only (PyTorch's amax). */
export const amax = (x: Tensor, dims?: ReduceArg): Tensor => extremeValues('amax', x, dims);
/** The smallest values over `dim` (PyTorch's amin); gradients as amax's. */
export const amin = (x: Tensor, dims?: ReduceArg): Tensor => extremeValues('amin', x, dims);

/** x as float32 (integers cast, as PyTorch computes them in its default float), bool refused. */
export function floatInput(fn: string, name: string, x: Tensor): Tensor {
  tensorArg(fn, name, x);
  if (x.dtype === 'float32') return x;
  if (x.dtype === 'bool') throw new DTypeError(`${fn}: ${name} expected a float32 (or integer) tensor, got bool`);
  return cast(x, 'float32'); // integers as PyTorch's default float
}

export interface NormalizeOptions {
  /** The norm's order (default 2; any p > 0, or Infinity). */
  p?: number;
  /** The dimension(s) normalised over (default 1). */
  dim?: number | readonly number[];
  /** The smallest divisor (default 1e-12). */
  eps?: number;
}

/** x / max(‖x‖_p over dim, eps) (PyTorch's F.normalize). */
export function normalize(x: Tensor, options: NormalizeOptions = {}): Tensor {
  tensorArg('normalize', 'input', x);
  checkOptions('normalize', options, ['p', 'dim', 'eps']);
  const { p = 2, dim = 1, eps = 1e-12 } = options;
  if (typeof p !== 'number' || !(p > 0)) throw new ValueError(`normalize: option 'p' expected a number > 0 or Infinity, got ${p}`);
  if (typeof eps !== 'number' || !(eps >= 0)) throw new ValueError(`normalize: option 'eps' expected a number >= 0, got ${eps}`);
  const dims = (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normDim('normalize', d, x.shape.length));
  return scope(() => {
    const xf = floatInput('normalize', 'input', x);
    return div(xf, clamp(norm(xf, { p, dim: dims, keepdim: true }), { min: eps }));
  });
}

// ‖x‖₂ over dim (kept) with eps as its floor: the value clamped, the gradient passed through
// unclamped, as PyTorch's cosine_similarity does (its clamp_min_ runs under no_grad).
function flooredNorm(x: Tensor, dim: number, eps: number): Tensor {
  const n = norm(x, { dim, keepdim: true });
  const low = noGrad(() => lt(n, eps));
  return where(low, add(sub(n, n.detach()), eps), n);
}

export interface CosineSimilarityOptions {
  /** The dimension the vectors lie along (default 1). */
  dim?: number;
  /** The smallest norm (default 1e-8). */
  eps?: number;
}

/**
 * Σ (a/‖a‖)·(b/‖b‖) over dim, a and b broadcast together, each norm floored at eps (PyTorch
 * 2.x's F.cosine_similarity, which normalises first, so the result stays within [-1, 1]).
 */
export function cosineSimilarity(a: Tensor, b: Tensor, options: CosineSimilarityOptions = {}): Tensor {
  tensorArg('cosineSimilarity', 'x1', a);
  tensorArg('cosineSimilarity', 'x2', b);
  checkOptions('cosineSimilarity', options, ['dim', 'eps']);
  const { dim = 1, eps = 1e-8 } = options;
  if (typeof eps !== 'number' || !(eps >= 0)) throw new ValueError(`cosineSimilarity: option 'eps' expected a number >= 0, got ${eps}`);
  const shape = broadcastShapes('cosineSimilarity', a.shape, b.shape);
  const d = normDim('cosineSimilarity', dim, shape.length);
  return scope(() => {
    const x1 = expand(floatInput('cosineSimilarity', 'x1', a), shape);
    const x2 = expand(floatInput('cosineSimilarity', 'x2', b), shape);
    return sum(mul(div(x1, flooredNorm(x1, d, eps)), div(x2, flooredNorm(x2, d, eps))), shape.length ? { dim: d } : undefined);
  });
}

export interface PairwiseDistanceOptions {
  /** The norm's order (default 2; any p > 0, or Infinity). */
  p?: number;
  /** Added to the difference, as PyTorch's (default 1e-6). */
  eps?: number;
  keepdim?: boolean;
}

/** ‖a − b + eps‖_p over the last dim, a and b broadcast together (PyTorch's F.pairwise_distance). */
export function pairwiseDistance(a: Tensor, b: Tensor, options: PairwiseDistanceOptions = {}): Tensor {
  tensorArg('pairwiseDistance', 'x1', a);
  tensorArg('pairwiseDistance', 'x2', b);
  checkOptions('pairwiseDistance', options, ['p', 'eps', 'keepdim']);
  const { p = 2, eps = 1e-6, keepdim = false } = options;
  if (typeof p !== 'number' || !(p > 0)) throw new ValueError(`pairwiseDistance: option 'p' expected a number > 0 or Infinity, got ${p}`);
  if (typeof eps !== 'number' || Number.isNaN(eps)) throw new ValueError(`pairwiseDistance: option 'eps' expected a number, got ${eps}`);
  const shape = broadcastShapes('pairwiseDistance', a.shape, b.shape);
  return scope(() => {
    const diff = add(sub(floatInput('pairwiseDistance', 'x1', a), floatInput('pairwiseDistance', 'x2', b)), eps);
    if (shape.length === 0) return abs(diff);
    return norm(diff, { p, dim: shape.length - 1, keepdim });
  });
}
