// PyTorch's 1-d pooling functions (F.max_pool1d, F.avg_pool1d, F.adaptive_avg_pool1d,
// F.adaptive_max_pool1d) over [N, C, L] or unbatched [C, L], for text CNNs: the first three are
// the 2-d pooling ops on a [N, C, 1, L] view (both devices, their fused backward ops); the
// adaptive max is composed of narrow and max, whose gradient goes to the first maximal element of
// each window, as PyTorch's. nn's MaxPool1d … layers call these. adaptiveMaxPool2d is the
// adaptive max along the width, then the height (and adaptiveMaxPool3d's, then the depth).
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from './pool.js';
import { max } from './reduce.js';
import { cat, narrow, reshape, squeeze, unsqueeze } from './shape.js';

/** A 1-d size: a number, or a one-element array as PyTorch's (k,). */
export type Size1d = number | readonly [number];

/** A 1-d size checked: an integer of at least `min`, named for `fn`. */
function size1d(fn: string, name: string, v: unknown, min: number): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    throw new ValueError(`${fn}: ${name} expected an integer >= ${min} (or [${name}]), got ${JSON.stringify(v)}`);
  }
  return n;
}

/** [N, C, L] or [C, L], with channels and length above 0. */
function checkInput(fn: string, x: Tensor): void {
  tensorArg(fn, 'input', x);
  const s = x.shape;
  if (s.length !== 2 && s.length !== 3) throw new ShapeError(`${fn}: input expected [N, C, L] or unbatched [C, L], got ${fmtShape(s)}`);
  if (s[s.length - 1] === 0 || s[s.length - 2] === 0) throw new ShapeError(`${fn}: input expected non-zero channels and length, got ${fmtShape(s)}`);
}

/** The input checked, and the window: kernel, stride (default the kernel) and padding (at most half the kernel, as PyTorch requires). */
function windowOf(fn: string, x: Tensor, kernelSize: Size1d, options: { stride?: Size1d | null; padding?: Size1d }) {
  checkInput(fn, x);
  const k = size1d(fn, 'kernelSize', kernelSize, 1);
  const stride = options.stride === undefined || options.stride === null ? k : size1d(fn, 'stride', options.stride, 1);
  const padding = size1d(fn, 'padding', options.padding ?? 0, 0);
  if (padding > Math.floor(k / 2)) throw new ValueError(`${fn}: padding ${padding} should be at most half of kernelSize ${k}`);
  return { k, stride, padding };
}

/** Runs a 2-d pooling on x with a height-1 axis inserted before the length, then drops it. */
const viaPool2d = (x: Tensor, pool: (x4: Tensor) => Tensor): Tensor => scope(() => squeeze(pool(unsqueeze(x, -2)), -2));

export interface MaxPool1dOptions {
  /** The window step (default kernelSize). */
  stride?: Size1d | null;
  /** Implicit −∞ padding on both sides, at most half the kernel (default 0). */
  padding?: Size1d;
  dilation?: Size1d;
  /** Round the output length up rather than down (default false). */
  ceilMode?: boolean;
}

/** The largest value of each window along the length (F.max_pool1d). */
export function maxPool1d(x: Tensor, kernelSize: Size1d, options: MaxPool1dOptions = {}): Tensor {
  checkOptions('maxPool1d', options, ['stride', 'padding', 'dilation', 'ceilMode']);
  const { k, stride, padding } = windowOf('maxPool1d', x, kernelSize, options);
  const dilation = size1d('maxPool1d', 'dilation', options.dilation ?? 1, 1);
  return viaPool2d(x, (x4) => maxPool2d(x4, [1, k], { stride: [1, stride], padding: [0, padding], dilation: [1, dilation], ceilMode: options.ceilMode ?? false }));
}

export interface AvgPool1dOptions {
  /** The window step (default kernelSize). */
  stride?: Size1d | null;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  padding?: Size1d;
  /** Round the output length up rather than down (default false). */
  ceilMode?: boolean;
  /** Whether padded positions count in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/** The mean of each window along the length (F.avg_pool1d). */
export function avgPool1d(x: Tensor, kernelSize: Size1d, options: AvgPool1dOptions = {}): Tensor {
  checkOptions('avgPool1d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  const { k, stride, padding } = windowOf('avgPool1d', x, kernelSize, options);
  return viaPool2d(x, (x4) =>
    avgPool2d(x4, [1, k], { stride: [1, stride], padding: [0, padding], ceilMode: options.ceilMode ?? false, countIncludePad: options.countIncludePad ?? true }),
  );
}

/** Average pooling to `outputSize` positions, windows [floor(i·L/O), ceil((i+1)·L/O)) (F.adaptive_avg_pool1d). */
export function adaptiveAvgPool1d(x: Tensor, outputSize: Size1d): Tensor {
  checkInput('adaptiveAvgPool1d', x);
  const o = size1d('adaptiveAvgPool1d', 'outputSize', outputSize, 1);
  return viaPool2d(x, (x4) => adaptiveAvgPool2d(x4, [1, o]));
}

/** Max pooling to `outputSize` positions with adaptiveAvgPool1d's windows (F.adaptive_max_pool1d; `1` is a max over time). */
export function adaptiveMaxPool1d(x: Tensor, outputSize: Size1d): Tensor {
  checkInput('adaptiveMaxPool1d', x);
  return adaptiveMaxAlong(x, -1, size1d('adaptiveMaxPool1d', 'outputSize', outputSize, 1));
}

/**
 * @internal The adaptive max along `dim` to O positions (adaptiveAvgPool1d's windows); the
 * gradient reaches the first maximal element of each window (max's rule, PyTorch's).
 */
export function adaptiveMaxAlong(x: Tensor, dim: number, O: number): Tensor {
  const d = dim < 0 ? dim + x.shape.length : dim;
  const L = x.shape[d];
  return scope(() => {
    // Equal windows side by side: one reduction over a [..., O, L/O, ...] view.
    if (L % O === 0) return max(reshape(x, [...x.shape.slice(0, d), O, L / O, ...x.shape.slice(d + 1)]), { dim: d + 1 }).values;
    const windows: Tensor[] = [];
    for (let i = 0; i < O; i++) {
      const start = Math.floor((i * L) / O);
      const end = Math.ceil(((i + 1) * L) / O);
      windows.push(max(narrow(x, d, start, end - start), { dim: d, keepdim: true }).values);
    }
    return cat(windows, d);
  });
}

/**
 * Max pooling of [N, C, H, W] or [C, H, W] to `outputSize` (a number, or [h, w] where null keeps
 * that size), adaptiveAvgPool2d's windows (F.adaptive_max_pool2d). A window's max is the max over
 * its rows of each row's max, so this is the 1-d pooling along the width, then the height; the
 * gradient reaches the first maximal element in row-major order, as PyTorch's.
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  tensorArg('adaptiveMaxPool2d', 'input', x);
  const s = x.shape;
  if (s.length !== 3 && s.length !== 4) throw new ShapeError(`adaptiveMaxPool2d: input expected [N, C, H, W] or unbatched [C, H, W], got ${fmtShape(s)}`);
  if (s.slice(-3).some((d) => d === 0)) throw new ShapeError(`adaptiveMaxPool2d: input expected non-zero channels, height and width, got ${fmtShape(s)}`);
  const pair = typeof outputSize === 'number' ? [outputSize, outputSize] : Array.isArray(outputSize) && outputSize.length === 2 ? outputSize : null;
  const size = pair?.map((v, i) => (v === null ? s[s.length - 2 + i] : v));
  if (!size || !size.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1)) {
    throw new ValueError(`adaptiveMaxPool2d: outputSize expected a positive integer or [h, w] (null keeps a size), got ${JSON.stringify(outputSize)}`);
  }
  const [oh, ow] = size as number[];
  return scope(() => adaptiveMaxAlong(adaptiveMaxAlong(x, -1, ow), -2, oh));
}
