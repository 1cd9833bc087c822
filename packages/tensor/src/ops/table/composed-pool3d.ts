// PyTorch's 3-d pooling functions (F.max_pool3d, F.avg_pool3d, F.adaptive_avg_pool3d,
// F.adaptive_max_pool3d) over [N, C, D, H, W] or unbatched [C, D, H, W], for video and volumes.
// No op of their own: each is the 2-d pooling ops over (H, W), then over D (Note [separable 3-d
// pooling]), so they run on both devices with the 2-d ops' fused backward kernels. nn's
// MaxPool3d … layers and interpolate's 'area' mode on 5-d input call these.
import { tensor } from '../../creation.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { mul } from './binary.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, pooledSizes, poolSizes } from './pool.js';
import { adaptiveMaxAlong } from './pool1d.js';
import { onBatch, reshape } from './shape.js';
import { mean } from './reduce.js';

/*
 * Note [separable 3-d pooling]: a 3-d window is a box, the product of one interval per axis
 * (start o·s − p, every dilation-th element, clipped to the input or to the padding), and each
 * axis's intervals depend on that axis's input size, kernel, stride, padding, dilation and ceil
 * mode alone — PyTorch's pooling_output_shape is per axis, so the output sizes separate too. So:
 * - max: the max over a box is the max over d of the max over (h, w) of plane d. maxPool2d pools
 *   (H, W) on the [N, C·D, H, W] view, then maxPool2d with a [kd, 1] window (stride [sd, 1],
 *   padding [pd, 0], dilation [dd, 1], the same ceil mode, which changes nothing on a width-1
 *   window) pools D on the [N, C, D, OH·OW] view. Padding is −∞ in both passes, as in one.
 * - average: the sum over a box is the sum over d of the plane sums, and PyTorch's divisor is a
 *   product of per-axis counts: with countIncludePad, (min(start + k, in + p) − start) per axis
 *   (the window clipped to the padded input, which in ceil mode drops the overhang past the right
 *   padding); without it, the window clipped to the input. avgPool2d divides by the (H, W)
 *   factors and the D pass by the D factor, so the two passes divide by their product exactly
 *   (checked against PyTorch with ceil mode, padding and both countIncludePad settings).
 *   divisorOverride divides the sum by one number instead: the countIncludePad average times
 *   its divisor (a [OD, OH, OW] tensor, the outer product of the per-axis counts) over the
 *   override, rounded once more than PyTorch's sum / override (a relative 1e-7).
 * - adaptive average: PyTorch's windows [floor(i·L/O), ceil((i+1)·L/O)) are per axis and the
 *   mean over a box is the mean over d of the (h, w) means: adaptiveAvgPool2d over (H, W), then
 *   over [D, OH·OW] to [OD, OH·OW] (the width unchanged, windows of one).
 * - adaptive max: the adaptive max along W, then H, then D (max and narrow on the 5-d tensor).
 * Gradients are the 2-d ops' (and max's). Where one element of a window is the largest, they are
 * PyTorch's exactly. Ties: PyTorch sends the gradient to the first maximal element in (d, h, w)
 * order; the composition sends it to the first maximal plane's own first maximum, which is that
 * same element because every pass keeps its first maximum: max's gradient does (adaptive max),
 * and so does maxPool2d on both devices (cpu: oneDNN replaces its running maximum only with a
 * larger element, and the 2×2 kernel picks in window order; cuda: our kernel, pool_kernels.cu),
 * checked against PyTorch on tied inputs. One difference is inherited rather than composed: NaN.
 * PyTorch's window with a NaN gives NaN; so do cuda's maxPool2d, cpu's 2×2 kernel and max
 * (adaptiveMaxPool3d), but cpu's other maxPool2d windows (oneDNN's) pass over a NaN, and the D
 * pass is always one of those: on cpu maxPool3d, like maxPool2d there, may not propagate a NaN.
 * maxPool3d's returnIndices (the flat d·H·W + h·W + w position
 * of each maximum, for MaxUnpool3d) is refused: nutshell has no MaxUnpool3d.
 */

/** A 3-d size: one number for every axis, or [d, h, w]. */
type Size3d = number | readonly [number, number, number];

/**
 * The input checked for `fn`: float32 (what the 2-d ops take), [N, C, D, H, W] or unbatched
 * [C, D, H, W], channels and sizes above 0 (N may be 0).
 */
function checkInput(fn: string, x: Tensor): void {
  tensorArg(fn, 'input', x);
  const s = x.shape;
  if (s.length !== 4 && s.length !== 5) throw new ShapeError(`${fn}: input expected [N, C, D, H, W] or unbatched [C, D, H, W], got ${fmtShape(s)}`);
  if (s.slice(-4).some((d) => d === 0)) throw new ShapeError(`${fn}: input expected non-zero channels, depth, height and width (only N may be 0), got ${fmtShape(s)}`);
  if (x.dtype !== 'float32') throw new DTypeError(`${fn}: input expected float32, got ${x.dtype}`);
}

/** Runs `pool` on the input as [N, C, D, H, W], and drops the batch of one an unbatched input got. */
function pooled3d(fn: string, input: Tensor, pool: (x5: Tensor) => Tensor): Tensor {
  checkInput(fn, input);
  return onBatch(input, 5, pool);
}

/** A window resolved per axis [d, h, w], its output sizes checked against the input's. */
interface Window3d {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
  /** [OD, OH, OW]. */
  out: number[];
}

function window3d(fn: string, shape: readonly number[], kernelSize: unknown, o: { stride?: unknown; padding?: unknown; dilation?: unknown; ceilMode?: unknown }): Window3d {
  if (kernelSize === undefined || kernelSize === null) throw new ValueError(`${fn}: kernelSize expected a number or [d, h, w], got ${String(kernelSize)}`);
  const kernel = poolSizes(fn, 'kernelSize', kernelSize, 3, []);
  const stride = poolSizes(fn, 'stride', o.stride, 3, kernel);
  const padding = poolSizes(fn, 'padding', o.padding, 3, [0, 0, 0]);
  const dilation = poolSizes(fn, 'dilation', o.dilation, 3, [1, 1, 1]);
  const ceilMode = o.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') throw new ValueError(`${fn}: option 'ceilMode' expected a boolean, got ${JSON.stringify(ceilMode)}`);
  const out = pooledSizes(fn, shape, { kernelSize: kernel, stride, padding, ceilMode }, dilation);
  return { kernel, stride, padding, dilation, ceilMode, out };
}

/**
 * Pools (H, W) with `planes` on the [N, C·D, H, W] view, then D with `depth` on the
 * [N, C, D, OH·OW] view (Note [separable 3-d pooling]); returns [N, C, OD, OH, OW].
 */
function separable(x: Tensor, planes: (x4: Tensor) => Tensor, depth: (x4: Tensor) => Tensor): Tensor {
  const [n, c, d, h, w] = x.shape;
  const p = planes(reshape(x, [n, c * d, h, w]));
  const [oh, ow] = p.shape.slice(2);
  const y = depth(reshape(p, [n, c, d, oh * ow]));
  return reshape(y, [n, c, y.shape[2], oh, ow]);
}

export interface MaxPool3dOptions {
  /** The window step, a number or [d, h, w] (default kernelSize). */
  stride?: Size3d | null;
  /** Implicit −∞ padding on both sides of each axis, at most half the kernel (default 0). */
  padding?: Size3d;
  /** Spacing between the window's elements (default 1). */
  dilation?: Size3d;
  /** Round each output size up rather than down (default false). */
  ceilMode?: boolean;
  /** Refused: PyTorch's indices serve MaxUnpool3d, which nutshell does not have. */
  returnIndices?: false;
}

/**
 * 3-d max pooling over [N, C, D, H, W] (or [C, D, H, W]), like torch.nn.functional.max_pool3d:
 * maxPool2d over (H, W), then over D (Note [separable 3-d pooling]).
 */
export function maxPool3d(input: Tensor, kernelSize: Size3d, options: MaxPool3dOptions = {}): Tensor {
  const fn = 'maxPool3d';
  checkOptions(fn, options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  refuseReturnIndices(fn, options.returnIndices);
  return pooled3d(fn, input, (x) => {
    const { kernel: k, stride: s, padding: p, dilation: d, ceilMode } = window3d(fn, input.shape, kernelSize, options);
    return separable(
      x,
      (x4) => maxPool2d(x4, [k[1], k[2]], { stride: [s[1], s[2]], padding: [p[1], p[2]], dilation: [d[1], d[2]], ceilMode }),
      (x4) => maxPool2d(x4, [k[0], 1], { stride: [s[0], 1], padding: [p[0], 0], dilation: [d[0], 1], ceilMode }),
    );
  });
}

/** returnIndices: true refused (no MaxUnpool3d to use the indices); false or absent is fine. */
function refuseReturnIndices(fn: string, v: unknown): void {
  if (v === undefined || v === false) return;
  if (v === true) throw new ValueError(`${fn}: option 'returnIndices' is not supported for 3-d pooling: its indices serve MaxUnpool3d, which nutshell does not have`);
  throw new ValueError(`${fn}: option 'returnIndices' expected false (returnIndices: true is not supported for 3-d pooling), got ${JSON.stringify(v)}`);
}

export interface AvgPool3dOptions {
  /** The window step, a number or [d, h, w] (default kernelSize). */
  stride?: Size3d | null;
  /** Implicit zero padding on both sides of each axis, at most half the kernel (default 0). */
  padding?: Size3d;
  /** Round each output size up rather than down (default false). */
  ceilMode?: boolean;
  /** Whether padded positions count in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Divide each window's sum by this non-zero integer instead of its size (default null). */
  divisorOverride?: number | null;
}

/**
 * 3-d average pooling over [N, C, D, H, W] (or [C, D, H, W]), like
 * torch.nn.functional.avg_pool3d: avgPool2d over (H, W), then over D, the divisor PyTorch's
 * product of per-axis counts (Note [separable 3-d pooling]).
 */
export function avgPool3d(input: Tensor, kernelSize: Size3d, options: AvgPool3dOptions = {}): Tensor {
  const fn = 'avgPool3d';
  checkOptions(fn, options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  const divisor = options.divisorOverride ?? null;
  if (divisor !== null && !(Number.isSafeInteger(divisor) && divisor !== 0)) {
    throw new ValueError(`${fn}: option 'divisorOverride' expected a non-zero integer (or null), got ${JSON.stringify(divisor)}`);
  }
  const countIncludePad = options.countIncludePad ?? true;
  if (typeof countIncludePad !== 'boolean') throw new ValueError(`${fn}: option 'countIncludePad' expected a boolean, got ${JSON.stringify(countIncludePad)}`);
  return pooled3d(fn, input, (x) => {
    const w = window3d(fn, input.shape, kernelSize, options);
    const { kernel: k, stride: s, padding: p, ceilMode } = w;
    // With an override the divisor is rebuilt below from the countIncludePad one.
    const include = divisor !== null || countIncludePad;
    const y = separable(
      x,
      (x4) => avgPool2d(x4, [k[1], k[2]], { stride: [s[1], s[2]], padding: [p[1], p[2]], ceilMode, countIncludePad: include }),
      (x4) => avgPool2d(x4, [k[0], 1], { stride: [s[0], 1], padding: [p[0], 0], ceilMode, countIncludePad: include }),
    );
    return divisor === null ? y : mul(y, overrideScale(w, x.shape.slice(2), divisor, x.device));
  });
}

/**
 * sum / divisorOverride from the countIncludePad average: its divisor per output position, the
 * product of each axis's min(start + k, in + p) − start, over the override, as [OD, OH, OW].
 */
function overrideScale(w: Window3d, spatial: readonly number[], divisor: number, device: Tensor['device']): Tensor {
  const counts = w.out.map((o, a) =>
    Array.from({ length: o }, (_, i) => {
      const start = i * w.stride[a] - w.padding[a];
      return Math.min(start + w.kernel[a], spatial[a] + w.padding[a]) - start;
    }),
  );
  const [od, oh, ow] = w.out;
  const scale = new Float32Array(od * oh * ow);
  for (let i = 0; i < od; i++) for (let j = 0; j < oh; j++) for (let l = 0; l < ow; l++) scale[(i * oh + j) * ow + l] = (counts[0][i] * counts[1][j] * counts[2][l]) / divisor;
  return tensor(scale, { shape: [od, oh, ow], device });
}

/** An adaptive 3-d output size: one number, or [d, h, w] where null keeps that input size. */
type AdaptiveSize3d = number | readonly [number | null, number | null, number | null];

function adaptiveSize(fn: string, outputSize: unknown, spatial: readonly number[]): number[] {
  const triple = typeof outputSize === 'number' ? [outputSize, outputSize, outputSize] : Array.isArray(outputSize) && outputSize.length === 3 ? (outputSize as unknown[]) : null;
  const size = triple?.map((v, i) => (v === null ? spatial[i] : v));
  if (!size || !size.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1)) {
    throw new ValueError(`${fn}: outputSize expected a positive integer or [d, h, w] (null keeps a size), got ${JSON.stringify(outputSize)}`);
  }
  return size as number[];
}

/**
 * Adaptive average pooling of [N, C, D, H, W] (or [C, D, H, W]) to `outputSize` (a number, or
 * [d, h, w] where null keeps that size), PyTorch's windows [floor(i·L/O), ceil((i+1)·L/O)) per
 * axis (F.adaptive_avg_pool3d): adaptiveAvgPool2d over (H, W), then over D.
 */
export function adaptiveAvgPool3d(input: Tensor, outputSize: AdaptiveSize3d): Tensor {
  const fn = 'adaptiveAvgPool3d';
  return pooled3d(fn, input, (x) => {
    const [od, oh, ow] = adaptiveSize(fn, outputSize, x.shape.slice(2));
    // Global average pooling (a 3-d classifier's last layer): one mean rather than two adaptive passes.
    if (od === 1 && oh === 1 && ow === 1) return mean(x, { dim: [2, 3, 4], keepdim: true });
    return separable(
      x,
      (x4) => adaptiveAvgPool2d(x4, [oh, ow]),
      (x4) => adaptiveAvgPool2d(x4, [od, x4.shape[3]]),
    );
  });
}

/**
 * Adaptive max pooling of [N, C, D, H, W] (or [C, D, H, W]) to `outputSize`, with
 * adaptiveAvgPool3d's windows (F.adaptive_max_pool3d): the adaptive max along the width, the
 * height, then the depth; the gradient goes to the first maximal element in (d, h, w) order, as
 * PyTorch's. PyTorch's returnIndices is not offered.
 */
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize3d): Tensor {
  const fn = 'adaptiveMaxPool3d';
  return pooled3d(fn, input, (x) => {
    const [od, oh, ow] = adaptiveSize(fn, outputSize, x.shape.slice(2));
    // Global max pooling: one max over the flattened volume, whose first maximum is the first in
    // (d, h, w) order, as PyTorch's.
    if (od === 1 && oh === 1 && ow === 1) return reshape(adaptiveMaxAlong(reshape(x, [x.shape[0], x.shape[1], -1]), 2, 1), [x.shape[0], x.shape[1], 1, 1, 1]);
    return adaptiveMaxAlong(adaptiveMaxAlong(adaptiveMaxAlong(x, 4, ow), 3, oh), 2, od);
  });
}
