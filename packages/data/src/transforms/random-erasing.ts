// torchvision's RandomErasing on float32 images [C, H, W] (a clip [C, D, H, W]: the same box in
// every frame): with probability p, a box of random area (a `scale` fraction of the image) and
// aspect ratio (log-uniform in `ratio`) is set to `value`. The draws, in torchvision's order: one
// uniform against p; then up to 10 tries of the area fraction and the log aspect ratio (h from
// area·ratio, w from area/ratio, Python-rounded; a box fits when h < H and w < W); for the first
// that fits, with value 'random', C·h·w standard normals (gaussian-noise.ts's normals(), channel,
// row, column order), then the top and the left offset. If no box fits the image is unchanged.
import { ShapeError, ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';
import { planesOf, requireFloat32 } from './check.js';
import { normals } from './gaussian-noise.js';
import { rangeArg, roundHalfEven } from './geometry.js';
import { type Transform, defineTransform } from './transform.js';

export interface RandomErasingOptions {
  /** The probability of erasing (default 0.5). */
  p?: number;
  /** The box's area as a fraction of the image's, [min, max] within [0, 1] (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** The box's height / width, [min, max], drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** A number, one per channel, or 'random' (standard normal values) (default 0). */
  value?: number | readonly number[] | 'random';
}

export function randomErasing(options: RandomErasingOptions = {}): Transform {
  checkOptions('randomErasing', options, ['p', 'scale', 'ratio', 'value']);
  const p = options.p ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`randomErasing: p expected a probability in [0, 1], got ${p}`);
  const scale = rangeArg('randomErasing', 'scale', options.scale ?? [0.02, 0.33], { within: [0, 1] });
  const ratio = rangeArg('randomErasing', 'ratio', options.ratio ?? [0.3, 3.3], { positive: true });
  const given = options.value ?? 0;
  const value = typeof given === 'number' ? [given] : given;
  if (value !== 'random' && !(Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    throw new ValueError(`randomErasing: value expected a finite number, a non-empty array of them (one per channel) or 'random', got ${JSON.stringify(given)}`);
  }
  return defineTransform(
    (x, rng) => {
      const { channels: c, h: imgH, w: imgW } = planesOf('randomErasing', x);
      const src = requireFloat32('randomErasing', x);
      if (value !== 'random' && value.length !== 1 && value.length !== c) {
        throw new ShapeError(`randomErasing: value has ${value.length} values but the image has ${c} channels (expected 1 or ${c})`);
      }
      if (rng.float() >= p) return x;
      const area = imgH * imgW;
      const logLo = Math.log(ratio[0]);
      const logHi = Math.log(ratio[1]);
      for (let t = 0; t < 10; t++) {
        const eraseArea = area * (scale[0] + (scale[1] - scale[0]) * rng.float());
        const aspect = Math.exp(logLo + (logHi - logLo) * rng.float());
        const h = roundHalfEven(Math.sqrt(eraseArea * aspect));
        const w = roundHalfEven(Math.sqrt(eraseArea / aspect));
        if (!(h < imgH && w < imgW)) continue;
        const noise = value === 'random' ? normals(c * h * w, rng) : undefined;
        const top = rng.int(imgH - h + 1);
        const left = rng.int(imgW - w + 1);
        const out = Float32Array.from(src);
        const d = x.shape.length === 4 ? x.shape[1] : 1;
        for (let k = 0; k < c; k++) {
          const fill = value === 'random' ? 0 : value.length === 1 ? value[0] : value[k];
          for (let f = 0; f < d; f++) {
            const plane = (k * d + f) * area;
            for (let r = 0; r < h; r++) {
              const row = plane + (top + r) * imgW + left;
              for (let col = 0; col < w; col++) out[row + col] = noise ? noise[(k * h + r) * w + col] : fill;
            }
          }
        }
        return { data: out, shape: x.shape };
      }
      return x;
    },
    { module: import.meta.url, name: 'randomErasing', args: [{ p, scale, ratio, value: value === 'random' ? value : [...value] }] },
  );
}
