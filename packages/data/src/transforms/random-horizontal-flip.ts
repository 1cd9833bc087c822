// Mirrors an image [C, H, W] (or every frame of a clip [C, D, H, W]) left-right with probability p.
import { ValueError } from '@nutshell/tensor/errors';
import { arrayClassOf } from '../ndarray.js';
import { planesOf } from './check.js';
import { type Transform, defineTransform } from './transform.js';

export function randomHorizontalFlip(p = 0.5): Transform {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`randomHorizontalFlip: p expected a probability in [0, 1], got ${p}`);
  return defineTransform(
    (x, rng) => {
      const { planes, h, w } = planesOf('randomHorizontalFlip', x);
      // Always one draw, flipped or not, so later transforms see the same stream either way.
      if (rng.float() >= p) return x;
      const src = x.data;
      const out = new (arrayClassOf(src))(src.length);
      for (let row = 0; row < planes * h; row++) {
        const base = row * w;
        for (let col = 0; col < w; col++) out[base + col] = src[base + w - 1 - col];
      }
      return { data: out, shape: x.shape };
    },
    { module: import.meta.url, name: 'randomHorizontalFlip', args: [p] },
  );
}
