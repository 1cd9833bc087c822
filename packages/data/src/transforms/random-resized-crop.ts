// torchvision's RandomResizedCrop: a window of random area (a `scale` fraction of the image) and
// aspect ratio (log-uniform in `ratio`), resized to `size`. The window is torchvision's get_params:
// up to 10 tries, each drawing (in this order) the area fraction and then the log aspect ratio,
// uniformly; the first window that fits draws its top and then its left offset; if none fits,
// the central crop of the image clamped to `ratio`. Every H×W plane of a clip gets the same window.
import { ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';
import type { Rng } from '../rng.js';
import { planesOf } from './check.js';
import { cropPlanes, rangeArg, roundHalfEven, sizeArg } from './geometry.js';
import { type Interpolation, antialiasArg, interpolationArg, resizePlanes } from './resize.js';
import { type Transform, defineTransform } from './transform.js';

export interface RandomResizedCropOptions {
  /** The window's area as a fraction of the image's, [min, max] (default [0.08, 1]). */
  scale?: readonly [number, number];
  /** The window's width / height, [min, max], drawn log-uniformly (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
  /** 'bilinear' (default, float32 images) or 'nearest'. */
  interpolation?: Interpolation;
  /** Only `false` (no antialiasing; torchvision's tensor default since 0.17 is true). */
  antialias?: boolean;
}

export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** torchvision's RandomResizedCrop.get_params for an image of height × width, drawing from rng. */
export function randomResizedCropParams(height: number, width: number, scale: readonly [number, number], ratio: readonly [number, number], rng: Rng): CropBox {
  const area = height * width;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let t = 0; t < 10; t++) {
    const targetArea = area * (scale[0] + (scale[1] - scale[0]) * rng.float());
    const aspect = Math.exp(logLo + (logHi - logLo) * rng.float());
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  // The fallback: the central crop, its aspect ratio clamped to ratio.
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(...ratio)) h = roundHalfEven(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = roundHalfEven(h * Math.max(...ratio));
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

export function randomResizedCrop(size: number | readonly [number] | readonly [number, number], options: RandomResizedCropOptions = {}): Transform {
  checkOptions('randomResizedCrop', options, ['scale', 'ratio', 'interpolation', 'antialias']);
  const [oh, ow] = sizeArg('randomResizedCrop', size);
  const scale = rangeArg('randomResizedCrop', 'scale', options.scale ?? [0.08, 1], { positive: true });
  const ratio = rangeArg('randomResizedCrop', 'ratio', options.ratio ?? [3 / 4, 4 / 3], { positive: true });
  const interpolation = interpolationArg('randomResizedCrop', options.interpolation ?? 'bilinear');
  antialiasArg('randomResizedCrop', options.antialias);
  return defineTransform(
    (x, rng) => {
      const { planes, h, w } = planesOf('randomResizedCrop', x);
      if (h === 0 || w === 0) throw new ValueError(`randomResizedCrop: expected a non-empty image, got [${x.shape.join(',')}]`);
      const box = randomResizedCropParams(h, w, scale, ratio, rng);
      const crop = cropPlanes(x, planes, h, w, box.top, box.left, box.height, box.width);
      return resizePlanes('randomResizedCrop', crop, planes, box.height, box.width, oh, ow, interpolation);
    },
    { module: import.meta.url, name: 'randomResizedCrop', args: [[oh, ow], { scale, ratio, interpolation }] },
  );
}
