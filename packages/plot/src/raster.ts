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
