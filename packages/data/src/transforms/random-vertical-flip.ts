// Mirrors an image [C, H, W] (or every frame of a clip [C, D, H, W]) top-bottom with probability p (masks of segmentation too: give the image's
// and the mask's transforms the same seed, as the README shows).
import { ValueError } from '@nutshell/tensor/errors';
import { arrayClassOf } from '../ndarray.js';
import { planesOf } from './check.js';
import { type Transform, defineTransform } from './transform.js';

export function randomVerticalFlip(p = 0.5): Transform {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`randomVerticalFlip: p expected a probability in [0, 1], got ${p}`);
  return defineTransform(
    (x, rng) => {
      const { planes, h, w } = planesOf('randomVerticalFlip', x);
      // Always one draw, flipped or not, so later transforms see the same stream either way.
      if (rng.float() >= p) return x;
      const src = x.data;
      const out = new (arrayClassOf(src))(src.length);
      for (let plane = 0; plane < planes; plane++) {
        for (let row = 0; row < h; row++) {
          const from = (plane * h + h - 1 - row) * w;
          out.set(src.subarray(from, from + w) as never, (plane * h + row) * w);
        }
      }
      return { data: out, shape: x.shape };
    },
    { module: import.meta.url, name: 'randomVerticalFlip', args: [p] },
  );
}
