// PyTorch's adaptive 3-d pooling (F.adaptive_avg_pool3d, F.adaptive_max_pool3d) over
// [N, C, D, H, W] or unbatched [C, D, H, W]. No op of their own: each is the 2-d adaptive pooling
// over (H, W), then over D (Note [separable 3-d pooling]), so they run on both devices with the
// 2-d ops' backward kernels. nn's AdaptiveAvgPool3d / AdaptiveMaxPool3d and interpolate's 'area'
// mode on 5-d input call these; maxPool3d and avgPool3d are ops (pool3d.ts).
import { adaptiveAvgPool2d } from './pool.js';
import { adaptiveMaxAlong } from './pool1d.js';
import { pooled3d } from './pool3d.js';
import { reshape } from './shape.js';
import { mean } from './reduce.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';

/*
 * Note [separable 3-d pooling]: PyTorch's adaptive windows [floor(i·L/O), ceil((i+1)·L/O)) are
 * per axis, so a 3-d window is a box, the product of one interval per axis, and:
 * - adaptive average: the mean over a box is the mean over d of the (h, w) means:
 *   adaptiveAvgPool2d over (H, W) on the [N, C·D, H, W] view, then over [D, OH·OW] to
 *   [OD, OH·OW] on the [N, C, D, OH·OW] view (the width unchanged, windows of one).
 * - adaptive max: the adaptive max along W, then H, then D (max and narrow on the 5-d tensor).
 * Gradients are the 2-d op's (and max's). Ties: PyTorch sends the gradient to the first maximal
 * element in (d, h, w) order; the composition sends it to the first maximal plane's own first
 * maximum, which is that same element because max's gradient keeps its first maximum on every
 * pass (checked against PyTorch on tied inputs).
 */

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
