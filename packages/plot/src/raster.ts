import type { PixelBuffer } from './png.js';
import { PlotError } from './errors.js';

/**
 * An image as a training loop holds it: `channels` values per pixel, interleaved (HWC, like PNG
 * and canvases) unless `layout` is 'chw' (planar, like an NCHW tensor's slice). 8-bit arrays
 * hold 0..255; any other numeric array holds floats where 0..1 is black..white.
 */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray | Float32Array | Float64Array | ArrayLike<number>;
  layout?: 'hwc' | 'chw';
}

/** What plot reads of a @nutshell/tensor Tensor (plot does not depend on the tensor package). */
export interface TensorLike {
  readonly isTensor: true;
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number | bigint>;
}
export const isTensorLike = (v: unknown): v is TensorLike => (v as { isTensor?: unknown } | null)?.isTensor === true;

/**
 * An image given as a tensor, as PyTorch's add_image takes one: [C, H, W] with C = 1, 3 or 4, or
 * [H, W]; floats in [0, 1], uint8 in [0, 255]. Its values are read back synchronously.
 */
export function imageOfTensor(t: TensorLike, where: string): RasterImage {
  const s = t.shape;
  const chw = s.length === 3 && (s[0] === 1 || s[0] === 3 || s[0] === 4);
  if (!chw && s.length !== 2) throw new PlotError(`${where}: a tensor image expected [C, H, W] (C = 1, 3 or 4) or [H, W], got [${s.join(',')}]`);
  const data = t.dataSync();
  const values = data instanceof BigInt64Array ? Float64Array.from(data, Number) : (data as RasterImage['data']);
  return { width: s[s.length - 1], height: s[s.length - 2], channels: (chw ? s[0] : 1) as 1 | 3 | 4, data: values, layout: 'chw' };
}

/**
 * The images of a tensor as torchvision's make_grid reads one: [N, C, H, W] (C = 1, 3 or 4) a
 * batch; [C, H, W] or [H, W] one image. Read back at once.
 */
export function imagesOfBatch(t: TensorLike, where: string): RasterImage[] {
  const s = t.shape;
  if (s.length === 2 || s.length === 3) {
    if (s.length === 3 && !(s[0] === 1 || s[0] === 3 || s[0] === 4)) {
      throw new PlotError(`${where}: a 3-d tensor is one image [C, H, W] (C = 1, 3 or 4), as make_grid reads it; got [${s.join(',')}] (a batch of grey images is [N, 1, H, W]: x.unsqueeze(1))`);
    }
    return [imageOfTensor(t, where)];
  }
  const chw = s.length === 4 && (s[1] === 1 || s[1] === 3 || s[1] === 4);
  if (!chw) throw new PlotError(`${where}: a batch tensor expected [N, C, H, W] (C = 1, 3 or 4), got [${s.join(',')}]`);
  const data = t.dataSync();
  const values = data instanceof BigInt64Array ? Float64Array.from(data, Number) : (data as RasterImage['data'] & ArrayLike<number>);
  const [height, width] = s.slice(-2);
  const channels = s[1] as 1 | 3 | 4;
  const size = channels * height * width;
  return Array.from({ length: s[0] }, (_, i) => {
    const at = i * size;
    const slice = ArrayBuffer.isView(values) ? (values as Float32Array).subarray(at, at + size) : Array.prototype.slice.call(values, at, at + size);
    return { width, height, channels, data: slice, layout: 'chw' as const };
  });
}

/** The matrix of a 2-D tensor, as rows of numbers. */
export function rowsOfTensor(t: TensorLike, where: string): number[][] {
  if (t.shape.length !== 2) throw new PlotError(`${where}: a tensor matrix expected 2 dimensions, got [${t.shape.join(',')}]`);
  const [rows, cols] = t.shape;
  const data = Array.from(t.dataSync(), Number);
  return Array.from({ length: rows }, (_, r) => data.slice(r * cols, (r + 1) * cols));
}

export function checkImage(image: RasterImage, where: string): void {
  if (typeof image !== 'object' || image === null) throw new PlotError(`${where}: expected an image object, got ${image}`);
  const { width, height, channels, data, layout = 'hwc' } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PlotError(`${where}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new PlotError(`${where}: channels must be 1, 3 or 4, got ${channels}`);
  if (layout !== 'hwc' && layout !== 'chw') throw new PlotError(`${where}: layout must be 'hwc' or 'chw', got ${JSON.stringify(layout)}`);
  if (!data || typeof data.length !== 'number' || data.length !== width * height * channels) {
    throw new PlotError(
      `${where}: data must hold width*height*channels = ${width}*${height}*${channels} = ${width * height * channels} values, got ${data?.length}`,
    );
  }
}

/** Whether the data holds bytes (0..255) rather than floats (0..1). */
export function isByteData(data: RasterImage['data']): boolean {
  return data instanceof Uint8Array || data instanceof Uint8ClampedArray;
}

/**
 * Converts to interleaved 8-bit pixels with the same channel count. Values map linearly from
 * `range` (default: 0..255 for bytes, 0..1 for floats) to 0..255 and are clamped; NaN is 0. A
 * zero-width range maps everything to 0, as torchvision's make_grid does.
 */
export function toPixels(image: RasterImage, range?: readonly [number, number]): PixelBuffer {
  checkImage(image, 'toPixels');
  const { width, height, channels, data, layout = 'hwc' } = image;
  const [lo, hi] = range ?? (isByteData(data) ? [0, 255] : [0, 1]);
  const k = hi > lo ? 255 / (hi - lo) : 0;
  const n = width * height;
  const out = new Uint8Array(n * channels);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < channels; c++) {
      const v = data[layout === 'hwc' ? p * channels + c : c * n + p];
      const s = (v - lo) * k;
      out[p * channels + c] = s >= 255 ? 255 : s > 0 ? Math.round(s) : 0;
    }
  }
  return { width, height, channels, data: out };
}
