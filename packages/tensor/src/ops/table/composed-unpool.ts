// Max-pooling indices, unpooling and bincount, composed of declared ops (both devices; gradients
// from their parts or, for maxUnpool2d, PyTorch's rule written out):
// - maxPool2dWithIndices (maxPool2d's `returnIndices`): Note [max pool indices].
// - maxUnpool2d: x scattered into zeros [N, C, H_out, W_out] at the indices (Note [unpool writes]).
// - bincount: async, like data-dependent.ts's functions: the length depends on the values, so the
//   smallest and largest are read back (off the JS thread), then the counts are a scatterAdd.
import { defineFunction } from '../../autograd/function.js';
import { isFloating } from '../../dtype.js';
import { DeviceError, DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { namedTuple, type NamedTuple } from '../../named-tuple.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { PROMISE_HINT, tensorArg } from '../check-args.js';
import { add, mul, sub, where } from './binary.js';
import { floorDivide } from './binary-math.js';
import { cast } from './cast.js';
import { eq, ge, logicalAnd, lt, ne } from './compare.js';
import { isnan } from './composed-ops.js';
import type { Size2d } from './conv.js';
import { arange, ones, zeros } from './creation.js';
import { gather, indexSelect, scatterAdd } from './index-ops.js';
import { max, min } from './reduce.js';
import { cat, narrow, reshape, stack } from './shape.js';
import { sort } from './sort.js';
import { clamp } from './unary.js';

/** maxPool2d's result with `returnIndices: true`: `{ output, indices }`, also `[output, indices]`. */
export type MaxPoolWithIndices = NamedTuple<[output: Tensor, indices: Tensor], { output: Tensor; indices: Tensor }>;

/** maxPool2d's resolved options, as its op takes them. */
export interface MaxPoolWindows {
  kernelSize: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
}

/*
 * Note [max pool indices]: PyTorch's indices are the flat position h·W + w of each window's
 * maximum within its input plane, the first maximal element in row-major window order, except
 * that a NaN wins (every NaN replaces the running maximum, so the last NaN of a window); a window
 * of -inf points at its first element inside the input. maxPool2d's hidden workspace (Note [max
 * pool workspace] in cpu/pool.cc) cannot stand in for them: user functions never see it, and
 * oneDNN's choice is not PyTorch's (a window of -inf reaching into the padding gets window index
 * 0, a padded position, which maxPool2dBackward then refuses). So the native maxPool2d runs only
 * for its checks and output size, and the windows are read with one indexSelect of their
 * K = kh·kw positions (clamped into the input, with a mask of those inside); the maximum over the
 * elements inside is compared with each, and the winner's window offset k is
 * K − max((K − k)·[is max]) for the first maximum, or max((k + 1)·[is NaN]) − 1 for the last NaN.
 * Offset k = u·kw + v is then the position (i·sh − ph + u·dh)·W + (j·sw − pw + v·dw) in int64.
 * The output is x gathered at the indices, so its gradient goes where the indices say (PyTorch's
 * rule for ties), not where oneDNN's workspace would send it. Memory: the window values, K times
 * the output.
 */

/**
 * maxPool2d's `returnIndices` path: `pooledShape` gives maxPool2d's output shape for a 4-d input
 * (and its refusals) without running it. Takes [N, C, H, W] or unbatched [C, H, W] (as maxPool2d does).
 */
export function maxPool2dWithIndices(input: Tensor, pooledShape: (x4: Tensor) => readonly number[], windows: MaxPoolWindows): MaxPoolWithIndices {
  const [output, indices] = scope(() => {
    const unbatched = input?.isTensor && input.shape.length === 3;
    const x = unbatched ? reshape(input, [1, ...input.shape]) : input;
    const [oh, ow] = pooledShape(x).slice(2);
    const idx = poolIndices(x, oh, ow, windows);
    const [n, c, h, w] = x.shape;
    const out = reshape(gather(reshape(x, [n, c, h * w]), 2, reshape(idx, [n, c, oh * ow])), [n, c, oh, ow]);
    return unbatched ? [reshape(out, out.shape.slice(1)), reshape(idx, idx.shape.slice(1))] : [out, idx];
  });
  return namedTuple([output, indices] as [Tensor, Tensor], { output, indices });
}

/** PyTorch's max-pool indices (int64, [N, C, oh, ow]) of x [N, C, H, W] (Note [max pool indices]). */
function poolIndices(x: Tensor, oh: number, ow: number, a: MaxPoolWindows): Tensor {
  const [n, c, h, w] = x.shape;
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const [dh, dw] = a.dilation;
  const K = kh * kw;
  const L = oh * ow;
  const device = x.device;
  const int64 = { dtype: 'int64' as const, device };
  const f32 = { dtype: 'float32' as const, device };
  // Window rows [oh, kh] and columns [ow, kw] of the input; outside it only in the padding.
  const rows = add(reshape(sub(mul(arange(oh, int64), sh), ph), [oh, 1]), reshape(mul(arange(kh, int64), dh), [1, kh]));
  const cols = add(reshape(sub(mul(arange(ow, int64), sw), pw), [ow, 1]), reshape(mul(arange(kw, int64), dw), [1, kw]));
  const inside = (t: Tensor, size: number) => logicalAnd(ge(t, 0), lt(t, size));
  const valid = reshape(logicalAnd(reshape(inside(rows, h), [oh, 1, kh, 1]), reshape(inside(cols, w), [1, ow, 1, kw])), [L, K]);
  const positions = add(mul(reshape(clamp(rows, 0, h - 1), [oh, 1, kh, 1]), w), reshape(clamp(cols, 0, w - 1), [1, ow, 1, kw]));
  const values = reshape(indexSelect(reshape(x, [n, c, h * w]), 2, reshape(positions, [L * K])), [n, c, L, K]);
  // The maximum over the window's elements inside the input (NaN aside: handled below).
  const top = max(where(valid, values, -Infinity), { dim: -1, keepdim: true }).values;
  const isMax = logicalAnd(eq(values, top), valid);
  const isNaN = logicalAnd(isnan(values), valid);
  const k = arange(K, f32);
  const first = sub(K, max(where(isMax, sub(K, k), 0), -1).values);
  const lastNaN = sub(max(where(isNaN, add(k, 1), 0), -1).values, 1);
  // A window with no element inside the input (possible only with large dilation) keeps offset 0.
  const offset = cast(clamp(where(ge(lastNaN, 0), lastNaN, first), 0, K - 1), 'int64');
  const u = floorDivide(offset, kw);
  const v = sub(offset, mul(u, kw));
  const rowStart = reshape(sub(mul(arange(oh, int64), sh), ph), [oh, 1]);
  const colStart = sub(mul(arange(ow, int64), sw), pw);
  const row = add(rowStart, mul(reshape(u, [n, c, oh, ow]), dh));
  const col = add(colStart, mul(reshape(v, [n, c, oh, ow]), dw));
  return add(mul(row, w), col);
}

// ---- maxUnpool2d ----

export interface MaxUnpool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Size2d;
  padding?: Size2d;
  /** [H, W] (or [N, C, H, W], [C, H, W]: the last two count); default (H_in − 1)·stride − 2·padding + kernel. */
  outputSize?: readonly number[] | null;
}

/** A size option of `axes` numbers ([h, w] or [d, h, w]), one number for all, or the fallback. */
function sizesArg(fn: string, name: string, v: unknown, fallback: readonly number[] | null, min: number, axes: number): number[] {
  const list = v === undefined || v === null ? fallback : typeof v === 'number' ? Array<number>(axes).fill(v) : Array.isArray(v) ? (v as number[]) : null;
  if (!list || list.length !== axes || !list.every((d) => Number.isSafeInteger(d) && d >= min)) {
    throw new ValueError(`${fn}: ${name} expected an integer >= ${min} or ${axes === 3 ? '[d, h, w]' : '[h, w]'} of them, got ${JSON.stringify(v)}`);
  }
  return [...list];
}

/*
 * Note [unpool writes]: PyTorch's max_unpool2d writes x[i] at output[indices[i]]. A position
 * written more than once (overlapping windows whose maxima coincide) gets equal values from
 * maxPool2d's indices; with unequal ones PyTorch's result is undefined (2.13's cpu kernel keeps
 * neither the first nor always the last write). When the windows do not overlap (kernel <= stride
 * in both dims) maxPool2d's indices never repeat within a plane and one scatterAdd into zeros is
 * exact (indices repeated by hand would add up). When they may overlap, each plane's indices are
 * sorted (stably) and only the last write to each position, in input order, is added: exact, at
 * the price of a sort. The gradient of x is PyTorch's in both cases: the output gradient gathered
 * at the indices (a repeated index passes the whole gradient to each of its writes).
 */
const unpool = defineFunction({
  name: 'maxUnpool',
  forward(ctx, x: Tensor, indices: Tensor, planes: number, overlapping: boolean): Tensor {
    ctx.saveForBackward(indices);
    const [n, c] = x.shape;
    const flat = reshape(x, [n, c, x.numel / Math.max(1, n * c)]);
    const at = reshape(indices, flat.shape);
    const base = zeros([n, c, planes], { device: x.device });
    if (!overlapping || flat.shape[2] < 2) return scatterAdd(base, 2, at, flat);
    const { values: sorted, indices: order } = sort(at, -1);
    const l = flat.shape[2];
    const last = cat([ne(narrow(sorted, 2, 0, l - 1), narrow(sorted, 2, 1, l - 1)), ones([n, c, 1], { dtype: 'bool', device: x.device })], 2);
    return scatterAdd(base, 2, sorted, where(last, gather(flat, 2, order), 0));
  },
  backward(ctx, g: Tensor) {
    const [indices] = ctx.savedTensors;
    const [n, c] = indices.shape;
    const l = indices.numel / Math.max(1, n * c);
    return [reshape(gather(g, 2, reshape(indices, [n, c, l])), indices.shape), null, null, null];
  },
});

/**
 * PyTorch's F.max_unpool2d: x [N, C, H, W] (or [C, H, W]) written into zeros [N, C, H_out, W_out]
 * at `indices` (int64, x's shape, flat positions h·W_out + w within each plane, as
 * maxPool2d(…, { returnIndices: true }) gives them). H_out = (H − 1)·stride − 2·padding + kernel,
 * or `outputSize`, within stride of it (PyTorch's rule). Differentiable in x.
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: Size2d, options: MaxUnpool2dOptions = {}): Tensor {
  return maxUnpool('maxUnpool2d', 2, x, indices, kernelSize, options);
}

export interface MaxUnpool3dOptions {
  /** Defaults to kernelSize. */
  stride?: number | readonly [number, number, number];
  padding?: number | readonly [number, number, number];
  /** [D, H, W] (or [N, C, D, H, W], [C, D, H, W]: the last three count); default (D_in − 1)·stride − 2·padding + kernel. */
  outputSize?: readonly number[] | null;
}

/**
 * PyTorch's F.max_unpool3d: x [N, C, D, H, W] (or [C, D, H, W]) written into zeros
 * [N, C, D_out, H_out, W_out] at `indices` (int64, x's shape, flat positions (d·H_out + h)·W_out + w
 * within each volume, as maxPool3d(…, { returnIndices: true }) gives them), the output sizes as
 * maxUnpool2d's. Differentiable in x.
 */
export function maxUnpool3d(x: Tensor, indices: Tensor, kernelSize: number | readonly [number, number, number], options: MaxUnpool3dOptions = {}): Tensor {
  return maxUnpool('maxUnpool3d', 3, x, indices, kernelSize, options);
}

/** maxUnpool2d and maxUnpool3d: the inverse of max pooling over the last `axes` dims (Note [unpool writes]). */
function maxUnpool(fn: string, axes: 2 | 3, x: Tensor, indices: Tensor, kernelSize: unknown, options: { stride?: unknown; padding?: unknown; outputSize?: readonly number[] | null }): Tensor {
  tensorArg(fn, 'input', x);
  tensorArg(fn, 'indices', indices);
  checkOptions(fn, options, ['stride', 'padding', 'outputSize']);
  if (x.dtype !== 'float32') throw new DTypeError(`${fn}: input expected float32, got ${x.dtype}`);
  if (indices.dtype !== 'int64') throw new DTypeError(`${fn}: indices expected int64, got ${indices.dtype}`);
  if (x.shape.length !== axes + 1 && x.shape.length !== axes + 2) {
    const layout = axes === 3 ? '[C,D,H,W] or [N,C,D,H,W]' : '[C,H,W] or [N,C,H,W]';
    throw new ShapeError(`${fn}: input expected ${axes + 1} or ${axes + 2} dimensions (${layout}), got ${fmtShape(x.shape)}`);
  }
  if (indices.shape.length !== x.shape.length || indices.shape.some((d, i) => d !== x.shape[i])) {
    throw new ShapeError(`${fn}: indices expected the input's shape ${fmtShape(x.shape)}, got ${fmtShape(indices.shape)}`);
  }
  if (indices.device !== x.device) throw new DeviceError(`${fn}: indices expected a tensor on input's device ${x.device}, got one on ${indices.device}`);
  const kernel = sizesArg(fn, 'kernelSize', kernelSize, null, 1, axes);
  const stride = sizesArg(fn, "option 'stride'", options.stride, kernel, 1, axes);
  const padding = sizesArg(fn, "option 'padding'", options.padding, Array(axes).fill(0), 0, axes);
  const inSizes = x.shape.slice(-axes);
  const natural = inSizes.map((d, a) => (d - 1) * stride[a] - 2 * padding[a] + kernel[a]);
  let size = natural;
  if (options.outputSize !== undefined && options.outputSize !== null) {
    const given = options.outputSize;
    if (!Array.isArray(given) || !given.every((d) => Number.isSafeInteger(d) && d >= 0) || ![axes, x.shape.length, axes + 2].includes(given.length)) {
      const spelled = axes === 3 ? '[D, H, W]' : '[H, W]';
      throw new ValueError(`${fn}: option 'outputSize' expected ${spelled} (or the full output shape) of non-negative integers, got ${JSON.stringify(given)}`);
    }
    size = given.slice(-axes);
    for (let d = 0; d < axes; d++) {
      const lo = natural[d] - stride[d];
      const hi = natural[d] + stride[d];
      if (!(lo < size[d] && size[d] < hi)) {
        throw new ValueError(`${fn}: option 'outputSize' [${size.join(',')}] is invalid: dim ${d} must be between ${lo} and ${hi} (exclusive) for input ${fmtShape(x.shape)}, kernelSize [${kernel.join(',')}], stride [${stride.join(',')}], padding [${padding.join(',')}]`);
      }
    }
  }
  if (size.some((d) => d < 1)) {
    throw new ShapeError(`${fn}: output size ${size.join('x')} is too small (input ${fmtShape(x.shape)}, kernelSize [${kernel.join(',')}], stride [${stride.join(',')}], padding [${padding.join(',')}])`);
  }
  const overlapping = kernel.some((k, d) => k > stride[d]);
  return scope(() => {
    const unbatched = x.shape.length === axes + 1;
    const xb = unbatched ? reshape(x, [1, ...x.shape]) : x;
    const ib = unbatched ? reshape(indices, [1, ...indices.shape]) : indices;
    const y = unpool(xb, ib, size.reduce((p, d) => p * d, 1), overlapping);
    return reshape(y, [...x.shape.slice(0, -axes), ...size]);
  });
}

// ---- bincount ----

export interface BincountOptions {
  /** A weight per element of the input (1-D, same length): the result sums them (float32). */
  weights?: Tensor | null;
  /** The least length of the result (default 0). */
  minlength?: number;
}

/**
 * PyTorch's torch.bincount: how often each value 0, 1, … max(x) occurs in x (1-D, integer, no
 * negative values), int64 of length max(max(x) + 1, minlength); with `weights`, the sum of the
 * weights of each value's elements (float32). Async: the length depends on the values, so their
 * least and largest are read back first (`await bincount(x)`); an empty x gives zeros(minlength)
 * (int64 even with weights, as PyTorch).
 */
export async function bincount(x: Tensor, options: BincountOptions = {}): Promise<Tensor> {
  const fn = 'bincount';
  tensorArg(fn, 'input', x);
  checkOptions(fn, options, ['weights', 'minlength']);
  if (x.dtype !== 'int64' && x.dtype !== 'int32' && x.dtype !== 'uint8') throw new DTypeError(`${fn}: input expected an integer dtype (int64, int32 or uint8), got ${x.dtype}`);
  if (x.shape.length !== 1) throw new ShapeError(`${fn}: input expected a 1-D tensor, got shape ${fmtShape(x.shape)}`);
  const minlength = options.minlength ?? 0;
  if (!Number.isSafeInteger(minlength) || minlength < 0) throw new ValueError(`${fn}: option 'minlength' expected a non-negative integer, got ${JSON.stringify(minlength)}`);
  const weights = options.weights ?? null;
  if (weights !== null) {
    if (!(weights as Tensor | undefined)?.isTensor) throw new ValueError(`${fn}: option 'weights' expected a tensor, got ${(weights as unknown) instanceof Promise ? PROMISE_HINT : typeof weights}`);
    if (weights.dtype === 'bool') throw new DTypeError(`${fn}: option 'weights' expected a numeric dtype, got bool`);
    if (weights.shape.length !== 1 || weights.shape[0] !== x.shape[0]) throw new ShapeError(`${fn}: option 'weights' expected shape ${fmtShape(x.shape)} (the input's), got ${fmtShape(weights.shape)}`);
    if (weights.device !== x.device) throw new DeviceError(`${fn}: option 'weights' expected a tensor on input's device ${x.device}, got one on ${weights.device}`);
  }
  if (x.numel === 0) return zeros([minlength], { dtype: 'int64', device: x.device });
  const extremes = scope(() => stack([cast(min(x), 'int64'), cast(max(x), 'int64')]));
  let least: number, most: number;
  try {
    const read = (await extremes.data()) as BigInt64Array;
    [least, most] = [Number(read[0]), Number(read[1])];
  } finally {
    extremes.dispose();
  }
  if (least < 0) throw new ValueError(`${fn}: input expected non-negative values, got ${least}`);
  const length = Math.max(most + 1, minlength);
  return scope(() => {
    const at = cast(x, 'int64');
    if (weights === null) return scatterAdd(zeros([length], { dtype: 'int64', device: x.device }), 0, at, ones([x.shape[0]], { dtype: 'int64', device: x.device }));
    const wf = isFloating(weights.dtype) ? weights : cast(weights, 'float32');
    return scatterAdd(zeros([length], { device: x.device }), 0, at, wf);
  });
}
